package account

import (
	"fmt"
	"html"
	"strings"
)

// Notices are the mails that carry what a sign-up's answer no longer says
// (see jobs.go): they go to the address on file, never to the one typed,
// and say nothing to the typer that the 202 did not.

// notice is a mail of paragraphs, each with at most one link.
type notice struct {
	subject string
	paras   []para
}

type para struct {
	text string
	link string // shown after the text, on its own line
}

func existingAccountMail(to, firstName, loginURL, forgotURL string) Mail {
	return notice{
		subject: "Vous avez déjà un compte Extranet Locataire",
		paras: []para{
			{text: "Une demande de création de compte Extranet Locataire vient d’être faite pour votre bail. Vous avez déjà un compte\u00a0: aucun autre n’a été créé."},
			{text: "Connectez-vous avec l’adresse email qui reçoit ce message et votre mot de passe\u00a0:", link: loginURL},
			{text: "Si vous avez oublié votre mot de passe, réinitialisez-le\u00a0:", link: forgotURL},
			{text: "Si vous n’êtes pas à l’origine de cette demande, ignorez cet email\u00a0: votre compte reste inchangé."},
		},
	}.mail(to, firstName)
}

// existingAccountHintMail tells the address typed in a sign-up whose
// identity matched a signatory who already has an account, that the
// account exists and under which address, masked (MaskEmail): enough for
// the signatory to recognise their own, nothing for anyone else. It greets
// nobody by name: the address typed may not be the signatory's.
func existingAccountHintMail(to, maskedEmail, loginURL, forgotURL string) Mail {
	return notice{
		subject: "Un compte Extranet Locataire existe déjà pour vous",
		paras: []para{
			{text: "Une demande de création de compte Extranet Locataire vient d’être faite avec cette adresse email. Le signataire du bail indiqué a déjà un compte, ouvert avec l’adresse " + maskedEmail + " : aucun autre compte n’a été créé."},
			{text: "Si c’est votre compte, connectez-vous avec son adresse (" + maskedEmail + "), pas celle-ci, et votre mot de passe\u00a0:", link: loginURL},
			{text: "Si vous avez oublié votre mot de passe, saisissez l’adresse de ce compte dans «\u00a0Mot de passe oublié\u00a0»\u00a0:", link: forgotURL},
			{text: "Si vous n’avez plus accès à cette adresse, contactez votre agence. Si vous n’êtes pas à l’origine de cette demande, ignorez cet email."},
		},
	}.mail(to, "")
}

func addressTakenMail(to, firstName, loginURL, forgotURL string) Mail {
	return notice{
		subject: "Demande de compte avec votre adresse email",
		paras: []para{
			{text: "Quelqu’un vient de demander à créer un compte Extranet Locataire avec votre adresse email. Elle est déjà celle de votre compte\u00a0: aucun compte n’a été créé et le vôtre reste inchangé."},
			{text: "Si c’était vous, connectez-vous avec votre mot de passe\u00a0:", link: loginURL},
			{text: "Si vous l’avez oublié, ou si votre compte n’est pas encore activé, demandez un nouveau lien ici\u00a0:", link: forgotURL},
			{text: "Si vous n’êtes pas à l’origine de cette demande, ignorez cet email."},
		},
	}.mail(to, firstName)
}

func replacedMail(to, signUpURL string) Mail {
	return notice{
		subject: "Votre demande de compte Extranet Locataire a été remplacée",
		paras: []para{
			{text: "Une nouvelle demande de création de compte Extranet Locataire a été faite pour votre bail, avec une autre adresse email. Elle remplace la vôtre\u00a0: le lien d’activation que vous avez reçu ne fonctionne plus."},
			{text: "Si c’était vous, utilisez le lien envoyé à votre nouvelle adresse."},
			{text: "Si ce n’était pas vous, refaites votre demande, puis prévenez votre agence\u00a0: quelqu’un connaît les informations de votre bail.", link: signUpURL},
		},
	}.mail(to, "")
}

func (n notice) mail(to, firstName string) Mail {
	hello := "Bonjour,"
	if firstName != "" {
		hello = "Bonjour " + firstName + ","
	}
	var t strings.Builder
	t.WriteString(hello + "\n\n")
	for _, p := range n.paras {
		t.WriteString(p.text + "\n")
		if p.link != "" {
			t.WriteString(p.link + "\n")
		}
		t.WriteString("\n")
	}
	t.WriteString("L’équipe Extranet Locataire\n")

	e := html.EscapeString
	var h strings.Builder
	h.WriteString(`<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>` + e(n.subject) + `</title></head>`)
	h.WriteString(`<body style="font-family:Arial,sans-serif;font-size:16px;line-height:1.5;color:#1a1a1a">`)
	fmt.Fprintf(&h, "<p>%s</p>\n", e(hello))
	for _, p := range n.paras {
		if p.link == "" {
			fmt.Fprintf(&h, "<p>%s</p>\n", e(p.text))
			continue
		}
		fmt.Fprintf(&h, "<p>%s<br><a href=\"%s\">%s</a></p>\n", e(p.text), e(p.link), e(p.link))
	}
	h.WriteString("<p>L’équipe Extranet Locataire</p>\n</body></html>\n")
	return Mail{To: to, Subject: n.subject, Text: t.String(), HTML: h.String()}
}
