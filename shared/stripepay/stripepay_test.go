package stripepay_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/citejardins/extranet/infra/stripemock"
	"github.com/citejardins/extranet/shared/payment"
	"github.com/citejardins/extranet/shared/stripepay"
	"github.com/stripe/stripe-go/v85"
)

const testSecret = "whsec_extranet_test_only"

// sent is one request the adapter sent, as stripe-mock received it.
type sent struct {
	method, path string
	header       http.Header
	form         url.Values
	status       int
}

// recorder passes requests on to stripe-mock and keeps a copy of each: the
// test reads what went over the wire, stripe-mock validates it against
// Stripe's OpenAPI spec and answers.
type recorder struct {
	mu   sync.Mutex
	reqs []sent
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		var err error
		if body, err = io.ReadAll(req.Body); err != nil {
			return nil, err
		}
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	form, _ := url.ParseQuery(string(body))
	resp, err := http.DefaultTransport.RoundTrip(req)
	s := sent{method: req.Method, path: req.URL.Path, header: req.Header.Clone(), form: form}
	if resp != nil {
		s.status = resp.StatusCode
	}
	r.mu.Lock()
	r.reqs = append(r.reqs, s)
	r.mu.Unlock()
	return resp, err
}

func (r *recorder) all() []sent {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]sent(nil), r.reqs...)
}

// newProvider is the adapter on a fresh stripe-mock, with the recorder in
// its HTTP client.
func newProvider(t *testing.T, key string) (*stripepay.Provider, *recorder) {
	t.Helper()
	mock := stripemock.StartForTest(t)
	rec := &recorder{}
	p, err := stripepay.New(stripepay.Config{
		SecretKey: key, APIURL: mock.URL, WebhookSecret: testSecret,
		HTTPClient: &http.Client{Transport: rec, Timeout: 10 * time.Second},
	})
	if err != nil {
		t.Fatal(err)
	}
	return p, rec
}

func lefevreRequest() payment.CheckoutRequest {
	return payment.CheckoutRequest{
		PaymentID:   payment.IDFor("1234567", "7b0c1f0e-2d4a-4d7e-9a51-3f6c8e2b9d10"),
		Reference:   "1234567",
		AmountCents: 35000,
		Currency:    payment.Currency,
		Email:       "celine.lefevre@example.fr",
		SuccessURL:  "http://127.0.0.1:18080/compte?paiement=ok",
		CancelURL:   "http://127.0.0.1:18080/compte?paiement=annule",
		ExpiresAt:   time.Now().Add(time.Hour).Truncate(time.Second).UTC(),
	}
}

func TestCreateCheckoutAgainstStripeMock(t *testing.T) {
	p, rec := newProvider(t, "sk_test_extranet")
	req := lefevreRequest()
	c, err := p.CreateCheckout(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(c.ID, "cs_") || !strings.HasPrefix(c.URL, "https://") {
		t.Errorf("checkout %+v: want a cs_ id and an https URL", c)
	}
	// stripe-mock echoes expires_at back: the page ends when asked.
	if !c.ExpiresAt.Equal(req.ExpiresAt) {
		t.Errorf("ExpiresAt %v, want %v", c.ExpiresAt, req.ExpiresAt)
	}

	reqs := rec.all()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want 1", len(reqs))
	}
	got := reqs[0]
	if got.method != http.MethodPost || got.path != "/v1/checkout/sessions" || got.status != http.StatusOK {
		t.Fatalf("%s %s answered %d, want POST /v1/checkout/sessions answered 200", got.method, got.path, got.status)
	}
	for h, want := range map[string]string{
		"Idempotency-Key": req.PaymentID,
		"Stripe-Version":  stripe.APIVersion,
		"Authorization":   "Bearer sk_test_extranet",
	} {
		if v := got.header.Get(h); v != want {
			t.Errorf("header %s = %q, want %q", h, v, want)
		}
	}
	wantForm := map[string]string{
		"mode":                                   "payment",
		"client_reference_id":                    "1234567",
		"locale":                                 "fr",
		"customer_email":                         "celine.lefevre@example.fr",
		"success_url":                            req.SuccessURL,
		"cancel_url":                             req.CancelURL,
		"expires_at":                             strconv.FormatInt(req.ExpiresAt.Unix(), 10),
		"line_items[0][quantity]":                "1",
		"line_items[0][price_data][currency]":    "eur",
		"line_items[0][price_data][unit_amount]": "35000",
		"line_items[0][price_data][product_data][name]": "Loyer — bail 0001234567",
		"metadata[payment_id]":                          req.PaymentID,
		"metadata[reference]":                           "1234567",
		"payment_intent_data[metadata][payment_id]":     req.PaymentID,
		"payment_intent_data[metadata][reference]":      "1234567",
	}
	for k, want := range wantForm {
		if v := got.form[k]; len(v) != 1 || v[0] != want {
			t.Errorf("form %s = %q, want %q", k, v, want)
		}
	}
}

// TestCreateCheckoutOptionalFields: no email and no end date send neither
// (Stripe then asks for the email and keeps the page 24 h); a description
// names the line.
func TestCreateCheckoutOptionalFields(t *testing.T) {
	p, rec := newProvider(t, "sk_test_extranet")
	req := lefevreRequest()
	req.Email, req.ExpiresAt, req.Currency = "", time.Time{}, ""
	req.Description = "Loyer de décembre 2026 — bail 0001234567"
	if _, err := p.CreateCheckout(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	form := rec.all()[0].form
	for _, k := range []string{"customer_email", "expires_at"} {
		if form.Has(k) {
			t.Errorf("form has %s = %q, want none", k, form[k])
		}
	}
	if v := form.Get("line_items[0][price_data][product_data][name]"); v != req.Description {
		t.Errorf("line name %q, want %q", v, req.Description)
	}
	if v := form.Get("line_items[0][price_data][currency]"); v != "eur" {
		t.Errorf("currency %q, want eur when the request has none", v)
	}
}

// TestCreateCheckoutStripeRefuses: Stripe's refusal (here stripe-mock's
// 401 for a key that is no secret key) comes back as the error, a
// *stripe.Error inside.
func TestCreateCheckoutStripeRefuses(t *testing.T) {
	p, rec := newProvider(t, "not-a-key")
	_, err := p.CreateCheckout(context.Background(), lefevreRequest())
	var se *stripe.Error
	if !errors.As(err, &se) || se.HTTPStatusCode != http.StatusUnauthorized {
		t.Fatalf("error %v, want a *stripe.Error with status 401", err)
	}
	if n := len(rec.all()); n != 1 {
		t.Errorf("%d requests, want 1 (no retry of a refusal)", n)
	}
}

// TestCreateCheckoutRefusesBeforeCalling: what cannot make a valid page
// never reaches Stripe.
func TestCreateCheckoutRefusesBeforeCalling(t *testing.T) {
	cases := map[string]func(*payment.CheckoutRequest){
		"no payment id": func(r *payment.CheckoutRequest) { r.PaymentID = "" },
		"no reference":  func(r *payment.CheckoutRequest) { r.Reference = "" },
		"zero amount":   func(r *payment.CheckoutRequest) { r.AmountCents = 0 },
		"negative":      func(r *payment.CheckoutRequest) { r.AmountCents = -100 },
	}
	p, rec := newProvider(t, "sk_test_extranet")
	for name, change := range cases {
		req := lefevreRequest()
		change(&req)
		if c, err := p.CreateCheckout(context.Background(), req); err == nil {
			t.Errorf("%s: checkout %+v, want an error", name, c)
		}
	}
	noKey, err := stripepay.New(stripepay.Config{WebhookSecret: testSecret, APIURL: "http://127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := noKey.CreateCheckout(context.Background(), lefevreRequest()); err == nil {
		t.Error("no secret key: want an error")
	}
	if n := len(rec.all()); n != 0 {
		t.Errorf("%d requests reached stripe-mock, want 0", n)
	}
}

func TestNewNeedsAWebhookSecret(t *testing.T) {
	if _, err := stripepay.New(stripepay.Config{SecretKey: "sk_test_extranet"}); err == nil {
		t.Error("no webhook secret: want an error")
	}
}

func TestProductName(t *testing.T) {
	for ref, want := range map[string]string{
		"1234567":    "Loyer — bail 0001234567",
		"8889999":    "Loyer — bail 0008889999",
		"1234567890": "Loyer — bail 1234567890",
	} {
		if got := stripepay.ProductName(ref); got != want {
			t.Errorf("ProductName(%q) = %q, want %q", ref, got, want)
		}
	}
}
