package browsertest

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// pageText is the text of the page's main content, spaces made plain.
func (b *browser) pageText() string {
	b.t.Helper()
	return eval[string](b, `document.querySelector("main").innerText.replace(/[\u00a0\u202f]/g, " ")`)
}

// footerTo follows the footer's link to path and waits for the page.
func (b *browser) footerTo(path, title string) {
	b.t.Helper()
	b.click(`.site-footer a[href="` + path + `"]`)
	b.waitTitle(title)
}

// legalPages opens both legal pages from the current page's footer at the
// phone sizes and checks that the local stack's landlord settings appear
// (infra/localstack/jobs_notices.go), with screenshots and axe-core.
func legalPages(t *testing.T, b *browser, from, fromTitle, name string) {
	t.Helper()
	for _, size := range []struct{ w, h int64 }{{390, 844}, {320, 640}} {
		b.visit(from, fromTitle)
		b.phone(size.w, size.h)
		b.footerTo("/mentions-legales", "Mentions légales")
		b.waitFor(`document.querySelector(".legal[data-loaded]")`, "the landlord's details")
		text := b.pageText()
		for _, want := range []string{"La Cité Jardins", "Service Clientèle, 12 rue des Tilleuls, 93200 Saint-Denis", "01 48 00 00 00",
			"123 456 789 RCS Bobigny", "Camille Durand, directrice générale", "Amazon Web Services EMEA SARL",
			"Paris (France), région eu-west-3"} {
			if !strings.Contains(text, want) {
				t.Errorf("%s, %d px: Mentions légales lack %q:\n%s", name, size.w, want, text)
			}
		}
		if strings.Contains(text, "non renseigné") || strings.Contains(text, "indisponible") {
			t.Errorf("%s, %d px: a set detail reads as missing:\n%s", name, size.w, text)
		}
		b.shot(name + "-mentions")
		b.runAxe(name + "-mentions")

		b.footerTo("/confidentialite", "Politique de confidentialité")
		b.waitFor(`document.querySelector(".legal[data-loaded]")`, "the landlord's details")
		text = b.pageText()
		for _, want := range []string{"La Cité Jardins", "dpo@citejardins.example",
			"exécution de votre contrat", "obligation légale", "consentement", "intérêt légitime",
			"au moins 14 mois après le dernier prélèvement", "L123-22", "30 minutes sans activité",
			"Stripe", "Amazon SES", "logiciel de gestion locative", "Data Privacy Framework",
			"droit d’accès", "rectification", "effacer", "portabilité", "vous opposer", "limitation",
			"3 place de Fontenoy", "www.cnil.fr", "Le site ne garde pas la date que vous tapez"} {
			if !strings.Contains(text, want) {
				t.Errorf("%s, %d px: the privacy policy lacks %q", name, size.w, want)
			}
		}
		if href := eval[string](b, `document.querySelector('main a[href^="mailto:"]')?.getAttribute("href") || ""`); href != "mailto:dpo@citejardins.example" {
			t.Errorf("%s: the DPO's link is %q", name, href)
		}
		if n := eval[int](b, `document.querySelectorAll("main [data-conservation] dt").length`); n < 8 {
			t.Errorf("%s: %d kinds of data in the retention list, want 8", name, n)
		}
		b.shot(name + "-confidentialite")
		b.runAxe(name + "-confidentialite")
	}
	b.check(name + "-confidentialite")
}

// TestLegalPagesPublicAndPrivate: Mentions légales and Politique de
// confidentialité open from the footer of a public page (Connexion) and of
// a private one (Mon solde, a full page load since it leaves the space),
// without the login being needed, at 390×844 and 320×640, showing the
// landlord's settings; the footer also links the accessibility statement.
func TestLegalPagesPublicAndPrivate(t *testing.T) {
	b := start(t)
	b.visit("/", "Connexion")
	links := eval[[]string](b, `[...document.querySelectorAll(".site-footer a")].map((a) => a.getAttribute("href") + " " + a.textContent)`)
	for _, want := range []string{"/mentions-legales Mentions légales", "/confidentialite Confidentialité", "/accessibilite Accessibilité : non conforme"} {
		if !slices.Contains(links, want) {
			t.Errorf("footer links %q lack %q", links, want)
		}
	}
	legalPages(t, b, "/", "Connexion", "public")

	b.tenant("1234567", "LEFÈVRE", "1985-11-03", "celine.lefevre@example.org")
	legalPages(t, b, "/mon-espace/solde", "Mon solde", "prive")
}

// TestLegalAccessibilityListsEveryPage: the accessibility statement links
// every private page the app routes (web/js/app.js), and the public ones.
func TestLegalAccessibilityListsEveryPage(t *testing.T) {
	src, err := os.ReadFile(filepath.Join(repoRoot(t), "web", "js", "app.js"))
	if err != nil {
		t.Fatal(err)
	}
	// The routes' table only: the moved paths that follow it redirect.
	table := regexp.MustCompile(`(?s)const routes = \{.*?\n\};`).FindString(string(src))
	var private []string
	for _, m := range regexp.MustCompile(`'(/mon-espace[^']*)':`).FindAllStringSubmatch(table, -1) {
		private = append(private, m[1])
	}
	if len(private) < 14 {
		t.Fatalf("only %d private routes found in app.js: %q", len(private), private)
	}
	b := start(t)
	b.visit("/", "Connexion")
	b.phone(390, 844)
	b.footerTo("/accessibilite", "Déclaration d’accessibilité")
	listed := eval[[]string](b, `[...document.querySelectorAll("[data-pages=privees] a")].map((a) => a.getAttribute("href"))`)
	for _, p := range private {
		if !slices.Contains(listed, p) {
			t.Errorf("the statement does not list %s (lists %q)", p, listed)
		}
	}
	public := eval[[]string](b, `[...document.querySelectorAll("[data-pages=publiques] a")].map((a) => a.getAttribute("href"))`)
	for _, p := range []string{"/", "/creer-mon-compte", "/mot-de-passe-oublie", "/assistance", "/mentions-legales", "/confidentialite"} {
		if !slices.Contains(public, p) {
			t.Errorf("the statement does not list the public page %s (lists %q)", p, public)
		}
	}
	b.check("accessibilite")
}

// TestSignupBirthNotice: beside the date of birth, the sign-up form says why
// it is asked and that the portal does not keep it, tied to the field by
// aria-describedby, with a link to the privacy policy; at 390×844 and
// 320×640, axe-core clean.
func TestSignupBirthNotice(t *testing.T) {
	b := start(t)
	b.visit("/creer-mon-compte", "Créer mon compte")
	ids := strings.Fields(eval[string](b, `document.getElementById("dateOfBirth").getAttribute("aria-describedby") || ""`))
	if !slices.Contains(ids, "dateOfBirth-pourquoi") {
		t.Fatalf("the date of birth is described by %q, not by its notice", ids)
	}
	notice := eval[string](b, `document.getElementById("dateOfBirth-pourquoi").innerText.replace(/[\u00a0\u202f]/g, " ")`)
	for _, want := range []string{"signataire du bail", "référence client", "le nom", "comparée à celle du dossier de votre bailleur",
		"Le site ne garde pas la date que vous tapez", "En savoir plus sur vos données"} {
		if !strings.Contains(notice, want) {
			t.Errorf("notice %q lacks %q", notice, want)
		}
	}
	// The notice sits in the date's field, not elsewhere on the form.
	if !eval[bool](b, `document.getElementById("dateOfBirth-pourquoi").closest("[data-field=dateOfBirth]") !== null`) {
		t.Errorf("the notice is not beside the date of birth")
	}
	for _, size := range []struct{ w, h int64 }{{390, 844}, {320, 640}} {
		b.phone(size.w, size.h)
		b.shot("date-de-naissance")
		b.runAxe("inscription")
	}
	b.check("inscription")
	b.click(`#dateOfBirth-pourquoi a[href="/confidentialite"]`)
	b.waitTitle("Politique de confidentialité")
}

// TestLegalSettingsLeftEmpty: with the optional settings left empty
// (template defaults), the legal pages say "non renseigné" for each, and
// the privacy policy points to the postal address for the DPO.
func TestLegalSettingsLeftEmpty(t *testing.T) {
	b := startWith(t, map[string]string{"LANDLORD_PHONE": "", "LANDLORD_SIREN": "",
		"LANDLORD_PUBLICATION_DIRECTOR": "", "LANDLORD_DPO_EMAIL": ""})
	b.visit("/mentions-legales", "Mentions légales")
	b.phone(390, 844)
	b.waitFor(`document.querySelector(".legal[data-loaded]")`, "the landlord's details")
	got := eval[[]string](b, `[...document.querySelectorAll("[data-legal]")].map((e) => e.getAttribute("data-legal") + ": " + e.textContent.replace(/[\u00a0\u202f]/g, " "))`)
	want := []string{"name: La Cité Jardins", "address: Service Clientèle, 12 rue des Tilleuls, 93200 Saint-Denis",
		"phone: non renseigné", "siren: non renseigné", "publicationDirector: non renseigné", "hostRegion: Paris (France), région eu-west-3"}
	if !slices.Equal(got, want) {
		t.Errorf("Mentions légales' details %q, want %q", got, want)
	}
	b.shot("mentions-vides")
	b.footerTo("/confidentialite", "Politique de confidentialité")
	b.waitFor(`document.querySelector(".legal[data-loaded]")`, "the landlord's details")
	dpo := eval[string](b, `document.querySelector("[data-legal=dpoEmail]").textContent`)
	if !strings.HasPrefix(dpo, "non renseigné") || !strings.Contains(dpo, "adresse postale") {
		t.Errorf("DPO without a setting reads %q", dpo)
	}
	if eval[bool](b, `!!document.querySelector('main a[href^="mailto:"]')`) {
		t.Errorf("a mailto link without a DPO address")
	}
	b.check("confidentialite-vide")
}
