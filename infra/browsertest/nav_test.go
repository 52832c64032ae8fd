package browsertest

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// The menu's entries, in order, as a tenant reads them (web/js/menu.js).
var menuWords = []string{"Accueil", "Mon solde", "Mes documents", "Mon logement", "Mes demandes", "Mon profil", "Se déconnecter"}

// menuState is what the page says of its menu.
type menuState struct {
	Navs     int      `json:"navs"`     // navs named "Menu de votre espace"
	Names    []string `json:"names"`    // the accessible names of every nav
	Expanded string   `json:"expanded"` // the toggle's aria-expanded
	Controls bool     `json:"controls"` // aria-controls names the list
	Toggle   bool     `json:"toggle"`   // the toggle is shown
	List     bool     `json:"list"`     // the list is shown
	Current  []string `json:"current"`  // entries with aria-current=page
	Section  []string `json:"section"`  // entries with aria-current=true
	Rows     int      `json:"rows"`     // distinct tops of the shown sections
	Logout   bool     `json:"logout"`   // the logout button is shown
}

func (b *browser) menu() menuState {
	b.t.Helper()
	return eval[menuState](b, `(() => {
		const name = (n) => n.getAttribute("aria-label") || (document.getElementById(n.getAttribute("aria-labelledby") || "")?.textContent ?? "");
		const navs = [...document.querySelectorAll("nav")];
		const menu = document.querySelector(".site-header nav.space-menu");
		const toggle = menu.querySelector("button[aria-expanded]");
		const list = document.getElementById(toggle.getAttribute("aria-controls") || "");
		const shown = (e) => !!e && e.getClientRects().length > 0 && getComputedStyle(e).visibility !== "hidden";
		const words = (sel) => [...menu.querySelectorAll(sel)].map((a) => a.textContent.trim());
		const tops = new Set([...menu.querySelectorAll("li:not(.space-menu__logout)")].filter(shown).map((li) => Math.round(li.getBoundingClientRect().top)));
		return {
			navs: navs.filter((n) => name(n) === "Menu de votre espace").length,
			names: navs.map(name),
			expanded: toggle.getAttribute("aria-expanded"),
			controls: !!list && menu.contains(list),
			toggle: shown(toggle),
			list: shown(list),
			current: words("[aria-current=page]"),
			section: words("[aria-current=true]"),
			rows: tops.size,
			logout: shown(menu.querySelector("[data-deconnexion]")),
		};
	})()`)
}

// headerCut lists the header's elements that reach past the screen's
// edge or hide part of their text.
func (b *browser) headerCut() []string {
	b.t.Helper()
	return eval[[]string](b, `(() => {
		const width = document.documentElement.clientWidth;
		const name = (e) => e.tagName.toLowerCase() + (e.className ? "." + String(e.className).trim().split(/\s+/).join(".") : "");
		return [...document.querySelectorAll(".site-header, .site-header *")]
			.filter((e) => e.getClientRects().length)
			.flatMap((e) => {
				const r = e.getBoundingClientRect();
				const out = [];
				if (r.left < -1 || r.right > width + 1) out.push(name(e) + " past the edge (" + Math.round(r.left) + "–" + Math.round(r.right) + " of " + width + ")");
				if (e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== "visible") out.push(name(e) + " hides part of its content");
				if (e.children.length === 0 && e.textContent.trim() && e.scrollWidth > Math.ceil(r.width) + 1) out.push(name(e) + " text wider than its box");
				return out;
			});
	})()`)
}

// TestSpaceMenu walks the menu of the space: on a phone (390×844) it is a
// collapsed disclosure that opens, is walked with Tab in order, closes
// with Escape (the focus back on its button) and marks the current page
// (aria-current=page) or section (aria-current=true); at 320×640, with
// text at 200 % too, nothing of it is cut; on a laptop it is a bar, always
// shown. No two navs share a name. Screenshots, axe-core at each step.
func TestSpaceMenu(t *testing.T) {
	b := start(t)
	b.tenant("1234567", "LEFÈVRE", "1985-11-03", "celine.lefevre@example.org")
	b.phone(390, 844)
	b.visit("/mon-espace/documents", "Mes documents")
	b.waitDocuments()

	m := b.menu()
	if m.Navs != 1 || m.Expanded != "false" || !m.Controls || !m.Toggle || m.List {
		t.Errorf("at 390 px the menu is %+v; want one nav, its button shown, collapsed, controlling the hidden list", m)
	}
	seen := map[string]bool{}
	for _, n := range m.Names {
		if n == "" || seen[n] {
			t.Errorf("navs %q: one without a name or two with the same", m.Names)
		}
		seen[n] = true
	}
	if !slices.Equal(m.Current, []string{"Mes documents"}) {
		t.Errorf("current entry %q, want Mes documents", m.Current)
	}
	b.shot("menu-ferme")
	b.runAxe("menu-ferme")

	// The keyboard: the skip link, the brand, then the menu's button.
	b.press(kb.Tab)
	if got := b.focused(); got != "a:Aller au contenu" {
		t.Fatalf("first Tab on %q, want the skip link", got)
	}
	b.press(kb.Tab)
	b.tabOnce("button:Menu")
	if got := eval[string](b, `getComputedStyle(document.activeElement).outlineStyle`); got == "none" {
		t.Errorf("the menu's button shows no focus")
	}
	b.enter()
	if m := b.menu(); m.Expanded != "true" || !m.List {
		t.Fatalf("Enter on the button: %+v; want it expanded and the list shown", m)
	}
	b.shot("menu-ouvert")
	b.runAxe("menu-ouvert")
	for _, w := range menuWords {
		tag := "a"
		if w == "Se déconnecter" {
			tag = "button"
		}
		b.tabOnce(tag + ":" + w)
	}
	b.press(kb.Escape)
	if m := b.menu(); m.Expanded != "false" || m.List {
		t.Errorf("after Escape the menu is %+v; want it collapsed", m)
	}
	if got := b.focused(); got != "button:Menu" {
		t.Errorf("after Escape, focus on %q, want the menu's button", got)
	}
	// Open again, and go to Mon solde: the new page, its entry current,
	// the menu collapsed, the focus on the page's heading.
	b.enter()
	b.tabOnce("a:Accueil")
	b.tabOnce("a:Mon solde")
	b.enter()
	b.waitTitle("Mon solde")
	if got := eval[string](b, `location.pathname`); got != "/mon-espace/solde" {
		t.Errorf("Mon solde at %s", got)
	}
	if m := b.menu(); m.Expanded != "false" || m.List || !slices.Equal(m.Current, []string{"Mon solde"}) {
		t.Errorf("on Mon solde the menu is %+v; want collapsed, Mon solde current", m)
	}
	if got := b.focused(); got != "h1:Mon solde" {
		t.Errorf("after the menu's link, focus on %q, want the heading", got)
	}
	// A page within a section marks its section.
	b.visit("/mon-espace/assurance", "Mon assurance")
	if m := b.menu(); len(m.Current) != 0 || !slices.Equal(m.Section, []string{"Mon logement"}) {
		t.Errorf("on Mon assurance: current %q, section %q; want none, Mon logement", m.Current, m.Section)
	}

	// 320×640, and text at 200 %: the menu open, nothing cut.
	// (A plain 320 px viewport, as TestHeaderAt320WithTextAt200: a mobile
	// one widens to fit the page's content at 200 %.)
	b.visit("/mon-espace/contrat", "Mon logement")
	b.do(chromedp.EmulateViewport(320, 640))
	b.settle()
	b.click(".space-menu__toggle")
	for _, large := range []bool{false, true} {
		b.largeText(large)
		if w := eval[int](b, `document.documentElement.clientWidth`); w != 320 {
			t.Errorf("the screen is %d px wide, want 320", w)
		}
		broken := eval[[]string](b, `[...document.querySelectorAll(".space-menu a, .space-menu button")].flatMap((e) => {
			const text = [...e.childNodes].find((n) => n.nodeType === Node.TEXT_NODE && n.data.trim());
			if (!text) return [];
			return [...text.data.matchAll(/\S+/g)].filter((m) => {
				const r = document.createRange();
				r.setStart(text, m.index);
				r.setEnd(text, m.index + m[0].length);
				return new Set([...r.getClientRects()].map((c) => Math.round(c.top))).size > 1;
			}).map((m) => m[0]);
		})`)
		if len(broken) > 0 {
			t.Errorf("at 320 px (large text %v) words of the menu broken across lines: %v", large, broken)
		}
		if m := b.menu(); !m.List || !slices.Equal(m.Current, []string{"Mon logement"}) {
			t.Errorf("at 320 px (large text %v) the open menu is %+v", large, m)
		}
		if cut := b.headerCut(); len(cut) > 0 {
			t.Errorf("at 320 px (large text %v) the header is cut: %v", large, cut)
		}
		name := "menu-320"
		if large {
			name = "menu-320-texte-200"
		}
		b.shot(name)
		b.runAxe(name)
	}
	b.largeText(false)

	// A laptop: a bar on one row, no button, the current entry marked.
	b.do(chromedp.EmulateViewport(1280, 800))
	b.settle()
	if m := b.menu(); m.Toggle || !m.List || m.Rows != 1 || !m.Logout {
		t.Errorf("at 1280 px the menu is %+v; want no button, the sections on one row, logout shown", m)
	}
	b.check("menu-bureau")

	// The old address of Mon solde (mails, bookmarks) opens it, query kept.
	b.visit("/mon-espace/compte?annee=2025#releve", "Mon solde")
	if got := eval[string](b, `location.pathname + location.search + location.hash`); got != "/mon-espace/solde?annee=2025#releve" {
		t.Errorf("/mon-espace/compte went to %s, want /mon-espace/solde?annee=2025#releve", got)
	}
}

// TestLoginBackToAskedPage: a private link opened logged out asks to log
// in, then opens that page with its query; so does a session that ends in
// the middle of use; a form whose session expired offers a login that
// comes back to it; and a "retour" to anything but a page of the space
// (another site, a scheme, a backslash) lands on the home of the space.
func TestLoginBackToAskedPage(t *testing.T) {
	b := start(t)
	const email, password = "celine.lefevre@example.org", "une phrase facile à retenir"
	activeAccount(t, b, "1234567", "LEFÈVRE", "1985-11-03", email, password)
	b.phone(390, 844)
	logIn := func() {
		t.Helper()
		b.fill("#email", email)
		b.fill("#password", password)
		b.click(`form button[type="submit"]`)
	}
	loggedOut := func() {
		t.Helper()
		if _, err := chromedp.Call(b.ctx, network.ClearBrowserCookies, cdp.Empty{}); err != nil {
			t.Fatalf("clear cookies: %v", err)
		}
	}
	where := func() string { return eval[string](b, `location.origin + location.pathname + location.search`) }

	// A private link, logged out.
	b.visit("/mon-espace/documents?type=quittances", "Connexion")
	if got := b.text("[data-flash]"); !strings.Contains(got, "Connectez-vous pour voir Mes documents") {
		t.Errorf("the login page says %q", got)
	}
	b.shot("connexion-pour-mes-documents")
	b.runAxe("connexion-pour-mes-documents")
	logIn()
	b.waitTitle("Mes documents")
	if got := where(); got != b.stack.URL+"/mon-espace/documents?type=quittances" {
		t.Errorf("after the login, %s; want /mon-espace/documents?type=quittances", got)
	}

	// The session ends in the middle of use: the next page asks to log in,
	// then opens.
	loggedOut()
	b.click(`.space-nav a[href="/mon-espace/dossier"]`) // the bottom list: the menu is collapsed on a phone
	b.waitTitle("Connexion")
	logIn()
	b.waitTitle("Mes demandes")
	if got := where(); got != b.stack.URL+"/mon-espace/dossier" {
		t.Errorf("after a login forced by an expired session, %s; want /mon-espace/dossier", got)
	}
	// A form sent after the session ended offers a login back to it (the
	// form is shown once the page's data came, while the session lived).
	b.waitFor(`document.getElementById("kind")`, "the change request form")
	loggedOut()
	eval[chromedp.Void](b, `document.getElementById("kind").value = "household"`)
	b.fill("#text", "Un enfant est né en octobre.")
	b.click(`form button[type="submit"]`)
	b.waitFor(`document.querySelector(".error-summary a[href^='/?']")`, "the login link")
	if got := eval[string](b, `document.querySelector(".error-summary a[href^='/?']").getAttribute("href")`); got != "/?info=connexion-requise&retour=%2Fmon-espace%2Fdossier" {
		t.Errorf("the expired form's login link %q", got)
	}

	// Not a page of the space: the home of the space, on this site.
	for _, retour := range []string{"//evil.example", "https://evil.example/mon-espace", `/\evil.example`, "javascript:alert(1)",
		"/mon-espace/../../evil", "/connexion", " /mon-espace/documents"} {
		loggedOut()
		b.visit("/?info=connexion-requise&retour="+url.QueryEscape(retour), "Connexion")
		logIn()
		b.waitTitle("Accueil de votre espace")
		if got := where(); got != b.stack.URL+"/mon-espace" {
			t.Errorf("retour=%q landed on %s; want %s/mon-espace", retour, got, b.stack.URL)
		}
	}
	// Logged in already, the login page sends on too, with the same check.
	b.visit("/?retour="+url.QueryEscape("//evil.example/mon-espace"), "Accueil de votre espace")
	if got := where(); got != b.stack.URL+"/mon-espace" {
		t.Errorf("logged in, retour=//evil.example/mon-espace landed on %s", got)
	}
	b.visit("/?retour="+url.QueryEscape("/mon-espace/quittances?annee=2025"), "Mes quittances")
}
