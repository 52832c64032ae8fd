package localstack

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/citejardins/extranet/shared/notice"
	"github.com/citejardins/extranet/shared/portal"
)

// TestNoticesAreStoredWithoutWaitingForTheMailRate issues 100 paperless
// leases' notices with NOTICE_MAIL_RATE=1 (a mail every two seconds for
// each of the template's two noticemails functions): the notices' queue
// drains, every notice recorded, while the mail queue still holds most of
// their mails. Counts, not timings: before the mail queue had its own
// consumer, the workers sent each mail before reporting its batch, so the
// notices' queue could not drain before the mails were sent.
func TestNoticesAreStoredWithoutWaitingForTheMailRate(t *testing.T) {
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, err := Start(ctx, Options{Addr: "127.0.0.1:0", DataDir: t.TempDir(), Log: log, Skip: []string{"noticemails"},
		Env: map[string]string{portal.EnvNoticeMailRate: "1"}})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	const leases = 100
	if _, err := st.SeedLeases(ctx, leases, 1); err != nil { // every one paperless
		t.Fatal(err)
	}
	// The mail sender as the stack runs it, its invocations cut when the
	// test ends (a paced batch would otherwise hold Close for a minute).
	env, err := st.FunctionEnv("noticemails")
	if err != nil {
		t.Fatal(err)
	}
	getenv := functionGetenv(env)
	if getenv(portal.EnvNoticeMailRate) != "1" || getenv(portal.EnvNoticeMailConcurrency) != "2" {
		t.Fatalf("noticemails settings: rate %q, concurrency %q", getenv(portal.EnvNoticeMailRate), getenv(portal.EnvNoticeMailConcurrency))
	}
	h, err := portal.NoticeMailsHandler(portal.AWSConfig(getenv), getenv, log, st.noticeOpts)
	if err != nil {
		t.Fatal(err)
	}
	stop, cancel := context.WithCancel(ctx)
	defer cancel() // before st.Close
	send := SQSHandler(h)
	if err := st.StartEventSource("noticemails", func(ictx context.Context, payload []byte) ([]byte, error) {
		ictx, end := context.WithCancel(ictx)
		defer end()
		defer context.AfterFunc(stop, end)()
		return send(ictx, payload)
	}, 0); err != nil {
		t.Fatal(err)
	}

	planEnv, err := st.FunctionEnv("notices")
	if err != nil {
		t.Fatal(err)
	}
	run, err := portal.NewNoticeRun(portal.AWSConfig(getenv), functionGetenv(planEnv), log, st.noticeOpts)
	if err != nil {
		t.Fatal(err)
	}
	p := notice.Period{Year: 2026, Month: 12}
	plan, err := run.Plan(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	queue, _, _ := st.noticeQueue()
	if err := st.WaitQueue(ctx, queue); err != nil {
		t.Fatal(err)
	}
	mailQueue, _, _ := st.functionQueue("noticemails")
	waiting := st.SQS.Counts(mailQueue)
	rep, err := run.Report(ctx, p, plan.Attempt)
	if err != nil {
		t.Fatal(err)
	}
	sent := 0
	for _, m := range st.Mail.Messages() {
		if strings.Contains(m.Subject, "avis d’échéance") {
			sent++
		}
	}
	t.Logf("notices' queue drained: %d notices issued, %d mails sent, mail queue %+v", rep.Issued, sent, waiting)
	if total := leases + len(st.Demo); rep.Issued != total {
		t.Errorf("%d notices issued; want all %d", rep.Issued, total)
	}
	if sent >= leases/2 || waiting.Visible+waiting.InFlight+sent < leases {
		t.Errorf("%d mails sent and %+v waiting when the notices were all stored; want most of the %d mails still queued", sent, waiting, leases)
	}
}
