package noticerun_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/citejardins/extranet/shared/document"
	"github.com/citejardins/extranet/shared/dynamo"
	"github.com/citejardins/extranet/shared/noticerun"
	"github.com/citejardins/extranet/shared/pdf"
	"github.com/citejardins/extranet/shared/tenancy"
)

var demo = []tenant{
	{ref: "1001", first: "Marie", last: "DUPONT", postal: "93200", city: "Saint-Denis", start: "2020-01-01", email: "marie@example.fr", paperless: true, balance: 12000},
	// SES refuses this address (InvalidParameterValue): the mail fails for
	// good and the notice is printed.
	{ref: "1002", first: "Céline", last: "LEFÈVRE", postal: "75011", city: "Paris", start: "2020-01-01", email: "celine@@example.fr", paperless: true},
	{ref: "1003", first: "Abdou", last: "N'DIAYE", postal: "69001", city: "Lyon", start: "2020-01-01"},
	{ref: "1004", first: "Jean", last: "MARTIN", postal: "13001", city: "Marseille", start: "2020-01-01", email: "jean@example.fr"},
	{ref: "1005", first: "Ended", last: "BEFORE", postal: "75001", city: "Paris", start: "2019-01-01", end: "2026-10-31"},
	{ref: "1006", first: "Starts", last: "AFTER", postal: "75001", city: "Paris", start: "2027-01-01"},
}

func TestRunIssuesOnceMailsPaperlessAndPrintsTheRest(t *testing.T) {
	ctx := context.Background()
	r := newRig(t)
	r.seed(t, demo...)
	w, s := r.worker(t), r.sender(t)

	plan, err := r.planner().Plan(ctx, period)
	if err != nil {
		t.Fatal(err)
	}
	if plan.Leases != 6 || plan.Issued != date("2026-11-20") {
		t.Fatalf("plan %+v; want 6 leases issued on 2026-11-20", plan)
	}
	if failed, failedMails := r.deliverAndMail(t, w, s, r.queue.take()); len(failed)+len(failedMails) != 0 {
		t.Fatalf("%d batches, %d mails failed", len(failed), len(failedMails))
	}
	rep, err := r.reports().Report(ctx, period, "")
	if err != nil {
		t.Fatal(err)
	}
	want := noticerun.Report{Period: "2026-12", Attempt: plan.Attempt, Leases: 6, Issued: 4, Mailed: 1, Failed: 1}
	if rep != want {
		t.Errorf("report %+v; want %+v", rep, want)
	}
	for _, x := range demo {
		docs, err := r.store.Documents(ctx, x.ref)
		if err != nil {
			t.Fatal(err)
		}
		running := x.ref != "1005" && x.ref != "1006"
		if running != (len(docs) == 1) || len(docs) > 1 {
			t.Errorf("lease %s: %d documents; running %v", x.ref, len(docs), running)
			continue
		}
		if !running {
			continue
		}
		d := docs[0]
		if d.Kind != document.Notice || d.Period != "2026-12" || d.Title != "Avis d’échéance de décembre 2026" || d.Key != noticerun.NoticeKey(x.ref, period) ||
			d.FileName != "avis-echeance-2026-12.pdf" || d.Date != date("2026-11-20") {
			t.Errorf("lease %s: document %+v", x.ref, d)
		}
		// 500 + 80 - 100 € a month, plus the balance before December.
		if d.AmountDueCents == nil || *d.AmountDueCents != 48000+x.balance || d.DueDate == nil || *d.DueDate != date("2026-12-05") {
			t.Errorf("lease %s: amount %v due %v; want %d on 2026-12-05", x.ref, d.AmountDueCents, d.DueDate, 48000+x.balance)
		}
		if doc := r.object(t, d.Key); int64(len(doc)) != d.SizeBytes || !strings.Contains(pdfText(t, doc), "L/000000"+x.ref) {
			t.Errorf("lease %s: stored PDF of %d bytes, document says %d", x.ref, len(doc), d.SizeBytes)
		}
	}
	if n := r.mailsTo("marie@example.fr"); n != 1 {
		t.Fatalf("%d mails to the paperless tenant; want 1", n)
	}
	m := r.ses.Messages()[0]
	if m.Subject != "Votre avis d’échéance de décembre 2026 est disponible" ||
		!strings.Contains(m.Text, "https://locataire.example.fr/documents.html") || !strings.Contains(m.HTML, `href="https://locataire.example.fr/documents.html"`) ||
		!strings.Contains(m.Text, "Bonjour Marie,") || strings.Contains(m.Text, "600") {
		t.Errorf("mail %q:\n%s", m.Subject, m.Text)
	}
	run, _, err := r.store.LeaseRun(ctx, period, fmtShard("1001"), "1001")
	if err != nil || run.Mail != noticerun.MailSent || run.MessageID != m.ID || run.MailAttempt != plan.Attempt {
		t.Errorf("run item of the mailed lease %+v, %v; want sent with message id %s", run, err, m.ID)
	}

	// The print step: the paper tenants and the refused mail, in postal
	// order (13001, 69001, 75011).
	printed, err := r.printer(nil).Print(ctx, period)
	if err != nil {
		t.Fatal(err)
	}
	if len(printed.Batches) != 1 || printed.Batches[0] != "001" || printed.Notices != 3 {
		t.Fatalf("printed %+v; want batch 001 of 3", printed)
	}
	if got := manifestRefs(t, r.object(t, "print/2026-12/001/manifest.csv")); strings.Join(got, ",") != "1004,1003,1002" {
		t.Errorf("manifest order %v; want 1004,1003,1002", got)
	}
	batchPDF := r.object(t, "print/2026-12/001/avis.pdf")
	text := pdfText(t, batchPDF)
	i4, i3, i2 := strings.Index(text, "L/0000001004"), strings.Index(text, "L/0000001003"), strings.Index(text, "L/0000001002")
	if i4 < 0 || i3 < i4 || i2 < i3 || strings.Contains(text, "L/0000001001") {
		t.Errorf("print PDF pages at %d, %d, %d; want 1004, 1003, 1002 in that order and not 1001", i4, i3, i2)
	}
	rep, _ = r.reports().Report(ctx, period, "")
	if rep.Printed != 3 || rep.PrintBatch == nil || *rep.PrintBatch != "print/2026-12/001/avis.pdf" {
		t.Errorf("report after print %+v", rep)
	}

	// Starting the period again issues, mails and prints nothing, and keeps
	// the issue date.
	r.clock.Advance(24 * time.Hour)
	plan2, err := r.planner().Plan(ctx, period)
	if err != nil || plan2.Attempt == plan.Attempt || plan2.Issued != date("2026-11-20") {
		t.Fatalf("second plan %+v, %v", plan2, err)
	}
	if failed, failedMails := r.deliverAndMail(t, w, s, r.queue.take()); len(failed)+len(failedMails) != 0 {
		t.Fatalf("%d batches, %d mails failed on the re-run", len(failed), len(failedMails))
	}
	printed, err = r.printer(nil).Print(ctx, period)
	if err != nil || len(printed.Batches) != 0 {
		t.Fatalf("second print %+v, %v; want no batch", printed, err)
	}
	rep, _ = r.reports().Report(ctx, period, "")
	want = noticerun.Report{Period: "2026-12", Attempt: plan2.Attempt, Leases: 6, AlreadyIssued: 4}
	if rep != want {
		t.Errorf("re-run report %+v; want %+v", rep, want)
	}
	if n := len(r.ses.Messages()); n != 1 {
		t.Errorf("%d mails after the re-run; want 1", n)
	}
	if !bytes.Equal(r.object(t, "print/2026-12/001/avis.pdf"), batchPDF) {
		t.Error("the re-run rewrote the print batch")
	}
}

func fmtShard(ref string) string {
	return string("0123456789"[dynamo.ShardOf(ref)/10]) + string("0123456789"[dynamo.ShardOf(ref)%10])
}

func manifestRefs(t *testing.T, raw []byte) []string {
	t.Helper()
	rows, err := noticerun.ReadManifest(raw)
	if err != nil || len(rows) == 0 || strings.Join(rows[0], ",") != strings.Join(noticerun.ManifestHeader, ",") {
		t.Fatalf("manifest %q: %v", raw, err)
	}
	var refs []string
	for _, row := range rows[1:] {
		refs = append(refs, row[1])
	}
	return refs
}

func TestPreviousBalanceLeavesOutThePeriodsEntries(t *testing.T) {
	ctx := context.Background()
	r := newRig(t)
	r.seed(t, tenant{ref: "2001", first: "Léa", last: "PETIT", postal: "93200", city: "Saint-Denis", start: "2020-01-01"})
	// November's call, a partial payment, then December's call posted by
	// the ERP before the run: it is on the notice's lines, not in the
	// previous balance.
	if _, err := r.store.SyncEntries(ctx, "2001", []tenancy.Entry{
		{ID: "N11", Date: date("2026-11-01"), Label: "Avis", Kind: tenancy.Notice, DebitCents: 48000},
		{ID: "P11", Date: date("2026-11-10"), Label: "Virement", Kind: tenancy.PaymentReceived, CreditCents: 30000},
		{ID: "N12", Date: date("2026-12-01"), Label: "Avis", Kind: tenancy.Notice, DebitCents: 48000},
	}, false); err != nil {
		t.Fatal(err)
	}
	b := noticerun.Batch{Period: period, Attempt: "a1", Issued: date("2026-11-20"), Leases: []noticerun.LeaseRef{{Ref: "2001", Shard: fmtShard("2001")}}}
	if _, err := r.worker(t).Work(ctx, b); err != nil {
		t.Fatal(err)
	}
	ns, err := r.store.Notices(ctx, period, []string{"2001"})
	if err != nil || len(ns) != 1 {
		t.Fatalf("notices %v, %v", ns, err)
	}
	if n := ns[0]; n.PreviousBalanceCents != 18000 || n.PeriodCents != 48000 || n.AmountDueCents != 66000 {
		t.Errorf("previous %d, period %d, due %d; want 18000, 48000, 66000", n.PreviousBalanceCents, n.PeriodCents, n.AmountDueCents)
	}
}

// batchOf is one message holding every lease of ts.
func batchOf(attempt string, ts ...tenant) noticerun.Batch {
	b := noticerun.Batch{Period: period, Attempt: attempt, Issued: date("2026-11-20")}
	for _, x := range ts {
		b.Leases = append(b.Leases, noticerun.LeaseRef{Ref: x.ref, Shard: fmtShard(x.ref)})
	}
	return b
}

func TestRedeliveredBatchIssuesAndMailsNothingTwice(t *testing.T) {
	ctx := context.Background()
	for _, step := range []string{noticerun.StepRendered, noticerun.StepStored, noticerun.StepRecorded} {
		t.Run(step, func(t *testing.T) {
			r := newRig(t)
			r.seed(t, demo[:4]...)
			w := r.worker(t)
			b := batchOf("a1", demo[:4]...)
			crash := errors.New("crash")
			r.setHook(func(s, _ string) error {
				if s == step {
					return crash
				}
				return nil
			})
			if _, err := w.Work(ctx, b); !errors.Is(err, crash) {
				t.Fatalf("first delivery: %v; want the crash", err)
			}
			if n := len(r.mails.bodies); n != 0 {
				t.Fatalf("%d mails queued by a failed delivery", n)
			}
			r.setHook(nil)
			for range 3 {
				if _, err := w.Work(ctx, b); err != nil {
					t.Fatalf("redelivery: %v", err)
				}
			}
			// Each redelivery queued the two pending mails again; the
			// claim sends each once.
			bodies := r.mails.take()
			if len(bodies) != 6 {
				t.Fatalf("%d mail messages after 3 redeliveries; want 6", len(bodies))
			}
			if failed := r.sendMails(t, r.sender(t), bodies); len(failed) != 0 {
				t.Fatalf("%d mails failed", len(failed))
			}
			if n := r.mailsTo("marie@example.fr"); n != 1 {
				t.Errorf("%d mails; want 1", n)
			}
			rep, _ := (&noticerun.Reports{Prints: r.store, Shards: dynamo.Shards}).Report(ctx, period, "a1")
			if rep.Issued != 4 || rep.Mailed != 1 || rep.Failed != 1 {
				t.Errorf("report %+v; want 4 issued, 1 mailed, 1 failed", rep)
			}
		})
	}
}

func TestCrashedMailIsSentAgainOnlyAfterItsClaim(t *testing.T) {
	ctx := context.Background()
	r := newRig(t)
	r.seed(t, demo[0])
	w, s := r.worker(t), r.sender(t)
	b := batchOf("a1", demo[0])
	out, err := w.Work(ctx, b)
	if err != nil || !out[0].Issued || !out[0].MailQueued {
		t.Fatalf("delivery: %+v, %v; want issued and its mail queued", out, err)
	}
	bodies := r.mails.take()
	if len(bodies) != 1 {
		t.Fatalf("%d mail messages; want 1", len(bodies))
	}
	if strings.Contains(bodies[0], "marie") || strings.Contains(bodies[0], "DUPONT") {
		t.Errorf("mail message %s carries personal data", bodies[0])
	}
	m, err := noticerun.DecodeMailMessage(bodies[0])
	if err != nil || m.Ref != "1001" || m.Period != period || m.Attempt != "a1" {
		t.Fatalf("mail message %+v, %v", m, err)
	}
	crash := errors.New("crash after SES accepted")
	r.setHook(func(s, _ string) error {
		if s == noticerun.StepMailed {
			return crash
		}
		return nil
	})
	if _, err := s.Send(ctx, m); !errors.Is(err, crash) {
		t.Fatalf("first send: %v", err)
	}
	r.setHook(nil)
	// Delivered again while the dead sender's claim runs: nothing is sent,
	// and the message fails, to come back after the claim; the notice's
	// batch, delivered again meanwhile, queues nothing.
	r.clock.Advance(noticerun.DefaultMailClaim - time.Second)
	if _, err := s.Send(ctx, m); !errors.Is(err, noticerun.ErrMailBusy) {
		t.Fatalf("send during the claim: %v; want ErrMailBusy", err)
	}
	if out, err := w.Work(ctx, b); err != nil || out[0].MailQueued || len(r.mails.take()) != 0 {
		t.Fatalf("batch redelivered during the claim: %+v, %v; want no mail queued", out, err)
	}
	if n := r.mailsTo("marie@example.fr"); n != 1 {
		t.Fatalf("%d mails during the claim; want 1", n)
	}
	// Once the claim ends, the mail is sent again: SES accepted the first
	// but its state was never recorded (the run's one at-least-once
	// window). A batch redelivered then queues the mail again too.
	r.clock.Advance(2 * time.Second)
	if out, err := w.Work(ctx, b); err != nil || !out[0].MailQueued || len(r.mails.take()) != 1 {
		t.Fatalf("batch redelivered after the claim: %+v, %v; want the mail queued again", out, err)
	}
	got, err := s.Send(ctx, m)
	if err != nil || !got.Sent {
		t.Fatalf("send after the claim: %+v, %v", got, err)
	}
	if n := r.mailsTo("marie@example.fr"); n != 2 {
		t.Fatalf("%d mails after the claim; want 2", n)
	}
	if got, err := s.Send(ctx, m); err != nil || got.Sent {
		t.Fatal(got, err)
	}
	if n := r.mailsTo("marie@example.fr"); n != 2 {
		t.Errorf("%d mails once recorded; want still 2", n)
	}
}

func TestConcurrentDeliveriesMakeOneDocumentAndOneMailPerLease(t *testing.T) {
	ctx := context.Background()
	r := newRig(t)
	ts := append([]tenant{}, demo[:4]...)
	for _, ref := range []string{"3001", "3002", "3003"} {
		ts = append(ts, tenant{ref: ref, first: "P" + ref, last: "PAPERLESS", postal: "94000", city: "Créteil", start: "2021-01-01",
			email: "t" + ref + "@example.fr", paperless: true})
	}
	r.seed(t, ts...)
	w, s := r.worker(t), r.sender(t)
	b := batchOf("a1", ts...)

	const deliveries = 40
	outs := make([][]noticerun.Outcome, deliveries)
	var wg sync.WaitGroup
	for i := range deliveries {
		wg.Add(1)
		go func() {
			defer wg.Done()
			outs[i], _ = w.Work(ctx, b)
		}()
	}
	wg.Wait()
	if _, err := w.Work(ctx, b); err != nil {
		t.Fatalf("delivery after the storm: %v", err)
	}
	// Every delivery queued the pending mails: each mail message is now
	// delivered 40 times at once, as SQS may when a message comes back
	// while its first receive still runs.
	byRef := map[string]string{}
	for _, body := range r.mails.take() {
		m, err := noticerun.DecodeMailMessage(body)
		if err != nil {
			t.Fatal(err)
		}
		byRef[m.Ref] = body
	}
	sent := map[string]int{}
	var mu sync.Mutex
	for ref, body := range byRef {
		m, _ := noticerun.DecodeMailMessage(body)
		for range deliveries {
			wg.Add(1)
			go func() {
				defer wg.Done()
				got, _ := s.Send(ctx, m) // the losers of the claim fail, to come back
				if got.Sent {
					mu.Lock()
					sent[ref]++
					mu.Unlock()
				}
			}()
		}
	}
	wg.Wait()
	for j, x := range ts {
		issued := 0
		for i := range deliveries {
			if outs[i] != nil && outs[i][j].Issued {
				issued++
			}
		}
		if issued != 1 {
			t.Errorf("lease %s issued by %d deliveries; want 1", x.ref, issued)
		}
		docs, err := r.store.Documents(ctx, x.ref)
		if err != nil || len(docs) != 1 {
			t.Errorf("lease %s: %d documents, %v", x.ref, len(docs), err)
		}
		wantMails := 0
		if x.paperless && x.ref != "1002" {
			wantMails = 1
		}
		if _, queued := byRef[x.ref]; queued != x.paperless {
			t.Errorf("lease %s: mail queued %v; want %v", x.ref, queued, x.paperless)
		}
		if n := r.mailsTo(x.email); x.email != "" && n != wantMails {
			t.Errorf("lease %s: %d mails; want %d", x.ref, n, wantMails)
		}
		if sent[x.ref] != wantMails {
			t.Errorf("lease %s: sent by %d deliveries; want %d", x.ref, sent[x.ref], wantMails)
		}
	}
}

// failingFiles fails the puts of keys with a suffix while armed, as a
// crash between marking a print batch and writing it would.
type failingFiles struct {
	noticerun.Files
	suffix string
	armed  bool
}

func (f *failingFiles) Put(ctx context.Context, key, ct string, body []byte) error {
	if f.armed && strings.HasSuffix(key, f.suffix) {
		return errors.New("crash before the batch is written")
	}
	return f.Files.Put(ctx, key, ct, body)
}

func TestPrintBatchIsMadeExactlyOnceUnderReRuns(t *testing.T) {
	ctx := context.Background()
	r := newRig(t)
	first := []tenant{demo[2], demo[3], {ref: "4001", first: "Paul", last: "DURAND", postal: "59000", city: "Lille", start: "2020-01-01"}}
	later := tenant{ref: "4002", first: "Zoé", last: "BLANC", postal: "06000", city: "Nice", start: "2020-01-01"}
	r.seed(t, append(first, later)...)
	w := r.worker(t)
	if _, err := r.planner().Plan(ctx, period); err != nil { // the run item
		t.Fatal(err)
	}
	r.queue.take()
	if _, err := w.Work(ctx, batchOf("a1", first...)); err != nil {
		t.Fatal(err)
	}

	files := &failingFiles{Files: r.bucket, suffix: "avis.pdf", armed: true}
	if _, err := r.printer(files).Print(ctx, period); err == nil {
		t.Fatal("the crashed print step said nothing")
	}
	// A lease issued after the crash goes to a new batch, not the open one.
	if _, err := w.Work(ctx, batchOf("a1", later)); err != nil {
		t.Fatal(err)
	}
	// A step that died (no release) holds the period until its claim ends.
	now := r.clock.Now()
	if ok, err := r.store.ClaimPrint(ctx, period, now, now.Add(20*time.Minute)); err != nil || !ok {
		t.Fatalf("claim: %v, %v", ok, err)
	}
	if _, err := r.printer(nil).Print(ctx, period); !errors.Is(err, noticerun.ErrPrintBusy) {
		t.Fatalf("print during the claim: %v; want ErrPrintBusy", err)
	}
	r.clock.Advance(21 * time.Minute)
	files.armed = false
	printed, err := r.printer(files).Print(ctx, period)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(printed.Batches, ",") != "001,002" || printed.Notices != 4 {
		t.Fatalf("printed %+v; want batches 001 (the crashed one, again) and 002", printed)
	}
	one := manifestRefs(t, r.object(t, "print/2026-12/001/manifest.csv"))
	two := manifestRefs(t, r.object(t, "print/2026-12/002/manifest.csv"))
	if strings.Join(one, ",") != "1004,4001,1003" || strings.Join(two, ",") != "4002" {
		t.Errorf("batches %v and %v; want [1004 4001 1003] and [4002]", one, two)
	}
	printed, err = r.printer(nil).Print(ctx, period)
	if err != nil || len(printed.Batches) != 0 {
		t.Errorf("third print %+v, %v; want nothing", printed, err)
	}
}

// TestLosingDeliveryLeavesTheRecordedPDF: two deliveries of the same lease
// render it on either side of an import that changes its rent; the second
// records its notice first, then the first overwrites the PDF with its
// older rendering and loses the transaction. The PDF stored must be the
// recorded notice's.
func TestLosingDeliveryLeavesTheRecordedPDF(t *testing.T) {
	ctx := context.Background()
	r := newRig(t)
	x := demo[2]
	r.seed(t, x)
	b := batchOf("a1", x)

	reached, release := make(chan struct{}), make(chan struct{})
	slow := r.worker(t)
	slow.Hook = func(step, _ string) error {
		if step == noticerun.StepRendered {
			close(reached)
			<-release
		}
		return nil
	}
	done := make(chan error, 1)
	go func() { _, err := slow.Work(ctx, b); done <- err }()
	<-reached

	raised := leaseOf(x)
	raised.RentCents = 52000
	if _, err := r.store.UpsertLeasesOn(ctx, []tenancy.Lease{raised}, date("2026-01-15")); err != nil {
		t.Fatal(err)
	}
	fast := r.worker(t)
	fast.Hook = nil
	if out, err := fast.Work(ctx, b); err != nil || !out[0].Issued {
		t.Fatalf("second delivery: %+v, %v", out, err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatalf("first delivery: %v", err)
	}

	ns, err := r.store.Notices(ctx, period, []string{x.ref})
	if err != nil || len(ns) != 1 || ns[0].AmountDueCents != 50000 {
		t.Fatalf("recorded notice %+v, %v; want the raised rent's 500 € due", ns, err)
	}
	want, err := (&pdf.Renderer{PortalURL: "https://locataire.example.fr"}).Render(ns[0])
	if err != nil {
		t.Fatal(err)
	}
	docs, _ := r.store.Documents(ctx, x.ref)
	got := r.object(t, noticerun.NoticeKey(x.ref, period))
	if !bytes.Equal(got, want) || len(docs) != 1 || docs[0].SizeBytes != int64(len(got)) {
		t.Errorf("stored PDF of %d bytes is not the recorded notice's (%d bytes; the document says %d)", len(got), len(want), docs[0].SizeBytes)
	}
}

func TestPrintSplitsBatchesAndStopsBeforeItsDeadline(t *testing.T) {
	ctx := context.Background()
	r := newRig(t)
	var ts []tenant
	for i, pc := range []string{"75005", "13008", "69003", "33000", "59800"} {
		ts = append(ts, tenant{ref: fmt.Sprint(5001 + i), first: "P", last: "PAPIER", postal: pc, city: "Ville", start: "2020-01-01"})
	}
	r.seed(t, ts...)
	if _, err := r.planner().Plan(ctx, period); err != nil {
		t.Fatal(err)
	}
	r.queue.take()
	if _, err := r.worker(t).Work(ctx, batchOf("a1", ts...)); err != nil {
		t.Fatal(err)
	}
	pr := r.printer(nil)
	pr.BatchSize = 2

	late, cancel := context.WithTimeout(ctx, 30*time.Second)
	printed, err := pr.Print(late, period)
	cancel()
	if !errors.Is(err, noticerun.ErrPrintUnfinished) || len(printed.Batches) != 0 {
		t.Fatalf("print near its deadline: %+v, %v; want ErrPrintUnfinished and no batch", printed, err)
	}
	printed, err = pr.Print(ctx, period)
	if err != nil || strings.Join(printed.Batches, ",") != "001,002,003" || printed.Notices != 5 {
		t.Fatalf("printed %+v, %v; want batches 001, 002, 003 of 5 notices", printed, err)
	}
	seen := map[string]int{}
	for _, id := range printed.Batches {
		refs := manifestRefs(t, r.object(t, "print/2026-12/"+id+"/manifest.csv"))
		if len(refs) > 2 {
			t.Errorf("batch %s holds %d notices; want at most 2", id, len(refs))
		}
		for _, ref := range refs {
			seen[ref]++
		}
	}
	for _, x := range ts {
		if seen[x.ref] != 1 {
			t.Errorf("lease %s printed %d times", x.ref, seen[x.ref])
		}
	}
}
