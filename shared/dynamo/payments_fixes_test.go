package dynamo_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/citejardins/extranet/infra/localstack"
	"github.com/citejardins/extranet/shared/fault"
	"github.com/citejardins/extranet/shared/payment"
)

// Fixes of review10a: the limit unit is the claiming request's alone, a
// second charge and a payment on another page are flagged, a dead page is
// never handed back.

// A request the limit refuses undoes its claim: no payment is left under
// its key, and the key starts afresh once a unit is free.
func TestStartRefusedByTheLimitLeavesNoPayment(t *testing.T) {
	ps := newPaySetup(t)
	ctx := context.Background()
	svc := payment.NewService(ps.store, testProvider{"s3cret"}, ps.store, nil,
		payment.Config{PublicURL: "https://portal.example", LimitMax: 1, LimitWindow: time.Hour}, func() time.Time { return ps.now })
	cents := int64(35000)
	if _, err := svc.Start(ctx, "1234567", "first", &cents); err != nil {
		t.Fatal(err)
	}
	_, err := svc.Start(ctx, "1234567", "second", &cents)
	if codeOf(err) != fault.TooManyRequests {
		t.Fatalf("second payment over the limit: %v, want %s", err, fault.TooManyRequests)
	}
	if _, err := ps.store.Payment(ctx, "1234567", payment.IDFor("1234567", "second")); !errors.Is(err, payment.ErrNotFound) {
		t.Errorf("the refused key left a payment: %v", err)
	}
	if list, _ := svc.Payments(ctx, "1234567"); len(list) != 1 {
		t.Errorf("%d payments, want 1", len(list))
	}
	ps.now = ps.now.Add(time.Hour + time.Minute)
	if p, err := svc.Start(ctx, "1234567", "second", &cents); err != nil || p.CheckoutURL == "" {
		t.Errorf("the same key an hour later: %+v, %v", p, err)
	}
}

// A claim whose request ended without its page or its undo (a Lambda
// stopped mid-way) holds the key for ClaimFor at most: then the key's next
// request takes it over and makes the page.
func TestStartTakesOverAClaimGivenUp(t *testing.T) {
	ps := newPaySetup(t)
	ctx := context.Background()
	id := payment.IDFor("1234567", "k")
	if err := ps.store.CreatePayment(ctx, payment.Payment{ID: id, Reference: "1234567", AmountCents: 35000, Currency: payment.Currency,
		Status: payment.Open, CreatedAt: ps.now.Add(-payment.ClaimFor - time.Second), Version: 1}); err != nil {
		t.Fatal(err)
	}
	p := ps.start(t, "1234567", "k", 35000)
	if p.ID != id || p.CheckoutURL != "https://pay.example/"+id || !p.CreatedAt.Equal(ps.now) {
		t.Errorf("payment %+v, want the key's payment made again now, with its page", p)
	}
}

// Two paid events of one payment naming two provider payments: the tenant
// was charged twice. The payment is flagged (conflicting_events), nothing
// credited, and the ERP export has payment_flagged.
func TestWebhookFlagsASecondChargeForTheERP(t *testing.T) {
	ps := newPaySetup(t)
	p := ps.start(t, "1234567", "k", 35000)
	e1, e2 := paid(p, "evt_1"), paid(p, "evt_2")
	e1.ProviderPaymentID, e2.ProviderPaymentID = "pi_first", "pi_second"
	e1.CheckoutID, e2.CheckoutID = p.CheckoutID, p.CheckoutID
	if o, err := ps.deliver(t, e1); err != nil || o != payment.OutcomeApplied {
		t.Fatalf("first charge: %q, %v", o, err)
	}
	if o, err := ps.deliver(t, e2); err != nil || o != payment.OutcomeFlagged {
		t.Errorf("second charge: %q, %v; want flagged", o, err)
	}
	got, _ := ps.store.Payment(context.Background(), "1234567", p.ID)
	b, _ := ledger(t, ps.store, "1234567")
	if got.Status != payment.Flagged || got.Flag != payment.FlagConflict || b != 35000 || countOutbox(t, ps.db, "payment_flagged") != 1 {
		t.Errorf("payment %s/%s, balance %d, %d payment_flagged; want flagged conflicting_events, 35000, 1",
			got.Status, got.Flag, b, countOutbox(t, ps.db, "payment_flagged"))
	}
}

// The lease check on the real path: the payment is read under the event's
// own reference, so a paid event naming this payment under another lease
// finds no payment there and ends unknown_payment: neither lease moves,
// the landlord gets payment_flagged, and the payment stays open.
func TestWebhookAPaymentNamedUnderAnotherLeaseIsUnknownNotCredited(t *testing.T) {
	ps := newPaySetup(t)
	ctx := context.Background()
	p := ps.start(t, "1234567", "k", 35000)
	e := paid(p, "evt_lease")
	e.CheckoutID, e.Reference = p.CheckoutID, "7654321"
	if o, err := ps.deliver(t, e); err != nil || o != payment.OutcomeUnknown {
		t.Fatalf("%q, %v; want unknown_payment", o, err)
	}
	a, _ := ledger(t, ps.store, "1234567")
	b, _ := ledger(t, ps.store, "7654321")
	got, _ := ps.store.Payment(ctx, "1234567", p.ID)
	ev, err := ps.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(localstack.LocalTables.Tenancy),
		Key: map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: "PAYEVENT#evt_lease"}, "SK": &types.AttributeValueMemberS{Value: "PAYEVENT"}}})
	if err != nil {
		t.Fatal(err)
	}
	outcome, _ := ev.Item["outcome"].(*types.AttributeValueMemberS)
	if a != 35000 || b != 35000 || got.Status != payment.Open || outcome == nil || outcome.Value != string(payment.OutcomeUnknown) ||
		countOutbox(t, ps.db, "payment_flagged") != 1 {
		t.Errorf("balances %d, %d; payment %s; event %v; %d payment_flagged", a, b, got.Status, ev.Item["outcome"], countOutbox(t, ps.db, "payment_flagged"))
	}
}

// A key whose page is over, by the provider's expiry event or by its
// time, is answered payment_expired (409), one whose payment failed
// payment_failed (409): never the dead page.
func TestStartAnswersPaymentExpiredForADeadPage(t *testing.T) {
	ps := newPaySetup(t)
	ctx := context.Background()
	cents := int64(35000)
	p := ps.start(t, "1234567", "left", cents)
	if _, err := ps.deliver(t, payment.Event{ID: "evt_x", Type: payment.EventExpired, PaymentID: p.ID, Reference: p.Reference,
		CheckoutID: p.CheckoutID, At: ps.now}); err != nil {
		t.Fatal(err)
	}
	if _, err := ps.svc.Start(ctx, "1234567", "left", &cents); codeOf(err) != payment.CodePaymentExpired {
		t.Errorf("key of an expired page: %v, want %s", err, payment.CodePaymentExpired)
	}
	q := ps.start(t, "1234567", "late", cents)
	ps.now = q.CheckoutExpiresAt
	if _, err := ps.svc.Start(ctx, "1234567", "late", &cents); codeOf(err) != payment.CodePaymentExpired {
		t.Errorf("key of a page past its end, no event yet: %v, want %s", err, payment.CodePaymentExpired)
	}
	f := ps.start(t, "1234567", "refused", cents)
	if _, err := ps.deliver(t, payment.Event{ID: "evt_f", Type: payment.EventFailed, PaymentID: f.ID, Reference: f.Reference,
		CheckoutID: f.CheckoutID, At: ps.now}); err != nil {
		t.Fatal(err)
	}
	if _, err := ps.svc.Start(ctx, "1234567", "refused", &cents); codeOf(err) != payment.CodePaymentFailed {
		t.Errorf("key of a failed payment: %v, want %s", err, payment.CodePaymentFailed)
	}
	ps.now = q.CheckoutExpiresAt.Add(-time.Second)
	if again, err := ps.svc.Start(ctx, "1234567", "late", &cents); err != nil || again.CheckoutURL != q.CheckoutURL {
		t.Errorf("key of a page still open: %+v, %v; want the same page", again, err)
	}
}
