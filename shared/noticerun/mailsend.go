package noticerun

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/citejardins/extranet/shared/notice"
	"github.com/citejardins/extranet/shared/tenancy"
)

// The notice mails have their own queue: the worker issues a paperless
// tenant's notice (run item: mail pending) and queues a MailMessage, which
// names the lease and the period only (no address, no name: the sender
// reads them when it sends). The MailSender, behind that queue, claims the
// mail (pending → sending), sends it through SES at the configured rate and
// records it (sent with the message id, or failed and printed). So issuing
// never waits for the send rate, and a mail message delivered twice, or to
// two senders at once, sends one mail: the claim decides.

// ErrBadMailMessage: a mail queue message that is no MailMessage.
var ErrBadMailMessage = errors.New("bad mail message")

// MailMessage is one message of the mail queue: the lease's run item
// (period, shard, reference) and the run attempt that queued it (recorded
// as the mail's attempt when it is sent).
type MailMessage struct {
	Period  notice.Period
	Shard   string
	Ref     string
	Attempt string
}

type mailMessageJSON struct {
	Period  string `json:"period"`
	Shard   string `json:"shard"`
	Ref     string `json:"ref"`
	Attempt string `json:"attempt"`
}

// Encode is the message body (JSON, under 100 bytes).
func (m MailMessage) Encode() string {
	raw, _ := json.Marshal(mailMessageJSON{Period: m.Period.String(), Shard: m.Shard, Ref: m.Ref, Attempt: m.Attempt})
	return string(raw)
}

// DecodeMailMessage reads a body written by Encode; ErrBadMailMessage when
// it is not one (wrong JSON, bad period, a reference that is not
// canonical digits, a shard that is not two digits, no attempt).
func DecodeMailMessage(body string) (MailMessage, error) {
	var j mailMessageJSON
	dec := json.NewDecoder(strings.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&j); err != nil {
		return MailMessage{}, fmt.Errorf("%w: %v", ErrBadMailMessage, err)
	}
	p, err := notice.ParsePeriod(j.Period)
	if err != nil {
		return MailMessage{}, fmt.Errorf("%w: period %q", ErrBadMailMessage, j.Period)
	}
	if ref, err := tenancy.NormalizeReference(j.Ref); err != nil || ref != j.Ref || !twoDigits(j.Shard) || j.Attempt == "" {
		return MailMessage{}, fmt.Errorf("%w: lease %q in shard %q", ErrBadMailMessage, j.Ref, j.Shard)
	}
	return MailMessage{Period: p, Shard: j.Shard, Ref: j.Ref, Attempt: j.Attempt}, nil
}

// mailMessageOf is the mail message of a lease's run item.
func mailMessageOf(r LeaseRun, attempt string) string {
	return MailMessage{Period: r.Period, Shard: r.Shard, Ref: r.Ref, Attempt: attempt}.Encode()
}

// mailDue reports whether a run item's mail waits for a sender: pending,
// or sending under a claim that ended (its sender died).
func mailDue(r LeaseRun, now time.Time) bool {
	return r.Mail == MailPending || (r.Mail == MailSending && !now.Before(r.ClaimedUntil))
}

// MailSender sends the notice mails of the mail queue's messages. Its zero
// clock is time.Now; Hook may be nil (it is called with StepMailed after
// SES accepted a mail, before its state is recorded).
type MailSender struct {
	Runs       Runs
	Tenancy    Tenancy
	Recipients Recipients
	Mailer     Mailer
	// PublicURL starts the link of the mail (<PublicURL>/documents.html).
	PublicURL string
	// Limiter paces this sender's mails; nil sends at once.
	Limiter *Limiter
	// MailClaim is how long a mail's claim lasts (default
	// DefaultMailClaim): past it, a mail whose sender died between the
	// claim and the record is sent again.
	MailClaim time.Duration
	Now       func() time.Time
	Hook      Hook
	Log       *slog.Logger
}

// MailOutcome is what sending one mail message did: Sent (this call sent
// the mail), Failed (this call found it refused for good, or the tenant no
// longer paperless: the notice is printed), or neither (the mail was done,
// or the lease has no run item).
type MailOutcome struct {
	Sent, Failed bool
}

func (s *MailSender) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Send claims, sends and records the mail a message names. Safe to call
// any number of times, concurrently: a mail already sent or failed is left
// alone; a mail another sender holds gives ErrMailBusy (the message comes
// back after its visibility timeout, when the claim has ended, and sends
// the mail if that sender died); ErrMailDeferred when the rate has no slot
// before ctx's deadline. Any error leaves the mail to a later delivery.
func (s *MailSender) Send(ctx context.Context, m MailMessage) (MailOutcome, error) {
	run, found, err := s.Runs.LeaseRun(ctx, m.Period, m.Shard, m.Ref)
	if err != nil {
		return MailOutcome{}, err
	}
	if !found {
		// Only a worker that recorded the notice queues its mail: a message
		// without a run item names no mail of this system.
		if s.Log != nil {
			s.Log.WarnContext(ctx, "notice mail message without a run item, dropped", "period", m.Period.String())
		}
		return MailOutcome{}, nil
	}
	if run.Mail != MailPending && run.Mail != MailSending {
		return MailOutcome{}, nil
	}
	claim := s.MailClaim
	if claim <= 0 {
		claim = DefaultMailClaim
	}
	if run.Mail == MailSending && s.now().Before(run.ClaimedUntil) {
		return MailOutcome{}, ErrMailBusy
	}
	// The send rate's slot is taken before the claim, so that the claim
	// covers only the send and its record, however long the wait.
	if err := s.Limiter.Wait(ctx); err != nil {
		return MailOutcome{}, err
	}
	now := s.now()
	until := now.Add(claim)
	ok, err := s.Runs.ClaimMail(ctx, run, now, until)
	if err != nil {
		return MailOutcome{}, err
	}
	if !ok {
		// Sent or failed meanwhile (done), or claimed by another sender:
		// then this delivery fails, so that the message comes back after
		// the claim and sends the mail if that sender died.
		got, _, err := s.Runs.LeaseRun(ctx, run.Period, run.Shard, run.Ref)
		if err != nil {
			return MailOutcome{}, err
		}
		if got.Mail == MailSending {
			return MailOutcome{}, ErrMailBusy
		}
		return MailOutcome{}, nil
	}
	release := func(cause error) error {
		// The mail was not sent: give it back so the next delivery sends
		// it without waiting for the claim to end.
		if rerr := s.Runs.ReleaseMail(context.WithoutCancel(ctx), run, until); rerr != nil && !errors.Is(rerr, ErrClaimLost) {
			return errors.Join(cause, rerr)
		}
		return cause
	}
	rcpt, err := s.Recipients.NoticeRecipient(ctx, run.Ref)
	if err != nil {
		return MailOutcome{}, release(err)
	}
	if !rcpt.Paperless || rcpt.Email == "" {
		// The tenant left paperless (or lost the address) since the notice
		// was issued: the notice is printed instead.
		if err := s.Runs.MailFailed(ctx, run, until, m.Attempt); err != nil && !errors.Is(err, ErrClaimLost) {
			return MailOutcome{}, err
		}
		return MailOutcome{Failed: true}, nil
	}
	lease, err := s.Tenancy.Lease(ctx, run.Ref)
	if err != nil {
		return MailOutcome{}, release(err)
	}
	// One message to every account of the lease: greeted by name only when
	// it goes to one.
	first := ""
	for _, sg := range lease.Signatories {
		if rcpt.Signatory != "" && sg.ID == rcpt.Signatory {
			first = sg.FirstName
		}
	}
	mail := NoticeMail(rcpt.Email, first, run.Period, s.PublicURL)
	if len(rcpt.Emails) > 1 {
		mail.Bcc = rcpt.Emails[1:]
	}
	// A direct debit announced on the notice is said in the mail too.
	if n, found, err := s.Runs.IssuedNotice(ctx, run.Period, run.Ref); err != nil {
		return MailOutcome{}, release(err)
	} else if found {
		mail = WithDebit(mail, n.DirectDebit)
	}
	id, err := s.Mailer.SendNotice(ctx, mail)
	if errors.Is(err, ErrMailRefused) {
		if s.Log != nil {
			s.Log.WarnContext(ctx, "notice mail refused, the notice goes to print", "period", run.Period.String(), "err", err)
		}
		if err := s.Runs.MailFailed(ctx, run, until, m.Attempt); err != nil {
			return MailOutcome{}, err
		}
		return MailOutcome{Failed: true}, nil
	}
	if err != nil {
		// SES may have accepted the mail before the error reached us (a
		// timeout, a lost answer, a reset): the claim is kept, not given
		// back, so that no delivery sends it again before the claim ends.
		return MailOutcome{}, err
	}
	// From here to the record, a crash leaves the mail sent but recorded
	// as claimed: once the claim ends it is sent again. This, with a send
	// whose answer was lost just above, is the run's one at-least-once
	// window: SES accepted the mail and its state was not recorded.
	if s.Hook != nil {
		if err := s.Hook(StepMailed, run.Ref); err != nil {
			return MailOutcome{}, fmt.Errorf("after %s: %w", StepMailed, err)
		}
	}
	if err := s.Runs.MailSent(context.WithoutCancel(ctx), run, until, m.Attempt, id); err != nil {
		return MailOutcome{}, err
	}
	return MailOutcome{Sent: true}, nil
}
