package payment

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"

	"github.com/citejardins/extranet/shared/fault"
	"github.com/citejardins/extranet/shared/tenancy"
)

// The provider's events (pattern 20): each verified by the adapter, then
// applied once to its payment, its provisional entries and the balance.

// maxTries bounds the re-reads of a payment another event changed meanwhile.
const maxTries = 20

// Webhook verifies a provider's delivery and applies its event exactly once
// (pattern 20). A bad signature, a stale timestamp or a body that is not an
// event is a 400 problem (CodeWebhookSigned, CodeWebhookStale,
// fault.MalformedBody) and changes nothing. A repeated event is
// OutcomeDuplicate and changes nothing; an event of no payment of ours is
// recorded (OutcomeUnknown) and, for money, flagged for the landlord.
func (s *Service) Webhook(ctx context.Context, body []byte, header http.Header) (Outcome, error) {
	e, err := s.provider.ParseWebhook(body, header, s.now())
	switch {
	case errors.Is(err, ErrBadSignature):
		return "", fault.New(CodeWebhookSigned, "La signature de l’événement ne correspond pas.")
	case errors.Is(err, ErrStale):
		return "", fault.New(CodeWebhookStale, "L’horodatage de l’événement est hors de la tolérance de 300 secondes.")
	case errors.Is(err, ErrMalformed):
		return "", fault.New(fault.MalformedBody, "Le corps de la requête n’est pas un événement.")
	case err != nil:
		return "", err
	}
	if e.Type == EventIgnored || e.ID == "" {
		return OutcomeIgnored, nil
	}
	for try := 0; ; try++ {
		w, err := s.write(ctx, e)
		if err != nil {
			return "", err
		}
		if w == nil {
			return OutcomeDuplicate, nil
		}
		err = s.store.ApplyEvent(ctx, *w)
		switch {
		case err == nil:
			return w.Outcome, nil
		case errors.Is(err, ErrDuplicateEvent):
			return OutcomeDuplicate, nil
		case errors.Is(err, ErrVersion) && try < maxTries:
			s.sleep(time.Duration(5+rand.IntN(20*(try+1))) * time.Millisecond)
		default:
			return "", err
		}
	}
}

// write reads what an event changes and computes the write; nil when the
// event is already recorded.
func (s *Service) write(ctx context.Context, e Event) (*Write, error) {
	if seen, err := s.store.EventSeen(ctx, e.ID); err != nil || seen {
		return nil, err
	}
	now := s.now().UTC()
	var p Payment
	err := ErrNotFound
	if validRef(e.Reference) && validID(e.PaymentID) {
		// Read under the event's own lease: a payment id of one lease
		// named under another finds nothing there, so a lease mismatch
		// ends here, as unknown_payment (never credited, flagged for
		// money); Apply's FlagLease is never reached by this path.
		p, err = s.store.Payment(ctx, e.Reference, e.PaymentID)
	}
	if errors.Is(err, ErrNotFound) {
		return s.unknown(e, now), nil
	}
	if err != nil {
		return nil, err
	}
	return Plan(p, e, now), nil
}

// unknown records an event that names no payment of ours (a lease or id the
// provider's metadata gets wrong, a payment made outside the portal): the
// balance stays, and money taken or given back goes to the landlord to
// check.
func (s *Service) unknown(e Event, now time.Time) *Write {
	w := &Write{Event: e, Outcome: OutcomeUnknown, At: now}
	if e.Type == EventPaid || e.Type == EventRefunded {
		w.Outbox = []OutboxEvent{{ID: "payment-flagged-" + e.ID, Type: "payment_flagged", Reference: e.Reference, At: now,
			Data: flaggedData{PaymentID: e.PaymentID, Reason: FlagUnknown, EventType: string(e.Type), AmountCents: e.AmountCents,
				Currency: e.Currency, ProviderPaymentID: e.ProviderPaymentID, ProviderEventID: e.ID}}}
	}
	return w
}

// Plan is the write an event makes on payment p read at version
// p.Version: its new facts and state (Apply), the provisional entries to
// put or delete and the balance's move (none once the ERP settled it), the
// ERP events and the confirmation mail.
func Plan(p Payment, e Event, now time.Time) *Write {
	old := Apply(p, p.Facts)
	a := p
	a.Facts = p.Facts.With(e)
	st := Apply(p, a.Facts)
	a.Status, a.Flag = st.Status, st.Flag
	a.PaidCents, a.PaidAt, a.ProviderPaymentID, a.RefundedCents = a.Facts.PaidCents, a.Facts.PaidAt, a.Facts.ProviderPaymentID, a.Facts.RefundedCents
	if a.CheckoutID == "" {
		a.CheckoutID = e.CheckoutID
	}
	a.Version = p.Version + 1
	w := &Write{Event: e, Outcome: OutcomeApplied, At: now, Before: &p, After: &a}
	if st.Status == Flagged {
		w.Outcome = OutcomeFlagged
	}
	if p.SettledBy == "" {
		a.CreditedCents = st.CreditedCents
		if st.EntryCreditCents != old.EntryCreditCents {
			if a.EntryDate == "" {
				a.EntryDate = tenancy.ParisDate(a.Facts.PaidAt).String()
			}
			w.Entries = append(w.Entries, EntryChange{ID: EntryID(p.ID, false), Date: a.EntryDate, Label: LabelCredit,
				CreditCents: st.EntryCreditCents, Delete: st.EntryCreditCents == 0})
		}
		if st.EntryRefundCents != old.EntryRefundCents {
			if a.RefundEntryDate == "" {
				a.RefundEntryDate = tenancy.ParisDate(now).String()
			}
			w.Entries = append(w.Entries, EntryChange{ID: EntryID(p.ID, true), Date: a.RefundEntryDate, Label: LabelRefund,
				DebitCents: st.EntryRefundCents, Delete: st.EntryRefundCents == 0})
		}
		w.BalanceDeltaCents = -(st.CreditedCents - old.CreditedCents)
	}
	if old.EntryCreditCents == 0 && st.EntryCreditCents > 0 {
		w.Outbox = append(w.Outbox, OutboxEvent{ID: "payment-received-" + e.ID, Type: "payment_received", Reference: p.Reference, At: now,
			Data: receivedData{PaymentID: p.ID, AmountCents: a.Facts.PaidCents, Currency: a.Facts.PaidCurrency,
				PaidAt: a.Facts.PaidAt.Format(time.RFC3339), ProviderPaymentID: a.Facts.ProviderPaymentID}})
		w.Confirm = true
	}
	if st.EntryRefundCents > old.EntryRefundCents {
		w.Outbox = append(w.Outbox, OutboxEvent{ID: "payment-refunded-" + e.ID, Type: "payment_refunded", Reference: p.Reference, At: now,
			Data: refundedData{PaymentID: p.ID, AmountCents: st.EntryRefundCents - old.EntryRefundCents, RefundedCents: st.EntryRefundCents,
				Currency: a.Facts.PaidCurrency, ProviderPaymentID: a.Facts.ProviderPaymentID}})
	}
	if st.Status == Flagged && (old.Status != Flagged || old.Flag != st.Flag) {
		w.Outbox = append(w.Outbox, OutboxEvent{ID: "payment-flagged-" + e.ID, Type: "payment_flagged", Reference: p.Reference, At: now,
			Data: flaggedData{PaymentID: p.ID, Reason: st.Flag, EventType: string(e.Type), AmountCents: a.Facts.PaidCents,
				ExpectedCents: p.AmountCents, Currency: a.Facts.PaidCurrency, ProviderPaymentID: a.Facts.ProviderPaymentID, ProviderEventID: e.ID}})
	}
	return w
}

// The data of the ERP events (shared/erp/FORMAT.md).
type receivedData struct {
	PaymentID         string `json:"paymentId"`
	AmountCents       int64  `json:"amountCents"`
	Currency          string `json:"currency"`
	PaidAt            string `json:"paidAt"`
	ProviderPaymentID string `json:"providerPaymentId"`
}

type refundedData struct {
	PaymentID         string `json:"paymentId"`
	AmountCents       int64  `json:"amountCents"`   // this refund
	RefundedCents     int64  `json:"refundedCents"` // all refunds of the payment so far
	Currency          string `json:"currency"`
	ProviderPaymentID string `json:"providerPaymentId"`
}

type flaggedData struct {
	PaymentID         string `json:"paymentId"`
	Reason            string `json:"reason"`
	EventType         string `json:"eventType"`
	AmountCents       int64  `json:"amountCents"`             // what the provider says
	ExpectedCents     int64  `json:"expectedCents,omitempty"` // what the payment started for
	Currency          string `json:"currency"`
	ProviderPaymentID string `json:"providerPaymentId"`
	ProviderEventID   string `json:"providerEventId"`
}

func validID(id string) bool {
	if len(id) != 32 {
		return false
	}
	return strings.IndexFunc(id, func(r rune) bool { return !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f') }) < 0
}

func validRef(ref string) bool {
	return ref != "" && len(ref) <= 32 && strings.IndexFunc(ref, func(r rune) bool { return r < '0' || r > '9' }) < 0
}
