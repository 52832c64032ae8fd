package dynamo_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/citejardins/extranet/shared/notice"
	"github.com/citejardins/extranet/shared/noticerun"
	"github.com/citejardins/extranet/shared/tenancy"
)

var december = notice.Period{Year: 2026, Month: time.December}

func issueOf(ref string, mail noticerun.MailState) noticerun.Issue {
	n := notice.Notice{Reference: ref, Period: december, IssueDate: date("2026-11-20"), DueDate: date("2026-12-05"),
		Lines: []notice.Line{{Label: "Loyer", Kind: notice.Rent, AmountCents: 50000}}, PeriodCents: 50000, AmountDueCents: 50000,
		Address: tenancy.Address{Street: "1 rue", PostalCode: "75001", City: "Paris"}}
	return noticerun.Issue{Notice: n, Key: noticerun.NoticeKey(ref, december), SizeBytes: 1234,
		Run: noticerun.LeaseRun{Period: december, Shard: "03", Ref: ref, Attempt: "a1", IssuedAt: time.Date(2026, 11, 20, 5, 0, 0, 0, time.UTC),
			Mail: mail, Printable: mail == noticerun.MailNone, Postal: "75001|paris|1rue|000000000" + ref}}
}

// parallel runs f 40 times at once and returns how many returned true.
func parallel(t *testing.T, f func(i int) (bool, error)) int {
	t.Helper()
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, err := f(i)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				t.Errorf("call %d: %v", i, err)
			}
			if ok {
				wins++
			}
		}()
	}
	wg.Wait()
	return wins
}

func TestIssueOnceUnderRace(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	is := issueOf("101", noticerun.MailPending)
	wins := parallel(t, func(int) (bool, error) {
		err := s.Issue(ctx, is)
		if errors.Is(err, noticerun.ErrAlreadyIssued) {
			return false, nil
		}
		return err == nil, err
	})
	if wins != 1 {
		t.Fatalf("%d issue transactions won; want 1", wins)
	}
	docs, err := s.Documents(ctx, "101")
	if err != nil || len(docs) != 1 || docs[0].Title != "Avis d’échéance de décembre 2026" || docs[0].SizeBytes != 1234 ||
		*docs[0].AmountDueCents != 50000 || docs[0].Key != is.Key {
		t.Fatalf("documents %+v, %v", docs, err)
	}
	ns, err := s.Notices(ctx, december, []string{"101"})
	if err != nil || len(ns) != 1 || ns[0].Reference != "101" || ns[0].AmountDueCents != 50000 || ns[0].DueDate != date("2026-12-05") {
		t.Errorf("notice read back %+v, %v", ns, err)
	}
	r, found, err := s.LeaseRun(ctx, december, "03", "101")
	if err != nil || !found || r.Mail != noticerun.MailPending || r.Attempt != "a1" || r.Printable || !r.IssuedAt.Equal(is.Run.IssuedAt) {
		t.Errorf("run item %+v, %v, %v", r, found, err)
	}
}

func TestMailClaimUnderRaceAndItsEnd(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	is := issueOf("102", noticerun.MailPending)
	if err := s.Issue(ctx, is); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 20, 5, 0, 0, 0, time.UTC)
	until := now.Add(2 * time.Minute)
	wins := parallel(t, func(int) (bool, error) { return s.ClaimMail(ctx, is.Run, now, until) })
	if wins != 1 {
		t.Fatalf("%d claims won; want 1", wins)
	}
	// Another worker's claim is refused while it runs, taken once it ended.
	if ok, _ := s.ClaimMail(ctx, is.Run, until.Add(-time.Second), until.Add(2*time.Minute)); ok {
		t.Fatal("claim taken while another runs")
	}
	later := until.Add(time.Second)
	if ok, err := s.ClaimMail(ctx, is.Run, later, later.Add(2*time.Minute)); !ok || err != nil {
		t.Fatalf("claim after the end: %v, %v", ok, err)
	}
	// The first claimant's record is refused: its claim is no longer its own.
	if err := s.MailSent(ctx, is.Run, until, "a1", "m-1"); !errors.Is(err, noticerun.ErrClaimLost) {
		t.Fatalf("record under a lost claim: %v", err)
	}
	if err := s.MailSent(ctx, is.Run, later.Add(2*time.Minute), "a2", "m-2"); err != nil {
		t.Fatal(err)
	}
	r, _, _ := s.LeaseRun(ctx, december, "03", "102")
	if r.Mail != noticerun.MailSent || r.MessageID != "m-2" || r.MailAttempt != "a2" {
		t.Errorf("run item %+v", r)
	}
	if ok, _ := s.ClaimMail(ctx, is.Run, later.Add(time.Hour), later.Add(2*time.Hour)); ok {
		t.Error("a sent mail was claimed again")
	}
}

func TestPrintMarkUnderRace(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	is := issueOf("103", noticerun.MailNone)
	if err := s.Issue(ctx, is); err != nil {
		t.Fatal(err)
	}
	wins := parallel(t, func(i int) (bool, error) { return s.MarkPrint(ctx, is.Run, fmt.Sprintf("%03d", i)) })
	if wins != 1 {
		t.Fatalf("%d batches took the lease; want 1", wins)
	}
	r, _, _ := s.LeaseRun(ctx, december, "03", "103")
	if ok, err := s.MarkPrint(ctx, is.Run, r.PrintBatch); !ok || err != nil {
		t.Errorf("marking again for its own batch: %v, %v", ok, err)
	}
	// A lease to be mailed is not printable.
	mailed := issueOf("104", noticerun.MailPending)
	if err := s.Issue(ctx, mailed); err != nil {
		t.Fatal(err)
	}
	if ok, _ := s.MarkPrint(ctx, mailed.Run, "001"); ok {
		t.Error("a paperless lease was put in a print batch")
	}
}

func TestRunAttemptsKeepTheIssueDate(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	at := time.Date(2026, 11, 20, 5, 0, 0, 0, time.UTC)
	d1, err := s.StartRun(ctx, december, "a1", date("2026-11-20"), at)
	if err != nil || d1 != date("2026-11-20") {
		t.Fatalf("first start: %v, %v", d1, err)
	}
	d2, err := s.StartRun(ctx, december, "a2", date("2026-11-22"), at.Add(48*time.Hour))
	if err != nil || d2 != date("2026-11-20") {
		t.Fatalf("second start: %v, %v; want the first's date", d2, err)
	}
	if err := s.Planned(ctx, december, "a1", 10); err != nil { // a late first attempt changes nothing
		t.Fatal(err)
	}
	if err := s.Planned(ctx, december, "a2", 12); err != nil {
		t.Fatal(err)
	}
	run, found, err := s.Run(ctx, december)
	if err != nil || !found || run.LastAttempt != "a2" || run.Planned != 12 || run.Issued != date("2026-11-20") {
		t.Errorf("run %+v, %v, %v", run, found, err)
	}
	if _, found, _ := s.Run(ctx, notice.Period{Year: 2027, Month: time.January}); found {
		t.Error("a period that never ran was found")
	}
}

func TestLeaseSinceSumsTheEntriesFromADay(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	seedLease(t, s, "105")
	if _, err := s.SyncEntries(ctx, "105", history(13), false); err != nil { // 2025-01-01 … 2026-01-01
		t.Fatal(err)
	}
	for _, from := range []string{"2024-01-01", "2025-06-01", "2025-12-05", "2026-01-01", "2026-02-01"} {
		l, got, err := s.LeaseSince(ctx, "105", date(from))
		if err != nil || l.Reference != "105" || l.BalanceCents != 60000 {
			t.Fatalf("LeaseSince(%s): %+v, %v", from, l, err)
		}
		want, err := s.EntriesSince(ctx, "105", date(from))
		if err != nil || got != want {
			t.Errorf("from %s: LeaseSince sums %d, EntriesSince %d (%v)", from, got, want, err)
		}
	}
	if _, got, _ := s.LeaseSince(ctx, "105", date("2025-12-05")); got != 60000-60000 {
		t.Errorf("since 2025-12-05 (a payment, then a call): %d; want 0", got)
	}
	if _, _, err := s.LeaseSince(ctx, "999", date("2026-01-01")); !errors.Is(err, tenancy.ErrNotFound) {
		t.Errorf("unknown lease: %v", err)
	}
}
