package browsertest

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestAccountRecoveryPage: Marie's login email is changed (by a thief with
// her session and password); the mail to her address carries a recovery
// link, which opens the new password page in its recovery form. Once done,
// the login page says the account is hers again, and her address logs in
// with the new password while the thief's does not.
func TestAccountRecoveryPage(t *testing.T) {
	b := start(t)
	const login, thief = "marie.dupont@example.org", "quelquun.dautre@example.org"
	b.tenant("8889999", "DUPONT", "1978-04-12", login)

	b.visit("/mon-espace/profil", "Mon profil")
	b.waitLoaded("Mon profil")
	b.fill("#email", thief)
	b.fill("#emailPassword", "une phrase facile à retenir")
	b.click(`form[aria-label="Changer mon adresse de connexion"] button[type="submit"]`)
	b.waitFor(`document.querySelector(".status .notice--success")?.innerText.includes("Confirmez votre nouvelle adresse")`, "the request's notice")
	confirm := b.mailLink(thief, "/confirmation-adresse-connexion", 1)
	b.do(chromedp.Navigate(confirm))
	b.waitTitle("Votre nouvelle adresse de connexion est confirmée")

	link := b.mailLink(login, "/nouveau-mot-de-passe", 1)
	var mail string
	for _, m := range b.stack.Mail.Messages() {
		if len(m.To) == 1 && m.To[0] == login && strings.Contains(m.Text, link) {
			mail = m.Text
		}
	}
	if !strings.Contains(mail, link+"&recuperation=1") || !strings.Contains(mail, "7 jours") {
		t.Fatalf("the mail to the old address:\n%s", mail)
	}
	b.do(chromedp.Navigate(link + "&recuperation=1"))
	b.waitTitle("Choisir un nouveau mot de passe")
	if got := b.text("main .lead"); !strings.Contains(got, "Ce lien vous rend votre compte") || !strings.Contains(got, "redeviendra votre adresse de connexion") {
		t.Errorf("the recovery page's lead: %q", got)
	}
	b.phoneShots("recuperation")
	b.check("recuperation")
	const fresh = "ma nouvelle phrase bien à moi"
	b.fill("#password", fresh)
	b.click(`form button[type="submit"]`)
	b.waitTitle("Connexion")
	b.waitFor(`document.querySelector(".notice")?.innerText.includes("Vous avez récupéré votre compte")`, "the recovery's notice")
	b.check("compte-recupere")

	b.fill("#email", thief)
	b.fill("#password", fresh)
	b.click(`form button[type="submit"]`)
	b.waitFor(`document.querySelector(".error-summary")`, "the refusal of the thief's address")
	b.visit("/", "Connexion")
	b.fill("#email", login)
	b.fill("#password", fresh)
	b.click(`form button[type="submit"]`)
	b.waitTitle("Accueil de votre espace")
}
