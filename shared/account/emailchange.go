package account

import (
	"context"
	"errors"
	"fmt"
	"html"
	"strings"
	"time"

	"github.com/citejardins/extranet/shared/fault"
)

// A tenant may have the monthly "your notice is available" mail sent to
// another address than their login. A new address is used only once the
// tenant opened a link sent to it: an address typed wrong, or typed by
// someone who took over a session, never receives the tenant's mail nor
// reaches the landlord's ERP. The login address is told of each request.
//
// The account service makes, mails and checks these links, as it does the
// activation and reset links; the tenant service (package tenant) keeps the
// pending address with the preferences and applies it.

// NotificationEmail is the purpose of a link that confirms a new address for
// the tenant's notices.
const NotificationEmail Purpose = "notification_email"

// ConfirmationPath is the web app's page the confirmation link opens.
const ConfirmationPath = "/confirmation-email"

// NewEmailLink makes the single-use link that confirms a new notification
// address of the lease, valid Config.EmailChangeTTL (48 hours by default),
// and stores its token (hash only). It counts the mails of the request (the
// link to the new address, the notice to the login address) against the
// account's mail limit (Config.MailsPerAccount).
//
// It returns the raw token for the mail, its hash for the preferences (the
// only link of the lease that can confirm), and its expiry. Errors: a
// fault.TooManyRequests past the mail limit.
func (s *Service) NewEmailLink(ctx context.Context, k Key) (raw, hash string, expires time.Time, err error) {
	if err := s.allow(ctx, s.cfg.MailsPerAccount, "mail", k.String()); err != nil {
		return "", "", time.Time{}, err
	}
	raw, tok, err := s.newToken(NotificationEmail, k, s.cfg.EmailChangeTTL)
	if err != nil {
		return "", "", time.Time{}, err
	}
	// The token alone confirms nothing: the preferences name the hash of the
	// only link that can, so a token whose preferences were not saved, or
	// were changed since, stays void.
	switch err := s.store.PutToken(ctx, tok); {
	case errors.Is(err, ErrNotFound):
		return "", "", time.Time{}, unauthenticated() // deleted meanwhile
	case err != nil:
		return "", "", time.Time{}, fmt.Errorf("email link: %w", err)
	}
	return raw, tok.Hash, tok.ExpiresAt, nil
}

// SendEmailLink mails the confirmation link (raw, from NewEmailLink) to the
// new address, then tells the account's login address of the request, both
// in French. Errors: a fault.ServiceUnavailable when SES refuses a mail.
func (s *Service) SendEmailLink(ctx context.Context, k Key, newEmail, raw string) error {
	acc, err := s.store.Account(ctx, k)
	if err != nil {
		return fmt.Errorf("email link: %w", err)
	}
	firstName := s.firstName(ctx, k)
	if err := s.send(ctx, emailChangeMail(newEmail, firstName, s.link(ConfirmationPath, raw), s.cfg.EmailChangeTTL)); err != nil {
		return err
	}
	return s.send(ctx, emailChangeNotice(acc.Email, firstName, newEmail, s.page("/mon-espace/preferences")))
}

// CheckEmailLink checks a confirmation link from a mail and returns the
// account it speaks for and the token's hash; it uses nothing (the caller uses
// the token in the same write as the change). It counts the attempt against
// the client address's limit (Config.PerAddress).
//
// Errors: fault.TokenInvalid (unknown, tampered, another purpose, already
// used), fault.TokenExpired, fault.TooManyRequests.
func (s *Service) CheckEmailLink(ctx context.Context, raw, client string) (k Key, hash string, err error) {
	if err := s.allow(ctx, s.cfg.PerAddress, "addr", client); err != nil {
		return Key{}, "", err
	}
	tok, err := s.usableToken(ctx, raw, NotificationEmail)
	if fault.Is(err, fault.TokenExpired) {
		return Key{}, "", fault.New(fault.TokenExpired, "Ce lien a expiré. Votre adresse de notification n’a pas changé\u00a0: refaites la demande dans «\u00a0Mes préférences\u00a0» de votre espace locataire pour recevoir un nouveau lien.")
	}
	if fault.Is(err, fault.TokenInvalid) {
		return Key{}, "", emailLinkVoid()
	}
	if err != nil {
		return Key{}, "", err
	}
	return Key{Reference: tok.Reference, Signatory: tok.Signatory}, tok.Hash, nil
}

func emailLinkVoid() error {
	return fault.New(fault.TokenInvalid, "Ce lien n’est plus valable\u00a0: il a déjà servi, ou une autre adresse a été demandée depuis. Utilisez le lien du dernier email reçu, ou refaites la demande dans «\u00a0Mes préférences\u00a0» de votre espace locataire.")
}

var emailChangeLetter = letter{
	subject: "Confirmez votre adresse email pour vos avis d’échéance",
	intro:   "Vous avez demandé à recevoir à cette adresse les emails de votre Extranet Locataire qui annoncent vos avis d’échéance.",
	action:  "Pour confirmer cette adresse",
	button:  "Confirmer cette adresse",
	ignore:  "Si vous n’êtes pas à l’origine de cette demande, ignorez cet email\u00a0: cette adresse ne sera pas utilisée.",
}

func emailChangeMail(to, firstName, link string, validity time.Duration) Mail {
	l := emailChangeLetter
	l.validity = validity
	return l.mail(to, firstName, link)
}

// emailChangeNotice tells the login address that another address was asked
// for the notices: if the tenant did not ask, someone used their session,
// and they can cancel before anything changes.
func emailChangeNotice(to, firstName, newEmail, prefs string) Mail {
	const subject = "Demande de changement de l’adresse de vos avis d’échéance"
	hello := "Bonjour,"
	if firstName != "" {
		hello = "Bonjour " + firstName + ","
	}
	asked := "Une demande a été faite depuis votre espace Extranet Locataire pour recevoir les emails de vos avis d’échéance à l’adresse suivante\u00a0:"
	until := "Cette adresse ne servira qu’une fois confirmée, par le lien que nous venons de lui envoyer. D’ici là, rien ne change\u00a0: nous continuons à vous écrire à l’adresse actuelle."
	yours := "Si vous êtes à l’origine de cette demande, vous n’avez rien à faire ici."
	notYours := "Si ce n’est pas vous, connectez-vous à votre espace et annulez la demande dans «\u00a0Mes préférences\u00a0», puis changez votre mot de passe avec «\u00a0Mot de passe oublié\u00a0» sur la page de connexion."
	var t strings.Builder
	fmt.Fprintf(&t, "%s\n\n%s\n\n    %s\n\n%s\n\n%s\n%s\n\n%s\n\nL’équipe Extranet Locataire\n", hello, asked, newEmail, until, yours, notYours, prefs)

	e := html.EscapeString
	var h strings.Builder
	h.WriteString(`<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>` + e(subject) + `</title></head>`)
	h.WriteString(`<body style="font-family:Arial,sans-serif;font-size:16px;line-height:1.5;color:#1a1a1a">`)
	fmt.Fprintf(&h, "<p>%s</p>\n<p>%s<br><strong>%s</strong></p>\n<p>%s</p>\n", e(hello), e(asked), e(newEmail), e(until))
	fmt.Fprintf(&h, "<p>%s<br>%s</p>\n<p><a href=\"%s\">Mes préférences</a></p>\n", e(yours), e(notYours), e(prefs))
	h.WriteString("<p>L’équipe Extranet Locataire</p>\n</body></html>\n")
	return Mail{To: to, Subject: subject, Text: t.String(), HTML: h.String()}
}
