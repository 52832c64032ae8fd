package account

import (
	"context"
	"errors"
	"fmt"
	"html"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/citejardins/extranet/shared/fault"
	"github.com/citejardins/extranet/shared/tenancy"
)

// PasswordChange is what a logged-in tenant types to change their password.
type PasswordChange struct {
	Current string
	New     string
}

// ChangePassword sets a new password for the principal's account, given the
// current one (OWASP ASVS 5.0 V6.2.3), ends every other session of the
// account (V7.4.3; the one asking stays open), voids a pending notification
// email's link (one asked for from a stolen session must not confirm once
// that session is over), and tells the account's address, so that a tenant
// whose session was stolen learns of it.
//
// A wrong current password counts as a failed login on the account's email,
// in the same allowance (AccountFailures): the unit is taken before the
// check, so a burst of guesses checks at most the limit's number, and a
// right password gives it back, as at login. Errors: validation_failed (400, field
// currentPassword when missing or wrong, newPassword when it breaks the
// rules or is the current one), too_many_requests (429), unauthenticated
// (401) when the session ended meanwhile.
func (s *Service) ChangePassword(ctx context.Context, p Principal, c PasswordChange, client string) error {
	f := fault.Fields{}
	if c.Current == "" {
		f.Add("currentPassword", "Saisissez votre mot de passe actuel.")
	} else if utf8.RuneCountInString(c.Current) > MaxPasswordRunes || len(c.Current) > 4*MaxPasswordRunes {
		f.Add("currentPassword", "Ce mot de passe est trop long.")
	}
	lease, err := s.store.Lease(ctx, p.Account.Reference)
	if err != nil {
		return fmt.Errorf("change password: %w", err)
	}
	nf := fault.Fields{}
	s.checkPassword(nf, c.New, personalOf(p.Account.Email, lease))
	if msg, ok := nf["password"]; ok {
		f.Add("newPassword", msg)
	}
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
	ok, err := s.passwords.Verify(c.Current, p.Account.PasswordHash)
	if err != nil {
		return fmt.Errorf("change password: %w", err)
	}
	if !ok {
		// The failure keeps its unit. validation_failed rather than
		// invalid_credentials: a 401 would tell the app that the session is
		// over.
		return &fault.Error{Code: fault.Invalid,
			Message: "Le mot de passe actuel n’est pas le bon. Vérifiez votre saisie\u00a0; si vous l’avez oublié, déconnectez-vous et utilisez «\u00a0Mot de passe oublié\u00a0».",
			Fields:  map[string]string{"currentPassword": "Ce n’est pas votre mot de passe actuel."}}
	}
	attempt.pass(ctx) // a right password is no failure, as at login
	if c.New == c.Current {
		return &fault.Error{Code: fault.Invalid, Message: "Votre nouveau mot de passe est le même que l’actuel. Choisissez-en un autre.",
			Fields: map[string]string{"newPassword": "Choisissez un mot de passe différent de l’actuel."}}
	}
	hash, err := s.passwords.Hash(c.New)
	if err != nil {
		return fmt.Errorf("change password: %w", err)
	}
	switch err := s.store.ChangePassword(ctx, p.Account.Key(), p.Account.SessionGeneration, hash, p.Session.Hash); {
	case errors.Is(err, ErrConflict):
		// A reset or a logout everywhere ended this session meanwhile.
		return unauthenticated()
	case err != nil:
		return fmt.Errorf("change password: %w", err)
	}
	if err := s.store.DeleteSessions(ctx, p.Account.Key(), p.Session.Hash); err != nil {
		// The generation already ended them; this only tidies up.
		s.log.WarnContext(ctx, "delete sessions after password change", "err", err)
	}
	// The password is changed: a mail that fails is logged, not answered
	// as a failure the tenant would retry. It goes to the login address of
	// this account only, greeting its own signatory: the lease's other
	// accounts have their own passwords.
	if s.mailer != nil {
		if err := s.mailer.Send(ctx, passwordChangedMail(p.Account.Email, signatoryOf(lease, p.Account.Signatory).FirstName, s.now(), s.cfg.PublicURL)); err != nil {
			s.log.ErrorContext(ctx, "send password changed mail", "err", err)
		}
	} else {
		s.log.ErrorContext(ctx, "send password changed mail: no mailer configured")
	}
	return nil
}

// passwordChangedMail tells the account's address that its password was
// changed. It holds no link with a token and no part of the password.
func passwordChangedMail(to, firstName string, at time.Time, publicURL string) Mail {
	const subject = "Votre mot de passe Extranet Locataire a été modifié"
	hello := "Bonjour,"
	if firstName != "" {
		hello = "Bonjour " + firstName + ","
	}
	d := tenancy.ParisDate(at)
	day := fmt.Sprint(d.Day)
	if d.Day == 1 {
		day = "1er"
	}
	when := fmt.Sprintf("%s %s %d", day, frenchMonthNames[d.Month-1], d.Year)
	forgot := strings.TrimRight(publicURL, "/") + "/mot-de-passe-oublie"
	said := fmt.Sprintf("Le mot de passe de votre compte Extranet Locataire a été modifié le %s. Vos autres appareils ont été déconnectés.", when)
	ifNot := "Si ce n’est pas vous, choisissez tout de suite un nouveau mot de passe avec «\u00a0Mot de passe oublié\u00a0»\u00a0:"
	after := "puis prévenez votre agence. Si c’est bien vous, vous n’avez rien à faire."

	var t strings.Builder
	fmt.Fprintf(&t, "%s\n\n%s\n\n%s\n%s\n%s\n\nL’équipe Extranet Locataire\n", hello, said, ifNot, forgot, after)
	e := html.EscapeString
	var h strings.Builder
	h.WriteString(`<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>` + e(subject) + `</title></head>`)
	h.WriteString(`<body style="font-family:Arial,sans-serif;font-size:16px;line-height:1.5;color:#1a1a1a">`)
	fmt.Fprintf(&h, "<p>%s</p>\n<p>%s</p>\n<p>%s <a href=\"%s\">%s</a>, %s</p>\n<p>L’équipe Extranet Locataire</p>\n</body></html>\n",
		e(hello), e(said), e(ifNot), e(forgot), e(forgot), e(after))
	return Mail{To: to, Subject: subject, Text: t.String(), HTML: h.String()}
}

var frenchMonthNames = [...]string{"janvier", "février", "mars", "avril", "mai", "juin",
	"juillet", "août", "septembre", "octobre", "novembre", "décembre"}
