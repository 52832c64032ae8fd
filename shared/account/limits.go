package account

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/citejardins/extranet/shared/fault"
)

// Throttles take their unit before the work they guard, in one atomic step
// (Counter.Take), never "read the count, work, then count": a burst of N
// parallel requests is then checked at most Max times, not N times. The
// windows slide (a unit counts for exactly one Window after it was taken),
// so no span of one Window ever holds more than Max, across any edge.

// mailAllowed counts a mail to the account. Past the limit it sends
// nothing and says nothing: answering "too many" would tell that the email
// has an account, where an unknown email always gets "sent".
func (s *Service) mailAllowed(ctx context.Context, acc Account) (bool, error) {
	err := s.allow(ctx, s.cfg.MailsPerAccount, "mail", acc.Key().String())
	if fault.Is(err, fault.TooManyRequests) {
		s.log.WarnContext(ctx, "mail limit reached; mail not sent")
		return false, nil
	}
	return err == nil, err
}

// noticeAllowed counts a notice to the account that somebody else's
// request caused (an address taken, "you already have an account", a
// replaced sign-up), silently past the limit like mailAllowed. Notices have
// their own budget, so that strangers' requests can never use up the mails
// the tenant asks for (activation, reset, confirmation links).
func (s *Service) noticeAllowed(ctx context.Context, k Key) (bool, error) {
	err := s.allow(ctx, s.cfg.MailsPerAccount, "notice", k.String())
	if fault.Is(err, fault.TooManyRequests) {
		s.log.WarnContext(ctx, "notice limit reached; notice not sent")
		return false, nil
	}
	return err == nil, err
}

// allow takes a unit of l for scope and value before the work it guards,
// and refuses past the limit (fault.TooManyRequests, with RetryAfter). Every
// attempt counts, whatever its outcome.
func (s *Service) allow(ctx context.Context, l Limit, scope, value string) error {
	_, wait, err := s.counter.Take(ctx, key(scope, value), l.Max, l.Window, s.now)
	if err != nil {
		return fmt.Errorf("throttle %s: %w", scope, err)
	}
	if wait > 0 {
		return tooMany(wait)
	}
	return nil
}

// guess is a unit of a failure limit, taken before the check it guards.
type guess struct {
	s      *Service
	scope  string
	key    string
	window time.Duration
	taken  time.Time
}

// pass gives the unit back: the check succeeded, so it was no failure, and
// a tenant who types the right password is never slowed by it.
func (g guess) pass(ctx context.Context) {
	if err := g.s.counter.Give(ctx, g.key, g.window, g.taken); err != nil {
		// The unit stays taken until the window slides past it: stricter,
		// never looser, so the request goes on.
		g.s.log.WarnContext(ctx, "give back a throttle unit", "scope", g.scope, "err", err)
	}
}

// below takes a unit of the failure limit l for scope and value before the
// check it guards (a password, an identity), and refuses past the limit
// (fault.TooManyRequests, with RetryAfter). Call pass on the guess when the
// check succeeds, so that only failures stay counted: N parallel guesses
// are checked at most l.Max times, and at most l.Max of them wrong.
func (s *Service) below(ctx context.Context, l Limit, scope, value string) (guess, error) {
	k := key(scope, value)
	taken, wait, err := s.counter.Take(ctx, k, l.Max, l.Window, s.now)
	if err != nil {
		return guess{}, fmt.Errorf("throttle %s: %w", scope, err)
	}
	if wait > 0 {
		return guess{}, tooMany(wait)
	}
	return guess{s: s, scope: scope, key: k, window: l.Window, taken: taken}, nil
}

// forget clears the units of the failure limit l for scope and value, when
// the key's owner proved who they are by other means (a reset by emailed
// link proves the mailbox): failures that anyone who knows the value could
// run up no longer hold the owner out. A failure is logged, not returned:
// the proof's own work is done, and the units slide out by themselves.
func (s *Service) forget(ctx context.Context, l Limit, scope, value string) {
	if err := s.counter.Forget(ctx, key(scope, value), l.Window, s.now); err != nil {
		s.log.ErrorContext(ctx, "forget throttle units", "scope", scope, "err", err)
	}
}

// belowEscalating is below for a key that must slow down more and more as
// it keeps reaching its limit: each time it does, it is locked out for the
// next of lockouts (the last repeating), or for the limit's own wait if
// longer, and stays locked whatever is typed. Reaching the limit counts as
// "again" while the previous lock-out ended less than StrikeMemory ago.
// Refusals are fault.TooManyRequests with the lock-out's end as RetryAfter,
// and a message that speaks of a lease (sign-up is its only user).
func (s *Service) belowEscalating(ctx context.Context, l Limit, lockouts []time.Duration, scope, value string) (guess, error) {
	k := key(scope, value)
	lock, err := s.counter.Lockout(ctx, k)
	if err != nil {
		return guess{}, fmt.Errorf("throttle %s: %w", scope, err)
	}
	if now := s.now(); now.Before(lock.Until) {
		return guess{}, lockedOut(lock.Until.Sub(now))
	}
	g, err := s.below(ctx, l, scope, value)
	var f *fault.Error
	if err == nil || !errors.As(err, &f) || f.Code != fault.TooManyRequests || len(lockouts) == 0 {
		return g, err
	}

	// At the limit: a strike, and the lock-out it earns.
	now := s.now()
	strikes := 1
	if !lock.Until.IsZero() && now.Sub(lock.Until) < StrikeMemory {
		strikes = lock.Strikes + 1
	}
	next := Lockout{Until: now.Add(max(lockouts[min(strikes, len(lockouts))-1], f.RetryAfter)), Strikes: strikes}
	switch err := s.counter.SetLockout(ctx, k, lock, next, StrikeMemory); {
	case errors.Is(err, ErrConflict):
		// A parallel request struck first: its lock-out stands.
		if lock, err = s.counter.Lockout(ctx, k); err != nil {
			return guess{}, fmt.Errorf("throttle %s: %w", scope, err)
		}
		if now := s.now(); now.Before(lock.Until) {
			return guess{}, lockedOut(lock.Until.Sub(now))
		}
		return guess{}, lockedOut(f.RetryAfter)
	case err != nil:
		return guess{}, fmt.Errorf("throttle %s: %w", scope, err)
	}
	s.log.WarnContext(ctx, "throttle lock-out", "scope", scope, "strikes", strikes, "for", next.Until.Sub(now).String())
	return guess{}, lockedOut(next.Until.Sub(now))
}

func tooMany(wait time.Duration) error {
	wait = roundWait(wait)
	return &fault.Error{Code: fault.TooManyRequests, RetryAfter: wait,
		Message: fmt.Sprintf("Trop de tentatives. Par sécurité, patientez %s avant de réessayer.", inWords(wait))}
}

func lockedOut(wait time.Duration) error {
	wait = roundWait(wait)
	return &fault.Error{Code: fault.TooManyRequests, RetryAfter: wait,
		Message: fmt.Sprintf("Trop de tentatives pour ce bail. Par sécurité, patientez %s avant de réessayer, "+
			"avec la référence client, votre nom et votre date de naissance tels qu’ils figurent sur votre avis d’échéance et votre bail. "+
			"En cas de doute, contactez votre agence.", inWords(wait))}
}

// roundWait rounds a wait up to whole seconds, as Retry-After gives it
// (RFC 9110 §10.2.3): rounding down would send the client back too early.
func roundWait(wait time.Duration) time.Duration {
	if r := wait.Truncate(time.Second); r < wait {
		wait = r + time.Second
	}
	return max(wait, time.Second)
}

// inWords says a wait in French, rounded up: "une minute", "14 minutes",
// "une heure", "75 minutes", "24 heures".
func inWords(wait time.Duration) string {
	minutes := int((wait + time.Minute - 1) / time.Minute)
	switch {
	case minutes <= 1:
		return "une minute"
	case minutes == 60:
		return "une heure"
	case minutes < 120:
		return fmt.Sprintf("%d minutes", minutes)
	}
	return fmt.Sprintf("%d heures", (minutes+59)/60)
}

// key names a throttle counter. Values are hashed so that no email, address
// or reference is stored in clear beside the counts.
func key(scope, value string) string {
	sum := sha256.Sum256([]byte(scope + "\x00" + value))
	return scope + "#" + hex.EncodeToString(sum[:16])
}
