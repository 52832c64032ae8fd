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

// Recipient is where a lease's notices go: a paperless lease with an
// address gets a mail; any other a printed notice. The mail goes to every
// active account of the lease (each signatory's notice address, once):
// Email is the first of Emails, the others are blind copies of the same
// message.
type Recipient struct {
	Paperless bool
	Email     string
	Emails    []string
	// Signatory is the signatory id of the only account mailed, for the
	// greeting; "" when several are (then nobody is greeted by name).
	Signatory string
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
	// Bcc are the lease's other recipients of the same message: one send,
	// one message id, whoever reads it. With any, the mailer puts To in
	// blind copy too, so that no recipient reads another's address.
	Bcc []string
}

// Mailer sends a mail and returns the message id the service gave it.
// ErrMailRefused (wrapped) when the service refused it for good.
type Mailer interface {
	SendNotice(ctx context.Context, m Mail) (messageID string, err error)
}

// Worker issues the notices of the batches it is given, and queues the
// mail of each paperless tenant's notice for the MailSender: it never
// waits for the mail's send rate. Its zero clock is time.Now; Hook may be
// nil.
type Worker struct {
	Tenancy    Tenancy
	Recipients Recipients
	Files      Files
	Runs       Runs
	// Mails is the mail queue (NoticeMailsQueue): one MailMessage a mail.
	Mails    Queue
	Renderer notice.Renderer
	Landlord notice.Landlord
	// Mandates gives the lease's SEPA mandate in force for the
	// pre-notification (prenotify.go); nil prints none.
	Mandates Mandates
	// Parallel is how many leases of a batch are worked at once (default 8).
	Parallel int
	Now      func() time.Time
	Hook     Hook
	Log      *slog.Logger
}

// DefaultMailClaim is the default time a sender holds a mail it sends.
const DefaultMailClaim = 2 * time.Minute

// Outcome is what working one lease did.
type Outcome struct {
	Issued        bool // this call issued the notice
	AlreadyIssued bool // the run had issued it
	NotRunning    bool // the lease does not run during the period: no notice
	// MailQueued: the notice's mail waits for a sender (pending, or a
	// claim that ended) and this call queued a mail message for it.
	MailQueued bool
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
	// The mails of the leases done: queued before the batch's message is
	// reported done, so a crash before this point redelivers the batch,
	// and its leases, found issued with their mail pending, queue it then.
	var bodies []string
	for i, l := range b.Leases {
		if errs[i] == nil && out[i].MailQueued {
			bodies = append(bodies, mailMessageOf(LeaseRun{Period: b.Period, Shard: l.Shard, Ref: l.Ref}, b.Attempt))
		}
	}
	if len(bodies) > 0 {
		err := errors.New("no mail queue")
		if w.Mails != nil {
			err = w.Mails.Send(ctx, bodies)
		}
		if err != nil {
			for i := range out {
				out[i].MailQueued = false
			}
			errs = append(errs, fmt.Errorf("queue %d mails: %w", len(bodies), err))
		}
	}
	return out, errors.Join(errs...)
}

// WorkLease issues one lease's notice if the run has not, and says
// whether its mail waits for a sender (Outcome.MailQueued; Work queues
// it). Safe to call any number of times, concurrently: the conditional
// writes decide.
func (w *Worker) WorkLease(ctx context.Context, b Batch, l LeaseRef) (Outcome, error) {
	var o Outcome
	run, found, err := w.Runs.LeaseRun(ctx, b.Period, l.Shard, l.Ref)
	if err != nil {
		return o, err
	}
	if found {
		o.AlreadyIssued = true
	} else {
		r, running, issued, err := w.issue(ctx, b, l)
		if err != nil {
			return o, err
		}
		if !running {
			o.NotRunning = true
			return o, nil
		}
		run = r
		o.Issued, o.AlreadyIssued = issued, !issued
	}
	o.MailQueued = mailDue(run, w.now())
	return o, nil
}

// issue builds, renders, stores and records the notice. It returns the
// lease's run item as recorded, whether the lease runs during the period
// (no notice otherwise), and whether this call recorded it.
func (w *Worker) issue(ctx context.Context, b Batch, l LeaseRef) (LeaseRun, bool, bool, error) {
	// The balance before the period: the ERP may already have posted the
	// period's call (or a payment dated in it); those are on the notice's
	// lines, not in the previous balance.
	lease, since, err := w.Tenancy.LeaseSince(ctx, l.Ref, b.Period.First())
	if errors.Is(err, tenancy.ErrNotFound) {
		return LeaseRun{}, false, false, nil
	}
	if err != nil {
		return LeaseRun{}, false, false, err
	}
	if !Running(lease, b.Period) {
		return LeaseRun{}, false, false, nil
	}
	lines, err := w.Tenancy.NoticeLines(ctx, l.Ref, b.Period)
	if err != nil {
		return LeaseRun{}, false, false, err
	}
	rcpt, err := w.Recipients.NoticeRecipient(ctx, l.Ref)
	if err != nil {
		return LeaseRun{}, false, false, err
	}
	n := notice.Build(lease, b.Period, lines, lease.BalanceCents-since, w.Landlord, b.Issued)
	if w.Mandates != nil {
		m, ok, err := w.Mandates.Active(ctx, l.Ref, b.Issued)
		if err != nil {
			return LeaseRun{}, false, false, fmt.Errorf("mandate: %w", err)
		}
		if ok {
			PreNotify(&n, m)
		}
	}
	pdf, err := w.Renderer.Render(n)
	if err != nil {
		return LeaseRun{}, false, false, fmt.Errorf("render: %w", err)
	}
	if err := w.hook(StepRendered, l.Ref); err != nil {
		return LeaseRun{}, false, false, err
	}
	key := NoticeKey(l.Ref, b.Period)
	if err := w.Files.Put(ctx, key, "application/pdf", pdf); err != nil {
		return LeaseRun{}, false, false, err
	}
	if err := w.hook(StepStored, l.Ref); err != nil {
		return LeaseRun{}, false, false, err
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
			return LeaseRun{}, false, false, err
		}
		if !found {
			return LeaseRun{}, false, false, fmt.Errorf("issue %s: document exists without its run item", l.Ref)
		}
		if err := w.keepWinnersPDF(ctx, b.Period, key, n); err != nil {
			return LeaseRun{}, false, false, err
		}
		return got, true, false, nil
	}
	if err != nil {
		return LeaseRun{}, false, false, err
	}
	if err := w.hook(StepRecorded, l.Ref); err != nil {
		return LeaseRun{}, false, false, err
	}
	return run, true, true, nil
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
