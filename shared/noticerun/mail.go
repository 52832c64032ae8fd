package noticerun

import (
	"fmt"
	"html"
	"strings"

	"github.com/citejardins/extranet/shared/notice"
)

// DocumentsPage is the web app's "Mes documents" page, under the public
// URL; the notice mail links to it.
const DocumentsPage = "/documents.html"

var frenchMonths = [...]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
	"septembre", "octobre", "novembre", "décembre"}

// FrenchPeriod says a period as a tenant reads it: "décembre 2026".
func FrenchPeriod(p notice.Period) string {
	if p.Month < 1 || p.Month > 12 {
		return p.String()
	}
	return frenchMonths[p.Month-1] + " " + fmt.Sprint(p.Year)
}

// OfPeriod is "de décembre 2026", elided before a vowel: "d’avril 2027",
// "d’août 2027", "d’octobre 2027".
func OfPeriod(p notice.Period) string {
	s := FrenchPeriod(p)
	if strings.ContainsRune("aeiouéèâô", []rune(s)[0]) {
		return "d’" + s
	}
	return "de " + s
}

// NoticeMail is the mail that tells a paperless tenant their notice is in
// "Mes documents": French, text and HTML, a link to the page and no
// attachment. Neither the subject nor the body carries an amount: a
// subject shows on a locked phone, and the notice itself is behind the
// login.
func NoticeMail(to, firstName string, p notice.Period, publicURL string) Mail {
	link := strings.TrimRight(publicURL, "/") + DocumentsPage
	period := OfPeriod(p)
	subject := "Votre avis d’échéance " + period + " est disponible"
	hello := "Bonjour,"
	if firstName != "" {
		hello = "Bonjour " + firstName + ","
	}
	intro := "Votre avis d’échéance " + period + " est disponible dans votre espace locataire, rubrique «\u00A0Mes documents\u00A0»."
	why := "Vous recevez cet email parce que vous avez choisi de recevoir vos avis d’échéance sans papier. " +
		"Vous pouvez changer ce choix à tout moment dans «\u00A0Mes préférences\u00A0»."
	var t strings.Builder
	fmt.Fprintf(&t, "%s\n\n%s\nPour le consulter ou le télécharger, connectez-vous à votre espace\u00A0:\n\n%s\n\n", hello, intro, link)
	fmt.Fprintf(&t, "Si le lien ne s’ouvre pas, copiez-le dans la barre d’adresse de votre navigateur.\n%s\n\nL’équipe Extranet Locataire\n", why)

	e := html.EscapeString
	var h strings.Builder
	h.WriteString(`<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>` + e(subject) + `</title></head>`)
	h.WriteString(`<body style="font-family:Arial,sans-serif;font-size:16px;line-height:1.5;color:#1a1a1a">`)
	fmt.Fprintf(&h, "<p>%s</p>\n<p>%s<br>Pour le consulter ou le télécharger, connectez-vous à votre espace.</p>\n", e(hello), e(intro))
	fmt.Fprintf(&h, `<p><a href="%s" style="display:inline-block;padding:12px 20px;background:#0b4f8a;color:#ffffff;text-decoration:none;border-radius:4px">Voir mes documents</a></p>`+"\n", e(link))
	fmt.Fprintf(&h, "<p>Si le bouton ne fonctionne pas, copiez ce lien dans votre navigateur\u00A0:<br><a href=\"%s\">%s</a></p>\n", e(link), e(link))
	fmt.Fprintf(&h, "<p>%s</p>\n<p>L’équipe Extranet Locataire</p>\n</body></html>\n", e(why))
	return Mail{To: to, Subject: subject, Text: t.String(), HTML: h.String()}
}
