package dynamo_test

// Security review of issue 10 (review10a): each test here fails on main
// as merged (6d15603) and names what it expects.

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/citejardins/extranet/shared/dynamo"
	"github.com/citejardins/extranet/shared/payment"
)

// A double tap (here 40 parallel taps of one Idempotency-Key, as a phone
// retrying on a flaky network would send) must make one payment and answer
// it to every tap, with the product's default limit (20 an hour). Start
// takes a unit of the lease's limit before it knows whether the key's
// payment exists, so the parallel taps of one key take up to 20 units
// between them and the rest answer 429 "Vous avez commencé beaucoup de
// paiements" for a payment that was made.
func TestReview10aFortyTapsOfOneKeyAtTheDefaultLimitAnswerThePaymentNotA429(t *testing.T) {
	ps := newPaySetup(t)
	owed := func(context.Context, string) (int64, error) { return 35000, nil }
	// The store as is, its CreatePayment a little slow (a busy table): the
	// taps all read "no payment yet" before the first one puts it, as
	// parallel requests of a phone do on a slow network.
	slow := slowCreate{ps.store}
	svc := payment.NewService(slow, testProvider{"s3cret"}, ps.store, owed, payment.Config{PublicURL: "https://portal.example"},
		func() time.Time { return ps.now })
	ctx := context.Background()
	fast := payment.NewService(ps.store, testProvider{"s3cret"}, ps.store, owed, payment.Config{PublicURL: "https://portal.example"},
		func() time.Time { return ps.now })
	// The tenant started 19 payments this hour: 1 of the 20 units is left.
	for i := range 19 {
		cents := int64(1000)
		if _, err := fast.Start(ctx, "1234567", fmt.Sprintf("earlier-%d", i), &cents); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	errs, ids := 0, map[string]bool{}
	var first error
	for range 40 {
		wg.Go(func() {
			cents := int64(35000)
			p, err := svc.Start(ctx, "1234567", "double-tap", &cents)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs++
				if first == nil {
					first = err
				}
				return
			}
			ids[p.ID] = true
		})
	}
	wg.Wait()
	if errs > 0 || len(ids) != 1 {
		t.Errorf("40 taps of one key with 1 unit left: %d refused (code %q), %d payments answered; want every tap answered the one payment",
			errs, codeOf(first), len(ids))
	}
}

type slowCreate struct{ *dynamo.Store }

func (s slowCreate) CreatePayment(ctx context.Context, p payment.Payment) error {
	time.Sleep(100 * time.Millisecond)
	return s.Store.CreatePayment(ctx, p)
}

// Two paid events for one payment that name two different provider
// payments (two PaymentIntents: the tenant was charged twice) agree on
// amount, currency and lease, so Facts.With sees no conflict: the lease is
// credited once, nothing is flagged and the ERP export never hears of the
// second charge (payment_received names the smaller pi_ only). The money of
// the second charge is lost to the books; it must at least be flagged.
func TestReview10aASecondChargeForOnePaymentIsFlaggedNotSwallowed(t *testing.T) {
	ps := newPaySetup(t)
	p := ps.start(t, "1234567", "k", 35000)
	e1 := paid(p, "evt_1")
	e1.ProviderPaymentID = "pi_first"
	e2 := paid(p, "evt_2")
	e2.ProviderPaymentID = "pi_second"
	for _, e := range []payment.Event{e1, e2} {
		if _, err := ps.deliver(t, e); err != nil {
			t.Fatal(err)
		}
	}
	flagged, received := countOutbox(t, ps.db, "payment_flagged"), countOutbox(t, ps.db, "payment_received")
	got, _ := ps.store.Payment(context.Background(), "1234567", p.ID)
	if flagged == 0 && received < 2 {
		t.Errorf("two charges (pi_first, pi_second) for payment %s: status %s, %d payment_flagged, %d payment_received exported; "+
			"want the second charge flagged for the landlord (or exported), not swallowed", p.ID, got.Status, flagged, received)
	}
}

// The checkout session a paid event names must be the payment's own:
// CreateCheckout stored it (CheckoutID). Plan never compares them, so a
// paid event of another session (another lease's) whose metadata names
// this payment credits it; and since the payment is read at the event's
// own reference, Apply's lease check (FlagLease) can never fire in
// production: the "lease must match" rule has no check behind it.
func TestReview10aAPaidEventOfAnotherCheckoutSessionIsFlaggedNotCredited(t *testing.T) {
	ps := newPaySetup(t)
	p := ps.start(t, "1234567", "k", 35000)
	if p.CheckoutID == "" {
		t.Fatal("no checkout stored")
	}
	before, _ := ledger(t, ps.store, "1234567")
	e := paid(p, "evt_other_session")
	e.CheckoutID = "cs_of_another_lease_7654321"
	out, err := ps.deliver(t, e)
	if err != nil {
		t.Fatal(err)
	}
	after, _ := ledger(t, ps.store, "1234567")
	if out != payment.OutcomeFlagged || after != before {
		t.Errorf("paid event of session %s for payment %s (session %s): outcome %s, balance %d → %d; want flagged, balance kept",
			e.CheckoutID, p.ID, p.CheckoutID, out, before, after)
	}
}

// A key whose payment's page expired (checkout.session.expired: status
// canceled) is answered 201 with that canceled payment and its dead
// checkoutUrl, which the web app then opens (pay.js keeps the key while
// the amount is the same): the tenant lands on an expired page. A key
// reused once its payment is over should not hand back the dead page.
func TestReview10aAKeyReusedAfterItsPageExpiredIsNotAnsweredWithTheDeadPage(t *testing.T) {
	ps := newPaySetup(t)
	p := ps.start(t, "1234567", "k", 35000)
	if _, err := ps.deliver(t, payment.Event{ID: "evt_exp", Type: payment.EventExpired, PaymentID: p.ID, Reference: p.Reference,
		CheckoutID: p.CheckoutID, At: ps.now}); err != nil {
		t.Fatal(err)
	}
	cents := int64(35000)
	again, err := ps.svc.Start(context.Background(), "1234567", "k", &cents)
	if err == nil && again.Status != payment.Open {
		t.Errorf("same key after the page expired: 201 with status %s and checkoutUrl %q; want a fresh page or a problem saying to start again",
			again.Status, again.CheckoutURL)
	}
}
