package account

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/citejardins/extranet/shared/tenancy"
)

// The routes that take an email address (sign-up, forgotten password, new
// activation link) must not tell, by their answer nor by their time,
// whether the address or the lease has an account. So the request only
// checks its input, takes its limits and leaves a job; the look-up, the
// account change and the mail happen later, in the mail worker (the mails
// function, woken by the accounts table's stream). Every request of one kind
// does the same work whatever the address, and a failed job stays for the
// next run: nothing accepted is lost.

// JobKind says what a mail job does.
type JobKind string

// Mail job kinds.
const (
	// JobSignUp settles a sign-up whose identity matched a signatory: a
	// pending account and its activation link, or a mail to the address that
	// already has the account or the email (and a masked hint to the
	// address typed).
	JobSignUp JobKind = "signup"
	// JobForgot mails a reset link (or, to a pending account, an activation
	// link) when the email has an account.
	JobForgot JobKind = "forgot"
	// JobResend mails a new activation link when the email has a pending
	// account.
	JobResend JobKind = "resend"
	// JobReplaced tells an address that its pending sign-up was replaced by
	// one with another address.
	JobReplaced JobKind = "replaced"
	// JobPaymentReceived confirms an online payment to every active
	// account of the lease (written by the payment webhook in the transaction that credits it).
	JobPaymentReceived JobKind = "payment_received"
)

// MailJob is work left by a request for the mail worker.
type MailJob struct {
	ID   string // random, unique; the store orders jobs by CreatedAt then ID
	Kind JobKind
	// Email is the address typed (sign-up, forgot, resend) or to tell
	// (replaced).
	Email string
	// Reference is the lease (sign-up, replaced, payment received).
	Reference string
	// Signatory is, with Reference, the account a sign-up creates (the
	// signatory whose identity matched) or a replaced notice speaks of.
	Signatory string
	// PasswordHash is the sign-up's password, hashed on the request path.
	PasswordHash string
	// AmountCents is the payment a JobPaymentReceived confirms.
	AmountCents int64
	CreatedAt   time.Time
}

// Jobs keeps the mail jobs.
type Jobs interface {
	PutMailJob(ctx context.Context, j MailJob) error
	// MailJobs lists up to limit waiting jobs, oldest first.
	MailJobs(ctx context.Context, limit int) ([]MailJob, error)
	// ClaimMailJob takes a job until the given time, so that two workers do
	// not both run it; false when another worker holds it or it is gone.
	ClaimMailJob(ctx context.Context, j MailJob, now, until time.Time) (bool, error)
	// DeleteMailJob removes a job that is done.
	DeleteMailJob(ctx context.Context, j MailJob) error
}

// jobClaim is how long a worker holds a job: past it, a job whose worker
// died or failed is run again.
const jobClaim = 2 * time.Minute

// jobBatch bounds the jobs one run takes.
const jobBatch = 50

// newJob gives a job its id and creation time.
func (s *Service) newJob(j MailJob) (MailJob, error) {
	id, _, err := s.randomToken()
	if err != nil {
		return MailJob{}, err
	}
	j.ID, j.CreatedAt = id[:22], s.now()
	return j, nil
}

func (s *Service) putJob(ctx context.Context, j MailJob) error {
	if s.jobs == nil {
		return errors.New("mail job: no job store configured")
	}
	j, err := s.newJob(j)
	if err != nil {
		return err
	}
	if err := s.jobs.PutMailJob(ctx, j); err != nil {
		return fmt.Errorf("put mail job: %w", err)
	}
	return nil
}

// RunMailJobs runs the waiting mail jobs, oldest first. It returns how many
// it finished; a job that fails stays, to be run again once its claim ends,
// and the error says that some failed.
func (s *Service) RunMailJobs(ctx context.Context) (int, error) {
	if s.jobs == nil {
		return 0, errors.New("mail jobs: no job store configured")
	}
	jobs, err := s.jobs.MailJobs(ctx, jobBatch)
	if err != nil {
		return 0, fmt.Errorf("mail jobs: %w", err)
	}
	done, failed := 0, 0
	for _, j := range jobs {
		now := s.now()
		ok, err := s.jobs.ClaimMailJob(ctx, j, now, now.Add(jobClaim))
		if err != nil {
			return done, fmt.Errorf("claim mail job: %w", err)
		}
		if !ok {
			continue
		}
		if err := s.runJob(ctx, j); err != nil {
			failed++
			s.log.WarnContext(ctx, "mail job failed; kept for a retry", "kind", string(j.Kind), "err", err)
			continue
		}
		if err := s.jobs.DeleteMailJob(ctx, j); err != nil {
			return done, fmt.Errorf("delete mail job: %w", err)
		}
		done++
	}
	if failed > 0 {
		return done, fmt.Errorf("mail jobs: %d failed", failed)
	}
	return done, nil
}

func (s *Service) runJob(ctx context.Context, j MailJob) error {
	switch j.Kind {
	case JobSignUp:
		return s.settleSignUp(ctx, j)
	case JobForgot, JobResend:
		acc, err := s.store.AccountByEmail(ctx, j.Email)
		if errors.Is(err, ErrNotFound) {
			return nil // nobody to tell, and the requester learns nothing
		}
		if err != nil {
			return fmt.Errorf("account by email: %w", err)
		}
		switch {
		case acc.Status == Pending:
			return s.renewActivation(ctx, acc)
		case j.Kind == JobForgot:
			return s.mailReset(ctx, acc)
		}
		return nil
	case JobReplaced:
		// Always sent, outside any budget a stranger could spend first: it is
		// how the tenant learns that a sign-up took their place. It is bounded
		// all the same: each one comes with a new sign-up's activation mail,
		// which the lease's mail limit counts.
		return s.send(ctx, replacedMail(j.Email, s.page("/creer-mon-compte")))
	case JobPaymentReceived:
		return s.mailPaymentReceived(ctx, j)
	default:
		s.log.ErrorContext(ctx, "mail job of an unknown kind dropped", "kind", string(j.Kind))
		return nil
	}
}

// settleSignUp does what a matched sign-up asks, now that nobody waits for
// the answer: the requester got the same 202 whichever branch runs here.
func (s *Service) settleSignUp(ctx context.Context, j MailJob) error {
	ref, k := j.Reference, Key{Reference: j.Reference, Signatory: j.Signatory}
	var previous *Account
	existing, err := s.store.Account(ctx, k)
	switch {
	case err == nil && existing.Status == Active:
		return s.mailExistingAccount(ctx, existing, j.Email)
	case err == nil:
		previous = &existing
	case !errors.Is(err, ErrNotFound):
		return fmt.Errorf("settle sign-up: %w", err)
	}
	owner, err := s.store.AccountByEmail(ctx, j.Email)
	switch {
	case err == nil && owner.Key() != k:
		return s.mailAddressTaken(ctx, owner)
	case err != nil && !errors.Is(err, ErrNotFound):
		return fmt.Errorf("settle sign-up: %w", err)
	}

	if sent, err := s.mailAllowed(ctx, Account{Reference: ref, Signatory: j.Signatory}); !sent {
		return err
	}
	raw, tok, err := s.newToken(Activation, k, s.cfg.ActivationTTL)
	if err != nil {
		return err
	}
	// Created now, when saved, not when the sign-up was asked: sessions
	// and links an earlier account of this key made meanwhile (it may have
	// been deleted since) are older than this one and serve nothing.
	acc := Account{Reference: ref, Signatory: j.Signatory, Email: j.Email, PasswordHash: j.PasswordHash, Status: Pending,
		ActivationHash: tok.Hash, CreatedAt: tok.CreatedAt}
	if previous != nil {
		acc.CreatedAt = previous.CreatedAt
		acc.SessionGeneration = previous.SessionGeneration
	}
	// The previous address is told in its own job, written with the
	// account: a failure of either mail never resends the other nor loses
	// it, and a sign-up that is not saved tells nobody.
	var notices []MailJob
	if previous != nil && EmailKey(previous.Email) != EmailKey(j.Email) {
		n, err := s.newJob(MailJob{Kind: JobReplaced, Email: previous.Email, Reference: ref, Signatory: j.Signatory})
		if err != nil {
			return err
		}
		notices = append(notices, n)
	}
	switch err := s.store.SavePending(ctx, acc, previous, tok, notices...); {
	case errors.Is(err, ErrEmailTaken):
		// Claimed since the look-up: tell its owner, as above.
		owner, err := s.store.AccountByEmail(ctx, j.Email)
		if err != nil {
			return fmt.Errorf("settle sign-up: %w", err)
		}
		return s.mailAddressTaken(ctx, owner)
	case errors.Is(err, ErrConflict):
		// The signatory's account changed since the look-up (activated, or
		// another sign-up): run again on what it is now.
		return fmt.Errorf("settle sign-up: %w", err)
	case err != nil:
		return fmt.Errorf("settle sign-up: %w", err)
	}
	// When the mail fails, the job runs again: the account it saved is then
	// the pending one it replaces, with the same email, so only the link is
	// renewed and sent.
	return s.sendActivation(ctx, j.Email, s.firstName(ctx, k), raw)
}

// mailExistingAccount answers a sign-up for a signatory who already has an
// active account. The account's own address is reminded of it, as it
// always was. When another address was typed, that address also gets a
// masked hint of the account's (MaskEmail, "c•••@e•••.fr") and what to do:
// whoever typed the signatory's identity learns which of their addresses
// holds the account, never the address itself, and never on screen (the
// sign-up answered the same 202 as any other). Both count as one notice of
// the account's budget (noticeAllowed).
func (s *Service) mailExistingAccount(ctx context.Context, existing Account, typed string) error {
	if sent, err := s.noticeAllowed(ctx, existing.Key()); !sent {
		return err
	}
	login, forgot := s.page("/connexion"), s.page("/mot-de-passe-oublie")
	if EmailKey(typed) != EmailKey(existing.Email) {
		if err := s.send(ctx, existingAccountHintMail(typed, MaskEmail(existing.Email), login, forgot)); err != nil {
			return err
		}
	}
	return s.send(ctx, existingAccountMail(existing.Email, s.firstName(ctx, existing.Key()), login, forgot))
}

// mailAddressTaken tells the owner of an address that someone tried to
// sign up with it. Nothing is created.
func (s *Service) mailAddressTaken(ctx context.Context, owner Account) error {
	if sent, err := s.noticeAllowed(ctx, owner.Key()); !sent {
		return err
	}
	return s.send(ctx, addressTakenMail(owner.Email, s.firstName(ctx, owner.Key()), s.page("/connexion"), s.page("/mot-de-passe-oublie")))
}

// firstName is the greeting's name: the account's own signatory (the
// lease's main one if the ERP no longer lists them), or none.
func (s *Service) firstName(ctx context.Context, k Key) string {
	lease, err := s.store.Lease(ctx, k.Reference)
	if err != nil {
		if !errors.Is(err, tenancy.ErrNotFound) {
			s.log.WarnContext(ctx, "read lease for a mail greeting", "err", err)
		}
		return ""
	}
	return signatoryOf(lease, k.Signatory).FirstName
}
