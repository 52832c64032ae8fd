package browsertest

// Review of issue 11 (parts 3 and 4: Mon profil, the legal pages), walked
// as a tenant on a phone.

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestReview11dStatementListsEachPageOnce: the accessibility statement's
// list of the space's pages names each page once. Before, Mon profil was
// listed twice (added by two branches), the second time after "Mes
// appareils connectés", out of the menu's order.
func TestReview11dStatementListsEachPageOnce(t *testing.T) {
	b := start(t)
	b.visit("/", "Connexion")
	b.phone(390, 844)
	b.footerTo("/accessibilite", "Déclaration d’accessibilité")
	for _, list := range []string{"privees", "publiques"} {
		items := eval[[]string](b, `[...document.querySelectorAll("[data-pages=`+list+`] li")].map((li) => (li.querySelector("a")?.getAttribute("href") ?? "") + " " + li.textContent)`)
		seen := map[string]bool{}
		for _, it := range items {
			if seen[it] {
				t.Errorf("the statement's %s pages list %q twice: %q", list, it, items)
			}
			seen[it] = true
		}
	}
	b.shot("accessibilite-pages")
}

// TestReview11dWalkSpaceAsJulien: Julien LEFÈVRE (co-titulaire) walks every
// page of the space on a 320 px phone with the text at 200 %: each has the
// menu, one h1, and nothing of the header cut.
func TestReview11dWalkSpaceAsJulien(t *testing.T) {
	b := start(t)
	b.tenant("1234567", "LEFEVRE", "1983-06-21", "julien.lefevre@example.org")
	pages := [][2]string{
		{"/mon-espace", "Accueil de votre espace"}, {"/mon-espace/solde", "Mon solde"}, {"/mon-espace/documents", "Mes documents"},
		{"/mon-espace/contrat", "Mon logement"}, {"/mon-espace/dossier", "Mes demandes"}, {"/mon-espace/profil", "Mon profil"},
		{"/mon-espace/preferences", "Mes préférences"}, {"/mon-espace/mot-de-passe", "Changer mon mot de passe"},
		{"/mon-espace/appareils", "Mes appareils connectés"}, {"/mon-espace/quittances", "Mes quittances"},
		{"/mon-espace/paiements", "Mes paiements en ligne"}, {"/mon-espace/contacts", "Contacts utiles"},
	}
	for _, p := range pages {
		b.do(chromedp.EmulateViewport(320, 640))
		b.visit(p[0], p[1])
		b.waitFor(`document.querySelector(".space-menu") && !document.querySelector("main .loading")`, p[1]+" loaded")
		b.largeText(true)
		if cut := b.headerCut(); len(cut) > 0 {
			t.Errorf("%s at 320 px, text 200 %%: header cut %v", p[0], cut)
		}
		t.Logf("%s: h1 %q, title %q, menu current %q", p[0], b.text("h1"), eval[string](b, `document.title`), b.menu().Current)
		b.shot("julien-" + strings.ReplaceAll(strings.TrimPrefix(p[0], "/mon-espace"), "/", "") + "-320-texte-200")
		b.largeText(false)
	}
}

// TestReview11dPrivacyLinkToDeletion: the privacy policy's "supprimer votre
// compte" (Vos droits) opens Mon profil at its deletion part. Before, the
// part is drawn once the page's data are in, after the router looked for
// #suppression: the tenant landed at the top of Mon profil, the deletion
// 1,800 px below.
func TestReview11dPrivacyLinkToDeletion(t *testing.T) {
	b := start(t)
	b.tenant("1234567", "LEFEVRE", "1983-06-21", "julien.lefevre@example.org")
	b.phone(390, 844)
	b.visit("/confidentialite", "Politique de confidentialité")
	b.click(`[data-droits-compte] a[href="/mon-espace/profil#suppression"]`)
	b.waitTitle("Mon profil")
	b.waitFor(`!!document.getElementById("suppression")`, "the deletion part")
	b.settle()
	if got := b.focused(); got != "suppression" {
		t.Errorf("the focus is on %q, want the deletion part's heading (#suppression)", got)
	}
	if top := eval[int](b, `document.getElementById("suppression").getBoundingClientRect().top | 0`); top < 0 || top > 200 {
		t.Errorf("the deletion part's heading is at %d px, want it at the top of the screen", top)
	}
	b.shot("confidentialite-vers-suppression")
	b.runAxe("confidentialite-vers-suppression")

	// Logged out: the login page, then the same part.
	b.logOut()
	b.visit("/confidentialite", "Politique de confidentialité")
	b.click(`[data-droits-compte] a[href="/mon-espace/profil#suppression"]`)
	b.waitTitle("Connexion")
	if got := b.text(".notice"); !strings.Contains(got, "Connectez-vous pour voir Mon profil") {
		t.Errorf("the login page says %q, want «Connectez-vous pour voir Mon profil»", got)
	}
	b.fill("#email", "julien.lefevre@example.org")
	b.fill("#password", "une phrase facile à retenir")
	b.click(`form button[type="submit"]`)
	b.waitTitle("Mon profil")
	b.waitFor(`!!document.getElementById("suppression")`, "the deletion part")
	b.settle()
	if got := b.focused(); got != "suppression" {
		t.Errorf("after the login, the focus is on %q at %s, want the deletion part's heading (#suppression)", got, eval[string](b, `location.href`))
	}
	b.shot("connexion-vers-suppression")
}

// TestReview11dDeletionSaysHowLong: before deleting the account, Mon profil
// says what the landlord keeps and for how long, not only where to read it.
// Before, it sent the tenant to the privacy policy for any duration.
func TestReview11dDeletionSaysHowLong(t *testing.T) {
	b := start(t)
	b.tenant("1234567", "LEFEVRE", "1983-06-21", "julien.lefevre@example.org")
	b.phone(390, 844)
	b.visit("/mon-espace/profil", "Mon profil")
	b.waitFor(`!!document.getElementById("suppression-effets")`, "the deletion's effects")
	said := b.text("#suppression-effets")
	for _, want := range []string{"pendant votre bail", "10 ans", "politique de confidentialité"} {
		if !strings.Contains(said, want) {
			t.Errorf("the deletion's effects do not say %q:\n%s", want, said)
		}
	}
	b.do(chromedp.ScrollIntoView("#suppression"))
	b.shot("profil-suppression")
}

// TestReview11dSignupExplainsReferenceOnce: the sign-up form says once where
// the reference is on the notice (issue 11, part 6). Before, the field's
// instructions and the example's caption below them both said it ("à la
// suite de L/000 et jusqu'au tiret", then "suit « L/000 » et va jusqu'au
// tiret"); the help page, which has no field, keeps its caption whole.
func TestReview11dSignupExplainsReferenceOnce(t *testing.T) {
	b := start(t)
	b.phone(390, 844)
	b.visit("/creer-mon-compte", "Créer mon compte")
	said := b.text("main")
	if n := strings.Count(said, "tiret"); n != 1 {
		t.Errorf("the sign-up form says where the reference ends %d times, want once:\n%s", n, said)
	}
	if !strings.Contains(said, "la référence client est 8889999") {
		t.Errorf("the sign-up form lost its example:\n%s", said)
	}
	b.shot("creer-mon-compte-reference")
	b.runAxe("creer-mon-compte-reference")
	b.visit("/assistance", "Assistance")
	if got := b.text("main"); !strings.Contains(got, "suit « L/000 » et va jusqu’au tiret") {
		t.Errorf("the help page no longer says where the reference is:\n%s", got)
	}
}
