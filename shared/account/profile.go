package account

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/citejardins/extranet/shared/fault"
)

// "Mon profil" is where a logged-in tenant manages the account itself:
// its login email, the download of its data (RGPD art. 20) and its deletion
// (RGPD art. 17). Profiles runs those flows on top of the account service
// (its tokens, limits, passwords and mails) with the store methods they
// alone need.

// LoginEmail is the purpose of a link that confirms a new login email.
const LoginEmail Purpose = "login_email"

// LoginEmailPath is the web app's page the login email's link opens.
const LoginEmailPath = "/confirmation-adresse-connexion"

// ProfileStore is what Profiles needs beyond Store.
type ProfileStore interface {
	// PutLoginEmailLink stores the token of a link confirming email as
	// acc's new login email and makes it the account's only valid one, if
	// the account is still acc (same creation, same session generation);
	// ErrConflict otherwise.
	PutLoginEmailLink(ctx context.Context, acc Account, tok Token, email string) error
	// LoginEmailLink reads a login email link's token and the address it
	// confirms; ErrNotFound when there is none.
	LoginEmailLink(ctx context.Context, hash string) (Token, string, error)
	// ConfirmLoginEmail uses the token and makes email acc's login email in
	// one transaction: the account's email, the old address's claim
	// deleted (if still acc's), the new one claimed (if free or acc's), and
	// ev in the ERP's outbox when ev.Type is not empty. ErrEmailTaken when
	// another account holds email; ErrConflict when the token was used, is
	// no longer the account's link, or the account changed.
	ConfirmLoginEmail(ctx context.Context, acc Account, tok Token, email string, ev ProfileEvent, at time.Time) error
	// RecoverAccount uses a recovery token and, in one transaction, makes
	// tok.Email acc's login email again (the current address's claim
	// deleted if still acc's, tok.Email's put if free or acc's), sets the
	// password hash, moves the account to the next session generation,
	// drops its notification address (NotificationEmail "") and voids a
	// pending login or notification email link, with ev in the
	// ERP's outbox when ev.Type is not empty. A pending sign-up holding
	// tok.Email proved nothing about it (its activation link went there): it
	// is deleted and its claim taken over. ErrEmailTaken when an active
	// account holds tok.Email; ErrConflict when the token was used, its
	// change was undone by an earlier recovery, or the account is no longer
	// acc.
	RecoverAccount(ctx context.Context, acc Account, tok Token, passwordHash string, ev ProfileEvent, at time.Time) error
	// DeleteAccount deletes acc and its email claim (if still acc's) and
	// puts ev in the ERP's outbox, in one transaction; ErrConflict when the
	// account is gone or is no longer acc (created again).
	DeleteAccount(ctx context.Context, acc Account, ev ProfileEvent) error
	// DeleteAccountItems deletes the sessions and tokens of acc created at
	// or before until (found through the accounts table's GSI1) and returns
	// how many it deleted.
	DeleteAccountItems(ctx context.Context, acc Account, until time.Time) (int, error)
	// Sessions lists the sessions of acc, newest first, expired ones
	// included (the caller filters).
	Sessions(ctx context.Context, acc Account) ([]Session, error)
}

// ProfileEvent is a fact of "Mon profil" the landlord's ERP must learn
// (shared/erp/FORMAT.md), saved in the same transaction as the change.
type ProfileEvent struct {
	ID        string
	Type      string // login_email_changed, account_deleted; "" for none
	Reference string
	At        time.Time
	Data      any
}

// Profiles runs the flows of "Mon profil".
type Profiles struct {
	*Service
	profiles ProfileStore
	// Exports bounds the downloads of one account's data.
	exports Limit
}

// ExportsPerAccount bounds the downloads of one account's data (each reads
// every item of the account and its lease).
var ExportsPerAccount = Limit{Max: 10, Window: time.Hour}

// NewProfiles returns the flows of "Mon profil" on the account service and
// the profile store.
func NewProfiles(s *Service, store ProfileStore) *Profiles {
	return &Profiles{Service: s, profiles: store, exports: ExportsPerAccount}
}

// accountKey names the account in limits: the same key as the account
// service's own mail limit, so that both count against one budget.
func accountKey(acc Account) string { return acc.Key().String() }

// LoginEmailChange is what a tenant types to change their login email.
type LoginEmailChange struct {
	Email    string
	Password string
}

// RequestLoginEmail starts a change of the principal's login email: after
// the password (counted as a login failure when wrong, ConfirmPassword), a
// single-use link valid Config.EmailChangeTTL (48 hours by default) goes to
// the new address, and a notice to the login address. Nothing changes until
// the link is opened (ConfirmLoginEmail); a new request voids the older
// link, and so does a password change, a reset or a logout everywhere (the
// link carries the session generation).
//
// An address that another account holds gets, instead of the link, a mail
// saying so (past the holder's notice budget, nothing); the answer, the
// notice to the login address and the voiding of the older link are the
// same, so that the form never tells whether an address has an account. The mails count against the account's mail
// limit (MailsPerAccount).
//
// Errors: validation_failed (fields email, password), too_many_requests,
// unauthenticated when the session ended meanwhile.
func (s *Profiles) RequestLoginEmail(ctx context.Context, p Principal, c LoginEmailChange, client string) error {
	f := fault.Fields{}
	email := checkEmail(f, c.Email)
	if email != "" && EmailKey(email) == EmailKey(p.Account.Email) {
		f.Add("email", "C’est déjà votre adresse de connexion. Saisissez la nouvelle adresse.")
	}
	CheckPasswordTyped(f, c.Password)
	if err := f.Err(); err != nil {
		return err
	}
	if err := s.ConfirmPassword(ctx, p, c.Password, client); err != nil {
		return err
	}
	if err := s.allow(ctx, s.cfg.MailsPerAccount, "mail", accountKey(p.Account)); err != nil {
		return err
	}
	firstName := s.firstName(ctx, p.Account.Key())
	other, err := s.store.AccountByEmail(ctx, email)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("login email: %w", err)
	}
	taken := err == nil && other.Key() != p.Account.Key()
	// A link is stored even for a taken address (its raw token goes
	// nowhere): either way the request voids the older link and does the
	// same work, so that neither the older link nor the timing tells.
	raw, tok, err := s.newToken(LoginEmail, p.Account.Key(), s.cfg.EmailChangeTTL)
	if err != nil {
		return err
	}
	tok.Generation = p.Account.SessionGeneration
	switch err := s.profiles.PutLoginEmailLink(ctx, p.Account, tok, email); {
	case errors.Is(err, ErrConflict):
		return unauthenticated()
	case err != nil:
		return fmt.Errorf("login email: %w", err)
	}
	if taken {
		// The holder is told at its own address (not the form typed),
		// within its notice budget; the tenant is answered and noticed
		// as usual.
		ok, err := s.noticeAllowed(ctx, other.Key())
		if err != nil {
			return err
		}
		if ok {
			if err := s.send(ctx, loginEmailTakenMail(other.Email, s.page("/connexion"))); err != nil {
				return err
			}
		}
	} else if err := s.send(ctx, loginEmailMail(email, firstName, s.link(LoginEmailPath, raw), s.cfg.EmailChangeTTL)); err != nil {
		return err
	}
	return s.send(ctx, loginEmailNotice(p.Account.Email, firstName, email, s.page("/mon-espace/profil")))
}

// ConfirmLoginEmail opens a login email link (raw token): the address it
// was sent to becomes the account's login email, at once and for good (the
// old address no longer logs in and may sign up again; the sessions stay
// open: the password did not change). It needs no session: the link may be
// opened on another device, and the token names the account. The old
// address is told, with a reset link (mailLoginEmailChanged). When the login
// email was also where notices went (no other notification address), the
// ERP learns the new one (login_email_changed), in the same transaction.
// It returns the new login email.
//
// Errors: token_invalid (unknown, used, replaced by a newer request, or
// voided by a password change, reset or logout everywhere), token_expired,
// email_taken (409: another account took the address meanwhile; the opener
// proved the mailbox, so saying it tells them nothing new),
// too_many_requests.
func (s *Profiles) ConfirmLoginEmail(ctx context.Context, raw, client string) (string, error) {
	if err := s.allow(ctx, s.cfg.PerAddress, "addr", client); err != nil {
		return "", err
	}
	hash, ok := hashToken(raw)
	if !ok {
		return "", loginLinkVoid()
	}
	tok, email, err := s.profiles.LoginEmailLink(ctx, hash)
	switch {
	case errors.Is(err, ErrNotFound) || (err == nil && tok.Purpose != LoginEmail):
		return "", loginLinkVoid()
	case err != nil:
		return "", fmt.Errorf("confirm login email: %w", err)
	case !tok.UsedAt.IsZero():
		return "", loginLinkVoid()
	case !s.now().Before(tok.ExpiresAt):
		return "", fault.New(fault.TokenExpired, "Ce lien a expiré. Votre adresse de connexion n’a pas changé\u00a0: refaites la demande dans «\u00a0Mon profil\u00a0» pour recevoir un nouveau lien.")
	}
	acc, err := s.store.Account(ctx, Key{Reference: tok.Reference, Signatory: tok.Signatory})
	switch {
	case errors.Is(err, ErrNotFound):
		return "", loginLinkVoid()
	case err != nil:
		return "", fmt.Errorf("confirm login email: %w", err)
	case !issuedFor(acc, tok.CreatedAt) || acc.Status != Active || acc.SessionGeneration != tok.Generation:
		// An account deleted and created again never honours the old
		// one's links; a password change or a logout everywhere voids it.
		return "", loginLinkVoid()
	}
	ev := ProfileEvent{}
	if acc.NotificationEmail == "" {
		if ev, err = s.event("login_email_changed", acc, map[string]any{"notificationEmail": email}); err != nil {
			return "", err
		}
	}
	switch err := s.profiles.ConfirmLoginEmail(ctx, acc, tok, email, ev, s.now()); {
	case errors.Is(err, ErrEmailTaken):
		return "", fault.New(fault.LoginEmailTaken, "Cette adresse est déjà celle d’un autre compte Extranet Locataire\u00a0: votre adresse de connexion n’a pas changé. Choisissez une autre adresse dans «\u00a0Mon profil\u00a0».")
	case errors.Is(err, ErrConflict):
		return "", loginLinkVoid()
	case err != nil:
		return "", fmt.Errorf("confirm login email: %w", err)
	}
	s.mailLoginEmailChanged(ctx, acc, email)
	return email, nil
}

// mailLoginEmailChanged tells the old login address that the change is
// done, with a recovery link (valid Config.RecoveryTTL): a thief who had
// the session and the password confirms at once, and the request's notice
// came too late. The link gives the address back as the login email with a
// new password, and ends every session, whatever the thief did meanwhile
// (Recovery). A failure is logged: the change is done.
func (s *Profiles) mailLoginEmailChanged(ctx context.Context, acc Account, newEmail string) {
	if s.mailer == nil {
		return
	}
	raw, tok, err := s.newToken(Recovery, acc.Key(), s.cfg.RecoveryTTL)
	if err == nil {
		// acc is the account as read before the change, which was its
		// only link's (pendingLoginHash): the change is the next one.
		tok.Email, tok.EmailChange = acc.Email, acc.EmailChanges+1
		err = s.store.PutToken(ctx, tok)
	}
	if errors.Is(err, ErrNotFound) {
		return // deleted meanwhile: the deletion's own mail tells
	}
	if err != nil {
		s.log.ErrorContext(ctx, "login email changed: reset link", "err", err)
		return
	}
	m := loginEmailChangedMail(acc.Email, s.firstName(ctx, acc.Key()), newEmail, s.link("/nouveau-mot-de-passe", raw)+"&recuperation=1", s.cfg.RecoveryTTL)
	if err := s.mailer.Send(ctx, m); err != nil {
		s.log.ErrorContext(ctx, "send login email changed mail", "err", err)
	}
}

func loginLinkVoid() error {
	return fault.New(fault.TokenInvalid, "Ce lien n’est plus valable\u00a0: il a déjà servi, une autre adresse a été demandée depuis, ou votre mot de passe a changé. Votre adresse de connexion n’a pas changé. Refaites la demande dans «\u00a0Mon profil\u00a0» si besoin.")
}

// event makes an event for the ERP about acc.
func (s *Profiles) event(typ string, acc Account, data map[string]any) (ProfileEvent, error) {
	b := make([]byte, 8)
	if _, err := io.ReadFull(s.random, b); err != nil {
		return ProfileEvent{}, fmt.Errorf("random id: %w", err)
	}
	data["signatory"] = acc.Signatory // which of the lease's accounts
	return ProfileEvent{ID: hex.EncodeToString(b), Type: typ, Reference: acc.Reference, At: s.now().UTC(), Data: data}, nil
}

// AllowExport counts a download of the principal's data against
// ExportsPerAccount (10 an hour). Errors: too_many_requests.
func (s *Profiles) AllowExport(ctx context.Context, p Principal) error {
	return s.allow(ctx, s.exports, "export", accountKey(p.Account))
}

// Sessions lists the principal's account's open sessions (its devices),
// newest first: those of its current session generation, not expired.
func (s *Profiles) Sessions(ctx context.Context, p Principal) ([]Session, error) {
	all, err := s.profiles.Sessions(ctx, p.Account)
	if err != nil {
		return nil, fmt.Errorf("sessions: %w", err)
	}
	now := s.now()
	var out []Session
	for _, ss := range all {
		if ss.Generation == p.Account.SessionGeneration && now.Before(ss.ExpiresAt) && issuedFor(p.Account, ss.CreatedAt) {
			out = append(out, ss)
		}
	}
	return out, nil
}
