// Package payment holds online rent payments: a payment the tenant starts
// from the portal, the hosted payment page of a provider that takes it, and
// the provider's signed events (webhooks) that say what became of it. It is
// a domain package on the standard library: each provider is an adapter
// behind Provider (shared/stripepay for Stripe Checkout).
//
// Another provider is one more adapter, nothing else changes:
//   - Lyra / PayZen / Systempay (French acquirers): CreateCheckout calls
//     their "Charge/CreatePayment" REST API (Basic auth) and returns the
//     formToken's hosted page; ParseWebhook reads the IPN's form fields
//     kr-answer (JSON), kr-hash (HMAC-SHA256 of kr-answer with the shop's
//     password, hex, compared in constant time) and kr-hash-algorithm, and
//     maps orderStatus PAID / UNPAID / ABANDONED and the transaction's
//     metadata (our payment id and lease reference) to an Event.
//   - PayFiP (DGFiP, for public landlords, OPH): CreateCheckout asks the
//     PayFiP web service for an idOp and returns the PayFiP page's URL;
//     PayFiP calls back without a signature, so ParseWebhook takes the
//     idOp and the adapter reads the result back from the web service
//     (the read is the proof), giving the same Event.
//
// Amounts are integer cents of euro; dates are instants (UTC) unless said.
package payment

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"time"
)

// Currency is the only currency the portal takes: euro, as ISO 4217 in
// lower case (Stripe's spelling).
const Currency = "eur"

// MinCents is the smallest amount a tenant may pay online (1 €). The cap is
// a setting (PAYMENT_MAX_CENTS).
const MinCents = 100

// Status is where a payment stands.
type Status string

// Payment statuses.
const (
	// Open: the hosted payment page was made (or is being made: a claim
	// of its Idempotency-Key, Service.Start); nothing is paid yet.
	Open Status = "open"
	// Succeeded: the provider took the money; the lease's balance has the
	// credit (a provisional entry until the ERP's line replaces it).
	Succeeded Status = "succeeded"
	// Failed: the provider refused the payment (card declined, failed
	// SEPA debit of an asynchronous method); nothing is credited.
	Failed Status = "failed"
	// Canceled: the tenant left the page or it expired; nothing paid.
	Canceled Status = "canceled"
	// Refunded: the landlord refunded all of it (partly: Succeeded with
	// RefundedCents > 0); the refund is a debit on the ledger.
	Refunded Status = "refunded"
	// Flagged: what the provider says does not match the payment started
	// (amount, currency, lease or hosted page, or a second charge):
	// nothing is credited, the landlord checks it (event payment_flagged
	// in the ERP export).
	Flagged Status = "flagged"
)

// Payment is an online payment a tenant started.
type Payment struct {
	ID          string // IDFor(reference, idempotency key): 32 hex digits
	Reference   string // canonical lease reference
	AmountCents int64
	Currency    string
	Status      Status
	CreatedAt   time.Time
	// The provider's ids: its hosted page (Stripe: cs_…) and the payment
	// it made (Stripe: pi_…), empty until known.
	CheckoutID        string
	CheckoutURL       string
	CheckoutExpiresAt time.Time
	ProviderPaymentID string
	PaidCents         int64     // what the provider says it took
	PaidAt            time.Time // when, zero until paid
	RefundedCents     int64     // total refunded so far
	Flag              string    // why it is flagged: a Flag… constant of apply.go (amount_mismatch, checkout_mismatch, conflicting_events…)
	// Facts are what the provider's events said (PaidCents, PaidAt,
	// ProviderPaymentID and RefundedCents above repeat them), Status, Flag
	// and CreditedCents what Apply makes of them.
	Facts         Facts
	CreditedCents int64
	// EntryDate and RefundEntryDate (AAAA-MM-JJ, Paris) date its
	// provisional ledger entries, once written; SettledBy is the ERP entry
	// that replaced them (empty until then). Version counts the item's
	// writes: each write is conditioned on the one read.
	EntryDate       string
	RefundEntryDate string
	SettledBy       string
	Version         int64
}

// IDFor is the id of the payment a lease starts with a client's
// Idempotency-Key (draft-ietf-httpapi-idempotency-key-header): the first 16
// bytes of SHA-256("payment", reference, key), in hex. The same key on the
// same lease names the same payment, so a double tap makes one; the same
// key on another lease names another payment.
func IDFor(reference, idempotencyKey string) string {
	h := sha256.New()
	for _, s := range []string{"payment", reference, idempotencyKey} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// CheckoutRequest asks a provider for a hosted payment page.
type CheckoutRequest struct {
	PaymentID string // ours, in the page's metadata
	// IdempotencyKey is the provider's idempotency key (Stripe keeps it
	// 24 h and refuses it with other parameters): the same for every try
	// of one claim of the payment, so a retry whose first answer was lost
	// gets the same page; a new claim (after a failure gave the payment
	// up) sends a new one. Empty: PaymentID.
	IdempotencyKey string
	Reference      string
	AmountCents    int64
	Currency       string
	// Description is shown to the tenant on the provider's page (French).
	Description string
	Email       string // prefills the page's email; may be empty
	SuccessURL  string // where the provider sends the tenant back
	CancelURL   string
	ExpiresAt   time.Time // the page's end (Stripe: 30 min to 24 h)
}

// Checkout is a hosted payment page.
type Checkout struct {
	ID        string // Stripe: cs_…
	URL       string
	ExpiresAt time.Time
}

// EventType is what a provider's event says of a payment, whatever the
// provider calls it.
type EventType string

// Event types.
const (
	EventPaid     EventType = "paid"     // Stripe: checkout.session.completed with payment_status paid, checkout.session.async_payment_succeeded
	EventFailed   EventType = "failed"   // Stripe: checkout.session.async_payment_failed, payment_intent.payment_failed
	EventExpired  EventType = "expired"  // Stripe: checkout.session.expired
	EventRefunded EventType = "refunded" // Stripe: charge.refunded (AmountCents: the total refunded so far)
	EventIgnored  EventType = "ignored"  // any other type: acknowledged, nothing changes
)

// Event is a provider's event about a payment, verified.
type Event struct {
	ID   string // the provider's event id (Stripe: evt_…): recorded once
	Type EventType
	// PaymentID and Reference are ours, carried by the provider in the
	// payment's metadata (Stripe: metadata payment_id and reference on the
	// Checkout Session and its PaymentIntent). Empty when absent.
	PaymentID         string
	Reference         string
	CheckoutID        string
	ProviderPaymentID string
	AmountCents       int64 // paid (EventPaid) or refunded in total (EventRefunded)
	Currency          string
	At                time.Time // when the provider made the event
}

// Webhook errors: each is a 400 and changes nothing.
var (
	ErrBadSignature = errors.New("payment: webhook signature does not match")
	ErrStale        = errors.New("payment: webhook timestamp outside the tolerance")
	ErrMalformed    = errors.New("payment: webhook body is not an event")
)

// Tolerance is how far a webhook's signed timestamp may be from now
// (Stripe's default, 300 s).
const Tolerance = 5 * time.Minute

// Provider is a payment provider's adapter.
type Provider interface {
	// CreateCheckout makes a hosted payment page. It is idempotent on
	// req.PaymentID: asking again for the same payment gives the same page
	// (Stripe: the Idempotency-Key header, kept 24 h).
	CreateCheckout(ctx context.Context, req CheckoutRequest) (Checkout, error)
	// ParseWebhook verifies a delivery over its raw body and headers at
	// now, and returns its event: ErrBadSignature, ErrStale or ErrMalformed
	// otherwise.
	ParseWebhook(body []byte, header http.Header, now time.Time) (Event, error)
}
