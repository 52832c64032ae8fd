package account

import (
	"context"
	"fmt"
	"unicode/utf8"

	"github.com/citejardins/extranet/shared/fault"
)

// PasswordField is the request field that carries the password confirming
// a sensitive change (ConfirmPassword).
const PasswordField = "password"

// CheckPasswordTyped adds to f the message for a confirming password that is
// missing or longer than any password can be, under PasswordField, so that a
// form reports it with its other fields before anything is counted.
func CheckPasswordTyped(f fault.Fields, password string) {
	if password == "" {
		f.Add(PasswordField, "Saisissez votre mot de passe pour confirmer.")
	} else if utf8.RuneCountInString(password) > MaxPasswordRunes || len(password) > 4*MaxPasswordRunes {
		f.Add(PasswordField, "Ce mot de passe est trop long.")
	}
}

// ConfirmPassword checks that password is the current password of the
// principal's account, before a change that a stolen session must not be
// enough for (bank details, a direct-debit mandate: OWASP ASVS 5.0 V6.2.3's
// re-authentication, as ChangePassword does).
//
// It counts exactly as ChangePassword's current password does: a unit of
// the client's address limit (PerAddress), and a unit of the account's
// failed logins (AccountFailures, the same allowance as login), taken before
// the check and given back when the password is right, so a burst of guesses
// checks at most the limit's number.
//
// Errors: validation_failed (400, field PasswordField: missing, too long or
// wrong; validation_failed rather than invalid_credentials, whose 401 would
// tell the app that the session is over), too_many_requests (429).
func (s *Service) ConfirmPassword(ctx context.Context, p Principal, password, client string) error {
	f := fault.Fields{}
	CheckPasswordTyped(f, password)
	if err := f.Err(); err != nil {
		return err
	}
	if err := s.allow(ctx, s.cfg.PerAddress, "addr", client); err != nil {
		return err
	}
	attempt, err := s.below(ctx, s.cfg.AccountFailures, "login", EmailKey(p.Account.Email))
	if err != nil {
		return err
	}
	ok, err := s.passwords.Verify(password, p.Account.PasswordHash)
	if err != nil {
		return fmt.Errorf("confirm password: %w", err)
	}
	if !ok {
		// The failure keeps its unit.
		return &fault.Error{Code: fault.Invalid,
			Message: "Le mot de passe saisi n’est pas le bon\u00a0: rien n’a été modifié. Vérifiez votre saisie\u00a0; si vous l’avez oublié, déconnectez-vous et utilisez «\u00a0Mot de passe oublié\u00a0».",
			Fields:  map[string]string{PasswordField: "Ce n’est pas votre mot de passe actuel."}}
	}
	attempt.pass(ctx)
	return nil
}
