package bankdetails

import (
	"fmt"
	"html"
	"strings"

	"github.com/citejardins/extranet/shared/account"
	"github.com/citejardins/extranet/shared/tenancy"
)

var monthNames = [...]string{"janvier", "février", "mars", "avril", "mai", "juin",
	"juillet", "août", "septembre", "octobre", "novembre", "décembre"}

// changedMail tells the account's address that the lease's bank details
// changed: the date, the masked IBAN (never the whole: a mail is read on
// many devices and may be forwarded), the BIC and the holder, and what to
// do if the tenant did not make the change. byOther: the mail goes to
// another account of the lease than the one that made the change, and
// says so.
func changedMail(to string, d Details, publicURL string, byOther bool) account.Mail {
	const subject = "Vos coordonnées bancaires ont été modifiées"
	day := tenancy.ParisDate(d.UpdatedAt)
	dd := fmt.Sprint(day.Day)
	if day.Day == 1 {
		dd = "1er"
	}
	when := fmt.Sprintf("%s %s %d", dd, monthNames[day.Month-1], day.Year)
	forgot := strings.TrimRight(publicURL, "/") + "/mot-de-passe-oublie"
	said := fmt.Sprintf("Les coordonnées bancaires de votre espace Extranet Locataire ont été modifiées le %s. Le compte enregistré est désormais\u00A0:", when)
	if byOther {
		said = fmt.Sprintf("Les coordonnées bancaires de votre bail ont été modifiées le %s, depuis le compte Extranet Locataire d’un autre signataire du bail. Le compte enregistré est désormais\u00A0:", when)
	}
	lines := []string{"IBAN\u00A0: " + d.IBAN.Masked(), "BIC\u00A0: " + string(d.BIC), "Titulaire\u00A0: " + d.Holder}
	ifNot := "Si ce n’est pas vous, changez tout de suite votre mot de passe avec «\u00A0Mot de passe oublié\u00A0»\u00A0:"
	if byOther {
		ifNot = "Si aucun signataire du bail n’a fait cette modification, changez vos mots de passe avec «\u00A0Mot de passe oublié\u00A0»\u00A0:"
	}
	after := "puis prévenez votre agence, pour qu’elle n’utilise pas ce compte. Si c’est bien vous, vous n’avez rien à faire."

	var t strings.Builder
	fmt.Fprintf(&t, "Bonjour,\n\n%s\n%s\n\n%s\n%s\n%s\n\nL’équipe Extranet Locataire\n", said, strings.Join(lines, "\n"), ifNot, forgot, after)
	e := html.EscapeString
	var h strings.Builder
	h.WriteString(`<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>` + e(subject) + `</title></head>`)
	h.WriteString(`<body style="font-family:Arial,sans-serif;font-size:16px;line-height:1.5;color:#1a1a1a">`)
	fmt.Fprintf(&h, "<p>Bonjour,</p>\n<p>%s</p>\n<ul>", e(said))
	for _, l := range lines {
		fmt.Fprintf(&h, "<li>%s</li>", e(l))
	}
	fmt.Fprintf(&h, "</ul>\n<p>%s <a href=\"%s\">%s</a>, %s</p>\n<p>L’équipe Extranet Locataire</p>\n</body></html>\n",
		e(ifNot), e(forgot), e(forgot), e(after))
	return account.Mail{To: to, Subject: subject, Text: t.String(), HTML: h.String()}
}
