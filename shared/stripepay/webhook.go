package stripepay

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/citejardins/extranet/shared/payment"
	"github.com/stripe/stripe-go/v85"
)

// SignatureHeader is the header Stripe signs its webhook deliveries in.
const SignatureHeader = "Stripe-Signature"

// ParseWebhook verifies a webhook delivery and returns its event.
//
// The Stripe-Signature header ("t=<unix seconds>,v1=<hex>[,v1=<hex>…]") is
// checked by stripe-go (stripe.ConstructEvent): HMAC-SHA256 with the
// endpoint's secret of "<t>.<raw body>", compared in constant time
// (hmac.Equal) with each v1 signature, any one matching (Stripe sends two
// while a secret is rolled). stripe-go measures the timestamp's age against
// the wall clock (time.Since) and has no clock to inject, so it is told to
// ignore the tolerance and ParseWebhook checks the signed timestamp itself
// against now: more than payment.Tolerance (300 s) away, before or after,
// is stale. The timestamp is the one the library verified (the last t=, as
// it reads the header).
//
// A body that verifies must also be a Stripe event (object "event", an id,
// a type, a data object) in this SDK's API release train (APIVersion):
// another version is a misconfigured endpoint whose objects stripe-go may
// misread, so it is refused as malformed rather than accepted with
// IgnoreAPIVersionMismatch. Stripe then shows the endpoint failing and
// retries for three days: money is never read from a shape we do not know.
//
// Event types (see payment.EventType):
//   - checkout.session.completed: EventPaid when payment_status is "paid";
//     EventIgnored otherwise ("unpaid": an asynchronous method such as a
//     SEPA debit, whose outcome comes as async_payment_succeeded/failed);
//   - checkout.session.async_payment_succeeded: EventPaid;
//   - checkout.session.async_payment_failed, payment_intent.payment_failed:
//     EventFailed (a declined card on a page still open may be followed by
//     a paid event for the same payment: payment.Apply lets paid win);
//   - checkout.session.expired: EventExpired;
//   - charge.refunded: EventRefunded, AmountCents the total refunded so far
//     (amount_refunded);
//   - any other type: EventIgnored, with only ID, Type and At.
//
// PaymentID and Reference come from the object's metadata; CheckoutID is
// the session's id (cs_…, empty for PaymentIntent and Charge events);
// ProviderPaymentID the PaymentIntent's id (pi_…); AmountCents the
// session's amount_total, the PaymentIntent's amount, or the charge's
// amount_refunded; At the event's creation.
//
// Errors: payment.ErrBadSignature (no header, unreadable header, no
// matching signature), payment.ErrStale, payment.ErrMalformed (each
// wrapped with the reason; the reason names no personal data).
func (p *Provider) ParseWebhook(body []byte, header http.Header, now time.Time) (payment.Event, error) {
	return parseWebhook(body, header.Get(SignatureHeader), p.webhookSecret, now)
}

func parseWebhook(body []byte, sig, secret string, now time.Time) (payment.Event, error) {
	ev, err := stripe.ConstructEvent(body, sig, secret, stripe.WithIgnoreTolerance())
	if errors.Is(err, stripe.ErrWebhookNotSigned) || errors.Is(err, stripe.ErrWebhookInvalidHeader) ||
		errors.Is(err, stripe.ErrWebhookNoValidSignature) {
		return payment.Event{}, fmt.Errorf("%w: %v", payment.ErrBadSignature, err)
	}
	// From here the signature matched: what is left is the time and the
	// body.
	at, ok := signedAt(sig)
	if !ok || now.Sub(at) > payment.Tolerance || at.Sub(now) > payment.Tolerance {
		return payment.Event{}, payment.ErrStale
	}
	if err != nil {
		// Not JSON, not an event (a v2 thin event), or another API
		// version. stripe-go's message does not quote the body.
		return payment.Event{}, fmt.Errorf("%w: %v", payment.ErrMalformed, err)
	}
	if ev.ID == "" || ev.Type == "" || ev.Data == nil || len(ev.Data.Raw) == 0 {
		return payment.Event{}, fmt.Errorf("%w: event without id, type or data object", payment.ErrMalformed)
	}
	out := payment.Event{ID: ev.ID, Type: payment.EventIgnored, At: time.Unix(ev.Created, 0).UTC()}
	switch ev.Type {
	case stripe.EventTypeCheckoutSessionCompleted, stripe.EventTypeCheckoutSessionAsyncPaymentSucceeded,
		stripe.EventTypeCheckoutSessionAsyncPaymentFailed, stripe.EventTypeCheckoutSessionExpired:
		var s stripe.CheckoutSession
		if err := json.Unmarshal(ev.Data.Raw, &s); err != nil || s.ID == "" {
			return payment.Event{}, fmt.Errorf("%w: %s without a checkout session", payment.ErrMalformed, ev.Type)
		}
		out.Type = sessionEventType(ev.Type, s.PaymentStatus)
		out.CheckoutID = s.ID
		out.AmountCents, out.Currency = s.AmountTotal, string(s.Currency)
		out.PaymentID, out.Reference = s.Metadata[MetaPaymentID], s.Metadata[MetaReference]
		if s.PaymentIntent != nil {
			out.ProviderPaymentID = s.PaymentIntent.ID
		}
	case stripe.EventTypePaymentIntentPaymentFailed:
		var pi stripe.PaymentIntent
		if err := json.Unmarshal(ev.Data.Raw, &pi); err != nil || pi.ID == "" {
			return payment.Event{}, fmt.Errorf("%w: %s without a payment intent", payment.ErrMalformed, ev.Type)
		}
		out.Type = payment.EventFailed
		out.ProviderPaymentID = pi.ID
		out.AmountCents, out.Currency = pi.Amount, string(pi.Currency)
		out.PaymentID, out.Reference = pi.Metadata[MetaPaymentID], pi.Metadata[MetaReference]
	case stripe.EventTypeChargeRefunded:
		var c stripe.Charge
		if err := json.Unmarshal(ev.Data.Raw, &c); err != nil || c.ID == "" {
			return payment.Event{}, fmt.Errorf("%w: %s without a charge", payment.ErrMalformed, ev.Type)
		}
		out.Type = payment.EventRefunded
		out.AmountCents, out.Currency = c.AmountRefunded, string(c.Currency)
		out.PaymentID, out.Reference = c.Metadata[MetaPaymentID], c.Metadata[MetaReference]
		if c.PaymentIntent != nil {
			out.ProviderPaymentID = c.PaymentIntent.ID
		}
	}
	return out, nil
}

func sessionEventType(t stripe.EventType, status stripe.CheckoutSessionPaymentStatus) payment.EventType {
	switch t {
	case stripe.EventTypeCheckoutSessionCompleted:
		if status == stripe.CheckoutSessionPaymentStatusPaid {
			return payment.EventPaid
		}
		return payment.EventIgnored
	case stripe.EventTypeCheckoutSessionAsyncPaymentSucceeded:
		return payment.EventPaid
	case stripe.EventTypeCheckoutSessionAsyncPaymentFailed:
		return payment.EventFailed
	case stripe.EventTypeCheckoutSessionExpired:
		return payment.EventExpired
	}
	return payment.EventIgnored
}

// signedAt is the header's timestamp as stripe-go reads it (the last "t="
// pair; the header was already accepted, so every pair has one "=").
func signedAt(sig string) (time.Time, bool) {
	var at time.Time
	ok := false
	for _, pair := range strings.Split(sig, ",") {
		k, v, _ := strings.Cut(pair, "=")
		if k != "t" {
			continue
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return time.Time{}, false
		}
		at, ok = time.Unix(n, 0), true
	}
	return at, ok
}

// Sign is the Stripe-Signature header Stripe would send with payload,
// signed with secret at the time at: "t=<unix seconds>,v1=<hex HMAC-SHA256
// of "<t>.<payload>">" (stripe-go's GenerateTestSignedPayload). The local
// stack's sandbox checkout and the tests sign their events with it.
func Sign(payload []byte, secret string, at time.Time) string {
	if at.IsZero() {
		// stripe-go would take the wall clock for a zero time; a caller
		// that passes none gets the Unix epoch, plainly stale.
		at = time.Unix(0, 0)
	}
	return stripe.GenerateTestSignedPayload(&stripe.UnsignedPayload{Payload: payload, Secret: secret, Timestamp: at}).Header
}
