package payment

import "time"

// Flags: why a payment is flagged for the landlord.
const (
	FlagAmount   = "amount_mismatch"   // the provider took another amount than the payment started
	FlagCurrency = "currency_mismatch" // … in another currency
	// FlagLease: for another lease. It cannot fire through the webhook:
	// the payment is read under the event's own reference (Service.write),
	// so an event naming another lease's payment finds none and ends
	// FlagUnknown; Apply keeps the check for any other caller.
	FlagLease    = "lease_mismatch"
	FlagCheckout = "checkout_mismatch" // paid on another hosted page (checkout session) than the payment's own
	// FlagConflict: two paid events that disagree on amount, currency,
	// lease, provider payment (two charges) or hosted page.
	FlagConflict   = "conflicting_events"
	FlagUnknown    = "unknown_payment" // an event names no payment the portal started
	FlagOverRefund = "refund_exceeds_payment"
)

// Facts are what a payment's provider events have said so far. Each event
// adds to them in a way that does not depend on order (a set union, a
// maximum, a minimum), so that any order of the same events gives the same
// facts, and a repeated event changes nothing.
type Facts struct {
	Paid              bool
	PaidCents         int64     // what the provider says it took
	PaidCurrency      string    // as the provider spells it (lower case)
	PaidReference     string    // the lease the paid event names
	PaidAt            time.Time // the earliest paid event's time
	ProviderPaymentID string
	// PaidProviderPaymentID and PaidCheckoutID are the smallest provider
	// payment (Stripe: pi_…) and hosted page (cs_…) the paid events named
	// (empty when none named one).
	PaidProviderPaymentID string
	PaidCheckoutID        string
	// Conflict: two paid events disagreed on amount, currency or lease, or
	// named two provider payments (the tenant was charged twice) or two
	// hosted pages.
	Conflict bool
	Failed   bool
	Expired  bool
	// RefundedCents is the largest refunded total seen (Stripe's
	// charge.refunded carries the total so far, so the largest is the
	// latest, in whatever order they come).
	RefundedCents int64
}

// With returns the facts once e is known too. Ignored events add nothing.
func (f Facts) With(e Event) Facts {
	switch e.Type {
	case EventPaid:
		if f.Paid && (f.PaidCents != e.AmountCents || f.PaidCurrency != e.Currency || f.PaidReference != e.Reference ||
			differ(f.PaidProviderPaymentID, e.ProviderPaymentID) || differ(f.PaidCheckoutID, e.CheckoutID)) {
			f.Conflict = true
			// Keep one of the two whatever the order: the larger amount.
			if e.AmountCents > f.PaidCents || (e.AmountCents == f.PaidCents && e.Currency+e.Reference > f.PaidCurrency+f.PaidReference) {
				f.PaidCents, f.PaidCurrency, f.PaidReference = e.AmountCents, e.Currency, e.Reference
			}
		}
		if !f.Paid {
			f.PaidCents, f.PaidCurrency, f.PaidReference = e.AmountCents, e.Currency, e.Reference
		}
		if !f.Paid || e.At.Before(f.PaidAt) {
			f.PaidAt = e.At.UTC()
		}
		// The smallest of each, so that any order keeps the same; once one
		// is known, another one is a conflict (above), in any order.
		f.PaidProviderPaymentID = smallest(f.PaidProviderPaymentID, e.ProviderPaymentID)
		f.PaidCheckoutID = smallest(f.PaidCheckoutID, e.CheckoutID)
		if f.PaidProviderPaymentID != "" {
			f.ProviderPaymentID = f.PaidProviderPaymentID
		}
		f.Paid = true
	case EventFailed:
		f.Failed = true
	case EventExpired:
		f.Expired = true
	case EventRefunded:
		f.RefundedCents = max(f.RefundedCents, e.AmountCents)
		if f.PaidProviderPaymentID == "" {
			// A refund names the provider's payment too; a paid event's
			// id, when known, is the one kept (above), whatever the order.
			f.ProviderPaymentID = smallest(f.ProviderPaymentID, e.ProviderPaymentID)
		}
	}
	return f
}

// differ says whether two ids are both known and not the same.
func differ(a, b string) bool { return a != "" && b != "" && a != b }

// smallest is the smaller of two ids, an empty one aside.
func smallest(a, b string) string {
	if a == "" || (b != "" && b < a) {
		return b
	}
	return a
}

// State is where a payment stands given its facts.
type State struct {
	Status Status
	Flag   string // empty unless Status is Flagged
	// CreditedCents is what the lease's ledger credits for this payment
	// now: paid less refunded when Succeeded (0 when fully refunded,
	// flagged, failed, open or canceled). The ledger's provisional entries
	// add up to it.
	CreditedCents int64
	// EntryCreditCents and EntryRefundCents are the provisional entries
	// that make CreditedCents: the payment's credit and, if any, the refund
	// (a debit). Both 0 when nothing is credited or refunded.
	EntryCreditCents int64
	EntryRefundCents int64
}

// Apply is the payment's state once its facts are known: the payment
// started (reference, amount, currency) against what the provider said.
// It is a pure function of both, so the same set of events, in any order,
// ends in the same state.
//
//   - Paid, but for another amount, currency or lease than the payment
//     started, on another hosted page than its own (started.CheckoutID,
//     when known), or by paid events that disagree (two charges
//     included): Flagged, nothing credited (the landlord checks it).
//   - Paid: Succeeded with paid − refunded credited; Refunded (nothing
//     credited, both entries kept) once the refunds reach what was paid. A
//     refund above the amount paid is flagged too. A failure or an
//     expiry seen beside a payment changes nothing: the money was taken.
//   - Not paid: Failed, else Canceled (expired), else Open. A refund seen
//     before its payment waits for it (nothing credited, nothing debited).
func Apply(started Payment, f Facts) State {
	if !f.Paid {
		switch {
		case f.Failed:
			return State{Status: Failed}
		case f.Expired:
			return State{Status: Canceled}
		}
		return State{Status: Open}
	}
	flag := ""
	switch {
	case f.Conflict:
		flag = FlagConflict
	case f.PaidReference != started.Reference:
		flag = FlagLease
	case differ(started.CheckoutID, f.PaidCheckoutID):
		flag = FlagCheckout
	case f.PaidCurrency != started.Currency:
		flag = FlagCurrency
	case f.PaidCents != started.AmountCents:
		flag = FlagAmount
	case f.RefundedCents > f.PaidCents:
		flag = FlagOverRefund
	}
	if flag != "" {
		return State{Status: Flagged, Flag: flag}
	}
	st := State{Status: Succeeded, EntryCreditCents: f.PaidCents, EntryRefundCents: f.RefundedCents,
		CreditedCents: f.PaidCents - f.RefundedCents}
	if st.CreditedCents == 0 {
		st.Status = Refunded
	}
	return st
}

// ApplyEvents is Apply over the facts of events, for tests and for a
// payment read back with its facts: Apply(started, facts.With(e1)…).
func ApplyEvents(started Payment, f Facts, events ...Event) (Facts, State) {
	for _, e := range events {
		f = f.With(e)
	}
	return f, Apply(started, f)
}
