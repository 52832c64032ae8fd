package noticerun_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/citejardins/extranet/shared/noticerun"
)

func TestMailMessageRoundTripsAndRefusesWhatIsNoMail(t *testing.T) {
	m := noticerun.MailMessage{Period: period, Shard: "07", Ref: "1234567", Attempt: "20261120T050000.000Z-abcdef"}
	got, err := noticerun.DecodeMailMessage(m.Encode())
	if err != nil || got != m {
		t.Fatalf("round trip: %+v, %v; want %+v", got, err, m)
	}
	for _, body := range []string{
		``, `[]`, `{"period":"2026-13","shard":"07","ref":"1","attempt":"a"}`,
		`{"period":"2026-12","shard":"7","ref":"1","attempt":"a"}`,
		`{"period":"2026-12","shard":"07","ref":"0001","attempt":"a"}`,
		`{"period":"2026-12","shard":"07","ref":"1","attempt":""}`,
		`{"period":"2026-12","shard":"07","ref":"1","attempt":"a","email":"marie@example.fr"}`,
	} {
		if _, err := noticerun.DecodeMailMessage(body); !errors.Is(err, noticerun.ErrBadMailMessage) {
			t.Errorf("DecodeMailMessage(%q) = %v; want ErrBadMailMessage", body, err)
		}
	}
}

// A mail message lost on its way (dead-lettered after five receives, or
// never sent) leaves the mail pending: the print step, six hours after the
// notice's issue, queues it again rather than printing a paperless tenant;
// a mail merely late, or one whose sender holds a live claim, is left
// alone.
func TestPrintStepQueuesLostMailsAgain(t *testing.T) {
	ctx := context.Background()
	r := newRig(t)
	late := tenant{ref: "4001", first: "Lou", last: "TARD", postal: "94000", city: "Créteil", start: "2021-01-01", email: "lou@example.fr", paperless: true}
	r.seed(t, demo[0], demo[2], late)
	w, s := r.worker(t), r.sender(t)
	plan, err := r.planner().Plan(ctx, period)
	if err != nil {
		t.Fatal(err)
	}
	r.queue.take() // the test delivers its own batches
	if _, err := w.Work(ctx, batchOf(plan.Attempt, demo[0], demo[2])); err != nil {
		t.Fatal(err)
	}
	if n := len(r.mails.take()); n != 1 {
		t.Fatalf("%d mail messages; want 1", n)
	}
	// Its message is lost. An hour later, 4001's notice is issued; its
	// mail message is lost too.
	r.clock.Advance(time.Hour)
	if _, err := w.Work(ctx, batchOf(plan.Attempt, late)); err != nil {
		t.Fatal(err)
	}
	r.mails.take()
	pr := r.printer(nil)
	pr.Mails = r.mails

	// 5 h after the first issue: nothing is stale yet.
	r.clock.Advance(4 * time.Hour)
	printed, err := pr.Print(ctx, period)
	if err != nil || printed.Remailed != 0 || printed.Notices != 1 {
		t.Fatalf("print at 5 h: %+v, %v; want the paper tenant printed, no mail queued", printed, err)
	}
	// 6 h after: 1001's mail is queued again, 4001's (5 h) is not.
	r.clock.Advance(time.Hour)
	printed, err = pr.Print(ctx, period)
	if err != nil || printed.Remailed != 1 || printed.Notices != 0 {
		t.Fatalf("print at 6 h: %+v, %v; want 1 mail queued again, nothing printed", printed, err)
	}
	bodies := r.mails.take()
	m, err := noticerun.DecodeMailMessage(bodies[0])
	if err != nil || m.Ref != "1001" {
		t.Fatalf("queued again %q, %v; want 1001's mail", bodies, err)
	}
	// 4001's sender claimed it and holds the claim: not stale either.
	run, _, _ := r.store.LeaseRun(ctx, period, fmtShard("4001"), "4001")
	r.clock.Advance(time.Hour)
	if ok, err := r.store.ClaimMail(ctx, run, r.clock.Now(), r.clock.Now().Add(noticerun.DefaultMailClaim)); !ok || err != nil {
		t.Fatal(ok, err)
	}
	if printed, err = pr.Print(ctx, period); err != nil || printed.Remailed != 1 {
		t.Fatalf("print at 7 h: %+v, %v; want 1001's mail queued again, 4001's claim left alone", printed, err)
	}
	r.mails.take()
	// Once sent, the mail is not queued again, and the tenant never printed.
	if failed := r.sendMails(t, s, bodies); len(failed) != 0 {
		t.Fatal(failed)
	}
	if n := r.mailsTo("marie@example.fr"); n != 1 {
		t.Fatalf("%d mails to 1001; want 1", n)
	}
	r.clock.Advance(24 * time.Hour)
	printed, err = pr.Print(ctx, period)
	if err != nil || printed.Remailed != 1 || printed.Notices != 0 {
		t.Fatalf("print the next day: %+v, %v; want only 4001's mail (its claim ended) queued again", printed, err)
	}
	if bodies := r.mails.take(); len(bodies) != 1 || bodies[0] == "" {
		t.Fatalf("queued %q", bodies)
	} else if m, _ := noticerun.DecodeMailMessage(bodies[0]); m.Ref != "4001" {
		t.Errorf("queued %+v; want 4001's mail", m)
	}
	rep, _ := r.reports().Report(ctx, period, "")
	if rep.Printed != 1 || rep.Mailed != 1 {
		t.Errorf("report %+v; want 1 printed (the paper tenant), 1 mailed", rep)
	}
}
