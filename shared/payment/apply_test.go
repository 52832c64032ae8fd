package payment

import (
	"fmt"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)

func started() Payment {
	return Payment{ID: IDFor("1234567", "k1"), Reference: "1234567", AmountCents: 35000, Currency: Currency}
}

func ev(id string, typ EventType, cents int64, at int) Event {
	return Event{ID: id, Type: typ, PaymentID: IDFor("1234567", "k1"), Reference: "1234567", AmountCents: cents,
		Currency: Currency, ProviderPaymentID: "pi_1", At: t0.Add(time.Duration(at) * time.Second)}
}

// permutations calls fn with every order of events.
func permutations(events []Event, fn func([]Event)) {
	var rec func(int)
	rec = func(k int) {
		if k == len(events) {
			fn(append([]Event(nil), events...))
			return
		}
		for i := k; i < len(events); i++ {
			events[k], events[i] = events[i], events[k]
			rec(k + 1)
			events[k], events[i] = events[i], events[k]
		}
	}
	rec(0)
}

func TestApplyEventsInAnyOrderEndInTheSameState(t *testing.T) {
	paid := ev("evt_paid", EventPaid, 35000, 0)
	cases := []struct {
		name   string
		events []Event
		want   State
	}{
		{"paid alone", []Event{paid}, State{Status: Succeeded, CreditedCents: 35000, EntryCreditCents: 35000}},
		{"paid twice (a redelivery)", []Event{paid, paid}, State{Status: Succeeded, CreditedCents: 35000, EntryCreditCents: 35000}},
		{"refund before paid, partial", []Event{paid, ev("evt_r1", EventRefunded, 10000, 5)},
			State{Status: Succeeded, CreditedCents: 25000, EntryCreditCents: 35000, EntryRefundCents: 10000}},
		{"two refunds (totals), full", []Event{paid, ev("evt_r1", EventRefunded, 10000, 5), ev("evt_r2", EventRefunded, 35000, 9)},
			State{Status: Refunded, EntryCreditCents: 35000, EntryRefundCents: 35000}},
		{"expired after paid", []Event{paid, ev("evt_x", EventExpired, 0, 90)}, State{Status: Succeeded, CreditedCents: 35000, EntryCreditCents: 35000}},
		{"failed after paid", []Event{paid, ev("evt_f", EventFailed, 0, 3)}, State{Status: Succeeded, CreditedCents: 35000, EntryCreditCents: 35000}},
		{"failed and expired, never paid", []Event{ev("evt_f", EventFailed, 0, 3), ev("evt_x", EventExpired, 0, 90)}, State{Status: Failed}},
		{"expired only", []Event{ev("evt_x", EventExpired, 0, 90)}, State{Status: Canceled}},
		{"refund without payment waits", []Event{ev("evt_r1", EventRefunded, 10000, 5)}, State{Status: Open}},
		{"ignored", []Event{ev("evt_i", EventIgnored, 0, 1)}, State{Status: Open}},
		{"paid, refunded, failed, expired, ignored", []Event{paid, ev("evt_r1", EventRefunded, 5000, 5), ev("evt_f", EventFailed, 0, 3),
			ev("evt_x", EventExpired, 0, 90), ev("evt_i", EventIgnored, 0, 1)},
			State{Status: Succeeded, CreditedCents: 30000, EntryCreditCents: 35000, EntryRefundCents: 5000}},
		{"two paid events that disagree", []Event{paid, ev("evt_p2", EventPaid, 30000, 4)}, State{Status: Flagged, Flag: FlagConflict}},
		{"two charges: paid events of two provider payments", []Event{paid, withPI(ev("evt_p2", EventPaid, 35000, 4), "pi_2"),
			withPI(ev("evt_p3", EventPaid, 35000, 6), ""), withPI(ev("evt_r", EventRefunded, 1000, 8), "pi_0")},
			State{Status: Flagged, Flag: FlagConflict}},
		{"one charge told twice, once without its provider payment", []Event{paid, withPI(ev("evt_p3", EventPaid, 35000, 6), ""),
			withPI(ev("evt_r", EventRefunded, 1000, 8), "pi_0")},
			State{Status: Succeeded, CreditedCents: 34000, EntryCreditCents: 35000, EntryRefundCents: 1000}},
		{"paid on two hosted pages", []Event{withCheckout(paid, "cs_1"), withCheckout(ev("evt_p2", EventPaid, 35000, 4), "cs_2")},
			State{Status: Flagged, Flag: FlagConflict}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var first *Facts
			permutations(c.events, func(order []Event) {
				f, got := ApplyEvents(started(), Facts{}, order...)
				if got != c.want {
					t.Errorf("order %v: state %+v, want %+v", ids(order), got, c.want)
				}
				// Event by event, from the facts stored after each, as the
				// webhook does: the same end.
				var step Facts
				for _, e := range order {
					step = step.With(e)
				}
				if step != f {
					t.Errorf("order %v: facts step by step %+v, at once %+v", ids(order), step, f)
				}
				if first == nil {
					first = &f
				} else if f != *first {
					t.Errorf("order %v: facts %+v, other order %+v", ids(order), f, *first)
				}
			})
		})
	}
}

func withPI(e Event, pi string) Event {
	e.ProviderPaymentID = pi
	return e
}

func withCheckout(e Event, cs string) Event {
	e.CheckoutID = cs
	return e
}

// A paid event must be of the payment's own hosted page (the checkout
// session CreateCheckout gave and Start stored), when both are known.
func TestApplyFlagsAPaymentOnAnotherHostedPage(t *testing.T) {
	own := started()
	own.CheckoutID = "cs_own"
	for _, c := range []struct {
		name     string
		started  Payment
		checkout string
		want     Status
	}{
		{"its own page", own, "cs_own", Succeeded},
		{"another page", own, "cs_other", Flagged},
		{"an event that names no page", own, "", Succeeded},
		{"a payment whose page is not stored", started(), "cs_other", Succeeded},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, got := ApplyEvents(c.started, Facts{}, withCheckout(ev("evt_p", EventPaid, 35000, 0), c.checkout))
			if got.Status != c.want || (c.want == Flagged && (got.Flag != FlagCheckout || got.CreditedCents != 0)) {
				t.Errorf("state %+v, want %s", got, c.want)
			}
		})
	}
}

func ids(es []Event) string {
	s := ""
	for _, e := range es {
		s += e.ID + " "
	}
	return s
}

func TestApplyFlagsWhatDoesNotMatchThePaymentStarted(t *testing.T) {
	for _, c := range []struct {
		name   string
		change func(*Event)
		flag   string
	}{
		{"amount", func(e *Event) { e.AmountCents = 3500 }, FlagAmount},
		{"currency", func(e *Event) { e.Currency = "usd" }, FlagCurrency},
		{"lease", func(e *Event) { e.Reference = "7654321" }, FlagLease},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := ev("evt_p", EventPaid, 35000, 0)
			c.change(&e)
			_, got := ApplyEvents(started(), Facts{}, e, ev("evt_r", EventRefunded, 1000, 2))
			if got.Status != Flagged || got.Flag != c.flag || got.CreditedCents != 0 || got.EntryCreditCents != 0 || got.EntryRefundCents != 0 {
				t.Errorf("state %+v, want flagged %s with nothing credited", got, c.flag)
			}
		})
	}
	_, got := ApplyEvents(started(), Facts{}, ev("evt_p", EventPaid, 35000, 0), ev("evt_r", EventRefunded, 36000, 2))
	if got.Status != Flagged || got.Flag != FlagOverRefund || got.CreditedCents != 0 {
		t.Errorf("refund above the payment: %+v", got)
	}
}

func TestFactsKeepTheEarliestPaidTime(t *testing.T) {
	a, b := ev("evt_a", EventPaid, 35000, 7), ev("evt_b", EventPaid, 35000, 2)
	f := Facts{}.With(a).With(b)
	if !f.PaidAt.Equal(b.At) {
		t.Errorf("paidAt %v, want %v", f.PaidAt, b.At)
	}
	if fmt.Sprint(Facts{}.With(b).With(a)) != fmt.Sprint(f) {
		t.Error("facts depend on order")
	}
}

func TestEurosWritesFrenchAmounts(t *testing.T) {
	for cents, want := range map[int64]string{35000: "350,00\u00a0€", 100: "1,00\u00a0€", 500000: "5\u202f000,00\u00a0€", -2550: "-25,50\u00a0€", 7: "0,07\u00a0€"} {
		if got := Euros(cents); got != want {
			t.Errorf("Euros(%d) = %q, want %q", cents, got, want)
		}
	}
}
