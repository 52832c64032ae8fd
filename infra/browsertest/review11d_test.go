package browsertest

// Review of issue 11 (parts 3 and 4: Mon profil, the legal pages), walked
// as a tenant on a phone.

import "testing"

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
