package noticerun_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/citejardins/extranet/shared/noticerun"
)

// lostAnswer lets SES accept the first mail, then loses its answer (a
// deadline, a reset), as a slow network can.
type lostAnswer struct {
	inner noticerun.Mailer
	n     atomic.Int32
}

func (f *lostAnswer) SendNotice(ctx context.Context, m noticerun.Mail) (string, error) {
	id, err := f.inner.SendNotice(ctx, m)
	if err == nil && f.n.Add(1) == 1 {
		return "", context.DeadlineExceeded
	}
	return id, err
}

// A send whose answer was lost keeps its claim: a redelivery before the
// claim ends sends nothing; after it, the mail goes again (the counted
// at-least-once window, as a crash after the send).
func TestLostSESAnswerKeepsTheClaim(t *testing.T) {
	ctx := context.Background()
	r := newRig(t)
	r.seed(t, demo[0])
	plan, err := r.planner().Plan(ctx, period)
	if err != nil {
		t.Fatal(err)
	}
	r.queue.take()
	if _, err := r.worker(t).Work(ctx, batchOf(plan.Attempt, demo[0])); err != nil {
		t.Fatal(err)
	}
	bodies := r.mails.take()
	s := r.sender(t)
	s.Mailer = &lostAnswer{inner: s.Mailer}
	failed := r.sendMails(t, s, bodies)
	if len(failed) != 1 {
		t.Fatalf("first delivery: %d failed; want the lost answer to fail it", len(failed))
	}
	if again := r.sendMails(t, s, failed); len(again) != 1 {
		t.Errorf("a redelivery within the claim did not fail (busy)")
	}
	if n := r.mailsTo(demo[0].email); n != 1 {
		t.Fatalf("%d mails within the claim; want 1", n)
	}
	r.clock.Advance(noticerun.DefaultMailClaim + time.Second)
	if left := r.sendMails(t, s, failed); len(left) != 0 {
		t.Fatalf("after the claim: %d failed", len(left))
	}
	if n := r.mailsTo(demo[0].email); n != 2 {
		t.Errorf("%d mails after the claim; want 2 (SES had accepted the first: the counted window)", n)
	}
}
