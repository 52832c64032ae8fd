package insurancerun_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/citejardins/extranet/shared/insurance"
	"github.com/citejardins/extranet/shared/insurancerun"
	"github.com/citejardins/extranet/shared/tenancy"
)

// TestEachThresholdIsMailedOnceOverDays: a cover ending on 31 January 2027
// gets "arrive à échéance" on 1 January (30 days before) and "a expiré" on
// 1 February, each once over six weeks of daily runs, at the account's
// notification address, with the link to "Mon assurance"; then the lease
// leaves the index.
func TestEachThresholdIsMailedOnceOverDays(t *testing.T) {
	h := newHarness(t)
	h.day("2026-12-20")
	h.lease("1234567", false)
	h.account("1234567", "login@example.fr", "avis@example.fr", "active")
	h.submit("1234567", "c1", "2027-01-31")
	got := h.days("2026-12-20", "2027-02-28", "avis@example.fr")
	want := []string{"2027-01-01 Votre attestation d’assurance habitation arrive à échéance",
		"2027-02-01 Votre attestation d’assurance habitation a expiré"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("mails:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if n := len(h.mails("login@example.fr")); n != 0 {
		t.Errorf("%d mails to the login address; the notification address is the one to use", n)
	}
	m := h.mails("avis@example.fr")[0]
	for _, part := range []string{m.Text, m.HTML} {
		if !strings.Contains(part, publicURL+"/mon-espace/assurance") || !strings.Contains(part, "31/01/2027") {
			t.Errorf("mail without the link or the end date:\n%s", part)
		}
	}
	if st := h.state("1234567"); st.RemindOn != "" || len(st.Reminded) != 2 {
		t.Errorf("state after both thresholds %+v; want both recorded and no reminder to come", st)
	}
}

// TestFortyParallelRunsMailEachTenantOnce: forty runs of the same day at
// once (a retried schedule, a developer's trigger) mail each tenant once.
func TestFortyParallelRunsMailEachTenantOnce(t *testing.T) {
	h := newHarness(t)
	h.day("2027-01-05")
	refs := []string{"1234567", "7654321", "8889999", "1111111", "2222222", "3333333"}
	for i, ref := range refs {
		h.lease(ref, i%2 == 0)
		h.account(ref, "t"+ref+"@example.fr", "", "active")
		if i%2 == 1 {
			h.submit(ref, "c-"+ref, "2027-01-20") // ending within 30 days
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := h.runner(nil).Run(context.Background()); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for i, ref := range refs {
		got := h.mails("t" + ref + "@example.fr")
		want := "Votre attestation d’assurance habitation arrive à échéance"
		if i%2 == 0 {
			want = "Envoyez-nous votre attestation d’assurance habitation"
		}
		if len(got) != 1 || got[0].Subject != want {
			t.Errorf("lease %s: %d mails %v; want one %q", ref, len(got), got, want)
		}
	}
	if n := len(h.ses.Messages()); n != len(refs) {
		t.Errorf("%d mails in all; want %d", n, len(refs))
	}
}

// TestNewCertificateStartsItsThresholdsAgain: once a cover's two thresholds
// are mailed, a new certificate (a new end) is reminded again, before and
// after its own end.
func TestNewCertificateStartsItsThresholdsAgain(t *testing.T) {
	h := newHarness(t)
	h.day("2026-12-31")
	h.lease("7654321", true)
	h.account("7654321", "awa@example.fr", "", "active")
	h.submit("7654321", "c1", "2027-01-31")
	first := h.days("2026-12-31", "2027-02-02", "awa@example.fr")
	if len(first) != 2 {
		t.Fatalf("first cover: %v; want ending and ended", first)
	}
	h.day("2027-02-10")
	h.submit("7654321", "c2", "2028-01-31")
	got := h.days("2027-02-10", "2028-02-05", "awa@example.fr")
	want := []string{"2028-01-01 Votre attestation d’assurance habitation arrive à échéance",
		"2028-02-01 Votre attestation d’assurance habitation a expiré"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("second cover:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestRequiredLeaseWithoutCertificateIsRemindedOnce: a lease the ERP says
// needs a certificate, without one, gets "missing" once, on the import's
// day; importing the lease again does not start it over.
func TestRequiredLeaseWithoutCertificateIsRemindedOnce(t *testing.T) {
	h := newHarness(t)
	h.day("2026-11-30")
	h.lease("8889999", true)
	h.account("8889999", "marie@example.fr", "", "active")
	got := h.days("2026-11-30", "2026-12-03", "marie@example.fr")
	if len(got) != 1 || got[0] != "2026-11-30 Envoyez-nous votre attestation d’assurance habitation" {
		t.Fatalf("mails %v; want one missing reminder on the import's day", got)
	}
	h.lease("8889999", true)
	if got := h.days("2026-12-04", "2026-12-06", "marie@example.fr"); len(got) != 0 {
		t.Errorf("after the lease's import again: %v; want no mail", got)
	}
	if st := h.state("8889999"); !st.Required || st.RemindOn != "" || len(st.Reminded) != 1 || st.Reminded[0] != "missing" {
		t.Errorf("state %+v", st)
	}
}

// TestNoActiveAccountSendsNothingAndKeepsTheReminderDue: no account (or one
// not activated) → no mail and nothing recorded; the first run after the
// account is active mails the reminder.
func TestNoActiveAccountSendsNothingAndKeepsTheReminderDue(t *testing.T) {
	h := newHarness(t)
	h.day("2026-11-30")
	h.lease("1234567", true)
	rep := h.run(nil)
	if rep.NoAccount != 1 || rep.Mailed != 0 || len(h.ses.Messages()) != 0 {
		t.Fatalf("without an account: %+v, %d mails", rep, len(h.ses.Messages()))
	}
	h.account("1234567", "lefevre@example.fr", "", "pending")
	h.day("2026-12-01")
	if rep := h.run(nil); rep.NoAccount != 1 || len(h.ses.Messages()) != 0 {
		t.Fatalf("with a pending account: %+v", rep)
	}
	if st := h.state("1234567"); len(st.Reminded) != 0 || st.RemindOn != "2026-11-30" {
		t.Fatalf("state %+v; want nothing recorded, still due", st)
	}
	h.account("1234567", "lefevre@example.fr", "", "active")
	h.day("2026-12-02")
	if rep := h.run(nil); rep.Mailed != 1 || len(h.mails("lefevre@example.fr")) != 1 {
		t.Fatalf("once active: %+v", rep)
	}
}

// lostAnswer sends through SES, then says it failed, as a timeout after
// SES accepted the mail would.
type lostAnswer struct{ m insurancerun.Mailer }

func (l lostAnswer) SendInsurance(ctx context.Context, m insurancerun.Mail) (string, error) {
	if _, err := l.m.SendInsurance(ctx, m); err != nil {
		return "", err
	}
	return "", errors.New("read tcp: i/o timeout")
}

// throttled answers as SES does when it refuses for now: nothing sent.
type throttled struct{}

func (throttled) SendInsurance(context.Context, insurancerun.Mail) (string, error) {
	return "", fmt.Errorf("%w: ses send insurance mail: Throttling", insurancerun.ErrMailNotSent)
}

// TestALostAnswerIsNeverSentTwiceAndAThrottleIsRetried: the claim is
// recorded before SES is called, so a mail whose answer was lost is not
// sent again by the next runs; an answer that says SES did not take the
// mail gives the claim back, and the next run sends it.
func TestALostAnswerIsNeverSentTwiceAndAThrottleIsRetried(t *testing.T) {
	h := newHarness(t)
	h.day("2026-11-30")
	h.lease("1234567", true)
	h.account("1234567", "lefevre@example.fr", "", "active")
	h.lease("7654321", true)
	h.account("7654321", "awa@example.fr", "", "active")

	if _, err := h.runner(throttled{}).Run(context.Background()); !errors.Is(err, insurancerun.ErrMailNotSent) {
		t.Fatalf("throttled run: %v; want ErrMailNotSent", err)
	}
	rep := h.run(lostAnswer{h.mail})
	if rep.Unknown != 2 || len(h.ses.Messages()) != 2 {
		t.Fatalf("lost answers: %+v, %d mails; want both sent once, their outcome unknown", rep, len(h.ses.Messages()))
	}
	for _, d := range []string{"2026-11-30", "2026-12-01", "2026-12-02"} {
		h.day(d)
		h.run(nil)
	}
	if len(h.mails("lefevre@example.fr")) != 1 || len(h.mails("awa@example.fr")) != 1 {
		t.Errorf("mails %v; want one each, never sent again", h.ses.Messages())
	}
	logs := h.logs.String()
	if !strings.Contains(logs, "unknown whether the mail left") || strings.Contains(logs, "@example.fr") ||
		strings.Contains(logs, "1234567") || strings.Contains(logs, "7654321") {
		t.Errorf("logs %s; want the lost answers logged, without address or lease", logs)
	}
}

// TestARefusalIsMailedOncePerDecision: the landlord's refusal (from the
// ERP's assurances file) is mailed once, with its reason and the link; the
// same refusal again is not; a new refusal of the certificate on a later
// day is a new decision, mailed again; an acceptance before the mail left
// cancels it.
func TestARefusalIsMailedOncePerDecision(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	h.day("2026-11-30")
	h.lease("1234567", false)
	h.account("1234567", "lefevre@example.fr", "", "active")
	h.submit("1234567", "c1", "2027-09-30")
	refuse := func(on, reason string) {
		t.Helper()
		d, _ := tenancy.ParseDate(on)
		if _, err := h.store.DecideInsurance(ctx, "1234567", insurance.Decision{ID: "c1", Status: insurance.Refused, On: d, Reason: reason}, h.today()); err != nil {
			t.Fatal(err)
		}
	}
	refuse("2026-11-29", "Le nom de l’assuré n’est pas celui du bail")
	got := h.days("2026-11-30", "2026-12-02", "lefevre@example.fr")
	if len(got) != 1 || got[0] != "2026-11-30 Votre attestation d’assurance habitation a été refusée" {
		t.Fatalf("mails %v; want the refusal once, on the day of the import", got)
	}
	m := h.mails("lefevre@example.fr")[0]
	for _, part := range []string{m.Text, m.HTML} {
		if !strings.Contains(part, publicURL+"/mon-espace/assurance") || !strings.Contains(part, "n’est pas celui du bail") {
			t.Errorf("refusal mail without the link or the reason:\n%s", part)
		}
	}
	refuse("2026-11-29", "Le nom de l’assuré n’est pas celui du bail")
	h.day("2026-12-03")
	refuse("2026-12-03", "Attestation illisible")
	got = h.days("2026-12-03", "2026-12-04", "lefevre@example.fr")
	if len(got) != 1 || !strings.Contains(h.mails("lefevre@example.fr")[1].Text, "Attestation illisible") {
		t.Fatalf("second refusal: %v; want one more mail with the new reason", got)
	}
	h.day("2026-12-05")
	refuse("2026-12-05", "Date de fin absente")
	d, _ := tenancy.ParseDate("2026-12-05")
	if _, err := h.store.DecideInsurance(ctx, "1234567", insurance.Decision{ID: "c1", Status: insurance.Accepted, On: d}, h.today()); err != nil {
		t.Fatal(err)
	}
	if got := h.days("2026-12-05", "2026-12-06", "lefevre@example.fr"); len(got) != 0 {
		t.Errorf("a refusal replaced by an acceptance before the run: %v; want no mail", got)
	}
}

// TestTheHourlyRunMailsRefusalsOnly: the hourly run sends a refusal the
// ERP sent during the day and leaves the reminders to the morning's run.
func TestTheHourlyRunMailsRefusalsOnly(t *testing.T) {
	h := newHarness(t)
	h.day("2026-11-30")
	h.lease("1234567", true) // missing due today
	h.lease("7654321", false)
	h.account("1234567", "lefevre@example.fr", "", "active")
	h.account("7654321", "awa@example.fr", "", "active")
	h.submit("7654321", "c1", "2027-09-30")
	if _, err := h.store.DecideInsurance(context.Background(), "7654321", insurance.Decision{ID: "c1", Status: insurance.Refused,
		On: h.today(), Reason: "Attestation illisible"}, h.today()); err != nil {
		t.Fatal(err)
	}
	hourly := h.runner(nil)
	hourly.RefusalsOnly = true
	for range 2 {
		if _, err := hourly.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if got := h.mails("awa@example.fr"); len(got) != 1 || !strings.Contains(got[0].Subject, "refusée") || len(h.mails("lefevre@example.fr")) != 0 {
		t.Fatalf("hourly runs: %v; want the refusal alone, once", h.ses.Messages())
	}
	h.run(nil)
	if len(h.mails("lefevre@example.fr")) != 1 || len(h.mails("awa@example.fr")) != 1 {
		t.Errorf("morning run: %v; want the missing reminder, and the refusal not again", h.ses.Messages())
	}
}
