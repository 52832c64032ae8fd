package account

import (
	"context"
	"errors"
	"fmt"

	"github.com/citejardins/extranet/shared/fault"
)

// Recovery is the purpose of the link mailed to the old login address when
// the login email changes (mailLoginEmailChanged). Opened on the reset page,
// it makes that address the login email again and sets a new password
// (Profiles.ResetPassword): the whole answer to someone who took the
// account and changed its address. Unlike a reset link, it survives a
// password change, a reset and a logout everywhere, the first things such
// a person does; it is single-use, expires after Config.RecoveryTTL (7 days
// by default), and serves no account created after it.
const Recovery Purpose = "recovery"

// ResetPassword is Service.ResetPassword, which also takes a recovery link
// (the reset page opens both): then the address the link names becomes the
// login email again as the password is set (recover).
//
// Errors: those of Service.ResetPassword; login_email_taken (409) when
// another account took the address back meanwhile.
func (s *Profiles) ResetPassword(ctx context.Context, rawToken, password, client string) error {
	f := fault.Fields{}
	s.checkPassword(f, password, Personal{})
	if err := f.Err(); err != nil {
		return err
	}
	if err := s.allow(ctx, s.cfg.PerAddress, "addr", client); err != nil {
		return err
	}
	tok, err := s.usableToken(ctx, rawToken, Reset, Recovery)
	if err != nil {
		return err
	}
	if tok.Purpose == Reset {
		return s.reset(ctx, tok, password)
	}
	return s.recover(ctx, tok, password)
}

// recover gives the account back to the owner of the address a recovery
// link names: in one transaction (ProfileStore.RecoverAccount), the link is
// used, the address is the login email again, the new password is set and
// every session ends (the next generation), with the links bound to it and
// any pending address change. The notification address is dropped too
// (one the taker set would keep getting the notices): notices go to the
// login email, and the ERP learns it (login_email_changed). The address is
// then told, and asked to check its preferences.
func (s *Profiles) recover(ctx context.Context, tok Token, password string) error {
	k := Key{Reference: tok.Reference, Signatory: tok.Signatory}
	acc, err := s.store.Account(ctx, k)
	switch {
	case errors.Is(err, ErrNotFound):
		return invalidLink() // deleted since: its owner may sign up again
	case err != nil:
		return fmt.Errorf("recover: %w", err)
	case !issuedFor(acc, tok.CreatedAt) || acc.Status != Active || tok.Email == "":
		return invalidLink()
	}
	hash, err := s.newPasswordHash(ctx, tok.Reference, tok.Email, password)
	if err != nil {
		return err
	}
	// The account may change between the read and the write (its holder
	// at work): read it again, a few times.
	for attempt := 0; ; attempt++ {
		ev := ProfileEvent{}
		if acc.NotificationEmail != "" || EmailKey(acc.Email) != EmailKey(tok.Email) {
			if ev, err = s.event("login_email_changed", acc, map[string]any{"notificationEmail": tok.Email}); err != nil {
				return err
			}
		}
		err = s.profiles.RecoverAccount(ctx, acc, tok, hash, ev, s.now())
		if !errors.Is(err, ErrConflict) || attempt == 4 {
			break
		}
		switch acc, err = s.store.Account(ctx, k); {
		case errors.Is(err, ErrNotFound):
			return invalidLink()
		case err != nil:
			return fmt.Errorf("recover: %w", err)
		case !issuedFor(acc, tok.CreatedAt) || acc.Status != Active:
			return invalidLink()
		}
	}
	switch {
	case errors.Is(err, ErrEmailTaken):
		return fault.New(fault.LoginEmailTaken, "Cette adresse est devenue celle d’un autre compte Extranet Locataire\u00a0: votre compte n’a pas changé. Appelez votre bailleur pour retrouver l’accès à votre compte\u00a0: ses coordonnées sont dans «\u00a0Assistance\u00a0».")
	case errors.Is(err, ErrConflict):
		return invalidLink() // used meanwhile
	case err != nil:
		return fmt.Errorf("recover: %w", err)
	}
	s.forget(ctx, s.cfg.AccountFailures, "login", EmailKey(tok.Email))
	if err := s.store.DeleteSessions(ctx, k, ""); err != nil {
		// The generation bump already ended them; this only tidies up.
		s.log.WarnContext(ctx, "delete sessions after recovery", "err", err)
	}
	if s.mailer != nil {
		took := acc.Email
		if EmailKey(took) == EmailKey(tok.Email) {
			took = ""
		}
		if err := s.mailer.Send(ctx, accountRecoveredMail(tok.Email, s.firstName(ctx, k), took, s.page("/connexion"))); err != nil {
			s.log.ErrorContext(ctx, "send account recovered mail", "err", err)
		}
	}
	return nil
}
