package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// TestProfilePage walks Mon profil (issue 11, part 3) on a phone: the login
// email changed through the link the SES emulator received, the data
// downloaded as JSON, and the account deleted, after which the login
// refuses the address and the sign-up takes it again.
func TestProfilePage(t *testing.T) {
	b := start(t)
	downloads := t.TempDir()
	yes := true
	if _, err := chromedp.CallBrowser(b.ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
		Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: downloads, EventsEnabled: &yes,
	}); err != nil {
		t.Fatalf("allow downloads: %v", err)
	}
	const login, next = "marie.dupont@example.org", "marie.nouvelle@example.org"
	b.tenant("8889999", "DUPONT", "1978-04-12", login)

	b.visit("/mon-espace/profil", "Mon profil")
	b.waitLoaded("Mon profil")
	if got := b.text("main"); !containsAll(got, login, "Changer mon mot de passe", "Me déconnecter de tous les appareils",
		"modifier mes préférences", "Télécharger mes données", "Supprimer mon compte", "votre bail ne change pas") {
		t.Errorf("Mon profil says %q", got)
	}
	b.phoneShots("profil")
	b.check("profil")

	// A wrong password: said next to the field, nothing sent.
	b.fill("#email", next)
	b.fill("#emailPassword", "pas le bon mot de passe")
	b.click(`form[aria-label="Changer mon adresse de connexion"] button[type="submit"]`)
	b.waitFor(`document.querySelector("[data-field=emailPassword].field--error")`, "the password's error")
	b.check("adresse-mot-de-passe-faux")

	b.clear("#emailPassword")
	b.fill("#emailPassword", "une phrase facile à retenir")
	b.click(`form[aria-label="Changer mon adresse de connexion"] button[type="submit"]`)
	b.waitFor(`document.querySelector(".status .notice--success")?.innerText.includes("Confirmez votre nouvelle adresse")`, "the request's notice")
	b.check("adresse-demandee")
	confirm := b.mailLink(next, "/confirmation-adresse-connexion", 1)

	// The link, logged out, as the mail opens it.
	b.logOut()
	b.do(chromedp.Navigate(confirm))
	b.waitTitle("Votre nouvelle adresse de connexion est confirmée")
	if got := b.text("main .notice--success"); !strings.Contains(got, next) {
		t.Errorf("the confirmation says %q, want %s", got, next)
	}
	b.phoneShots("adresse-confirmee")
	b.check("adresse-confirmee")
	b.do(chromedp.Navigate(confirm))
	b.waitTitle("Ce lien de confirmation ne fonctionne plus")

	// The new address logs in; the profile shows it.
	b.tenantLogin(next)
	b.visit("/mon-espace/profil", "Mon profil")
	b.waitLoaded("Mon profil")
	if got := b.text("[data-login-email]"); got != next {
		t.Errorf("the profile shows %q, want %s", got, next)
	}

	// The export, downloaded as a JSON file.
	b.clickText("button", "Télécharger mes données")
	b.waitFor(`document.querySelector(".status .notice--success")?.innerText.includes("Vos données sont téléchargées")`, "the download's notice")
	raw := b.downloaded(downloads)
	var data struct {
		Account struct {
			LoginEmail string `json:"loginEmail"`
			Reference  string `json:"reference"`
		} `json:"account"`
		Sessions []any `json:"sessions"`
	}
	if err := json.Unmarshal(raw, &data); err != nil || data.Account.LoginEmail != next || data.Account.Reference != "8889999" || len(data.Sessions) == 0 {
		t.Errorf("the downloaded file (%v): %s", err, raw)
	}
	names, _ := os.ReadDir(downloads)
	if len(names) != 1 || !strings.HasPrefix(names[0].Name(), "mes-donnees-extranet-locataire-") || filepath.Ext(names[0].Name()) != ".json" {
		t.Errorf("downloaded %v", names)
	}
	b.check("donnees-telechargees")

	// The deletion: refused without the box ticked, then done.
	b.fill("#deletePassword", "une phrase facile à retenir")
	b.click(`form[aria-label="Supprimer mon compte"] button[type="submit"]`)
	b.waitFor(`document.querySelector("[data-field=confirm].field--error")`, "the confirmation's error")
	b.phoneShots("suppression-non-confirmee")
	b.check("suppression-non-confirmee")
	b.click("#confirm")
	b.clear("#deletePassword")
	b.fill("#deletePassword", "une phrase facile à retenir")
	b.click(`form[aria-label="Supprimer mon compte"] button[type="submit"]`)
	b.waitTitle("Connexion")
	b.waitFor(`document.querySelector(".notice")?.innerText.includes("Votre compte est supprimé")`, "the deletion's notice")
	b.check("compte-supprime")

	// The login refuses the address; the private page asks to log in.
	b.fill("#email", next)
	b.fill("#password", "une phrase facile à retenir")
	b.click(`form button[type="submit"]`)
	b.waitFor(`document.querySelector(".error-summary")?.innerText.includes("incorrect")`, "the refused login")
	b.visit("/mon-espace/profil", "Connexion")

	// The sign-up takes the address again, and the new account activates.
	b.visit("/creer-mon-compte", "Créer mon compte")
	b.fill("#reference", "8889999")
	b.fill("#lastName", "DUPONT")
	b.fill("#dateOfBirth", "12/04/1978")
	b.fill("#email", next)
	b.fill("#password", "une autre phrase pour mon compte")
	b.click(`form button[type="submit"]`)
	b.waitTitle("Consultez votre boîte mail")
	activation := b.mailLink(next, "/activation", 1)
	b.do(chromedp.Navigate(activation))
	b.waitTitle("Connexion")
	b.waitFor(`document.querySelector(".notice")?.innerText.includes("Votre compte est activé")`, "the activation's notice")
	b.clear("#email") // pre-filled with the activated address
	b.fill("#email", next)
	b.fill("#password", "une autre phrase pour mon compte")
	b.click(`form button[type="submit"]`)
	b.waitTitle("Accueil de votre espace")

	// The privacy policy says what is kept and links to the deletion.
	b.visit("/confidentialite", "Politique de confidentialité")
	b.waitFor(`document.querySelector(".legal[data-loaded]")`, "the privacy policy")
	if !eval[bool](b, `!!document.querySelector('[data-droits-compte] a[href="/mon-espace/profil#suppression"]')`) {
		t.Errorf("the privacy policy does not link to the deletion: %q", b.text("main"))
	}
	if got := b.text("[data-conservation]"); !containsAll(got, "Trace de la suppression de votre compte", "supprimer vous-même") {
		t.Errorf("the retention periods say %q", got)
	}
	b.phoneShots("confidentialite")
}

// phoneShots saves screenshots of the page at 390×844 and 320×640, the
// phones the issue names (check adds the desktop one and the 320 px reflow).
func (b *browser) phoneShots(name string) {
	b.t.Helper()
	for _, s := range []struct{ w, h int64 }{{390, 844}, {320, 640}} {
		b.do(chromedp.EmulateViewport(s.w, s.h))
		b.settle()
		ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		cancel()
		if err != nil {
			b.t.Fatalf("screenshot %s: %v", name, err)
		}
		file := filepath.Join(b.out, fmt.Sprintf("%s-%s-%dx%d.png", strings.ReplaceAll(b.t.Name(), "/", "-"), name, s.w, s.h))
		if err := os.WriteFile(file, png, 0o644); err != nil {
			b.t.Fatal(err)
		}
	}
	b.do(chromedp.EmulateViewport(1280, 800))
}
