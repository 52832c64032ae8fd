// Package insurancerun is the daily run of the home-insurance reminders
// (law 89-462 art. 7 g): each morning it finds, shard by shard, the leases
// whose next reminder is due (the sparse index byReminder), and mails each
// tenant once per threshold: the cover ends within 30 days, it ended, no
// certificate ever arrived on a lease that requires one, or the landlord
// refused the certificate sent. It knows nothing of AWS: the store, the
// account look-up and the mailer are interfaces.
package insurancerun

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/citejardins/extranet/shared/insurance"
	"github.com/citejardins/extranet/shared/tenancy"
)

// Lease is a lease's insurance as the run reads it.
type Lease struct {
	Ref   string
	State insurance.State
	// Refusal is the insurance.RefusalKey of the landlord's latest refusal
	// when one is to be mailed (mailed once its key is in State.Reminded);
	// empty otherwise.
	Refusal      string
	Certificates []insurance.Certificate
}

// Store is the leases' insurance state.
type Store interface {
	// DueInsurance calls fn with the reference of each lease of shard
	// (0..Shards-1) whose next reminder is due on or before today.
	DueInsurance(ctx context.Context, shard int, today tenancy.Date, fn func(ref string) error) error
	// InsuranceOf reads a lease's state and certificates.
	InsuranceOf(ctx context.Context, ref string) (Lease, error)
	// ClaimInsuranceMail records key (and the passed-over keys) as mailed
	// and moves the next reminder on, if key is not recorded yet: false
	// when it is (another run claimed it). Atomic against every other
	// writer of the state.
	ClaimInsuranceMail(ctx context.Context, ref, key string, passed []string, today tenancy.Date) (bool, error)
	// ReleaseInsuranceMail takes key out of the mailed ones again (the mail
	// was certainly not sent), so the next run mails it.
	ReleaseInsuranceMail(ctx context.Context, ref, key string, today tenancy.Date) error
	// SettleInsurance moves the next reminder to its day (or takes the lease
	// out of the index when none is to come), writing only a change.
	SettleInsurance(ctx context.Context, ref string, today tenancy.Date) error
}

// Recipients finds where a lease's tenants read their mail: the
// notification address, else the login address, of each active account of
// the lease (one per signatory), once each; none when the lease has no
// active account.
type Recipients interface {
	InsuranceRecipients(ctx context.Context, ref string) ([]string, error)
}

// Mailer sends one mail and returns the provider's message id.
type Mailer interface {
	SendInsurance(ctx context.Context, m Mail) (string, error)
}

// Errors a Mailer gives when it knows the mail was not accepted. Any other
// error leaves it unknown whether the provider accepted it (a timeout, a
// lost answer).
var (
	// ErrMailRefused: the provider refused this message for good (a bad
	// address); sending it again would fail again.
	ErrMailRefused = errors.New("insurance mail refused")
	// ErrMailNotSent: the provider answered with an error (throttling, a
	// paused account): the mail was not accepted and may be sent again.
	ErrMailNotSent = errors.New("insurance mail not sent")
)

// Shards is how many shards the index is spread over (dynamo.Shards).
const Shards = 16

// Runner runs the reminders of one day.
type Runner struct {
	Store      Store
	Recipients Recipients
	Mailer     Mailer
	// PublicURL starts the mail's link (<PublicURL>/mon-espace/assurance).
	PublicURL string
	// RefusalsOnly mails the landlord's refusals only, leaving the
	// reminders to the morning's run: the hourly run, so that a refusal
	// imported during the day reaches the tenant within the hour.
	RefusalsOnly bool
	// Workers is how many leases are worked on at once (default 4).
	Workers int
	Now     func() time.Time
	Log     *slog.Logger
}

// Report counts what a run did.
type Report struct {
	Leases    int `json:"leases"`    // leases found due
	Mailed    int `json:"mailed"`    // mails this run sent
	NoAccount int `json:"noAccount"` // reminders due on a lease without an active account: not sent, kept due
	Refused   int `json:"refused"`   // mails the provider refused for good (recorded, not sent again)
	Unknown   int `json:"unknown"`   // mails whose sending failed without knowing whether they left (recorded: never sent twice)
}

// Run mails the reminders due today (civil date in Paris) in every shard.
// Safe to run any number of times, at once: each threshold of a lease is
// claimed before its mail is sent, so it is mailed at most once. An error
// stops the run; running it again goes on with what is still due.
func (r *Runner) Run(ctx context.Context) (Report, error) {
	now := time.Now
	if r.Now != nil {
		now = r.Now
	}
	today := tenancy.ParisDate(now())
	workers := r.Workers
	if workers <= 0 {
		workers = 4
	}
	var (
		rep     Report
		mu      sync.Mutex
		wg      sync.WaitGroup
		firstMu sync.Mutex
		first   error
	)
	fail := func(err error) {
		firstMu.Lock()
		defer firstMu.Unlock()
		if first == nil {
			first = err
		}
	}
	failed := func() bool { firstMu.Lock(); defer firstMu.Unlock(); return first != nil }
	refs := make(chan string)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ref := range refs {
				if failed() {
					continue
				}
				var lr Report
				if err := r.lease(ctx, ref, today, &lr); err != nil {
					fail(fmt.Errorf("lease reminders: %w", err))
				}
				mu.Lock()
				rep.Leases++
				rep.Mailed += lr.Mailed
				rep.NoAccount += lr.NoAccount
				rep.Refused += lr.Refused
				rep.Unknown += lr.Unknown
				mu.Unlock()
			}
		}()
	}
	for shard := 0; shard < Shards && !failed(); shard++ {
		err := r.Store.DueInsurance(ctx, shard, today, func(ref string) error {
			select {
			case refs <- ref:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
		if err != nil {
			fail(fmt.Errorf("shard %d: %w", shard, err))
		}
	}
	close(refs)
	wg.Wait()
	return rep, first
}

// lease mails what is due on one lease, one mail after the other (a
// refusal and a reminder may both be due).
func (r *Runner) lease(ctx context.Context, ref string, today tenancy.Date, rep *Report) error {
	for range 8 {
		l, err := r.Store.InsuranceOf(ctx, ref)
		if err != nil {
			return err
		}
		m, key, passed, ok := r.due(l, today)
		if !ok {
			return r.Store.SettleInsurance(ctx, ref, today)
		}
		if r.RefusalsOnly && key != l.Refusal {
			return nil // a reminder: the morning's run mails it
		}
		to, err := r.Recipients.InsuranceRecipients(ctx, ref)
		if err != nil {
			return err
		}
		if len(to) == 0 {
			// No active account, so nowhere to write: nothing is recorded
			// and the reminder stays due, for the first run after the tenant
			// activates an account (the lease stays in the index meanwhile:
			// one look-up a day).
			rep.NoAccount++
			return nil
		}
		claimed, err := r.Store.ClaimInsuranceMail(ctx, ref, key, passed, today)
		if err != nil {
			return err
		}
		if !claimed {
			continue // another run took it: see what is left
		}
		m.To, m.Bcc = to[0], to[1:]
		// The claim is the record, written before SES is called: there is no
		// window in which SES has accepted a mail that is not recorded, so no
		// run, retry or redelivery sends it twice. The window is the other
		// way round: between the claim and SES's answer, a crash (or a
		// timeout, a lost answer) leaves the key recorded whether SES took the
		// mail or not, so that one reminder may be lost, never doubled (the
		// run counts it as Unknown and logs its threshold). Only an answer of
		// SES saying it did not take the mail (ErrMailNotSent) gives the key
		// back, for the next run.
		_, err = r.Mailer.SendInsurance(ctx, m)
		switch {
		case err == nil:
			rep.Mailed++
		case errors.Is(err, ErrMailRefused):
			rep.Refused++
			r.warn(ctx, "insurance reminder refused by the mail provider, not sent again", key, err)
		case errors.Is(err, ErrMailNotSent):
			if rerr := r.Store.ReleaseInsuranceMail(context.WithoutCancel(ctx), ref, key, today); rerr != nil {
				return errors.Join(err, rerr)
			}
			return err
		default:
			rep.Unknown++
			r.warn(ctx, "insurance reminder: unknown whether the mail left; recorded, not sent again", key, err)
		}
	}
	return nil
}

func (r *Runner) warn(ctx context.Context, msg, key string, err error) {
	if r.Log != nil {
		// The threshold only: no reference, no address.
		r.Log.WarnContext(ctx, msg, "threshold", thresholdOf(key), "err", err)
	}
}

// thresholdOf is the threshold part of a key ("ending:2027-01-31" →
// "ending").
func thresholdOf(key string) string {
	t, _, _ := strings.Cut(key, ":")
	return t
}

// DueKey is the key of the mail the run sends on l today (a refusal, else
// the reminder due) and the keys it passes over; false when none is due.
// The store's claim checks it on the state it reads afresh, so that a
// mail made from an older read is not claimed.
func (l Lease) DueKey(today tenancy.Date) (string, []string, bool) {
	_, key, passed, ok := (&Runner{}).due(l, today)
	return key, passed, ok
}

// due is the mail to send today, its key and the reminders passed over: the
// refusal first (it asks for a new certificate), then the reminder due.
// The refusal mail stands for the Missing reminder (it asks for a valid
// certificate already): on a required lease left without a current cover,
// "missing" is recorded with it, so no Missing mail follows, neither in the
// same run nor later.
func (r *Runner) due(l Lease, today tenancy.Date) (Mail, string, []string, bool) {
	if l.Refusal != "" && !l.State.Mailed(l.Refusal) && !insurance.RefusalReplaced(l.Certificates, l.Refusal) {
		for _, c := range l.Certificates {
			if c.Status == insurance.Refused && insurance.RefusalKey(c.ID, c.DecidedOn) == l.Refusal {
				var passed []string
				if missing := string(insurance.Missing); l.State.Required && l.State.End.IsZero() && !l.State.Ended && !l.State.Mailed(missing) {
					passed = []string{missing}
				}
				return RefusalMail(c, r.PublicURL), l.Refusal, passed, true
			}
		}
		// The refusal was replaced by a later decision: nothing to say.
	}
	rem, passed, ok := l.State.Due(today)
	if !ok {
		return Mail{}, "", nil, false
	}
	if rem.Threshold == insurance.Missing {
		for _, c := range l.Certificates {
			if c.Status == insurance.Refused {
				return MissingAfterRefusalMail(r.PublicURL), rem.Key(), passed, true
			}
		}
	}
	return ReminderMail(rem, r.PublicURL), rem.Key(), passed, true
}
