package dynamo_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	smithymw "github.com/aws/smithy-go/middleware"

	"github.com/citejardins/extranet/infra/localstack"
	"github.com/citejardins/extranet/shared/dynamo"
	"github.com/citejardins/extranet/shared/payment"
	"github.com/citejardins/extranet/shared/tenancy"
)

// owing seeds LEFÈVRE's lease with a history that leaves 350 € owed.
func owing350(t *testing.T, s *dynamo.Store, ref string) {
	t.Helper()
	seedLease(t, s, ref)
	es := []tenancy.Entry{
		{ID: "N11", Date: date("2026-11-01"), Label: "Avis d'échéance novembre 2026", Kind: tenancy.Notice, DebitCents: 50000},
		{ID: "V11", Date: date("2026-11-10"), Label: "Virement reçu (partiel)", Kind: tenancy.PaymentReceived, CreditCents: 15000},
	}
	if _, err := s.SyncEntries(context.Background(), ref, es, false); err != nil {
		t.Fatal(err)
	}
}

func onlineLine(id, day, paymentID string, credit int64) tenancy.Entry {
	return tenancy.Entry{ID: id, Date: date(day), Label: "Paiement en ligne", Kind: tenancy.PaymentReceived, CreditCents: credit, PaymentID: paymentID}
}

func TestSyncEntriesReplacesTheProvisionalCreditOfAPayment(t *testing.T) {
	ctx := context.Background()
	s, portal := newSettleStore(t)
	owing350(t, s, "1234567")
	id := portal.start(t, "1234567", "tap-1", 35000)
	if err := portal.paid(ctx, "1234567", id, "2026-11-30"); err != nil {
		t.Fatal(err)
	}
	if b, _ := balance(t, s, "1234567"); b != 0 {
		t.Fatalf("balance after the online payment %d; want 0", b)
	}

	line := onlineLine("W1", "2026-12-01", id, 35000)
	st, err := s.SyncEntries(ctx, "1234567", []tenancy.Entry{line}, false)
	if err != nil || st.Written != 1 || st.Deleted != 0 {
		t.Fatalf("import: %+v, %v; want 1 written", st, err)
	}
	l := portal.mustLedger(t, "1234567")
	if prov, erp := l.credits(id); len(prov) != 0 || len(erp) != 1 || erp[0] != "W1" {
		t.Errorf("credits of the payment: provisional %v, ERP %v; want only W1", prov, erp)
	}
	b, last := balance(t, s, "1234567")
	if b != 0 || last == nil || last.Date != date("2026-12-01") || last.AmountCents != 35000 {
		t.Errorf("balance %d, last payment %+v; want 0 and the ERP's line of 2026-12-01", b, last)
	}
	page, err := s.Entries(ctx, "1234567", tenancy.Date{}, tenancy.Date{}, "", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Entries) != 3 || page.Entries[0].ID != "W1" || page.Entries[0].PaymentID != id || page.Entries[0].BalanceAfterCents != 0 {
		t.Errorf("statement %+v; want W1 (with its payment) on top of the two ERP entries", page.Entries)
	}
	if lease, _ := s.Lease(ctx, "1234567"); lease.LastEntry != date("2026-12-01") {
		t.Errorf("statement ends %s; want 2026-12-01", lease.LastEntry)
	}
	c := portal.payment(t, "1234567", id)
	if c.SettledBy != "W1" || c.CreditedCents != 0 || c.Version != 3 {
		t.Errorf("payment %+v; want settled by W1, nothing credited, version 3", c)
	}

	// The same import again: nothing written, the payment untouched.
	st, err = s.SyncEntries(ctx, "1234567", []tenancy.Entry{line}, false)
	if err != nil || st.Written != 0 || st.Unchanged != 1 {
		t.Fatalf("import again: %+v, %v; want 1 unchanged", st, err)
	}
	if c2 := portal.payment(t, "1234567", id); c2 != c {
		t.Errorf("payment after the second import %+v; want %+v", c2, c)
	}
	// A late delivery of the paid event credits nothing any more.
	if err := portal.paid(ctx, "1234567", id, "2026-12-02"); err != nil {
		t.Fatal(err)
	}
	if b, _ := balance(t, s, "1234567"); b != 0 {
		t.Errorf("balance after a late delivery %d; want 0", b)
	}
}

func TestSyncEntriesReplacesTheEntriesOfARefundedPayment(t *testing.T) {
	ctx := context.Background()
	s, portal := newSettleStore(t)
	owing350(t, s, "1234567")
	id := portal.start(t, "1234567", "tap-1", 35000)
	if err := portal.paid(ctx, "1234567", id, "2026-11-30"); err != nil {
		t.Fatal(err)
	}
	if err := portal.refunded(ctx, "1234567", id, "2026-12-01", 10000); err != nil {
		t.Fatal(err)
	}
	if l := portal.mustLedger(t, "1234567"); l.balance != 10000 || len(l.entries) != 4 {
		t.Fatalf("before the import: balance %d, %d entries; want 10000 and 4 (2 provisional)", l.balance, len(l.entries))
	}
	lines := []tenancy.Entry{onlineLine("W1", "2026-12-01", id, 35000),
		{ID: "W2", Date: date("2026-12-02"), Label: "Remboursement paiement en ligne", Kind: tenancy.OtherEntry, DebitCents: 10000, PaymentID: id}}
	if st, err := s.SyncEntries(ctx, "1234567", lines, false); err != nil || st.Written != 2 {
		t.Fatalf("import: %+v, %v; want 2 written", st, err)
	}
	l := portal.mustLedger(t, "1234567")
	if l.balance != 10000 || len(l.entries) != 4 {
		t.Errorf("after the import: balance %d, %d entries; want 10000 and 4", l.balance, len(l.entries))
	}
	for _, e := range l.entries {
		if e.Provisional {
			t.Errorf("provisional entry %s left", e.ID)
		}
	}
	if c := portal.payment(t, "1234567", id); c.SettledBy != "W1" || c.CreditedCents != 0 {
		t.Errorf("payment %+v; want settled by W1, nothing credited", c)
	}
}

func TestSyncEntriesSnapshotKeepsUnsettledProvisionalEntries(t *testing.T) {
	ctx := context.Background()
	s, portal := newSettleStore(t)
	owing350(t, s, "1234567")
	open := portal.start(t, "1234567", "tap-1", 35000)
	if err := portal.paid(ctx, "1234567", open, "2026-11-30"); err != nil {
		t.Fatal(err)
	}
	// A payment settled that still has a provisional entry (and credits it):
	// made by hand, as a former release could have left it.
	settled := portal.start(t, "1234567", "tap-2", 5000)
	if err := portal.paid(ctx, "1234567", settled, "2026-11-29"); err != nil {
		t.Fatal(err)
	}
	if _, err := portal.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: &portal.table, Key: stlKey("1234567", "CHECKOUT#"+settled),
		UpdateExpression: aws.String("SET settledBy = :w"), ExpressionAttributeValues: map[string]types.AttributeValue{":w": stlS("W0")}}); err != nil {
		t.Fatal(err)
	}

	// The ERP's snapshot without either payment's line, and without V11.
	snap := []tenancy.Entry{{ID: "N11", Date: date("2026-11-01"), Label: "Avis d'échéance novembre 2026", Kind: tenancy.Notice, DebitCents: 50000}}
	st, err := s.SyncEntries(ctx, "1234567", snap, true)
	if err != nil || st.Deleted != 1 || st.Unchanged != 1 {
		t.Fatalf("snapshot: %+v, %v; want V11 deleted, N11 unchanged", st, err)
	}
	l := portal.mustLedger(t, "1234567")
	if prov, _ := l.credits(open); len(prov) != 1 {
		t.Errorf("the unsettled payment's provisional credit: %v; want kept", prov)
	}
	if prov, erp := l.credits(settled); len(prov)+len(erp) != 0 {
		t.Errorf("the settled payment's credits: %v %v; want none", prov, erp)
	}
	if l.balance != 50000-35000 {
		t.Errorf("balance %d; want 15000 (the notice less the unsettled online payment)", l.balance)
	}
	if c := portal.payment(t, "1234567", settled); c.CreditedCents != 0 || c.SettledBy != "W0" {
		t.Errorf("settled payment %+v; want nothing credited", c)
	}
	if c := portal.payment(t, "1234567", open); c.CreditedCents != 35000 || c.SettledBy != "" {
		t.Errorf("unsettled payment %+v; want untouched", c)
	}
	if _, last := balance(t, s, "1234567"); last == nil || last.Date != date("2026-11-30") || last.AmountCents != 35000 {
		t.Errorf("last payment %+v; want the provisional one of 2026-11-30", last)
	}
	// Again: nothing more.
	if st, err := s.SyncEntries(ctx, "1234567", snap, true); err != nil || st.Written+st.Deleted != 0 {
		t.Errorf("snapshot again: %+v, %v; want nothing written", st, err)
	}
}

func TestSyncEntriesUnknownPaymentIsAnOrdinaryLine(t *testing.T) {
	ctx := context.Background()
	s, portal := newSettleStore(t)
	owing350(t, s, "1234567")
	id := portal.start(t, "1234567", "tap-1", 35000)
	if err := portal.paid(ctx, "1234567", id, "2026-11-30"); err != nil {
		t.Fatal(err)
	}
	// Another lease's payment, and an id the portal never made.
	other := payment.IDFor("7654321", "tap-1")
	unknown := strings.Repeat("ab", 16)
	lines := []tenancy.Entry{onlineLine("W1", "2026-12-01", unknown, 1000), onlineLine("W2", "2026-12-01", other, 2000)}
	if st, err := s.SyncEntries(ctx, "1234567", lines, false); err != nil || st.Written != 2 {
		t.Fatalf("import: %+v, %v; want 2 written", st, err)
	}
	l := portal.mustLedger(t, "1234567")
	if l.balance != -3000 {
		t.Errorf("balance %d; want -3000 (both lines count, the provisional credit stays)", l.balance)
	}
	if prov, _ := l.credits(id); len(prov) != 1 {
		t.Errorf("provisional credit of the lease's payment: %v; want kept", prov)
	}
	if _, err := portal.read(ctx, "1234567", unknown); err == nil {
		t.Error("the import made a payment item")
	}
	if c := portal.payment(t, "1234567", id); c.SettledBy != "" || c.Version != 2 {
		t.Errorf("payment %+v; want untouched", c)
	}
}

// TestSyncEntriesCountsAPaymentOnceUnderConcurrency races the webhook's
// deliveries of two payments with imports of their ERP lines (48
// operations at once) and checks, on consistent reads taken all along,
// that the balance is the entries' sum and that no payment is ever counted
// twice, nor missing once it was counted.
func TestSyncEntriesCountsAPaymentOnceUnderConcurrency(t *testing.T) {
	ctx := context.Background()
	s, portal := newSettleStore(t)
	owing350(t, s, "1234567")
	x := portal.start(t, "1234567", "tap-x", 35000)
	y := portal.start(t, "1234567", "tap-y", 15000)
	lineX, lineY := onlineLine("WX", "2026-12-01", x, 35000), onlineLine("WY", "2026-12-02", y, 15000)

	var ops []func() error
	for i := 0; i < 12; i++ {
		ops = append(ops,
			func() error { return portal.paid(ctx, "1234567", x, "2026-11-30") },
			func() error { return portal.paid(ctx, "1234567", y, "2026-11-30") },
			func() error { _, err := s.SyncEntries(ctx, "1234567", []tenancy.Entry{lineX}, false); return err },
			func() error {
				_, err := s.SyncEntries(ctx, "1234567", []tenancy.Entry{lineX, lineY}, false)
				return err
			})
	}
	rand.Shuffle(len(ops), func(i, j int) { ops[i], ops[j] = ops[j], ops[i] })

	stop := make(chan struct{})
	sampled := make(chan error, 1)
	go func() { // a reader checking every state it sees
		counted := map[string]bool{}
		var err error
		for n := 0; err == nil; n++ {
			select {
			case <-stop:
				if n < 3 {
					err = fmt.Errorf("only %d samples during the race", n)
				}
				sampled <- err
				return
			default:
			}
			var l ledgerState
			if l, err = portal.ledgerState(ctx, "1234567"); err != nil {
				break
			}
			if l.balance != l.sum {
				err = fmt.Errorf("balance %d, entries' sum %d", l.balance, l.sum)
			}
			for _, id := range []string{x, y} {
				prov, erp := l.credits(id)
				switch n := len(prov) + len(erp); {
				case n > 1:
					err = fmt.Errorf("payment counted %d times: %v %v", n, prov, erp)
				case n == 0 && counted[id]:
					err = fmt.Errorf("payment %s missing after it was counted", id)
				case n == 1:
					counted[id] = true
				}
			}
		}
		<-stop
		sampled <- err
	}()

	var wg sync.WaitGroup
	errs := make(chan error, len(ops))
	gate := make(chan struct{})
	for _, op := range ops {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-gate
			if err := op(); err != nil {
				errs <- err
			}
		}()
	}
	close(gate)
	wg.Wait()
	close(stop)
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if err := <-sampled; err != nil {
		t.Error("during the race:", err)
	}

	l := portal.mustLedger(t, "1234567")
	for _, id := range []string{x, y} {
		prov, erp := l.credits(id)
		if len(prov) != 0 || len(erp) != 1 {
			t.Errorf("payment %s at the end: provisional %v, ERP %v; want one ERP line", id, prov, erp)
		}
		if c := portal.payment(t, "1234567", id); c.SettledBy == "" || c.CreditedCents != 0 || c.Status != string(payment.Succeeded) {
			t.Errorf("payment %+v; want succeeded, settled, nothing credited", c)
		}
	}
	if l.balance != 35000-35000-15000 {
		t.Errorf("balance %d; want -15000", l.balance)
	}
}

// TestSyncEntriesReadsAgainWhenTheWebhookCreditsMeanwhile puts the
// webhook's credit between the import's read of the payment and its
// transaction: the transaction's version condition fails, the import reads
// again and deletes the credit it had not seen.
func TestSyncEntriesReadsAgainWhenTheWebhookCreditsMeanwhile(t *testing.T) {
	ctx := context.Background()
	_, portal := newSettleStore(t)
	var once sync.Once
	var hookErr error
	before := smithymw.InitializeMiddlewareFunc("webhookMeanwhile", func(ctx context.Context, in smithymw.InitializeInput,
		next smithymw.InitializeHandler) (smithymw.InitializeOutput, smithymw.Metadata, error) {
		if smithymw.GetOperationName(ctx) == "TransactWriteItems" {
			if _, ok := in.Parameters.(*dynamodb.TransactWriteItemsInput); ok && settlesAPayment(in.Parameters.(*dynamodb.TransactWriteItemsInput)) {
				once.Do(func() { hookErr = portal.paid(ctx, "1234567", payment.IDFor("1234567", "tap-1"), "2026-11-30") })
			}
		}
		return next.HandleInitialize(ctx, in)
	})
	hooked := dynamodb.New(portal.db.Options(), func(o *dynamodb.Options) {
		o.APIOptions = append(o.APIOptions, func(st *smithymw.Stack) error { return st.Initialize.Add(before, smithymw.After) })
	})
	s := dynamo.New(hooked, localstack.LocalTables)
	owing350(t, s, "1234567")
	id := portal.start(t, "1234567", "tap-1", 35000)

	if _, err := s.SyncEntries(ctx, "1234567", []tenancy.Entry{onlineLine("W1", "2026-12-01", id, 35000)}, false); err != nil {
		t.Fatal(err)
	}
	if hookErr != nil {
		t.Fatal(hookErr)
	}
	l := portal.mustLedger(t, "1234567")
	if prov, erp := l.credits(id); len(prov) != 0 || len(erp) != 1 {
		t.Errorf("credits: provisional %v, ERP %v; want the ERP's line only", prov, erp)
	}
	if l.balance != 0 {
		t.Errorf("balance %d; want 0", l.balance)
	}
	if c := portal.payment(t, "1234567", id); c.SettledBy != "W1" || c.CreditedCents != 0 || c.Status != string(payment.Succeeded) {
		t.Errorf("payment %+v; want succeeded and settled by W1", c)
	}
}

// settling says whether a transaction updates a payment item.
func settlesAPayment(in *dynamodb.TransactWriteItemsInput) bool {
	for _, w := range in.TransactItems {
		if w.Update != nil && strings.HasPrefix(w.Update.Key["SK"].(*types.AttributeValueMemberS).Value, "CHECKOUT#") {
			return true
		}
	}
	return false
}

// TestSyncEntriesSplitsTransactionsBetweenUnits moves 70 entries to a new
// date (a delete and a put each: 140 writes) and settles a payment (4
// writes) in one import: more than one transaction of at most 100 actions,
// none splitting a unit, and the balance the entries' sum throughout.
func TestSyncEntriesSplitsTransactionsBetweenUnits(t *testing.T) {
	ctx := context.Background()
	s, portal := newSettleStore(t)
	seedLease(t, s, "1234567")
	var es []tenancy.Entry
	for i := 0; i < 70; i++ {
		es = append(es, tenancy.Entry{ID: fmt.Sprintf("N%03d", i), Date: date("2026-01-01"), Label: "Avis", Kind: tenancy.Notice, DebitCents: int64(100 + i)})
	}
	if _, err := s.SyncEntries(ctx, "1234567", es, false); err != nil {
		t.Fatal(err)
	}
	id := portal.start(t, "1234567", "tap-1", 35000)
	if err := portal.paid(ctx, "1234567", id, "2026-11-30"); err != nil {
		t.Fatal(err)
	}
	want := portal.mustLedger(t, "1234567").balance // the ERP line takes the provisional credit's place
	for i := range es {
		es[i].Date = date("2026-02-01")
	}
	var txs []int
	hooked := dynamodb.New(portal.db.Options(), func(o *dynamodb.Options) {
		o.APIOptions = append(o.APIOptions, func(st *smithymw.Stack) error {
			return st.Initialize.Add(smithymw.InitializeMiddlewareFunc("count", func(ctx context.Context, in smithymw.InitializeInput,
				next smithymw.InitializeHandler) (smithymw.InitializeOutput, smithymw.Metadata, error) {
				if tx, ok := in.Parameters.(*dynamodb.TransactWriteItemsInput); ok {
					txs = append(txs, len(tx.TransactItems))
				}
				return next.HandleInitialize(ctx, in)
			}), smithymw.After)
		})
	})
	es = append(es, onlineLine("W1", "2026-12-01", id, 35000))
	st, err := dynamo.New(hooked, localstack.LocalTables).SyncEntries(ctx, "1234567", es, false)
	if err != nil || st.Written != 71 {
		t.Fatalf("sync: %+v, %v; want 71 written", st, err)
	}
	if len(txs) != 2 || txs[0] > 100 || txs[1] > 100 || txs[0]+txs[1] != 2*70+4+4 {
		t.Errorf("transactions of %v actions; want 2, of at most 100, with 148 in all", txs)
	}
	l := portal.mustLedger(t, "1234567")
	if len(l.entries) != 71 || l.balance != want {
		t.Errorf("%d entries, balance %d; want 71 and %d", len(l.entries), l.balance, want)
	}
	if c := portal.payment(t, "1234567", id); c.SettledBy != "W1" {
		t.Errorf("payment %+v; want settled by W1", c)
	}
}

// TestSyncEntriesSettlesWithAStoredLine: a line stored while its payment
// did not exist (an ordinary line then) settles the payment, once credited,
// when the file comes again unchanged.
func TestSyncEntriesSettlesWithAStoredLine(t *testing.T) {
	ctx := context.Background()
	s, portal := newSettleStore(t)
	owing350(t, s, "1234567")
	line := onlineLine("W1", "2026-12-01", payment.IDFor("1234567", "tap-1"), 35000)
	if _, err := s.SyncEntries(ctx, "1234567", []tenancy.Entry{line}, false); err != nil {
		t.Fatal(err)
	}
	id := portal.start(t, "1234567", "tap-1", 35000)
	if err := portal.paid(ctx, "1234567", id, "2026-11-30"); err != nil {
		t.Fatal(err)
	}
	if l := portal.mustLedger(t, "1234567"); l.balance != -35000 {
		t.Fatalf("before: balance %d; want -35000 (counted twice, as the import could not know)", l.balance)
	}
	st, err := s.SyncEntries(ctx, "1234567", []tenancy.Entry{line}, false)
	if err != nil || st.Written != 1 || st.Unchanged != 0 {
		t.Fatalf("import again: %+v, %v; want the line's payment settled (1 written)", st, err)
	}
	l := portal.mustLedger(t, "1234567")
	if prov, erp := l.credits(id); len(prov) != 0 || len(erp) != 1 || l.balance != 0 {
		t.Errorf("after: provisional %v, ERP %v, balance %d; want W1 alone, 0", prov, erp, l.balance)
	}
	if c := portal.payment(t, "1234567", id); c.SettledBy != "W1" || c.CreditedCents != 0 {
		t.Errorf("payment %+v; want settled by W1", c)
	}
	if st, err := s.SyncEntries(ctx, "1234567", []tenancy.Entry{line}, false); err != nil || st.Written != 0 || st.Unchanged != 1 {
		t.Errorf("a third time: %+v, %v; want unchanged", st, err)
	}
}
