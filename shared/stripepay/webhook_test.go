package stripepay_test

import (
	"bytes"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/citejardins/extranet/shared/payment"
	"github.com/citejardins/extranet/shared/stripepay"
	"github.com/stripe/stripe-go/v85"
)

// The demo payment of the fixtures: LEFÈVRE's 350,00 €.
var (
	fixturePaymentID = payment.IDFor("1234567", "7b0c1f0e-2d4a-4d7e-9a51-3f6c8e2b9d10")
	fixtureSession   = "cs_test_a1Lf8KqZ3mN0pR7sT2vW5xY9bC4dE6gH1jK3lM5nP7qR9sT0uV2wX4yZ6"
	fixtureIntent    = "pi_3TLf8KB7WZ01zgkW0aYQ2cVe"
)

// fixture reads events/stripe/<name>.json.
func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "events", "stripe", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// verifier is the adapter for webhooks alone: no API key, no API calls.
func verifier(t testing.TB) *stripepay.Provider {
	t.Helper()
	p, err := stripepay.New(stripepay.Config{WebhookSecret: testSecret})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func signed(sig string) http.Header {
	h := http.Header{}
	if sig != "" {
		h.Set(stripepay.SignatureHeader, sig)
	}
	return h
}

// TestParseWebhookFixtures reads each Stripe event of events/stripe/,
// signed with the endpoint's secret, and checks what it says of the
// payment.
func TestParseWebhookFixtures(t *testing.T) {
	p := verifier(t)
	tests := []struct {
		file string
		want payment.Event
	}{
		{"checkout.session.completed", payment.Event{
			ID: "evt_1TLf8LB7WZ01zgkWq2nC9vXe", Type: payment.EventPaid, PaymentID: fixturePaymentID, Reference: "1234567",
			CheckoutID: fixtureSession, ProviderPaymentID: fixtureIntent, AmountCents: 35000, Currency: "eur",
			At: time.Date(2026, 11, 30, 9, 59, 49, 0, time.UTC)}},
		// An asynchronous method (SEPA debit): completed but not paid yet.
		{"checkout.session.completed.unpaid", payment.Event{
			ID: "evt_1TLf8LB7WZ01zgkWs5hD2kYm", Type: payment.EventIgnored, PaymentID: fixturePaymentID, Reference: "1234567",
			CheckoutID: fixtureSession, ProviderPaymentID: fixtureIntent, AmountCents: 35000, Currency: "eur",
			At: time.Date(2026, 11, 30, 9, 59, 49, 0, time.UTC)}},
		{"checkout.session.async_payment_succeeded", payment.Event{
			ID: "evt_1TLjA0B7WZ01zgkWb7tF3nQr", Type: payment.EventPaid, PaymentID: fixturePaymentID, Reference: "1234567",
			CheckoutID: fixtureSession, ProviderPaymentID: fixtureIntent, AmountCents: 35000, Currency: "eur",
			At: time.Date(2026, 12, 3, 6, 12, 9, 0, time.UTC)}},
		{"checkout.session.async_payment_failed", payment.Event{
			ID: "evt_1TLjA0B7WZ01zgkWc8uG4pSt", Type: payment.EventFailed, PaymentID: fixturePaymentID, Reference: "1234567",
			CheckoutID: fixtureSession, ProviderPaymentID: fixtureIntent, AmountCents: 35000, Currency: "eur",
			At: time.Date(2026, 12, 3, 6, 12, 9, 0, time.UTC)}},
		{"checkout.session.expired", payment.Event{
			ID: "evt_1TLfQ2B7WZ01zgkWd9vH5rUv", Type: payment.EventExpired, PaymentID: fixturePaymentID, Reference: "1234567",
			CheckoutID: fixtureSession, AmountCents: 35000, Currency: "eur",
			At: time.Date(2026, 11, 30, 10, 58, 13, 0, time.UTC)}},
		{"payment_intent.payment_failed", payment.Event{
			ID: "evt_3TLf8KB7WZ01zgkW0f1Ld2Kc", Type: payment.EventFailed, PaymentID: fixturePaymentID, Reference: "1234567",
			ProviderPaymentID: fixtureIntent, AmountCents: 35000, Currency: "eur",
			At: time.Date(2026, 11, 30, 9, 59, 48, 0, time.UTC)}},
		// A partial refund: 150,00 € of the 350,00 €, the total so far.
		{"charge.refunded", payment.Event{
			ID: "evt_3TLf8KB7WZ01zgkW0g2Me3Ld", Type: payment.EventRefunded, PaymentID: fixturePaymentID, Reference: "1234567",
			ProviderPaymentID: fixtureIntent, AmountCents: 15000, Currency: "eur",
			At: time.Date(2026, 12, 2, 14, 3, 41, 0, time.UTC)}},
		// Another type: acknowledged, nothing of a payment.
		{"customer.created", payment.Event{
			ID: "evt_1TLf8LB7WZ01zgkWe0wJ6sWx", Type: payment.EventIgnored,
			At: time.Date(2026, 11, 30, 9, 59, 49, 0, time.UTC)}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			body := fixture(t, tt.file)
			// Delivered 4 s after the event, checked 2 s later.
			at := tt.want.At.Add(4 * time.Second)
			got, err := p.ParseWebhook(body, signed(stripepay.Sign(body, testSecret, at)), at.Add(2*time.Second))
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

// TestFixturesCarryTheSDKsAPIVersion: the fixtures are in the API version
// stripe-go v85 expects, as Stripe sends them to an endpoint made with it.
func TestFixturesCarryTheSDKsAPIVersion(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "events", "stripe", "*.json"))
	if err != nil || len(files) < 8 {
		t.Fatalf("%d fixtures (%v), want at least 8", len(files), err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(b, []byte(`"api_version": "`+stripe.APIVersion+`"`)) {
			t.Errorf("%s: api_version is not %s", f, stripe.APIVersion)
		}
	}
}

// TestParseWebhookRefusals: each delivery that must change nothing, and
// the error the webhook answers 400 with.
func TestParseWebhookRefusals(t *testing.T) {
	p := verifier(t)
	body := fixture(t, "checkout.session.completed")
	now := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	good := stripepay.Sign(body, testSecret, now)
	altered := bytes.Replace(body, []byte(`"amount_total": 35000`), []byte(`"amount_total": 3500000`), 1)
	if bytes.Equal(altered, body) {
		t.Fatal("the fixture has no amount_total 35000 to alter")
	}
	foreign := []byte(`{"id":"evt_1","object":"event","api_version":"2019-12-03","created":1796032800,"type":"checkout.session.completed","data":{"object":{"id":"cs_1","object":"checkout.session","payment_status":"paid","amount_total":35000,"currency":"eur"}}}`)
	list := []byte(`{"object":"list","data":[],"has_more":false,"url":"/v1/events"}`)
	thin := []byte(`{"id":"evt_test_65R","object":"v2.core.event","type":"v1.billing.meter.error_report_triggered","created":"2026-11-30T10:00:00.000Z","related_object":{"id":"mtr_1","type":"billing.meter","url":"/v1/billing/meters/mtr_1"}}`)
	noData := []byte(`{"id":"evt_2","object":"event","api_version":"` + stripe.APIVersion + `","created":1796032800,"type":"checkout.session.completed"}`)
	noSession := []byte(`{"id":"evt_3","object":"event","api_version":"` + stripe.APIVersion + `","created":1796032800,"type":"checkout.session.completed","data":{"object":{"object":"checkout.session"}}}`)
	badShape := []byte(`{"id":"evt_4","object":"event","api_version":"` + stripe.APIVersion + `","created":1796032800,"type":"charge.refunded","data":{"object":{"id":"ch_1","amount_refunded":"beaucoup"}}}`)
	noID := []byte(`{"object":"event","api_version":"` + stripe.APIVersion + `","created":1796032800,"type":"customer.created","data":{"object":{"id":"cus_1"}}}`)

	tests := []struct {
		name   string
		body   []byte
		header http.Header
		want   error
	}{
		{"wrong secret", body, signed(stripepay.Sign(body, "whsec_someone_else", now)), payment.ErrBadSignature},
		{"altered body", altered, signed(good), payment.ErrBadSignature},
		{"missing header", body, signed(""), payment.ErrBadSignature},
		{"header without v1", body, signed("t=" + unix(now)), payment.ErrBadSignature},
		{"v0 signature only", body, signed(strings.Replace(good, "v1=", "v0=", 1)), payment.ErrBadSignature},
		{"unreadable header", body, signed("garbage"), payment.ErrBadSignature},
		{"signature of another time", body, signed("t=" + unix(now.Add(time.Second)) + "," + v1Of(good)), payment.ErrBadSignature},
		{"stale: signed 301 s ago", body, signed(stripepay.Sign(body, testSecret, now.Add(-301*time.Second))), payment.ErrStale},
		{"from the future: 301 s ahead", body, signed(stripepay.Sign(body, testSecret, now.Add(301*time.Second))), payment.ErrStale},
		{"stale and wrong secret", body, signed(stripepay.Sign(body, "whsec_someone_else", now.Add(-time.Hour))), payment.ErrBadSignature},
		// stripe-go reads the last t=: the fresh first one is not what was signed.
		{"fresh t before the signed stale t", body,
			signed("t=" + unix(now) + "," + stripepay.Sign(body, testSecret, now.Add(-time.Hour))), payment.ErrStale},
		{"not JSON", []byte("payé"), signed(stripepay.Sign([]byte("payé"), testSecret, now)), payment.ErrMalformed},
		{"empty body", nil, signed(stripepay.Sign(nil, testSecret, now)), payment.ErrMalformed},
		{"another API version", foreign, signed(stripepay.Sign(foreign, testSecret, now)), payment.ErrMalformed},
		{"not an event", list, signed(stripepay.Sign(list, testSecret, now)), payment.ErrMalformed},
		{"a v2 thin event", thin, signed(stripepay.Sign(thin, testSecret, now)), payment.ErrMalformed},
		{"no data object", noData, signed(stripepay.Sign(noData, testSecret, now)), payment.ErrMalformed},
		{"a session without id", noSession, signed(stripepay.Sign(noSession, testSecret, now)), payment.ErrMalformed},
		{"a charge of the wrong shape", badShape, signed(stripepay.Sign(badShape, testSecret, now)), payment.ErrMalformed},
		{"no event id", noID, signed(stripepay.Sign(noID, testSecret, now)), payment.ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := p.ParseWebhook(tt.body, tt.header, now)
			if !errors.Is(err, tt.want) {
				t.Fatalf("error %v, want %v", err, tt.want)
			}
			if ev != (payment.Event{}) {
				t.Errorf("event %+v with the error, want none", ev)
			}
			// The reason names no data of the body.
			if strings.Contains(err.Error(), "celine") || strings.Contains(err.Error(), "1234567") {
				t.Errorf("error %q quotes the body", err)
			}
		})
	}
}

// TestParseWebhookAccepts: the edges that must pass.
func TestParseWebhookAccepts(t *testing.T) {
	p := verifier(t)
	body := fixture(t, "checkout.session.completed")
	now := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	other := stripepay.Sign(body, "whsec_old_secret", now)
	tests := map[string]string{
		"signed 300 s ago":            stripepay.Sign(body, testSecret, now.Add(-300*time.Second)),
		"signed 300 s ahead":          stripepay.Sign(body, testSecret, now.Add(300*time.Second)),
		"good v1 after a bad one":     other + "," + v1Of(stripepay.Sign(body, testSecret, now)),
		"good v1 before a bad one":    stripepay.Sign(body, testSecret, now) + "," + v1Of(other),
		"unreadable v1 beside a good": stripepay.Sign(body, testSecret, now) + ",v1=zz",
		"v0 and unknown parts":        stripepay.Sign(body, testSecret, now) + ",v0=abcdef,x=1",
		"stale t before the signed t": "t=" + unix(now.Add(-time.Hour)) + "," + stripepay.Sign(body, testSecret, now),
	}
	for name, sig := range tests {
		t.Run(name, func(t *testing.T) {
			ev, err := p.ParseWebhook(body, signed(sig), now)
			if err != nil {
				t.Fatal(err)
			}
			if ev.Type != payment.EventPaid || ev.PaymentID != fixturePaymentID {
				t.Errorf("event %+v, want the paid payment %s", ev, fixturePaymentID)
			}
		})
	}
	// The header's name is case-insensitive, as HTTP says (API Gateway
	// hands it over in lower case; http.Header.Set makes it canonical).
	h := http.Header{}
	h.Set("stripe-signature", stripepay.Sign(body, testSecret, now))
	if _, err := p.ParseWebhook(body, h, now); err != nil {
		t.Errorf("header set in lower case: %v", err)
	}
}

// TestSignIsStripes checks Sign against Stripe's documented scheme, with a
// vector computed apart: printf '1796032800.{"a":1}' | openssl dgst -sha256
// -hmac whsec_x.
func TestSignIsStripes(t *testing.T) {
	sig := stripepay.Sign([]byte(`{"a":1}`), "whsec_x", time.Unix(1796032800, 0))
	want := "t=1796032800,v1=d320ef079c447a7b2757995ec38595eff314718228a0aa8f801e6f97d66e3f68"
	if sig != want {
		t.Errorf("Sign = %q, want %q", sig, want)
	}
	// A zero time is no "now": it signs at the epoch, stale.
	if sig := stripepay.Sign([]byte(`{}`), "whsec_x", time.Time{}); !strings.HasPrefix(sig, "t=0,") {
		t.Errorf("Sign at the zero time = %q, want t=0", sig)
	}
}

func unix(t time.Time) string { return strconv.FormatInt(t.Unix(), 10) }

// v1Of is the v1 part of a signature header.
func v1Of(sig string) string {
	_, v1, _ := strings.Cut(sig, ",")
	return v1
}
