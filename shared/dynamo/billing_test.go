package dynamo_test

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"testing"

	"github.com/citejardins/extranet/shared/dynamo"
	"github.com/citejardins/extranet/shared/notice"
	"github.com/citejardins/extranet/shared/tenancy"
)

// TestNoticeLinesStayOutOfTheLedger: the lines item sits in the lease's
// partition and reads back as written, while the lease, its statement and
// an entries snapshot neither see it nor delete it.
func TestNoticeLinesStayOutOfTheLedger(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	seedLease(t, s, "1")
	dec := notice.Period{Year: 2026, Month: 12}
	if got, err := s.NoticeLines(ctx, "1", dec); err != nil || got != nil {
		t.Fatalf("lines before any import = %+v, %v; want nil", got, err)
	}
	lines := []notice.Line{{Label: "Loyer", Kind: notice.Rent, AmountCents: 50000},
		{Label: "Réduction de loyer de solidarité", Kind: notice.RLS, AmountCents: -5105}}
	g := dynamo.NoticeLinesOf{Reference: "1", Period: dec, Lines: lines}
	if st, err := s.UpsertNoticeLines(ctx, []dynamo.NoticeLinesOf{g}); err != nil || st.Written != 2 {
		t.Fatalf("first write: %+v, %v; want 2 lines written", st, err)
	}
	if st, err := s.UpsertNoticeLines(ctx, []dynamo.NoticeLinesOf{g}); err != nil || st.Written != 0 || st.Unchanged != 2 {
		t.Fatalf("same lines again: %+v, %v; want 2 unchanged", st, err)
	}
	if got, err := s.NoticeLines(ctx, "1", dec); err != nil || !reflect.DeepEqual(got, lines) {
		t.Fatalf("lines = %+v, %v; want %+v", got, err, lines)
	}
	if got, _ := s.NoticeLines(ctx, "1", dec.Next()); got != nil {
		t.Errorf("January lines = %+v; want nil", got)
	}
	if _, err := s.SyncEntries(ctx, "1", history(3), true); err != nil {
		t.Fatal(err)
	}
	page, err := s.Entries(ctx, "1", tenancy.Date{}, tenancy.Date{}, "", 50)
	if err != nil || len(page.Entries) != 5 {
		t.Fatalf("statement: %d entries, %v; want the 5 entries only", len(page.Entries), err)
	}
	if l, err := s.Lease(ctx, "1"); err != nil || l.BalanceCents != 60000 {
		t.Fatalf("lease: %+v, %v; want it with its balance", l, err)
	}
	if got, _ := s.NoticeLines(ctx, "1", dec); !reflect.DeepEqual(got, lines) {
		t.Errorf("lines after an entries snapshot = %+v; want kept", got)
	}
}

// TestNoticeLinesReplacedWhole: 40 writers replace the same lease's lines
// for a period at once, each with its own list; what is read back is one of
// the lists, whole, never a mix.
func TestNoticeLinesReplacedWhole(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	seedLease(t, s, "1")
	dec := notice.Period{Year: 2026, Month: 12}
	lists := make([][]notice.Line, 40)
	for i := range lists {
		for j := range 1 + i%5 {
			lists[i] = append(lists[i], notice.Line{Label: fmt.Sprintf("w%d l%d", i, j), Kind: notice.Other, AmountCents: int64(i*100 + j)})
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, len(lists))
	for _, ls := range lists {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.UpsertNoticeLines(ctx, []dynamo.NoticeLinesOf{{Reference: "1", Period: dec, Lines: ls}})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.NoticeLines(ctx, "1", dec)
	if err != nil {
		t.Fatal(err)
	}
	for _, ls := range lists {
		if reflect.DeepEqual(got, ls) {
			return
		}
	}
	t.Errorf("lines read back %+v: none of the lists written", got)
}
