package browsertest

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Paris, wherever the tests run

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// The pages of the logged-in tenant, for each demo lease (one stack, one
// browser): the balance in words on the home page and in Mon solde, the
// statement year by year with « Voir plus » and its CSV file, the contract,
// the useful contacts, the paperless choice and a change request.
func TestTenantPages(t *testing.T) {
	b := start(t)
	downloads := t.TempDir()
	yes := true
	if _, err := chromedp.CallBrowser(b.ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
		Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: downloads, EventsEnabled: &yes,
	}); err != nil {
		t.Fatalf("allow downloads: %v", err)
	}

	t.Run("LEFEVRE", func(t *testing.T) {
		b := b.sub(t)
		b.tenant("1234567", "LEFÈVRE", "1985-11-03", "celine.lefevre@example.org")

		// Home: the balance in a sentence; the sections are links.
		if got := b.text("[data-solde]"); got != "Vous devez 350,00 €" {
			t.Errorf("home balance %q, want «Vous devez 350,00 €»", got)
		}
		for _, path := range []string{"/mon-espace/solde", "/mon-espace/quittances", "/mon-espace/assurance", "/mon-espace/contrat", "/mon-espace/dossier", "/mon-espace/preferences", "/mon-espace/contacts"} {
			if !eval[bool](b, `!!document.querySelector(`+js(`.sections a[href="`+path+`"]`)+`)`) {
				t.Errorf("home has no link to %s", path)
			}
		}
		if got := eval[int](b, `[...document.querySelectorAll(".badge")].filter((e) => e.innerText === "Pas encore disponible").length`); got != 0 {
			t.Errorf("%d sections «Pas encore disponible», want 0 (payment and bank details are here)", got)
		}
		b.check("accueil")

		// Mon solde, from the home page.
		b.clickText("a", "Mon solde")
		b.waitAccount(2026, 12)
		if got := b.focused(); got != "h1:Mon solde" {
			t.Errorf("after following the link, focus on %q, want the heading", got)
		}
		if got := b.text("[data-solde]"); got != "Vous devez 350,00 €" {
			t.Errorf("balance %q", got)
		}
		if got := b.text("[data-dernier-paiement]"); got != "270,00 €, reçus le 10 novembre 2026" {
			t.Errorf("last payment %q", got)
		}
		if got := b.text("[data-prochaine-echeance]"); !strings.HasPrefix(got, "500,00 €, à payer le 1er décembre 2026.") {
			t.Errorf("next due %q", got)
		}
		if got := eval[[]string](b, `[...document.querySelectorAll("#annee option")].map((o) => o.value)`); strings.Join(got, ",") != "2026,2025" {
			t.Errorf("years %v, want 2026,2025", got)
		}
		if got := eval[[]string](b, `[...document.querySelectorAll(".ledger thead th")].map((th) => th.scope + ":" + th.innerText)`); strings.Join(got, "|") != "col:Date|col:Opération|col:Type|col:Débit|col:Crédit|col:Solde après l’opération" {
			t.Errorf("column headers %v", got)
		}
		// The newest line: the partial payment, in words.
		if got := b.rowText(0); got != "10/11/2026 | Virement reçu (partiel) | Paiement |  | 270,00 € | 350,00 € à payer" {
			t.Errorf("first line %q", got)
		}
		if got := b.text(".space-nav [aria-current=page]"); got != "Mon solde" {
			t.Errorf("the menu marks %q as the current page", got)
		}
		b.check("compte")

		b.click("#voir-plus")
		b.waitFor(`document.querySelectorAll(".ledger tbody tr").length === 23`, "the 23 lines of 2026")
		if !eval[bool](b, `document.getElementById("voir-plus").hidden && document.activeElement.matches(".ledger tbody tr")`) {
			t.Errorf("after the last page, «Voir plus» still shows, or the focus is on %q rather than the first new line", b.focused())
		}
		if got := b.text("#suivi-etat"); !strings.Contains(got, "23 opérations, toutes affichées") {
			t.Errorf("statement state %q", got)
		}
		var settlement bool
		for i := 0; i < 23; i++ {
			if b.rowText(i) == "15/04/2026 | Régularisation des charges 2025 | Régularisation des charges | 120,00 € |  | 120,00 € à payer" {
				settlement = true
			}
		}
		if !settlement {
			t.Errorf("the charges settlement of April 2026 is not in the statement")
		}

		b.chooseYear(2025)
		b.waitAccount(2025, 4)
		if got := eval[string](b, `location.search`); got != "?annee=2025" {
			t.Errorf("the address says %q for the year 2025", got)
		}
		b.check("compte-2025")
		b.click("#telecharger-releve")
		csv := b.download(downloads, "releve-1234567-2025.csv")
		want := "\ufeffDate;Opération;Type;Débit (€);Crédit (€);Solde après l’opération (€, négatif : crédit)\r\n" +
			"01/11/2025;Avis d'échéance novembre 2025;Avis d’échéance;500,00;;500,00\r\n" +
			"08/11/2025;Virement reçu;Paiement;;500,00;0,00\r\n" +
			"01/12/2025;Avis d'échéance décembre 2025;Avis d’échéance;500,00;;500,00\r\n" +
			"08/12/2025;Virement reçu;Paiement;;500,00;0,00\r\n"
		if csv != want {
			t.Errorf("releve-1234567-2025.csv:\n%q\nwant\n%q", csv, want)
		}
		b.waitFor(`document.querySelector(".notice--success")?.innerText.includes("releve-1234567-2025.csv")`, "the download's confirmation")

		// Mon logement, from the menu.
		b.clickText("a", "Mon logement")
		b.waitLoaded("Mon logement")
		if got := b.breakdown(); strings.Join(got, "|") != "Poste = Montant|Loyer = 430,00 €|Charges = 70,00 €|Total à payer chaque mois = 500,00 €" {
			t.Errorf("monthly breakdown %q", got)
		}
		if got := b.text("[data-mode-paiement]"); got != "Virement" {
			t.Errorf("payment method %q", got)
		}
		if got := b.text("[data-signataires]"); got != "Céline LEFÈVRE (signataire principal du bail)\nJulien LEFÈVRE (co-titulaire du bail)" {
			t.Errorf("signatories %q", got)
		}
		if got := b.text("main"); !strings.Contains(got, "4 allée des Tilleuls") || !strings.Contains(got, "T2 (2 pièces principales)") || !strings.Contains(got, "1er étage") || !strings.Contains(got, "Résidence Les Tilleuls") || !strings.Contains(got, "Le 1er de chaque mois.") || !strings.Contains(got, "15 mars 2019") {
			t.Errorf("the contract lacks the dwelling, the due day or the start:\n%s", got)
		}
		b.check("contrat")

		// Contacts utiles: the emergency number first, as a link that calls.
		b.clickText("a", "Contacts utiles")
		b.waitLoaded("Contacts utiles")
		b.checkContacts()
		b.check("contacts")

		// Mes préférences: paperless, with the date of the consent, kept after a reload.
		b.clickText("a", "Mes préférences")
		b.waitLoaded("Mes préférences")
		if got := b.text("[data-consentement]"); got != "Votre choix actuel : par courrier. Vous n’avez pas encore choisi le sans papier." {
			t.Errorf("consent before %q", got)
		}
		if got := eval[string](b, `document.getElementById("notificationEmail").value`); got != "celine.lefevre@example.org" {
			t.Errorf("notification email %q", got)
		}
		b.check("preferences")
		b.clear("#notificationEmail")
		b.fill("#notificationEmail", "pas une adresse")
		b.click(`form button[type="submit"]`)
		b.waitFor(`document.getElementById("notificationEmail-erreur")?.innerText.includes("pas valide")`, "the email's error")
		if !eval[bool](b, `document.activeElement.matches(".error-summary") && document.getElementById("notificationEmail").getAttribute("aria-invalid") === "true"`) {
			t.Errorf("after the error, focus on %q; the summary should have it and the field be marked invalid", b.focused())
		}
		b.check("preferences-erreur")
		b.clear("#notificationEmail")
		b.fill("#notificationEmail", "celine.avis@example.org")
		b.click("#sans-papier")
		b.click(`form button[type="submit"]`)
		b.waitFor(`document.querySelector(".status .notice--success")?.innerText.includes("Vos préférences sont enregistrées")`, "the saved preferences")
		accepted := "Votre choix actuel : sans papier. Activé par Céline LEFÈVRE le " + b.paperlessSince() + "."
		if got := b.text("[data-consentement]"); got != accepted {
			t.Errorf("consent after saving %q, want %q", got, accepted)
		}
		b.check("preferences-enregistrees")
		b.visit("/mon-espace/preferences", "Mes préférences")
		b.waitLoaded("Mes préférences")
		if got := b.text("[data-consentement]"); got != accepted {
			t.Errorf("consent after a reload %q, want %q", got, accepted)
		}
		// The new address waits for its emailed link (TestNotificationEmailConfirmation).
		if !eval[bool](b, `document.getElementById("sans-papier").checked && document.getElementById("notificationEmail").value === "celine.lefevre@example.org" &&
			document.querySelector("[data-attente]")?.innerText.includes("celine.avis@example.org")`) {
			t.Errorf("after a reload, the form does not show the saved choice and the address waiting")
		}
		// And back to paper: the withdrawal is dated too.
		b.click("#courrier")
		b.click(`form button[type="submit"]`)
		b.waitFor(`document.querySelector(".status .notice--success")?.innerText.includes("par courrier")`, "the withdrawal saved")
		if got, want := b.text("[data-consentement]"), "Votre choix actuel : par courrier. Accord pour le sans papier retiré par Céline LEFÈVRE le "+b.paperlessSince()+"."; got != want {
			t.Errorf("consent after withdrawal %q, want %q", got, want)
		}

		// Mes demandes: the errors, then a request, at the top with its state.
		b.clickText("a", "Mes demandes")
		b.waitLoaded("Mes demandes")
		if got := b.text(".requests"); got != "" {
			t.Errorf("requests before any: %q", got)
		}
		b.check("dossier")
		b.click(`form button[type="submit"]`)
		b.waitFor(`document.querySelectorAll(".error-summary li").length === 2`, "the two fields' errors")
		for _, id := range []string{"kind", "text"} {
			if got := eval[string](b, `document.getElementById(`+js(id)+`).getAttribute("aria-invalid") + " " + document.getElementById(`+js(id)+`).getAttribute("aria-describedby")`); !strings.HasPrefix(got, "true ") || !strings.Contains(got, id+"-erreur") {
				t.Errorf("field %s: aria-invalid and aria-describedby are %q", id, got)
			}
		}
		b.check("dossier-erreurs")
		eval[bool](b, `(() => { const s = document.getElementById("kind"); s.value = "household"; s.dispatchEvent(new Event("change", { bubbles: true })); return true; })()`)
		const message = "Notre fils Lucas est né le 2 novembre 2026 : nous sommes maintenant trois dans le logement."
		b.fill("#text", message)
		if got := b.text("#text-compteur"); got != "91 caractères sur 4\u202f000 au maximum." {
			t.Errorf("counter %q", got)
		}
		b.click(`form button[type="submit"]`)
		b.waitFor(`document.querySelector("[data-confirmation]")`, "the confirmation")
		if !eval[bool](b, `document.activeElement.matches("[data-confirmation]")`) {
			t.Errorf("after sending, focus on %q, want the confirmation", b.focused())
		}
		if got := b.text("[data-confirmation]"); !strings.Contains(got, "« Envoyée »") || !strings.Contains(got, "En cours de traitement") {
			t.Errorf("the confirmation does not say what happens next:\n%s", got)
		}
		b.checkFirstRequest("Composition du foyer", message)
		if got := eval[string](b, `document.getElementById("text").value + document.getElementById("kind").value`); got != "" {
			t.Errorf("the form keeps %q after sending", got)
		}
		b.check("dossier-envoyee")
		b.visit("/mon-espace/dossier", "Mes demandes")
		b.waitLoaded("Mes demandes")
		b.checkFirstRequest("Composition du foyer", message)

		b.logOut()
	})

	t.Run("NDIAYE", func(t *testing.T) {
		b := b.sub(t)
		b.tenant("7654321", "N'DIAYE", "1990-01-30", "abdou.ndiaye@example.org")
		if got := b.text("[data-solde]"); got != "Vous avez un crédit de 25,50 €" {
			t.Errorf("home balance %q, want «Vous avez un crédit de 25,50 €»", got)
		}
		b.clickText("a", "Mon solde")
		b.waitAccount(2026, 12)
		if got := b.text("[data-solde]"); got != "Vous avez un crédit de 25,50 €" {
			t.Errorf("balance %q", got)
		}
		if got := b.text("[data-prochaine-echeance]"); got != "270,00 €, à payer le 1er décembre 2026. Votre crédit de 25,50 € vient en déduction." {
			t.Errorf("next due %q", got)
		}
		if got := b.rowText(1); got != "06/11/2026 | APL novembre 2026 (CAF) | APL |  | 180,00 € | 244,50 € à payer" {
			t.Errorf("second line %q", got)
		}
		if got := b.rowText(0); got != "09/11/2026 | Chèque reçu | Paiement |  | 270,00 € | 25,50 € en crédit" {
			t.Errorf("first line %q", got)
		}
		b.check("compte")
		// « Voir plus » with the keyboard, twice: 33 lines in 2026.
		b.tabTo("#voir-plus", 80)
		b.enter()
		b.waitFor(`document.querySelectorAll(".ledger tbody tr").length === 24`, "24 lines")
		if got := b.focused(); got != "voir-plus" {
			t.Errorf("with more to come, focus on %q, want the button", got)
		}
		b.enter()
		b.waitFor(`document.querySelectorAll(".ledger tbody tr").length === 33`, "33 lines")
		b.click("#telecharger-releve")
		csv := b.download(downloads, "releve-7654321-2026.csv")
		lines := strings.Split(strings.TrimSuffix(csv, "\r\n"), "\r\n")
		if len(lines) != 34 || lines[len(lines)-1] != "09/11/2026;Chèque reçu;Paiement;;270,00;-25,50" || lines[1] != "01/01/2026;Avis d'échéance janvier 2026;Avis d’échéance;450,00;;450,00" {
			t.Errorf("releve-7654321-2026.csv: %d lines, second %q, last %q", len(lines), lines[min(1, len(lines)-1)], lines[len(lines)-1])
		}

		b.clickText("a", "Mon logement")
		b.waitLoaded("Mon logement")
		if got := b.breakdown(); strings.Join(got, "|") != "Poste = Montant|Loyer = 389,90 €|Charges = 60,10 €|APL déduite = − 180,00 €|Total à payer chaque mois = 270,00 €" {
			t.Errorf("monthly breakdown %q", got)
		}
		if got := b.text("main"); !strings.Contains(got, "Rez-de-chaussée") || !strings.Contains(got, "Chèque") {
			t.Errorf("the contract lacks the floor or the payment method:\n%s", got)
		}
		b.check("contrat")
		b.logOut()
	})

	t.Run("DUPONT", func(t *testing.T) {
		b := b.sub(t)
		b.tenant("8889999", "DUPONT", "1978-04-12", "marie.dupont@example.org")
		if got := b.text("[data-solde]"); got != "Votre compte est à jour" {
			t.Errorf("home balance %q, want «Votre compte est à jour»", got)
		}
		b.visit("/mon-espace/solde", "Mon solde")
		b.waitAccount(2026, 12)
		if got := b.text("[data-solde]"); got != "Votre compte est à jour" {
			t.Errorf("balance %q", got)
		}
		if got := b.text("[data-prochaine-echeance]"); got != "600,00 €, prélevés automatiquement le 5 décembre 2026." {
			t.Errorf("next due %q", got)
		}
		b.check("compte")
		// 13 months of history: 11 in 2026, 2 in 2025, a notice and a payment each.
		b.click("#voir-plus")
		b.waitFor(`document.querySelectorAll(".ledger tbody tr").length === 22`, "the 22 lines of 2026")
		b.click("#telecharger-releve")
		csv := b.download(downloads, "releve-8889999-2026.csv")
		if lines := strings.Split(csv, "\r\n"); len(lines) != 24 || !strings.HasPrefix(csv, "\ufeffDate;Opération;Type;Débit (€);Crédit (€);Solde après l’opération (€, négatif : crédit)\r\n"+
			"01/01/2026;Avis d'échéance janvier 2026;Avis d’échéance;600,00;;600,00\r\n"+
			"05/01/2026;Prélèvement automatique;Paiement;;600,00;0,00\r\n") {
			t.Errorf("releve-8889999-2026.csv (%d lines) begins:\n%.300q", len(lines), csv)
		}
		b.chooseYear(2025)
		b.waitAccount(2025, 4)
		if !eval[bool](b, `document.getElementById("voir-plus").hidden`) {
			t.Errorf("«Voir plus» shows for 4 lines")
		}
		b.logOut()
	})
}

// sub is the browser for a subtest: the same tab and stack, with the
// subtest's name on failures and screenshots.
func (b *browser) sub(t *testing.T) *browser {
	return &browser{t: t, ctx: b.ctx, stack: b.stack, axe: b.axe, out: b.out}
}

// tenant signs a demo tenant up and activates the account through the API,
// then logs in with the form, and waits for the home page.
func (b *browser) tenant(ref, lastName, dob, email string) {
	b.t.Helper()
	const password = "une phrase facile à retenir"
	activeAccount(b.t, b, ref, lastName, dob, email, password)
	if _, err := chromedp.Call(b.ctx, network.ClearBrowserCookies, cdp.Empty{}); err != nil {
		b.t.Fatalf("clear cookies: %v", err)
	}
	b.visit("/", "Connexion")
	b.fill("#email", email)
	b.fill("#password", password)
	b.click(`form button[type="submit"]`)
	b.waitTitle("Accueil de votre espace")
	b.waitFor(`document.querySelector("[data-solde]")`, "the balance on the home page")
}

// logOut leaves with the menu's button (opening the menu first on a phone).
func (b *browser) logOut() {
	b.t.Helper()
	if eval[bool](b, `(() => { const t = document.querySelector(".space-menu__toggle"); return !!t && t.getClientRects().length > 0 && t.getAttribute("aria-expanded") !== "true"; })()`) {
		b.click(".space-menu__toggle")
	}
	b.click("[data-deconnexion]")
	b.waitTitle("Connexion")
	b.waitFor(`document.querySelector(".notice")?.innerText.includes("Vous êtes déconnecté")`, "the logout notice")
}

// waitLoaded waits for a page of the space with its data: its title, and
// the menu of the space that comes with them.
func (b *browser) waitLoaded(title string) {
	b.t.Helper()
	b.waitTitle(title)
	b.waitFor(`document.querySelector("main .space-nav") && !document.querySelector("main .loading")`, "the page «"+title+"» loaded")
}

// waitAccount waits for Mon solde with a year's first lines.
func (b *browser) waitAccount(year, rows int) {
	b.t.Helper()
	b.waitLoaded("Mon solde")
	b.waitFor(`document.querySelector(".ledger caption")?.innerText.includes("`+strconv.Itoa(year)+`") && document.querySelectorAll(".ledger tbody tr").length === `+strconv.Itoa(rows)+
		` && document.getElementById("suivi-etat").innerText.startsWith("`+strconv.Itoa(year)+`")`, "the lines of "+strconv.Itoa(year))
	if got := eval[string](b, `document.getElementById("annee").value`); got != strconv.Itoa(year) {
		b.t.Errorf("the year selected is %q, want %d", got, year)
	}
}

// chooseYear picks a year in the filter and shows it.
func (b *browser) chooseYear(year int) {
	b.t.Helper()
	eval[bool](b, `(() => { const s = document.getElementById("annee"); s.value = "`+strconv.Itoa(year)+`"; s.dispatchEvent(new Event("change", { bubbles: true })); return true; })()`)
	b.clickText("button", "Afficher")
}

// rowText is a line of the statement, its cells joined by " | ".
func (b *browser) rowText(i int) string {
	b.t.Helper()
	return eval[string](b, `[...document.querySelectorAll(".ledger tbody tr")[`+strconv.Itoa(i)+`].cells].map((c) => c.innerText.trim()).join(" | ").replace(/[\u00a0\u202f]/g, " ")`)
}

// breakdown lists the lines of the monthly amounts: "label = amount".
func (b *browser) breakdown() []string {
	b.t.Helper()
	return eval[[]string](b, `[...document.querySelectorAll("[data-detail-loyer] tr")].map((r) => r.cells[0].firstChild.textContent.trim() + " = " + r.cells[1].innerText.trim().replace(/[\u00a0\u202f]/g, " "))`)
}

// download waits for a file the page had the browser save, and reads it.
func (b *browser) download(dir, name string) string {
	b.t.Helper()
	file := filepath.Join(dir, name)
	deadline := time.Now().Add(10 * time.Second)
	for {
		if raw, err := os.ReadFile(file); err == nil && len(raw) > 0 {
			if _, err := os.Stat(file + ".crdownload"); os.IsNotExist(err) {
				return string(raw)
			}
		}
		if time.Now().After(deadline) {
			entries, _ := os.ReadDir(dir)
			var names []string
			for _, e := range entries {
				names = append(names, e.Name())
			}
			b.t.Fatalf("no download %s; the folder holds %v\npage: %s", name, names, b.describe())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// checkContacts checks that the emergency service comes first, with a link
// that calls its number, and that every number calls digits only.
func (b *browser) checkContacts() {
	b.t.Helper()
	type contact struct {
		Role  string `json:"role"`
		Tel   string `json:"tel"`
		Text  string `json:"text"`
		Title string `json:"title"`
	}
	cs := eval[[]contact](b, `[...document.querySelectorAll("[data-contact]")].map((c) => ({ role: c.dataset.contact,
		tel: c.querySelector("a[href^='tel:']")?.getAttribute("href") || "",
		text: (c.querySelector("a[href^='tel:']")?.innerText || "").replace(/\u00a0/g, " "),
		title: c.querySelector("h2").innerText }))`)
	var roles []string
	for _, c := range cs {
		roles = append(roles, c.Role+":"+c.Title)
		if !regexp.MustCompile(`^tel:\d{10}$`).MatchString(c.Tel) {
			b.t.Errorf("%s: phone link %q, want tel: and the digits", c.Role, c.Tel)
		}
	}
	if got := strings.Join(roles, "|"); got != "emergency:Service d’urgence technique|territory_manager:Gestionnaire de territoire|landlord:Votre bailleur" {
		b.t.Errorf("contacts in the order %s", got)
	}
	if len(cs) > 0 && (cs[0].Tel != "tel:0199009999" || cs[0].Text != "Appeler le 01 99 00 99 99") {
		b.t.Errorf("emergency link %q «%s»", cs[0].Tel, cs[0].Text)
	}
	if got := eval[int](b, `document.querySelectorAll("a[href^='mailto:']").length`); got != 2 {
		b.t.Errorf("%d email links, want 2 (the manager and the landlord)", got)
	}
	if got := b.text("main"); !strings.Contains(got, "7j/7 et 24h/24") || !strings.Contains(got, "Karim Benali") {
		b.t.Errorf("the contacts lack the hours or the manager's name:\n%s", got)
	}
}

// paperlessSince is the day the paperless choice was saved, in Paris, as the
// page should write it: "26 novembre 2026", "1er décembre 2026".
func (b *browser) paperlessSince() string {
	b.t.Helper()
	raw := eval[string](b, `fetch("/api/v1/preferences").then((r) => r.json()).then((p) => p.paperlessSince || "")`)
	at, err := time.Parse(time.RFC3339, raw)
	if err != nil {
		b.t.Fatalf("paperlessSince %q: %v", raw, err)
	}
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		b.t.Fatal(err)
	}
	d := at.In(paris)
	months := []string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}
	day := strconv.Itoa(d.Day())
	if d.Day() == 1 {
		day = "1er"
	}
	return day + " " + months[d.Month()-1] + " " + strconv.Itoa(d.Year())
}

// checkFirstRequest checks the request at the top of the list: its kind,
// its state in words and its message.
func (b *browser) checkFirstRequest(kind, text string) {
	b.t.Helper()
	if got := b.text(".requests li h3"); got != kind {
		b.t.Errorf("first request %q, want %q", got, kind)
	}
	if got := eval[string](b, `document.querySelector(".requests li [data-etat]")?.textContent.replace(/\s+/g, " ")`); got != "État : Envoyée" {
		b.t.Errorf("first request's state %q, want «État : Envoyée»", got)
	}
	if got := b.text(".requests li .request__text"); got != text {
		b.t.Errorf("first request's text %q", got)
	}
	if got := b.text(".requests li"); !regexp.MustCompile(`Numéro de la demande\s+\d{8}-[2-9A-HJ-NP-Z]{6}\s+Envoyée le\s+\d{1,2}(er)? \S+ \d{4} à \d{1,2} h \d\d`).MatchString(got) {
		b.t.Errorf("first request lacks its number or date:\n%s", got)
	}
}

// Amounts, dates, phone numbers and the CSV file, by the app's own modules.
func TestFormatting(t *testing.T) {
	b := start(t)
	b.visit("/", "Connexion")
	tests := []struct{ expr, want string }{
		{`f.money(35000)`, "350,00\u00a0€"},
		{`f.money(-2550)`, "25,50\u00a0€"},
		{`f.money(123456)`, "1\u202f234,56\u00a0€"},
		{`f.decimal(-2550)`, "-25,50"},
		{`f.decimal(5)`, "0,05"},
		{`f.decimal(123456)`, "1234,56"},
		{`f.balanceSentence(35000)`, "Vous devez 350,00\u00a0€"},
		{`f.balanceSentence(-2550)`, "Vous avez un crédit de 25,50\u00a0€"},
		{`f.balanceSentence(0)`, "Votre compte est à jour"},
		{`f.longDate("2026-12-01")`, "1er\u00a0décembre\u00a02026"},
		{`f.longDate("2026-11-25")`, "25\u00a0novembre\u00a02026"},
		{`f.shortDate("2026-04-05")`, "05/04/2026"},
		{`f.instantDate("2026-11-25T23:42:25Z")`, "26\u00a0novembre\u00a02026"},
		{`f.instantDateTime("2026-07-01T08:05:00Z")`, "1er\u00a0juillet\u00a02026 à 10\u00a0h\u00a005"},
		{`f.telHref("01 99 00 99 99")`, "tel:0199009999"},
		{`f.telHref("+33 1 99 00 99 99")`, "tel:+33199009999"},
		{`f.telHref("01.99.00.99.99")`, "tel:0199009999"},
		{`f.floor("RDC")`, "Rez-de-chaussée"},
		{`f.floor("1")`, "1er étage"},
		{`f.floor("3")`, "3e étage"},
		{`f.dwellingType("T3")`, "T3 (3 pièces principales)"},
		{`f.entryKind("charges_settlement")`, "Régularisation des charges"},
		{`f.entryKind("something_new")`, "Autre"},
		{`f.paymentMethod("")`, "Non renseigné"},
		{`a.statementCSV([
			{ date: "2026-02-01", label: "=1+1; \"frais\"", kind: "other", debitCents: 1234, creditCents: 0, balanceAfterCents: -66 },
			{ date: "2026-01-31", label: "Report", kind: "payment", debitCents: 0, creditCents: 1300, balanceAfterCents: -1300 },
		])`, "\ufeffDate;Opération;Type;Débit (€);Crédit (€);Solde après l’opération (€, négatif : crédit)\r\n" +
			"31/01/2026;Report;Paiement;;13,00;-13,00\r\n" +
			"01/02/2026;\"'=1+1; \"\"frais\"\"\";Autre;12,34;;-0,66\r\n"},
	}
	for _, tt := range tests {
		got := eval[string](b, `Promise.all([import("/js/format.js"), import("/js/views/account.js")]).then(([f, a]) => `+tt.expr+`)`)
		if got != tt.want {
			t.Errorf("%s = %q, want %q", tt.expr, got, tt.want)
		}
	}
}
