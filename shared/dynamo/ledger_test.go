package dynamo_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/citejardins/extranet/infra/localstack"
	"github.com/citejardins/extranet/shared/dynamo"
	"github.com/citejardins/extranet/shared/tenancy"
)

func newStore(t *testing.T) *dynamo.Store {
	t.Helper()
	db, err := localstack.StartDynamoDB(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	return dynamo.New(db.Client, localstack.LocalTables)
}

func date(s string) tenancy.Date {
	d, err := tenancy.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// history makes n months of notices (600 €) and payments (600 €, except
// the last month) from January 2025.
func history(n int) []tenancy.Entry {
	var es []tenancy.Entry
	for m := 1; m <= n; m++ {
		d := tenancy.DateOf(date("2025-01-01").Time().AddDate(0, m-1, 0))
		es = append(es, tenancy.Entry{ID: fmt.Sprintf("N%02d", m), Date: d, Label: "Avis d'échéance", Kind: tenancy.Notice, DebitCents: 60000})
		if m < n {
			pd := tenancy.DateOf(d.Time().AddDate(0, 0, 4))
			es = append(es, tenancy.Entry{ID: fmt.Sprintf("P%02d", m), Date: pd, Label: "Paiement", Kind: tenancy.PaymentReceived, CreditCents: 60000})
		}
	}
	return es
}

func seedLease(t *testing.T, s *dynamo.Store, ref string) {
	t.Helper()
	if _, err := s.UpsertLeases(context.Background(), []tenancy.Lease{{Reference: ref, ResidenceID: "R1", Start: date("2020-01-01"),
		Address: tenancy.Address{Street: "1 rue", PostalCode: "75001", City: "Paris"}, RentCents: 50000, ChargesCents: 10000}}); err != nil {
		t.Fatal(err)
	}
}

func balance(t *testing.T, s *dynamo.Store, ref string) (int64, *tenancy.Payment) {
	t.Helper()
	l, err := s.Lease(context.Background(), ref)
	if err != nil {
		t.Fatal(err)
	}
	return l.BalanceCents, l.LastPayment
}

func TestSyncEntriesIsIdempotentAndKeepsTheBalance(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	seedLease(t, s, "8889999")
	es := history(13) // 13 notices, 12 payments: 600 € owed

	st, err := s.SyncEntries(ctx, "8889999", es, false)
	if err != nil || st.Written != 25 || st.Unchanged != 0 {
		t.Fatalf("first sync: %+v, %v; want 25 written", st, err)
	}
	if b, last := balance(t, s, "8889999"); b != 60000 || last == nil || last.Date != date("2025-12-05") || last.AmountCents != 60000 {
		t.Fatalf("balance %d, last payment %+v; want 60000 and 2025-12-05", b, last)
	}
	if l, _ := s.Lease(ctx, "8889999"); l.FirstEntry != date("2025-01-01") || l.LastEntry != date("2026-01-01") {
		t.Errorf("statement from %s to %s; want 2025-01-01 to 2026-01-01", l.FirstEntry, l.LastEntry)
	}
	st, err = s.SyncEntries(ctx, "8889999", es, false)
	if err != nil || st.Written != 0 || st.Unchanged != 25 {
		t.Fatalf("second sync: %+v, %v; want all unchanged", st, err)
	}

	// A changed amount, a moved date, and a new payment in a delta.
	es[0].DebitCents = 61000
	es[1].Date = date("2025-01-06")
	delta := []tenancy.Entry{es[0], es[1], {ID: "P13", Date: date("2026-01-06"), Label: "Paiement", Kind: tenancy.PaymentReceived, CreditCents: 61000}}
	st, err = s.SyncEntries(ctx, "8889999", delta, false)
	if err != nil || st.Written != 3 {
		t.Fatalf("delta: %+v, %v; want 3 written", st, err)
	}
	if b, last := balance(t, s, "8889999"); b != 0 || last.Date != date("2026-01-06") {
		t.Errorf("after delta: balance %d, last payment %+v; want 0, 2026-01-06", b, last)
	}
	page, err := s.Entries(ctx, "8889999", tenancy.Date{}, tenancy.Date{}, "", 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Entries) != 26 {
		t.Errorf("%d entries after the delta; want 26 (the moved one not duplicated)", len(page.Entries))
	}

	// A snapshot without the last two entries deletes them.
	snap := append(es[:0:0], es[:len(es)-1]...)
	snap[0].DebitCents = 61000
	st, err = s.SyncEntries(ctx, "8889999", snap, true)
	if err != nil || st.Deleted != 2 {
		t.Fatalf("snapshot: %+v, %v; want 2 deleted", st, err)
	}
	if b, _ := balance(t, s, "8889999"); b != 1000 {
		t.Errorf("after snapshot: balance %d; want 1000 (12 notices, one of 610 €, 12 payments)", b)
	}
}

func TestSyncEntriesRefusesUnknownLease(t *testing.T) {
	s := newStore(t)
	_, err := s.SyncEntries(context.Background(), "404", history(1), false)
	if !errors.Is(err, dynamo.ErrUnknownLease) {
		t.Fatalf("err = %v; want ErrUnknownLease", err)
	}
}

func TestEntriesPagesNewestFirstWithRunningBalance(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	seedLease(t, s, "1")
	if _, err := s.SyncEntries(ctx, "1", history(13), false); err != nil {
		t.Fatal(err)
	}
	var all []tenancy.Entry
	cur := ""
	for pages := 0; ; pages++ {
		p, err := s.Entries(ctx, "1", tenancy.Date{}, tenancy.Date{}, cur, 10)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, p.Entries...)
		if p.Next == "" {
			break
		}
		if pages > 5 {
			t.Fatal("too many pages")
		}
		cur = p.Next
	}
	if len(all) != 25 {
		t.Fatalf("%d entries over the pages; want 25", len(all))
	}
	if all[0].BalanceAfterCents != 60000 || all[len(all)-1].BalanceAfterCents != 60000 || all[len(all)-1].ID != "N01" {
		t.Errorf("first %+v, last %+v", all[0], all[len(all)-1])
	}
	for i := 1; i < len(all); i++ {
		if all[i].Date.Time().After(all[i-1].Date.Time()) {
			t.Fatalf("entry %d is newer than entry %d", i, i-1)
		}
		if want := all[i-1].BalanceAfterCents - all[i-1].AmountCents(); all[i].BalanceAfterCents != want {
			t.Fatalf("entry %d balance after %d; want %d", i, all[i].BalanceAfterCents, want)
		}
	}

	// A date range: 2025 only, balances still those of the whole ledger.
	p, err := s.Entries(ctx, "1", date("2025-06-01"), date("2025-06-30"), "", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Entries) != 2 || p.Entries[0].ID != "P06" || p.Entries[0].BalanceAfterCents != 0 || p.Entries[1].BalanceAfterCents != 60000 {
		t.Errorf("June 2025 = %+v", p.Entries)
	}
	if _, err := s.Entries(ctx, "1", tenancy.Date{}, tenancy.Date{}, "not-a-cursor", 10); !errors.Is(err, tenancy.ErrBadCursor) {
		t.Errorf("bad cursor: err = %v", err)
	}
}
