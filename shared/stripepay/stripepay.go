// Package stripepay is the Stripe Checkout adapter behind payment.Provider
// (github.com/stripe/stripe-go/v85): CreateCheckout makes a hosted Checkout
// Session for one rent payment, ParseWebhook verifies and reads Stripe's
// signed events.
//
// It is one adapter among possible others. A French acquirer (Lyra /
// PayZen / Systempay) or PayFiP, for public landlords, would be a sibling
// package (shared/lyrapay, shared/payfip) with its own Config and the same
// two methods, as the package doc of shared/payment outlines: CreateCheckout
// returns their hosted page, ParseWebhook checks their proof (Lyra:
// kr-hash, HMAC-SHA256 of kr-answer; PayFiP: a read back from the web
// service) and maps their statuses to payment.EventType. The functions pick
// one adapter in portal's wiring; nothing else changes.
//
// Stripe's view of a payment, and how it maps to ours:
//   - one Checkout Session (cs_…) per payment.Payment, created with the
//     payment's id as Stripe's Idempotency-Key, so a retry gives the same
//     session;
//   - the payment's id and lease reference ride in the session's metadata
//     and in its PaymentIntent's (pi_…), so that every event about it,
//     charge.refunded and payment_intent.payment_failed included, names the
//     payment without a call back to Stripe;
//   - the webhook endpoint must be created with the API version of this
//     SDK (APIVersion); events in another release train are refused as
//     malformed (see ParseWebhook).
//
// Setting up Stripe for the portal: a webhook endpoint to
// <PublicUrl>/api/v1/payments/webhook, API version APIVersion, listening
// to checkout.session.completed, checkout.session.async_payment_succeeded,
// checkout.session.async_payment_failed, checkout.session.expired,
// payment_intent.payment_failed and charge.refunded; its signing secret is
// PAYMENT_WEBHOOK_SECRET, a restricted key allowed to write Checkout
// Sessions is STRIPE_SECRET_KEY. In tests STRIPE_API_URL points at
// stripe-mock (infra/stripemock).
package stripepay

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/citejardins/extranet/shared/payment"
	"github.com/stripe/stripe-go/v85"
)

// APIVersion is the Stripe API version this adapter speaks and expects
// webhook events in ("2026-03-25.dahlia" for stripe-go v85): the webhook
// endpoint is created with it.
const APIVersion = stripe.APIVersion

// Metadata keys set on the Checkout Session and its PaymentIntent.
const (
	MetaPaymentID = "payment_id"
	MetaReference = "reference"
)

// Config is what the adapter needs. Settings: STRIPE_SECRET_KEY,
// STRIPE_API_URL, PAYMENT_WEBHOOK_SECRET.
type Config struct {
	// SecretKey is the account's secret API key (sk_live_… / sk_test_…).
	// It may be empty where only webhooks are read (the webhook function,
	// the local stack); CreateCheckout then fails.
	SecretKey string
	// APIURL overrides Stripe's API address (stripe-mock in tests); empty
	// is https://api.stripe.com.
	APIURL string
	// WebhookSecret is the endpoint's signing secret (whsec_…); required.
	WebhookSecret string
	// HTTPClient makes the API calls; nil is a client with a 20 s timeout.
	HTTPClient *http.Client
}

// Provider is the Stripe adapter. It is safe for concurrent use.
type Provider struct {
	client        *stripe.Client
	hasKey        bool
	webhookSecret string
}

var _ payment.Provider = (*Provider)(nil)

// New makes the adapter. It fails without a webhook secret: a webhook that
// cannot be verified must not be read.
func New(cfg Config) (*Provider, error) {
	if cfg.WebhookSecret == "" {
		return nil, errors.New("stripepay: no webhook secret (PAYMENT_WEBHOOK_SECRET)")
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: 20 * time.Second}
	}
	bc := &stripe.BackendConfig{
		HTTPClient: hc,
		// The SDK's default logger prints failed requests' messages to
		// stderr; ours wraps and returns them instead, and logs no
		// payment details.
		LeveledLogger: &stripe.LeveledLogger{Level: stripe.LevelNull},
	}
	if cfg.APIURL != "" {
		bc.URL = stripe.String(strings.TrimRight(cfg.APIURL, "/"))
	}
	return &Provider{
		client:        stripe.NewClient(cfg.SecretKey, stripe.WithBackends(stripe.NewBackendsWithConfig(bc))),
		hasKey:        cfg.SecretKey != "",
		webhookSecret: cfg.WebhookSecret,
	}, nil
}

// FromSettings makes the adapter from the portal's settings (secret key,
// API endpoint override, webhook secret), as portal.PaymentProvider: the
// payment functions pass it to portal.WithPaymentProvider.
func FromSettings(secretKey, apiURL, webhookSecret string) (payment.Provider, error) {
	p, err := New(Config{SecretKey: secretKey, APIURL: apiURL, WebhookSecret: webhookSecret})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// ProductName is what the Checkout page shows for a payment of the lease
// ref (canonical digits) when the request has no description: "Loyer — bail
// 0001234567", the contract number on ten digits as the notices print it.
func ProductName(ref string) string {
	if n := len(ref); n < 10 {
		ref = strings.Repeat("0", 10-n) + ref
	}
	return "Loyer — bail " + ref
}

// CreateCheckout makes a Checkout Session in payment mode for req: one line
// of req.AmountCents in req.Currency (euro when empty) named req.Description
// (ProductName when empty), client_reference_id the lease reference,
// metadata payment_id and reference on the session and its PaymentIntent,
// the email prefilled when given, the success and cancel URLs, expires_at
// (Stripe wants 30 min to 24 h from now; zero leaves Stripe's 24 h) and the
// page in French.
//
// req.IdempotencyKey (req.PaymentID when empty) is Stripe's
// Idempotency-Key (kept 24 h by Stripe): asking again gives the same
// session. Stripe refuses a reused key whose
// parameters differ (an idempotency_error), so a retry must send the same
// request: derive ExpiresAt from the payment's creation, not from the time
// of the retry.
//
// Errors: a request without PaymentID, Reference or a positive amount, no
// secret key, or Stripe's answer (a *stripe.Error, wrapped).
func (p *Provider) CreateCheckout(ctx context.Context, req payment.CheckoutRequest) (payment.Checkout, error) {
	switch {
	case !p.hasKey:
		return payment.Checkout{}, errors.New("stripepay: no secret key (STRIPE_SECRET_KEY)")
	case req.PaymentID == "" || req.Reference == "":
		return payment.Checkout{}, errors.New("stripepay: checkout without payment id or reference")
	case req.AmountCents <= 0:
		return payment.Checkout{}, fmt.Errorf("stripepay: checkout of %d cents", req.AmountCents)
	}
	currency, name := req.Currency, req.Description
	if currency == "" {
		currency = payment.Currency
	}
	if name == "" {
		name = ProductName(req.Reference)
	}
	meta := map[string]string{MetaPaymentID: req.PaymentID, MetaReference: req.Reference}
	params := &stripe.CheckoutSessionCreateParams{
		Mode:              stripe.String(string(stripe.CheckoutSessionModePayment)),
		ClientReferenceID: stripe.String(req.Reference),
		Locale:            stripe.String("fr"),
		SuccessURL:        stripe.String(req.SuccessURL),
		Metadata:          meta,
		LineItems: []*stripe.CheckoutSessionCreateLineItemParams{{
			Quantity: stripe.Int64(1),
			PriceData: &stripe.CheckoutSessionCreateLineItemPriceDataParams{
				Currency:    stripe.String(currency),
				UnitAmount:  stripe.Int64(req.AmountCents),
				ProductData: &stripe.CheckoutSessionCreateLineItemPriceDataProductDataParams{Name: stripe.String(name)},
			},
		}},
		PaymentIntentData: &stripe.CheckoutSessionCreatePaymentIntentDataParams{
			Description: stripe.String(name),
			// A copy: the form encoder reads both maps, and the
			// PaymentIntent's metadata is copied onto its Charge, so
			// charge.refunded carries it too.
			Metadata: map[string]string{MetaPaymentID: req.PaymentID, MetaReference: req.Reference},
		},
	}
	if req.CancelURL != "" {
		params.CancelURL = stripe.String(req.CancelURL)
	}
	if req.Email != "" {
		params.CustomerEmail = stripe.String(req.Email)
	}
	if !req.ExpiresAt.IsZero() {
		params.ExpiresAt = stripe.Int64(req.ExpiresAt.Unix())
	}
	key := req.IdempotencyKey
	if key == "" {
		key = req.PaymentID
	}
	params.SetIdempotencyKey(key)
	s, err := p.client.V1CheckoutSessions.Create(ctx, params)
	if err != nil {
		return payment.Checkout{}, fmt.Errorf("stripe checkout session of payment %s: %w", req.PaymentID, err)
	}
	if s.ID == "" || s.URL == "" {
		return payment.Checkout{}, fmt.Errorf("stripe checkout session of payment %s: no id or url in the answer", req.PaymentID)
	}
	c := payment.Checkout{ID: s.ID, URL: s.URL}
	if s.ExpiresAt > 0 {
		c.ExpiresAt = time.Unix(s.ExpiresAt, 0).UTC()
	}
	return c, nil
}
