package account

import (
	"bytes"
	"fmt"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"
	"time"
)

// The emails are short and plain: many tenants read them on a phone, and a
// link-heavy message is what spam filters distrust most.

type mailData struct {
	FirstName string
	Link      string
	Validity  string
}

var activationText = texttemplate.Must(texttemplate.New("activation").Parse(`Bonjour{{if .FirstName}} {{.FirstName}}{{end}},

Vous avez demandé la création de votre compte Extranet Locataire.
Pour l'activer, ouvrez ce lien (valable {{.Validity}}) :

{{.Link}}

Si le lien ne s'ouvre pas, copiez-le dans la barre d'adresse de votre navigateur.
Si vous n'êtes pas à l'origine de cette demande, ignorez cet email : aucun compte ne sera activé.

L'équipe Extranet Locataire
`))

var activationHTML = htmltemplate.Must(htmltemplate.New("activation").Parse(`<!doctype html>
<html lang="fr"><body style="font-family:Arial,sans-serif;font-size:16px;line-height:1.5;color:#1a1a1a">
<p>Bonjour{{if .FirstName}} {{.FirstName}}{{end}},</p>
<p>Vous avez demandé la création de votre compte Extranet Locataire.<br>Pour l'activer, cliquez sur le bouton ci-dessous (lien valable {{.Validity}}).</p>
<p><a href="{{.Link}}" style="display:inline-block;padding:12px 20px;background:#0b4f8a;color:#ffffff;text-decoration:none;border-radius:4px">Activer mon compte</a></p>
<p>Si le bouton ne fonctionne pas, copiez ce lien dans votre navigateur :<br><a href="{{.Link}}">{{.Link}}</a></p>
<p>Si vous n'êtes pas à l'origine de cette demande, ignorez cet email : aucun compte ne sera activé.</p>
<p>L'équipe Extranet Locataire</p>
</body></html>
`))

var resetText = texttemplate.Must(texttemplate.New("reset").Parse(`Bonjour{{if .FirstName}} {{.FirstName}}{{end}},

Vous avez demandé à changer le mot de passe de votre compte Extranet Locataire.
Pour choisir un nouveau mot de passe, ouvrez ce lien (valable {{.Validity}}) :

{{.Link}}

Si vous n'êtes pas à l'origine de cette demande, ignorez cet email : votre mot de passe reste inchangé.

L'équipe Extranet Locataire
`))

var resetHTML = htmltemplate.Must(htmltemplate.New("reset").Parse(`<!doctype html>
<html lang="fr"><body style="font-family:Arial,sans-serif;font-size:16px;line-height:1.5;color:#1a1a1a">
<p>Bonjour{{if .FirstName}} {{.FirstName}}{{end}},</p>
<p>Vous avez demandé à changer le mot de passe de votre compte Extranet Locataire.<br>Pour choisir un nouveau mot de passe, cliquez sur le bouton ci-dessous (lien valable {{.Validity}}).</p>
<p><a href="{{.Link}}" style="display:inline-block;padding:12px 20px;background:#0b4f8a;color:#ffffff;text-decoration:none;border-radius:4px">Choisir un nouveau mot de passe</a></p>
<p>Si le bouton ne fonctionne pas, copiez ce lien dans votre navigateur :<br><a href="{{.Link}}">{{.Link}}</a></p>
<p>Si vous n'êtes pas à l'origine de cette demande, ignorez cet email : votre mot de passe reste inchangé.</p>
<p>L'équipe Extranet Locataire</p>
</body></html>
`))

func activationMail(to, firstName, link string, validity time.Duration) (Mail, error) {
	return render(to, "Activez votre compte Extranet Locataire", activationText, activationHTML,
		mailData{FirstName: firstName, Link: link, Validity: frenchDuration(validity)})
}

func resetMail(to, firstName, link string, validity time.Duration) (Mail, error) {
	return render(to, "Nouveau mot de passe pour votre Extranet Locataire", resetText, resetHTML,
		mailData{FirstName: firstName, Link: link, Validity: frenchDuration(validity)})
}

func render(to, subject string, text *texttemplate.Template, html *htmltemplate.Template, d mailData) (Mail, error) {
	var t, h bytes.Buffer
	if err := text.Execute(&t, d); err != nil {
		return Mail{}, fmt.Errorf("render %s text: %w", text.Name(), err)
	}
	if err := html.Execute(&h, d); err != nil {
		return Mail{}, fmt.Errorf("render %s html: %w", html.Name(), err)
	}
	return Mail{To: to, Subject: subject, Text: t.String(), HTML: h.String()}, nil
}

// frenchDuration says a validity the way a tenant reads it: "48 heures".
func frenchDuration(d time.Duration) string {
	switch h := int(d / time.Hour); {
	case h >= 2:
		return fmt.Sprintf("%d heures", h)
	case h == 1:
		return "1 heure"
	default:
		m := int(d / time.Minute)
		return strings.TrimSpace(fmt.Sprintf("%d minutes", m))
	}
}
