package tenant

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/citejardins/extranet/shared/account"
	"github.com/citejardins/extranet/shared/fault"
)

// A new notification email takes effect only once the tenant opened the
// link mailed to it: until then the previous address serves (for notices,
// in the preferences, in what the ERP learns), the new one waits in
// Preferences.Pending, and the login address is told of the request. Going
// back to the login email needs no link: the account's activation proved it.

// Confirmations makes, mails and checks the links that confirm a new
// notification address (account.Service, with its tokens, mail limits and
// mails).
type Confirmations interface {
	// NewEmailLink counts the request's mails against the account's limit,
	// stores a single-use token and returns the raw token, its hash and its
	// expiry; a fault.TooManyRequests past the limit.
	NewEmailLink(ctx context.Context, k account.Key) (raw, hash string, expires time.Time, err error)
	// SendEmailLink mails the link to the new address and tells the login
	// address of the request.
	SendEmailLink(ctx context.Context, k account.Key, newEmail, raw string) error
	// CheckEmailLink returns the account and the hash of a usable link; a
	// fault.TokenInvalid or fault.TokenExpired otherwise.
	CheckEmailLink(ctx context.Context, raw, client string) (k account.Key, hash string, err error)
}

// WithConfirmations makes the service confirm new notification addresses
// with c; without it, only the login email can be chosen.
func (s *Service) WithConfirmations(c Confirmations) *Service {
	s.links = c
	return s
}

// askNotificationEmail applies a requested notification email (trimmed,
// checked; empty for the login email) to p. It reports whether the address
// in use changed, and returns the raw token of a link to mail when the
// address must first be confirmed.
//
//   - empty or the login email: in use at once, a pending one is dropped;
//   - the address in use: a pending one is dropped (the tenant cancels);
//   - any other (the pending one again included): pending, with a new link
//     that voids the older ones.
func (s *Service) askNotificationEmail(ctx context.Context, k account.Key, p Preferences, email string) (Preferences, bool, string, error) {
	switch {
	case email == "" || strings.EqualFold(email, p.LoginEmail):
		changed := p.NotificationEmail != p.LoginEmail
		p.NotificationEmail, p.Pending = "", nil // "" is the login email, whatever it becomes
		return p, changed, "", nil
	case email == p.NotificationEmail:
		p.Pending = nil
		return p, false, "", nil
	}
	if s.links == nil {
		return p, false, "", errors.New("notification email: no confirmations configured")
	}
	raw, hash, expires, err := s.links.NewEmailLink(ctx, k)
	if err != nil {
		return p, false, "", err
	}
	p.Pending = &PendingEmail{Email: email, AskedAt: s.now().UTC().Truncate(time.Second), ExpiresAt: expires.UTC(), LinkHash: hash}
	return p, false, raw, nil
}

func samePending(a, b *PendingEmail) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.LinkHash == b.LinkHash
}

// visible is p as the tenant sees it: an expired pending address no longer
// waits for anything.
func visible(p Preferences, now time.Time) Preferences {
	if p.NotificationEmail == "" {
		p.NotificationEmail = p.LoginEmail
	}
	if p.Pending != nil && !now.Before(p.Pending.ExpiresAt) {
		p.Pending = nil
	}
	return p
}

// preferencesEvent tells the ERP the preferences in use: never a pending
// address.
// The event names the account that acted (signatory, the ERP's signatory
// id) and who gave or withdrew the lease's paperless consent
// (paperlessBy, "" when nobody recorded it).
func (s *Service) preferencesEvent(k account.Key, p Preferences) (Event, error) {
	email := p.NotificationEmail
	if email == "" {
		email = p.LoginEmail
	}
	return s.event("preferences_changed", k.Reference, map[string]any{
		"signatory": k.Signatory, "paperless": p.Paperless, "paperlessSince": p.Since, "paperlessBy": p.By,
		"notificationEmail": email})
}

func linkVoid() error {
	return fault.New(fault.TokenInvalid, "Ce lien n’est plus valable\u00a0: il a déjà servi, ou une autre adresse a été demandée depuis. Utilisez le lien du dernier email reçu, ou refaites la demande dans «\u00a0Mes préférences\u00a0» de votre espace locataire.")
}

// ConfirmNotificationEmail uses an emailed confirmation link (raw token):
// the pending address of the link's lease becomes the notification email,
// and the ERP learns it in the same write. The link alone names the lease,
// so it works without a session, on any device. It returns the address now
// in use.
//
// Errors: fault.TokenInvalid when the link is unknown, used, or no longer
// the lease's pending one (a newer request or a cancellation voids it);
// fault.TokenExpired after its validity (48 hours by default);
// fault.TooManyRequests past the client address's limit.
func (s *Service) ConfirmNotificationEmail(ctx context.Context, raw, client string) (string, error) {
	if s.links == nil {
		return "", errors.New("confirm notification email: no confirmations configured")
	}
	k, hash, err := s.links.CheckEmailLink(ctx, raw, client)
	if err != nil {
		return "", err
	}
	// The event states the lease's consent, which another signatory may
	// change meanwhile: then the preferences are read again and, while
	// the link is still the pending one, confirmed with the new consent.
	for try := 1; ; try++ {
		p, err := s.stored(ctx, k)
		if errors.Is(err, ErrNotFound) {
			return "", linkVoid()
		}
		if err != nil {
			return "", err
		}
		if p.Pending == nil || p.Pending.LinkHash != hash {
			return "", linkVoid()
		}
		p.NotificationEmail, p.Pending = p.Pending.Email, nil
		e, err := s.preferencesEvent(k, p)
		if err != nil {
			return "", err
		}
		switch err := s.store.ConfirmNotificationEmail(ctx, k, hash, p, e, s.now()); {
		case errors.Is(err, ErrConflict) && try < confirmTries:
			continue
		case errors.Is(err, ErrConflict):
			return "", linkVoid()
		case err != nil:
			return "", fmt.Errorf("confirm notification email: %w", err)
		}
		s.publish(ctx, e)
		return p.NotificationEmail, nil
	}
}

// confirmTries bounds the reads and writes of one confirmation that the
// lease's consent keeps changing under.
const confirmTries = 3
