package browsertest

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestNotificationEmailConfirmation: in Mes préférences a new address for
// the notice emails waits for the link mailed to it, the page says so, with
// the address still in use, and offers to send the email again or to cancel;
// the link's page confirms it once, without logging in.
func TestNotificationEmailConfirmation(t *testing.T) {
	b := start(t)
	const login, avis = "marie.dupont@example.org", "marie.avis@example.org"
	b.tenant("8889999", "DUPONT", "1978-04-12", login)

	b.visit("/mon-espace/preferences", "Mes préférences")
	b.waitLoaded("Mes préférences")
	if eval[bool](b, `!!document.querySelector("[data-attente]")`) {
		t.Errorf("a confirmation waits before any request")
	}
	b.clear("#notificationEmail")
	b.fill("#notificationEmail", avis)
	b.click(`form button[type="submit"]`)
	b.waitFor(`document.querySelector(".status .notice--success")?.innerText.includes("Confirmez votre nouvelle adresse")`, "the request's notice")
	waiting := `document.querySelector("[data-attente]")?.innerText`
	if got := eval[string](b, waiting); !containsAll(got, avis, "nous continuons à vous écrire à "+login, "valable jusqu’au") {
		t.Errorf("the waiting box says %q; want the new address, the one in use and the link's expiry", got)
	}
	// The link's life is a setting (EMAIL_CHANGE_TTL): the notice gives the
	// API's expiresAt, as the waiting box does, not a fixed number of hours.
	expiry := eval[string](b, `(document.querySelector("[data-attente]")?.innerText.match(/valable jusqu’au ([^.]*)/) || [])[1] || ""`)
	expiry = strings.ReplaceAll(expiry, "\u00a0", " ")
	if got := strings.ReplaceAll(b.text(".status .notice--success"), "\u00a0", " "); expiry == "" || !strings.Contains(got, "valable jusqu’au "+expiry) || strings.Contains(got, "heures") {
		t.Errorf("the request's notice says %q; want the link valid until %q", got, expiry)
	}
	if got := eval[string](b, `document.getElementById("notificationEmail").value`); got != login {
		t.Errorf("the field holds %q, want the address in use %s", got, login)
	}
	b.check("adresse-en-attente")

	// Send the email again: a new link, the first no longer works.
	b.clickText("button", "Renvoyer l’email de confirmation")
	b.waitFor(`document.querySelector(".status .notice--success")?.innerText.includes("Email de confirmation renvoyé")`, "the resent notice")
	first := b.mailLink(avis, "/confirmation-email", 1)
	second := b.mailLink(avis, "/confirmation-email", 2)

	// A reload shows the same waiting state.
	b.visit("/mon-espace/preferences", "Mes préférences")
	b.waitLoaded("Mes préférences")
	if got := eval[string](b, waiting); !containsAll(got, avis, login) {
		t.Errorf("after a reload the waiting box says %q", got)
	}

	// The links, as the mail opens them, logged in or not.
	b.logOut()
	b.do(chromedp.Navigate(first))
	b.waitTitle("Ce lien de confirmation ne fonctionne plus")
	if got := b.text("main"); !containsAll(got, "n’a pas changé", "Mes préférences") {
		t.Errorf("the voided link's page says %q", got)
	}
	b.check("confirmation-lien-remplace")
	b.do(chromedp.Navigate(second))
	b.waitTitle("Votre nouvelle adresse est confirmée")
	if got := b.text("main .notice--success"); !containsAll(got, avis) {
		t.Errorf("the confirmation says %q, want %s", got, avis)
	}
	if got := eval[string](b, `location.search`); got != "" {
		t.Errorf("the used token stays in the address bar: %q", got)
	}
	b.check("confirmation-reussie")

	// In use now; then a request cancelled.
	b.tenantLogin(login)
	b.visit("/mon-espace/preferences", "Mes préférences")
	b.waitLoaded("Mes préférences")
	if got := eval[string](b, `document.getElementById("notificationEmail").value`); got != avis || eval[bool](b, `!!document.querySelector("[data-attente]")`) {
		t.Errorf("after confirmation the field holds %q (want %s) or a confirmation still waits", got, avis)
	}
	b.clear("#notificationEmail")
	b.fill("#notificationEmail", "marie.3@example.org")
	b.click(`form button[type="submit"]`)
	b.waitFor(`document.querySelector("[data-attente]")?.innerText.includes("marie.3@example.org")`, "the waiting box")
	b.clickText("button", "Annuler ce changement")
	b.waitFor(`document.querySelector(".status .notice--success")?.innerText.includes("Changement d’adresse annulé")`, "the cancelled notice")
	if eval[bool](b, `!!document.querySelector("[data-attente]")`) {
		t.Errorf("a confirmation still waits after cancelling")
	}
	b.check("attente-annulee")
}

func containsAll(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}

// tenantLogin logs in again with the form (the account exists).
func (b *browser) tenantLogin(email string) {
	b.t.Helper()
	b.visit("/", "Connexion")
	b.fill("#email", email)
	b.fill("#password", "une phrase facile à retenir")
	b.click(`form button[type="submit"]`)
	b.waitTitle("Accueil de votre espace")
}
