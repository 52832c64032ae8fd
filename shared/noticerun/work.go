package noticerun

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/citejardins/extranet/shared/notice"
	"github.com/citejardins/extranet/shared/tenancy"
)

// Tenancy reads what the ERP knows of a lease.
type Tenancy interface {
	// Lease is the lease with its balance and signatories
	// (tenancy.ErrNotFound when none).
	Lease(ctx context.Context, ref string) (tenancy.Lease, error)
	// LeaseSince is Lease, with the sum of the lease's ledger entries
	// (debit less credit, in cents) dated on or after a day: the lease's
	// balance less that sum is the balance before the day.
	LeaseSince(ctx context.Context, ref string, from tenancy.Date) (tenancy.Lease, int64, error)
	// NoticeLines are the lines the ERP sent for the lease and period
	// (lignes_avis); none when it sent none.
	NoticeLines(ctx context.Context, ref string, p notice.Period) ([]notice.Line, error)
}

// Recipient is where a lease's notices go: a paperless tenant with an
// address gets a mail; anyone else a printed notice.
type Recipient struct {
	Paperless bool
	Email     string
}

// Recipients reads a lease's choice of paperless notices and its address.
type Recipients interface {
	NoticeRecipient(ctx context.Context, ref string) (Recipient, error)
}

// Files stores PDFs and the print batch's files in the documents bucket.
// A put at a key overwrites what is there.
type Files interface {
	Put(ctx context.Context, key, contentType string, body []byte) error
}

// Runs keeps the run items (DESIGN.md, pattern 15).
type Runs interface {
	// LeaseRun reads a lease's run item, strongly consistent; false when
	// the run has not issued its notice.
	LeaseRun(ctx context.Context, p notice.Period, shard, ref string) (LeaseRun, bool, error)
	// Issue writes the document and the run item in one transaction, each
	// only if absent: ErrAlreadyIssued when either exists.
	Issue(ctx context.Context, is Issue) error
	// ClaimMail moves the mail from pending, or from sending whose claim
	// ended before now, to sending until the given time; false when the
	// mail is in any other state (sent, failed, another worker's claim).
	ClaimMail(ctx context.Context, r LeaseRun, now, until time.Time) (bool, error)
	// MailSent records the mail sent with its message id, if the claim
	// ending at until is still the caller's (ErrClaimLost otherwise).
	MailSent(ctx context.Context, r LeaseRun, until time.Time, attempt, messageID string) error
	// MailFailed records a mail refused for good and makes the notice
	// printable, under the same condition.
	MailFailed(ctx context.Context, r LeaseRun, until time.Time, attempt string) error
	// IssuedNotice reads the notice the issue transaction recorded for a
	// lease and period (from its document); false when none.
	IssuedNotice(ctx context.Context, p notice.Period, ref string) (notice.Notice, bool, error)
	// ReleaseMail gives a claimed mail back (sending → pending) after an
	// error that left it unsent, under the same condition.
	ReleaseMail(ctx context.Context, r LeaseRun, until time.Time) error
}

// Mail is one email.
type Mail struct {
	To, Subject, Text, HTML string
}

// Mailer sends a mail and returns the message id the service gave it.
// ErrMailRefused (wrapped) when the service refused it for good.
type Mailer interface {
	SendNotice(ctx context.Context, m Mail) (messageID string, err error)
}

// Worker issues the notices of the batches it is given. Its zero clock is
// time.Now; Hook may be nil.
type Worker struct {
	Tenancy    Tenancy
	Recipients Recipients
	Files      Files
	Runs       Runs
	Mailer     Mailer
	Renderer   notice.Renderer
	Landlord   notice.Landlord
	// PublicURL starts the link of the mail (<PublicURL>/documents.html).
	PublicURL string
	// Limiter paces this worker's mails; nil sends at once.
	Limiter *Limiter
	// Parallel is how many leases of a batch are worked at once (default 8).
	Parallel int
	// MailClaim is how long a mail's claim lasts (default 2 minutes): past
	// it, a mail whose worker died between the claim and the record is
	// sent again.
	MailClaim time.Duration
	Now       func() time.Time
	Hook      Hook
	Log       *slog.Logger
}

// DefaultMailClaim is the default time a worker holds a mail it sends.
const DefaultMailClaim = 2 * time.Minute

// Outcome is what working one lease did.
type Outcome struct {
	Issued        bool // this call issued the notice
	AlreadyIssued bool // the run had issued it
	NotRunning    bool // the lease does not run during the period: no notice
	Mailed        bool // this call sent the mail
	MailFailed    bool // this call found the mail refused for good
}

func (w *Worker) now() time.Time {
	if w.Now != nil {
		return w.Now()
	}
	return time.Now()
}

func (w *Worker) hook(step, ref string) error {
	if w.Hook == nil {
		return nil
	}
	if err := w.Hook(step, ref); err != nil {
		return fmt.Errorf("after %s: %w", step, err)
	}
	return nil
}

// Work works every lease of a batch, Parallel at a time, and returns the
// outcomes in the batch's order. Any lease's error makes the whole batch's
// error (errors.Join): the message is delivered again and the leases done
// are skipped then.
func (w *Worker) Work(ctx context.Context, b Batch) ([]Outcome, error) {
	par := w.Parallel
	if par <= 0 {
		par = 8
	}
	out := make([]Outcome, len(b.Leases))
	errs := make([]error, len(b.Leases))
	sem := make(chan struct{}, par)
	var wg sync.WaitGroup
	for i, l := range b.Leases {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			out[i], errs[i] = w.WorkLease(ctx, b, l)
			if errs[i] != nil {
				errs[i] = fmt.Errorf("lease %s: %w", l.Ref, errs[i])
			}
		}()
	}
	wg.Wait()
	return out, errors.Join(errs...)
}

// WorkLease issues one lease's notice if the run has not, then mails it if
// its mail waits (or its claim ended). Safe to call any number of times,
// concurrently: the conditional writes decide.
func (w *Worker) WorkLease(ctx context.Context, b Batch, l LeaseRef) (Outcome, error) {
	var o Outcome
	run, found, err := w.Runs.LeaseRun(ctx, b.Period, l.Shard, l.Ref)
	if err != nil {
		return o, err
	}
	var lease *tenancy.Lease
	var rcpt *Recipient
	if found {
		o.AlreadyIssued = true
	} else {
		ls, r, who, issued, err := w.issue(ctx, b, l)
		if err != nil {
			return o, err
		}
		if ls == nil { // not running
			o.NotRunning = true
			return o, nil
		}
		lease, run, rcpt = ls, r, who
		o.Issued, o.AlreadyIssued = issued, !issued
	}
	if run.Mail != MailPending && run.Mail != MailSending {
		return o, nil
	}
	sent, failed, err := w.mail(ctx, b, run, lease, rcpt)
	o.Mailed, o.MailFailed = sent, failed
	return o, err
}

// issue builds, renders, stores and records the notice. It returns the
// lease (nil when it does not run during the period), its run item as
// recorded, the recipient read, and whether this call recorded it.
func (w *Worker) issue(ctx context.Context, b Batch, l LeaseRef) (*tenancy.Lease, LeaseRun, *Recipient, bool, error) {
	// The balance before the period: the ERP may already have posted the
	// period's call (or a payment dated in it); those are on the notice's
	// lines, not in the previous balance.
	lease, since, err := w.Tenancy.LeaseSince(ctx, l.Ref, b.Period.First())
	if errors.Is(err, tenancy.ErrNotFound) {
		return nil, LeaseRun{}, nil, false, nil
	}
	if err != nil {
		return nil, LeaseRun{}, nil, false, err
	}
	if !Running(lease, b.Period) {
		return nil, LeaseRun{}, nil, false, nil
	}
	lines, err := w.Tenancy.NoticeLines(ctx, l.Ref, b.Period)
	if err != nil {
		return nil, LeaseRun{}, nil, false, err
	}
	rcpt, err := w.Recipients.NoticeRecipient(ctx, l.Ref)
	if err != nil {
		return nil, LeaseRun{}, nil, false, err
	}
	n := notice.Build(lease, b.Period, lines, lease.BalanceCents-since, w.Landlord, b.Issued)
	pdf, err := w.Renderer.Render(n)
	if err != nil {
		return nil, LeaseRun{}, nil, false, fmt.Errorf("render: %w", err)
	}
	if err := w.hook(StepRendered, l.Ref); err != nil {
		return nil, LeaseRun{}, nil, false, err
	}
	key := NoticeKey(l.Ref, b.Period)
	if err := w.Files.Put(ctx, key, "application/pdf", pdf); err != nil {
		return nil, LeaseRun{}, nil, false, err
	}
	if err := w.hook(StepStored, l.Ref); err != nil {
		return nil, LeaseRun{}, nil, false, err
	}
	run := LeaseRun{Period: b.Period, Shard: l.Shard, Ref: l.Ref, Attempt: b.Attempt, IssuedAt: w.now(),
		Mail: MailNone, Printable: true, Postal: PostalOrder(lease.Address, l.Ref)}
	if rcpt.Paperless && rcpt.Email != "" {
		run.Mail, run.Printable = MailPending, false
	}
	err = w.Runs.Issue(ctx, Issue{Notice: n, Key: key, SizeBytes: int64(len(pdf)), Run: run})
	if errors.Is(err, ErrAlreadyIssued) {
		// Another delivery of the same lease won the transaction: its run
		// item is the one that counts.
		got, found, err := w.Runs.LeaseRun(ctx, b.Period, l.Shard, l.Ref)
		if err != nil {
			return nil, LeaseRun{}, nil, false, err
		}
		if !found {
			return nil, LeaseRun{}, nil, false, fmt.Errorf("issue %s: document exists without its run item", l.Ref)
		}
		if err := w.keepWinnersPDF(ctx, b.Period, key, n); err != nil {
			return nil, LeaseRun{}, nil, false, err
		}
		return &lease, got, &rcpt, false, nil
	}
	if err != nil {
		return nil, LeaseRun{}, nil, false, err
	}
	if err := w.hook(StepRecorded, l.Ref); err != nil {
		return nil, LeaseRun{}, nil, false, err
	}
	return &lease, run, &rcpt, true, nil
}

// keepWinnersPDF makes the stored PDF the recorded notice's again after a
// lost issue transaction. The loser put its own rendering before losing;
// if the lease's data changed between the two renderings (an import
// between two deliveries of the same batch), that PDF is not the one the
// document describes: the recorded notice is rendered again (rendering is
// deterministic) and put back. The winner's own put came before its
// transaction, so before this one.
func (w *Worker) keepWinnersPDF(ctx context.Context, p notice.Period, key string, mine notice.Notice) error {
	recorded, found, err := w.Runs.IssuedNotice(ctx, p, mine.Reference)
	if err != nil || !found {
		return err
	}
	a, errA := json.Marshal(recorded)
	b, errB := json.Marshal(mine)
	if errA == nil && errB == nil && bytes.Equal(a, b) {
		return nil
	}
	pdf, err := w.Renderer.Render(recorded)
	if err != nil {
		return fmt.Errorf("render the recorded notice: %w", err)
	}
	return w.Files.Put(ctx, key, "application/pdf", pdf)
}

// mail claims, sends and records the mail of an issued notice. A claim
// held by another worker (or a mail already done) is left alone: that
// worker records it, or its claim ends and a later delivery sends it.
// lease and rcpt are those issue read, or nil when the notice was issued
// by an earlier delivery (then they are read here).
func (w *Worker) mail(ctx context.Context, b Batch, run LeaseRun, lease *tenancy.Lease, rcpt *Recipient) (sent, failed bool, err error) {
	claim := w.MailClaim
	if claim <= 0 {
		claim = DefaultMailClaim
	}
	now := w.now()
	if run.Mail == MailSending && now.Before(run.ClaimedUntil) {
		return false, false, ErrMailBusy
	}
	// The send rate's slot is taken before the claim, so that the claim
	// covers only the send and its record, however long the wait.
	if err := w.Limiter.Wait(ctx); err != nil {
		return false, false, err
	}
	now = w.now()
	until := now.Add(claim)
	ok, err := w.Runs.ClaimMail(ctx, run, now, until)
	if err != nil {
		return false, false, err
	}
	if !ok {
		// Sent or failed meanwhile (done), or claimed by another worker:
		// then this delivery fails, so that the message comes back after
		// the claim and sends the mail if that worker died.
		got, _, err := w.Runs.LeaseRun(ctx, run.Period, run.Shard, run.Ref)
		if err != nil {
			return false, false, err
		}
		if got.Mail == MailSending {
			return false, false, ErrMailBusy
		}
		return false, false, nil
	}
	release := func(cause error) error {
		// The mail was not sent: give it back so the next delivery sends
		// it without waiting for the claim to end.
		if rerr := w.Runs.ReleaseMail(context.WithoutCancel(ctx), run, until); rerr != nil && !errors.Is(rerr, ErrClaimLost) {
			return errors.Join(cause, rerr)
		}
		return cause
	}
	if rcpt == nil {
		r, err := w.Recipients.NoticeRecipient(ctx, run.Ref)
		if err != nil {
			return false, false, release(err)
		}
		rcpt = &r
	}
	if lease == nil {
		l, err := w.Tenancy.Lease(ctx, run.Ref)
		if err != nil {
			return false, false, release(err)
		}
		lease = &l
	}
	if !rcpt.Paperless || rcpt.Email == "" {
		// The tenant left paperless (or lost the address) since the notice
		// was issued: the notice is printed instead.
		if err := w.Runs.MailFailed(ctx, run, until, b.Attempt); err != nil && !errors.Is(err, ErrClaimLost) {
			return false, false, err
		}
		return false, true, nil
	}
	first := ""
	if m, ok := lease.MainSignatory(); ok {
		first = m.FirstName
	}
	id, err := w.Mailer.SendNotice(ctx, NoticeMail(rcpt.Email, first, run.Period, w.PublicURL))
	if errors.Is(err, ErrMailRefused) {
		if w.Log != nil {
			w.Log.WarnContext(ctx, "notice mail refused, the notice goes to print", "period", run.Period.String(), "err", err)
		}
		if err := w.Runs.MailFailed(ctx, run, until, b.Attempt); err != nil {
			return false, false, err
		}
		return false, true, nil
	}
	if err != nil {
		return false, false, release(err)
	}
	// From here to the record, a crash leaves the mail sent but recorded
	// as claimed: once the claim ends it is sent again. This is the run's
	// one at-least-once window.
	if err := w.hook(StepMailed, run.Ref); err != nil {
		return false, false, err
	}
	if err := w.Runs.MailSent(context.WithoutCancel(ctx), run, until, b.Attempt, id); err != nil {
		return false, false, err
	}
	return true, false, nil
}
