package dynamo_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/citejardins/extranet/shared/document"
	"github.com/citejardins/extranet/shared/fault"
)

// 40 parallel claims of one document: one wins; a claim expired can be
// taken over; a released claim is free again.
func TestClaimIssueOneWinnerAndStaleTakeover(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	now := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	const n = 40
	var won atomic.Int32
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			ok, err := s.ClaimIssue(ctx, "8889999", "rent_receipt-2026-10-aaaaaaaaaaaa", now, now.Add(30*time.Second))
			if err != nil {
				t.Error(err)
			}
			if ok {
				won.Add(1)
			}
		})
	}
	wg.Wait()
	if won.Load() != 1 {
		t.Fatalf("%d winners, want 1", won.Load())
	}
	if held, err := s.IssueClaimed(ctx, "8889999", "rent_receipt-2026-10-aaaaaaaaaaaa", now.Add(29*time.Second)); err != nil || !held {
		t.Errorf("held before expiry: %v %v", held, err)
	}
	if ok, _ := s.ClaimIssue(ctx, "8889999", "rent_receipt-2026-10-aaaaaaaaaaaa", now.Add(10*time.Second), now.Add(40*time.Second)); ok {
		t.Error("a live claim was taken")
	}
	later := now.Add(31 * time.Second)
	if held, _ := s.IssueClaimed(ctx, "8889999", "rent_receipt-2026-10-aaaaaaaaaaaa", later); held {
		t.Error("an expired claim is held")
	}
	if ok, err := s.ClaimIssue(ctx, "8889999", "rent_receipt-2026-10-aaaaaaaaaaaa", later, later.Add(30*time.Second)); err != nil || !ok {
		t.Errorf("stale claim not taken over: %v %v", ok, err)
	}
	if err := s.ReleaseIssue(ctx, "8889999", "rent_receipt-2026-10-aaaaaaaaaaaa"); err != nil {
		t.Fatal(err)
	}
	if ok, _ := s.ClaimIssue(ctx, "8889999", "rent_receipt-2026-10-aaaaaaaaaaaa", later, later.Add(30*time.Second)); !ok {
		t.Error("a released claim is not free")
	}
	// Another lease's claim on the same id is its own.
	if ok, _ := s.ClaimIssue(ctx, "1234567", "rent_receipt-2026-10-aaaaaaaaaaaa", later, later.Add(30*time.Second)); !ok {
		t.Error("claims are not per lease")
	}
}

// The requests waiting for a maker that fails answer a 503 with a
// Retry-After, take nothing and make nothing; the maker's error is its own.
func TestIssueOnceWaitersGet503WhenTheMakerFails(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	id := document.IssuedDocumentID("8889999", document.RentReceipt, "2026-10", "0123456789abcdef0123456789abcdef")
	release := make(chan struct{})
	boom := errors.New("render failed")
	var made atomic.Int32
	maker := func() (document.Document, bool, error) {
		made.Add(1)
		<-release
		return document.Document{}, false, boom
	}
	var wg sync.WaitGroup
	errs := make([]error, 10)
	for i := range errs {
		wg.Go(func() {
			_, _, errs[i] = document.IssueOnce(ctx, s, "8889999", id, nil, maker)
		})
	}
	time.Sleep(300 * time.Millisecond)
	close(release)
	wg.Wait()
	if made.Load() != 1 {
		t.Fatalf("made %d times, want 1", made.Load())
	}
	busy := 0
	for _, err := range errs {
		var fe *fault.Error
		switch {
		case errors.Is(err, boom):
		case errors.As(err, &fe) && fe.Code == fault.ServiceUnavailable && fe.RetryAfter > 0:
			busy++
		default:
			t.Errorf("error %v", err)
		}
	}
	if busy != len(errs)-1 {
		t.Errorf("%d waiters answered 503, want %d", busy, len(errs)-1)
	}
}
