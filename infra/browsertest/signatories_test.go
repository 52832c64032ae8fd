package browsertest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Julien LEFÈVRE, co-titulaire of Céline's lease (demo data), signs up
// through the web form with his own surname and date of birth, activates
// his account, logs in and sees the lease's balance, at 390×844 and at
// 320×640 (screenshots of both, axe-core clean on every page).
func TestCoSignatorySignsUpOnTheWeb(t *testing.T) {
	b := start(t)
	const email = "julien.lefevre@example.org"
	const password = "le vélo rouge de la cour"

	b.visit("/creer-mon-compte", "Créer mon compte")
	if got := b.text("main"); !strings.Contains(got, "Votre nom de famille") || !strings.Contains(got, "Votre date de naissance") ||
		!strings.Contains(got, "co-titulaire") || strings.Contains(got, "signataire principal") {
		t.Errorf("the sign-up form does not ask for the signatory's own name and date of birth:\n%s", got)
	}
	b.check("creer-mon-compte")
	b.shot320("creer-mon-compte")
	b.fill("#reference", "1234567")
	b.fill("#lastName", "lefevre")
	b.fill("#dateOfBirth", "21/06/1983")
	b.fill("#email", email)
	b.fill("#password", password)
	b.click(`form button[type="submit"]`)
	b.waitTitle("Consultez votre boîte mail")
	b.check("email-envoye")

	b.do(chromedp.Navigate(b.mailLink(email, "/activation", 1)))
	b.waitTitle("Connexion")
	b.waitFor(`document.querySelector(".notice--success")?.innerText.includes("Votre compte est activé")`, "the activation notice")
	b.fill("#password", password)
	b.click(`form button[type="submit"]`)
	b.waitTitle("Accueil de votre espace")
	if got := b.text("h1"); got != "Bonjour Julien" {
		t.Errorf("home heading %q, want «Bonjour Julien»", got)
	}
	b.waitFor(`!!document.querySelector("[data-solde]")`, "the balance")
	if got := b.text("[data-solde]"); got != "Vous devez 350,00 €" {
		t.Errorf("Julien's home balance %q, want Céline's lease's «Vous devez 350,00 €»", got)
	}
	b.check("accueil-julien")
	b.shot320("accueil-julien")

	// Julien tells the landlord of a change: his own request says nothing
	// of who sent it; Céline, on the same lease, sees it sent by Julien.
	b.visit("/mon-espace/dossier", "Mes demandes")
	b.waitLoaded("Mes demandes")
	eval[bool](b, `(() => { const s = document.getElementById("kind"); s.value = "household"; s.dispatchEvent(new Event("change", { bubbles: true })); return true; })()`)
	const message = "Notre fille est partie faire ses études à Lyon en septembre."
	b.fill("#text", message)
	b.click(`form button[type="submit"]`)
	b.waitFor(`document.querySelector("[data-confirmation]")`, "the confirmation")
	b.checkFirstRequest("Composition du foyer", message)
	if got := b.text(".requests li"); strings.Contains(got, "Envoyée par") {
		t.Errorf("Julien's own request names its sender:\n%s", got)
	}
	b.logOut()
	b.tenant("1234567", "LEFÈVRE", "1985-11-03", "celine.lefevre@example.org")
	b.visit("/mon-espace/dossier", "Mes demandes")
	b.waitLoaded("Mes demandes")
	b.checkFirstRequest("Composition du foyer", message)
	if got := b.text(".requests li"); !strings.Contains(got, "Envoyée par\nJulien LEFÈVRE") && !strings.Contains(got, "Envoyée par Julien LEFÈVRE") {
		t.Errorf("Céline does not see that Julien sent the request:\n%s", got)
	}
	b.check("demandes-celine")
	b.shot320("demandes-celine")
}

// shot320 saves a screenshot of the page at 320×640 (a small phone), as
// check does at its sizes.
func (b *browser) shot320(name string) {
	b.t.Helper()
	b.do(chromedp.EmulateViewport(320, 640))
	b.settle()
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	cancel()
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	file := filepath.Join(b.out, fmt.Sprintf("%s-%s-320.png", strings.ReplaceAll(b.t.Name(), "/", "-"), name))
	if err := os.WriteFile(file, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.do(chromedp.EmulateViewport(390, 844))
}
