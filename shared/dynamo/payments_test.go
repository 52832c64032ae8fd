package dynamo_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/citejardins/extranet/infra/localstack"
	"github.com/citejardins/extranet/shared/dynamo"
	"github.com/citejardins/extranet/shared/fault"
	"github.com/citejardins/extranet/shared/payment"
	"github.com/citejardins/extranet/shared/tenancy"
)

// testProvider reads events written as JSON, signed by a header equal to
// its secret: the signature scheme is the adapter's (shared/stripepay);
// these tests are about what the store does with verified events.
type testProvider struct{ secret string }

func (p testProvider) CreateCheckout(_ context.Context, r payment.CheckoutRequest) (payment.Checkout, error) {
	return payment.Checkout{ID: "cs_" + r.PaymentID, URL: "https://pay.example/" + r.PaymentID, ExpiresAt: r.ExpiresAt}, nil
}

func (p testProvider) ParseWebhook(body []byte, h http.Header, _ time.Time) (payment.Event, error) {
	if h.Get("X-Test-Signature") != p.secret {
		return payment.Event{}, payment.ErrBadSignature
	}
	var e payment.Event
	if err := json.Unmarshal(body, &e); err != nil {
		return payment.Event{}, payment.ErrMalformed
	}
	return e, nil
}

type paySetup struct {
	store *dynamo.Store
	db    *dynamodb.Client
	svc   *payment.Service
	now   time.Time
}

func newPaySetup(t *testing.T) *paySetup {
	t.Helper()
	db, err := localstack.StartDynamoDB(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	s := dynamo.New(db.Client, localstack.LocalTables)
	ps := &paySetup{store: s, db: db.Client, now: time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)}
	owed := func(ctx context.Context, ref string) (int64, error) {
		l, err := s.Lease(ctx, ref)
		return max(l.BalanceCents, 0) + 50000, err
	}
	ps.svc = payment.NewService(s, testProvider{"s3cret"}, s, owed, payment.Config{PublicURL: "https://portal.example", LimitMax: 1000, LimitWindow: time.Hour},
		func() time.Time { return ps.now })
	for _, ref := range []string{"1234567", "7654321"} {
		seedLease(t, s, ref)
		if _, err := s.SyncEntries(context.Background(), ref, []tenancy.Entry{{ID: "N1", Date: date("2026-11-01"), Label: "Avis d'échéance",
			Kind: tenancy.Notice, DebitCents: 35000}}, false); err != nil {
			t.Fatal(err)
		}
	}
	return ps
}

func (ps *paySetup) start(t *testing.T, ref, key string, cents int64) payment.Payment {
	t.Helper()
	p, err := ps.svc.Start(context.Background(), ref, key, &cents)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func (ps *paySetup) deliver(t *testing.T, e payment.Event) (payment.Outcome, error) {
	t.Helper()
	body, _ := json.Marshal(e)
	return ps.svc.Webhook(context.Background(), body, http.Header{"X-Test-Signature": {"s3cret"}})
}

func paid(p payment.Payment, id string) payment.Event {
	return payment.Event{ID: id, Type: payment.EventPaid, PaymentID: p.ID, Reference: p.Reference, AmountCents: p.AmountCents,
		Currency: payment.Currency, ProviderPaymentID: "pi_" + id, At: time.Date(2026, 11, 30, 10, 1, 0, 0, time.UTC)}
}

// ledger is the balance and the sum of the entries: always equal.
func ledger(t *testing.T, s *dynamo.Store, ref string) (int64, []tenancy.Entry) {
	t.Helper()
	var all []tenancy.Entry
	cur := ""
	for {
		page, err := s.Entries(context.Background(), ref, tenancy.Date{}, tenancy.Date{}, cur, 100)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, page.Entries...)
		if cur = page.Next; cur == "" {
			break
		}
	}
	var sum int64
	for _, e := range all {
		sum += e.AmountCents()
	}
	b, _ := balance(t, s, ref)
	if b != sum {
		t.Fatalf("balance %d but the entries add up to %d", b, sum)
	}
	return b, all
}

func countOutbox(t *testing.T, db *dynamodb.Client, typ string) int {
	t.Helper()
	out, err := db.Query(context.Background(), &dynamodb.QueryInput{TableName: aws.String(localstack.LocalTables.Accounts),
		KeyConditionExpression:    aws.String("PK = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: "OUTBOX"}}})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, it := range out.Items {
		if v, ok := it["type"].(*types.AttributeValueMemberS); ok && v.Value == typ {
			n++
		}
	}
	return n
}

func TestWebhookFiftyConcurrentDeliveriesOfOneEventCreditOnce(t *testing.T) {
	ps := newPaySetup(t)
	p := ps.start(t, "1234567", "tap-1", 35000)
	e := paid(p, "evt_1")
	var wg sync.WaitGroup
	outcomes := make(chan payment.Outcome, 50)
	for range 50 {
		wg.Go(func() {
			o, err := ps.deliver(t, e)
			if err != nil {
				t.Error(err)
			}
			outcomes <- o
		})
	}
	wg.Wait()
	close(outcomes)
	applied := 0
	for o := range outcomes {
		if o == payment.OutcomeApplied {
			applied++
		} else if o != payment.OutcomeDuplicate {
			t.Errorf("outcome %q", o)
		}
	}
	if applied != 1 {
		t.Errorf("%d deliveries applied, want 1", applied)
	}
	b, entries := ledger(t, ps.store, "1234567")
	if b != 0 {
		t.Errorf("balance %d, want 0 (350 € owed, 350 € paid once)", b)
	}
	if entries[0].ID != "portal-"+p.ID || entries[0].Label != payment.LabelCredit || entries[0].CreditCents != 35000 || entries[0].Kind != tenancy.PaymentReceived {
		t.Errorf("newest entry %+v, want the provisional credit", entries[0])
	}
	if n := countOutbox(t, ps.db, "payment_received"); n != 1 {
		t.Errorf("%d payment_received events, want 1", n)
	}
	got, _ := ps.store.Payment(context.Background(), "1234567", p.ID)
	if got.Status != payment.Succeeded || got.CreditedCents != 35000 || got.EntryDate != "2026-11-30" || got.Version != 3 {
		t.Errorf("payment %+v", got)
	}
	if _, last := balance(t, ps.store, "1234567"); last == nil || last.AmountCents != 35000 || last.Date != date("2026-11-30") {
		t.Errorf("last payment %+v", last)
	}
	jobs, _ := ps.store.MailJobs(context.Background(), 10)
	if len(jobs) != 1 || jobs[0].Kind != "payment_received" || jobs[0].AmountCents != 35000 || jobs[0].Reference != "1234567" {
		t.Errorf("mail jobs %+v, want one confirmation", jobs)
	}
}

func TestWebhookEventsInAnyOrderEndInTheSameLedger(t *testing.T) {
	orders := [][]int{{0, 1, 2, 3}, {3, 2, 1, 0}, {1, 3, 0, 2}, {2, 0, 3, 1}}
	var want string
	for i, order := range orders {
		ps := newPaySetup(t)
		p := ps.start(t, "1234567", "k", 35000)
		events := []payment.Event{paid(p, "evt_paid"),
			{ID: "evt_ref1", Type: payment.EventRefunded, PaymentID: p.ID, Reference: p.Reference, AmountCents: 5000, Currency: "eur"},
			{ID: "evt_ref2", Type: payment.EventRefunded, PaymentID: p.ID, Reference: p.Reference, AmountCents: 12000, Currency: "eur"},
			{ID: "evt_exp", Type: payment.EventExpired, PaymentID: p.ID, Reference: p.Reference}}
		for _, k := range order {
			if _, err := ps.deliver(t, events[k]); err != nil {
				t.Fatal(err)
			}
		}
		b, entries := ledger(t, ps.store, "1234567")
		got, _ := ps.store.Payment(context.Background(), "1234567", p.ID)
		state := fmt.Sprintf("balance %d, status %s, credited %d, refunded %d, entries %d", b, got.Status, got.CreditedCents, got.RefundedCents, len(entries))
		if b != 35000-23000 || got.Status != payment.Succeeded {
			t.Errorf("order %v: %s; want balance 12000 (350 € owed, 350 € paid, 120 € refunded)", order, state)
		}
		if i == 0 {
			want = state
		} else if state != want {
			t.Errorf("order %v: %s; first order: %s", order, state, want)
		}
		if n := countOutbox(t, ps.db, "payment_refunded"); n < 1 {
			t.Errorf("order %v: no payment_refunded event", order)
		}
	}
}

func TestWebhookBadInputsChangeNothingWrongly(t *testing.T) {
	ps := newPaySetup(t)
	p := ps.start(t, "1234567", "k", 35000)
	// A wrong signature: refused, nothing recorded.
	body, _ := json.Marshal(paid(p, "evt_1"))
	if _, err := ps.svc.Webhook(context.Background(), body, http.Header{"X-Test-Signature": {"wrong"}}); err == nil {
		t.Error("a wrong signature was accepted")
	}
	if seen, _ := ps.store.EventSeen(context.Background(), "evt_1"); seen {
		t.Error("a refused event was recorded")
	}
	// An unknown payment: recorded, flagged, balance unchanged.
	unknown := paid(payment.Payment{ID: payment.IDFor("1234567", "never"), Reference: "1234567", AmountCents: 35000}, "evt_u")
	if o, err := ps.deliver(t, unknown); err != nil || o != payment.OutcomeUnknown {
		t.Errorf("unknown payment: %q, %v", o, err)
	}
	// Another lease's reference in the metadata: no payment there.
	other := paid(p, "evt_other")
	other.Reference = "7654321"
	if o, err := ps.deliver(t, other); err != nil || o != payment.OutcomeUnknown {
		t.Errorf("payment named under another lease: %q, %v", o, err)
	}
	if n := countOutbox(t, ps.db, "payment_flagged"); n != 2 {
		t.Errorf("%d payment_flagged events, want 2", n)
	}
	// An amount that does not match: flagged, not credited.
	wrong := paid(p, "evt_amount")
	wrong.AmountCents = 3500
	if o, err := ps.deliver(t, wrong); err != nil || o != payment.OutcomeFlagged {
		t.Errorf("amount mismatch: %q, %v", o, err)
	}
	if n := countOutbox(t, ps.db, "payment_flagged"); n != 3 {
		t.Errorf("%d payment_flagged events, want 3", n)
	}
	// A duplicate of it: nothing more.
	if o, _ := ps.deliver(t, wrong); o != payment.OutcomeDuplicate {
		t.Errorf("duplicate: %q", o)
	}
	// A refund before any good payment: nothing debited.
	if _, err := ps.deliver(t, payment.Event{ID: "evt_r", Type: payment.EventRefunded, PaymentID: p.ID, Reference: p.Reference, AmountCents: 3500, Currency: "eur"}); err != nil {
		t.Fatal(err)
	}
	if b, entries := ledger(t, ps.store, "1234567"); b != 35000 || len(entries) != 1 {
		t.Errorf("balance %d with %d entries; want 35000 and the notice alone", b, len(entries))
	}
	got, _ := ps.store.Payment(context.Background(), "1234567", p.ID)
	if got.Status != payment.Flagged || got.Flag != payment.FlagAmount || got.CreditedCents != 0 {
		t.Errorf("payment %+v, want flagged amount_mismatch", got)
	}
}

func TestWebhookLeavesTheLedgerToTheERPOnceSettled(t *testing.T) {
	ps := newPaySetup(t)
	ctx := context.Background()
	p := ps.start(t, "1234567", "k", 35000)
	if _, err := ps.deliver(t, paid(p, "evt_1")); err != nil {
		t.Fatal(err)
	}
	// What the ERP import does (pattern 11): settledBy, a new version.
	if _, err := ps.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(localstack.LocalTables.Tenancy),
		Key:              map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: "LEASE#1234567"}, "SK": &types.AttributeValueMemberS{Value: "CHECKOUT#" + p.ID}},
		UpdateExpression: aws.String("SET settledBy = :e, version = version + :one"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":e": &types.AttributeValueMemberS{Value: "E99"},
			":one": &types.AttributeValueMemberN{Value: "1"}}}); err != nil {
		t.Fatal(err)
	}
	before, _ := balance(t, ps.store, "1234567")
	if _, err := ps.deliver(t, payment.Event{ID: "evt_r", Type: payment.EventRefunded, PaymentID: p.ID, Reference: p.Reference, AmountCents: 35000, Currency: "eur"}); err != nil {
		t.Fatal(err)
	}
	after, _ := balance(t, ps.store, "1234567")
	got, _ := ps.store.Payment(ctx, "1234567", p.ID)
	if after != before || got.Status != payment.Refunded || got.SettledBy != "E99" {
		t.Errorf("balance %d → %d, payment %s settled by %q; want the balance kept, refunded, E99", before, after, got.Status, got.SettledBy)
	}
}

func TestStartIsIdempotentPerKeyAndLease(t *testing.T) {
	ps := newPaySetup(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	ids := make(chan string, 40)
	for range 40 {
		wg.Go(func() {
			cents := int64(35000)
			p, err := ps.svc.Start(ctx, "1234567", "double-tap", &cents)
			if err != nil {
				t.Error(err)
				return
			}
			ids <- p.ID + " " + p.CheckoutURL
		})
	}
	wg.Wait()
	close(ids)
	seen := map[string]bool{}
	for id := range ids {
		seen[id] = true
	}
	if len(seen) != 1 {
		t.Errorf("40 taps gave %d answers: %v", len(seen), seen)
	}
	list, _ := ps.svc.Payments(ctx, "1234567")
	if len(list) != 1 {
		t.Errorf("%d payments, want 1", len(list))
	}
	// Same key, other amount: 422.
	cents := int64(1000)
	_, err := ps.svc.Start(ctx, "1234567", "double-tap", &cents)
	if codeOf(err) != payment.CodeKeyReused {
		t.Errorf("same key, other amount: %v", err)
	}
	// Same key on another lease: another payment, not visible from the first.
	q := ps.start(t, "7654321", "double-tap", 1000)
	if q.ID == payment.IDFor("1234567", "double-tap") {
		t.Error("the same key names the same payment on two leases")
	}
	if list, _ := ps.svc.Payments(ctx, "1234567"); len(list) != 1 {
		t.Errorf("lease 1234567 lists %d payments", len(list))
	}
	if _, err := ps.store.Payment(ctx, "1234567", q.ID); !errors.Is(err, payment.ErrNotFound) {
		t.Errorf("another lease's payment read: %v", err)
	}
}

func codeOf(err error) fault.Code {
	var fe *fault.Error
	if errors.As(err, &fe) {
		return fe.Code
	}
	return ""
}

func TestWebhookTwoHundredDistinctEventsDeliveredTwiceCreditEachOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	ps := newPaySetup(t)
	const n = 200
	var events []payment.Event
	for i := range n {
		p := ps.start(t, "1234567", fmt.Sprint("k", i), 100)
		events = append(events, paid(p, fmt.Sprint("evt_", i)))
	}
	rand.Shuffle(len(events), func(i, j int) { events[i], events[j] = events[j], events[i] })
	var wg sync.WaitGroup
	sem := make(chan struct{}, 40)
	for _, e := range events {
		for range 2 { // each delivered twice
			sem <- struct{}{}
			wg.Go(func() {
				defer func() { <-sem }()
				if _, err := ps.deliver(t, e); err != nil {
					t.Error(err)
				}
			})
		}
	}
	wg.Wait()
	if b, _ := ledger(t, ps.store, "1234567"); b != 35000-n*100 {
		t.Errorf("balance %d, want %d", b, 35000-n*100)
	}
	if c := countOutbox(t, ps.db, "payment_received"); c != n {
		t.Errorf("%d payment_received, want %d", c, n)
	}
}

func TestWebhookCreditsALeaseWithNoLedgerYet(t *testing.T) {
	ps := newPaySetup(t)
	seedLease(t, ps.store, "5555555") // no entry, so no balance item yet
	p := ps.start(t, "5555555", "k", 1000)
	if o, err := ps.deliver(t, paid(p, "evt_new")); err != nil || o != payment.OutcomeApplied {
		t.Fatalf("%q, %v", o, err)
	}
	if b, _ := ledger(t, ps.store, "5555555"); b != -1000 {
		t.Errorf("balance %d, want -1000 (1 000 cents in credit)", b)
	}
}

// flakyProvider fails its first CreateCheckout, as a provider that times out.
type flakyProvider struct {
	testProvider
	mu    sync.Mutex
	calls int
}

func (p *flakyProvider) CreateCheckout(ctx context.Context, r payment.CheckoutRequest) (payment.Checkout, error) {
	p.mu.Lock()
	p.calls++
	n := p.calls
	p.mu.Unlock()
	if n == 1 {
		return payment.Checkout{}, errors.New("provider timeout")
	}
	return p.testProvider.CreateCheckout(ctx, r)
}

func TestStartAfterAProviderFailureResumesTheSamePayment(t *testing.T) {
	ps := newPaySetup(t)
	ctx := context.Background()
	flaky := &flakyProvider{testProvider: testProvider{"s3cret"}}
	svc := payment.NewService(ps.store, flaky, ps.store, nil, payment.Config{PublicURL: "https://portal.example"}, func() time.Time { return ps.now })
	cents := int64(35000)
	_, err := svc.Start(ctx, "1234567", "k", &cents)
	if codeOf(err) != payment.CodeProviderFailure {
		t.Fatalf("first try: %v, want %s", err, payment.CodeProviderFailure)
	}
	p, err := svc.Start(ctx, "1234567", "k", &cents)
	if err != nil || p.ID != payment.IDFor("1234567", "k") || p.CheckoutURL != "https://pay.example/"+p.ID {
		t.Fatalf("second try: %+v, %v", p, err)
	}
	if list, _ := svc.Payments(ctx, "1234567"); len(list) != 1 || list[0].CheckoutURL == "" {
		t.Errorf("payments %+v, want the one payment with its page", list)
	}
}
