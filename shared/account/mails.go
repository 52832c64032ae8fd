package account

import (
	"fmt"
	"html"
	"strings"
	"time"
)

// The emails are short and plain: many tenants read them on a phone, and a
// link-heavy message is what spam filters distrust most.
//
// They are built with strings rather than text/template or html/template:
// those look methods up by name at run time, which stops the linker from
// dropping unused methods and adds megabytes to every Lambda binary.

type letter struct {
	subject  string
	intro    string // why they receive it
	action   string // what the link does
	button   string
	ignore   string // what happens if they did not ask
	validity time.Duration
}

var (
	activationLetter = letter{
		subject: "Activez votre compte Extranet Locataire",
		intro:   "Vous avez demandé la création de votre compte Extranet Locataire.",
		action:  "Pour l’activer",
		button:  "Activer mon compte",
		ignore:  "Si vous n’êtes pas à l’origine de cette demande, ignorez cet email\u00a0: aucun compte ne sera activé.",
	}
	resetLetter = letter{
		subject: "Nouveau mot de passe pour votre Extranet Locataire",
		intro:   "Vous avez demandé à changer le mot de passe de votre compte Extranet Locataire.",
		action:  "Pour choisir un nouveau mot de passe",
		button:  "Choisir un nouveau mot de passe",
		ignore:  "Si vous n’êtes pas à l’origine de cette demande, ignorez cet email\u00a0: votre mot de passe reste inchangé.",
	}
)

func activationMail(to, firstName, link string, validity time.Duration) Mail {
	l := activationLetter
	l.validity = validity
	return l.mail(to, firstName, link)
}

func resetMail(to, firstName, link string, validity time.Duration) Mail {
	l := resetLetter
	l.validity = validity
	return l.mail(to, firstName, link)
}

func (l letter) mail(to, firstName, link string) Mail {
	hello := "Bonjour,"
	if firstName != "" {
		hello = "Bonjour " + firstName + ","
	}
	valid := frenchDuration(l.validity)
	var t strings.Builder
	fmt.Fprintf(&t, "%s\n\n%s\n%s, ouvrez ce lien (valable %s)\u00a0:\n\n%s\n\n", hello, l.intro, l.action, valid, link)
	fmt.Fprintf(&t, "Si le lien ne s’ouvre pas, copiez-le dans la barre d’adresse de votre navigateur.\n%s\n\nL’équipe Extranet Locataire\n", l.ignore)

	e := html.EscapeString
	var h strings.Builder
	h.WriteString(`<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>` + e(l.subject) + `</title></head>`)
	h.WriteString(`<body style="font-family:Arial,sans-serif;font-size:16px;line-height:1.5;color:#1a1a1a">`)
	fmt.Fprintf(&h, "<p>%s</p>\n<p>%s<br>%s, cliquez sur le bouton ci-dessous (lien valable %s).</p>\n", e(hello), e(l.intro), e(l.action), e(valid))
	fmt.Fprintf(&h, `<p><a href="%s" style="display:inline-block;padding:12px 20px;background:#0b4f8a;color:#ffffff;text-decoration:none;border-radius:4px">%s</a></p>`+"\n", e(link), e(l.button))
	fmt.Fprintf(&h, "<p>Si le bouton ne fonctionne pas, copiez ce lien dans votre navigateur\u00a0:<br><a href=\"%s\">%s</a></p>\n", e(link), e(link))
	fmt.Fprintf(&h, "<p>%s</p>\n<p>L’équipe Extranet Locataire</p>\n</body></html>\n", e(l.ignore))
	return Mail{To: to, Subject: l.subject, Text: t.String(), HTML: h.String()}
}

// frenchDuration says a validity the way a tenant reads it: "48 heures".
func frenchDuration(d time.Duration) string {
	switch h := int(d / time.Hour); {
	case h > 48 && h%24 == 0:
		return fmt.Sprintf("%d jours", h/24)
	case h >= 2:
		return fmt.Sprintf("%d heures", h)
	case h == 1:
		return "1 heure"
	default:
		return fmt.Sprintf("%d minutes", int(d/time.Minute))
	}
}
