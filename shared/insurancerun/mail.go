package insurancerun

import (
	"fmt"
	"html"
	"strings"

	"github.com/citejardins/extranet/shared/insurance"
	"github.com/citejardins/extranet/shared/tenancy"
)

// InsurancePage is the web app's "Mon assurance" page, under the public
// URL; every insurance mail links to it.
const InsurancePage = "/mon-espace/assurance"

// Mail is one insurance mail: French, text and HTML, no attachment.
type Mail struct {
	To      string
	Subject string
	Text    string
	HTML    string
	// Bcc are the lease's other accounts' addresses: the same message, one
	// send, one record. With any, the mailer puts To in blind copy too, so
	// that no recipient reads another's address.
	Bcc []string
}

// frenchDate is a date as a tenant reads it: 31/01/2027.
func frenchDate(d tenancy.Date) string { return fmt.Sprintf("%02d/%02d/%04d", d.Day, d.Month, d.Year) }

const law = "Chaque locataire doit assurer son logement et en remettre l’attestation au bailleur chaque année " +
	"(loi du 6 juillet 1989, article 7 g)."

// ReminderMail is the reminder of one threshold: the cover ends soon, it
// ended, or no certificate was ever received. It says what to do: send
// the new certificate from "Mon assurance".
func ReminderMail(r insurance.Reminder, publicURL string) Mail {
	var subject, intro string
	switch r.Threshold {
	case insurance.Ending:
		subject = "Votre attestation d’assurance habitation arrive à échéance"
		intro = "L’attestation d’assurance habitation que vous nous avez envoyée est valable jusqu’au " +
			frenchDate(r.End) + ". Dès que votre assureur vous remet la nouvelle attestation, envoyez-la-nous " +
			"depuis votre espace locataire, rubrique «\u00A0Mon assurance\u00A0»."
	case insurance.Ended:
		subject = "Votre attestation d’assurance habitation a expiré"
		intro = "L’attestation d’assurance habitation que vous nous avez envoyée était valable jusqu’au " +
			frenchDate(r.End) + ". Nous n’en avons pas reçu de nouvelle. Demandez-la à votre assureur, " +
			"puis envoyez-la-nous depuis votre espace locataire, rubrique «\u00A0Mon assurance\u00A0»."
	default:
		subject = "Envoyez-nous votre attestation d’assurance habitation"
		intro = "Nous n’avons pas encore reçu votre attestation d’assurance habitation. Demandez-la à votre " +
			"assureur, puis envoyez-la-nous depuis votre espace locataire, rubrique «\u00A0Mon assurance\u00A0»."
	}
	return compose(subject, []string{intro, law}, "Envoyer mon attestation", publicURL)
}

// MissingAfterRefusalMail is the Missing reminder of a lease whose
// certificates were all refused: the landlord holds none it can accept
// (not "none received", which the tenant knows to be untrue).
func MissingAfterRefusalMail(publicURL string) Mail {
	return compose("Envoyez-nous une attestation d’assurance habitation valide",
		[]string{"Nous n’avons aucune attestation d’assurance habitation valide pour votre logement\u00A0: " +
			"celle que vous nous avez envoyée a été refusée. Demandez une attestation à jour à votre assureur, " +
			"puis envoyez-la-nous depuis votre espace locataire, rubrique «\u00A0Mon assurance\u00A0».", law},
		"Envoyer mon attestation", publicURL)
}

// RefusalMail tells the tenant the landlord refused a certificate, with the
// landlord's reason, and asks for a new one.
func RefusalMail(c insurance.Certificate, publicURL string) Mail {
	subject := "Votre attestation d’assurance habitation a été refusée"
	intro := "Nous avons examiné l’attestation d’assurance habitation que vous nous avez envoyée et nous ne " +
		"pouvons pas l’accepter."
	reason := "Motif\u00A0: " + c.Reason
	next := "Envoyez-nous une nouvelle attestation depuis votre espace locataire, rubrique «\u00A0Mon assurance\u00A0». " +
		"Pour toute question, contactez votre gestionnaire (page «\u00A0Contacts utiles\u00A0»)."
	return compose(subject, []string{intro, reason, next}, "Envoyer une nouvelle attestation", publicURL)
}

func compose(subject string, paras []string, button, publicURL string) Mail {
	link := strings.TrimRight(publicURL, "/") + InsurancePage
	var t strings.Builder
	t.WriteString("Bonjour,\n\n")
	for _, p := range paras {
		t.WriteString(p + "\n\n")
	}
	fmt.Fprintf(&t, "%s\u00A0:\n%s\n\nSi le lien ne s’ouvre pas, copiez-le dans la barre d’adresse de votre navigateur.\n\nL’équipe Extranet Locataire\n", button, link)

	e := html.EscapeString
	var h strings.Builder
	h.WriteString(`<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>` + e(subject) + `</title></head>`)
	h.WriteString(`<body style="font-family:Arial,sans-serif;font-size:16px;line-height:1.5;color:#1a1a1a">`)
	h.WriteString("<p>Bonjour,</p>\n")
	for _, p := range paras {
		fmt.Fprintf(&h, "<p>%s</p>\n", e(p))
	}
	fmt.Fprintf(&h, `<p><a href="%s" style="display:inline-block;padding:12px 20px;background:#0b4f8a;color:#ffffff;text-decoration:none;border-radius:4px">%s</a></p>`+"\n", e(link), e(button))
	fmt.Fprintf(&h, "<p>Si le bouton ne fonctionne pas, copiez ce lien dans votre navigateur\u00A0:<br><a href=\"%s\">%s</a></p>\n", e(link), e(link))
	h.WriteString("<p>L’équipe Extranet Locataire</p>\n</body></html>\n")
	return Mail{Subject: subject, Text: t.String(), HTML: h.String()}
}
