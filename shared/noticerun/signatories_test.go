package noticerun_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/citejardins/extranet/shared/account"
	"github.com/citejardins/extranet/shared/dynamo"
	"github.com/citejardins/extranet/shared/tenancy"
)

// TestNoticeMailGoesToEveryAccountOfTheLease: a paperless lease with two
// active accounts gets one notice mail (one SES message, one record),
// addressed to both, greeting nobody by name; sent again, nothing more.
func TestNoticeMailGoesToEveryAccountOfTheLease(t *testing.T) {
	ctx := context.Background()
	r := newRig(t)
	r.seed(t, demo[0])
	// A co-signatory's account on the same lease, with its own address
	// (the lease lists them: the lease's mails reach listed signatories only).
	if _, err := r.store.UpsertSignatories(ctx, []dynamo.SignatoryOf{{Reference: demo[0].ref, Signatory: tenancy.Signatory{
		ID: "S" + demo[0].ref + "-2", LastName: "LEFÈVRE", FirstName: "Julien", DateOfBirth: date("1983-06-21")}}}); err != nil {
		t.Fatal(err)
	}
	now := r.clock.Now()
	co := account.Account{Reference: demo[0].ref, Signatory: "S" + demo[0].ref + "-2", Email: "julien@example.fr", PasswordHash: "x",
		Status: account.Active, CreatedAt: now}
	if err := r.store.SavePending(ctx, co, nil, account.Token{Hash: "co" + demo[0].ref, Purpose: account.Activation, Reference: co.Reference,
		Signatory: co.Signatory, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	plan, err := r.planner().Plan(ctx, period)
	if err != nil {
		t.Fatal(err)
	}
	r.queue.take()
	if _, err := r.worker(t).Work(ctx, batchOf(plan.Attempt, demo[0])); err != nil {
		t.Fatal(err)
	}
	s := r.sender(t)
	bodies := r.mails.take()
	if failed := r.sendMails(t, s, bodies); len(failed) != 0 {
		t.Fatalf("%d mails failed", len(failed))
	}
	msgs := r.ses.Messages()
	if len(msgs) != 1 {
		t.Fatalf("%d messages; want one for the lease", len(msgs))
	}
	if to := msgs[0].To; !slices.Equal(to, []string{demo[0].email, "julien@example.fr"}) {
		t.Errorf("the notice mail reaches %v", to)
	}
	if !strings.HasPrefix(msgs[0].Text, "Bonjour,") {
		t.Errorf("a mail to two signatories greets %q", strings.SplitN(msgs[0].Text, "\n", 2)[0])
	}
	if failed := r.sendMails(t, s, bodies); len(failed) != 0 || len(r.ses.Messages()) != 1 {
		t.Errorf("a redelivery sent again: %d messages", len(r.ses.Messages()))
	}
}
