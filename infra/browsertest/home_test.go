package browsertest

// The home page (issue 11, part 1): it opens on the balance in words, the
// next due and the one action that fits, then the newest document and any
// pending change request, then the sections and, lower, the dwelling; each
// card is one link that covers it.

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/accessibility"
	"github.com/chromedp/chromedp"
)

// homeCase is what a demo tenant's home page must say.
type homeCase struct {
	name, ref, lastName, dob, email string
	balance                         string // the balance in words
	due                             string // the next due line
	action                          string // data-action: pay, debit or aucune
}

var homeCases = []homeCase{
	{"LEFEVRE", "1234567", "LEFÈVRE", "1985-11-03", "celine.lefevre@example.org",
		"Vous devez 350,00 €", "Prochaine échéance, le 1er décembre 2026 : 500,00 €.", "pay"},
	{"NDIAYE", "7654321", "N'DIAYE", "1990-01-30", "abdou.ndiaye@example.org",
		"Vous avez un crédit de 25,50 €", "Prochaine échéance, le 1er décembre 2026 : 270,00 €, votre crédit de 25,50 € vient en déduction.", "pay"},
	{"DUPONT", "8889999", "DUPONT", "1978-04-12", "marie.dupont@example.org",
		"Votre compte est à jour", "Prochaine échéance, le 5 décembre 2026 : 600,00 €, prélevés automatiquement.", "debit"},
}

// TestHomeOpensOnWhatToDo: for LEFÈVRE (owes 350 €), N'DIAYE (in credit)
// and DUPONT (direct debit, up to date), at 390×844 and 320×640: the
// balance in words, the next due and the one action come first, above the
// newest document (the API's newest), above the dwelling; N'DIAYE is told
// the due and his credit taken off it, never a worked-out 244,50 €; the
// screenshots and axe-core at both sizes.
func TestHomeOpensOnWhatToDo(t *testing.T) {
	b := start(t)
	for _, c := range homeCases {
		t.Run(c.name, func(t *testing.T) {
			b := b.sub(t)
			b.tenant(c.ref, c.lastName, c.dob, c.email)
			b.waitFor(`document.querySelector("[data-logement]")`, "the home page's cards")
			newest := eval[string](b, `fetch("/api/v1/documents").then((r) => r.json()).then((p) => p.documents[0].id + "|" + p.documents[0].title)`)
			for _, size := range []struct{ w, h int64 }{{390, 844}, {320, 640}} {
				b.phone(size.w, size.h)
				if got := b.text("[data-bloc-solde] [data-solde]"); got != c.balance {
					t.Errorf("%d px: balance %q, want %q", size.w, got, c.balance)
				}
				if got := b.text("[data-bloc-solde] [data-prochaine-echeance]"); got != c.due {
					t.Errorf("%d px: next due %q, want %q", size.w, got, c.due)
				}
				if got := eval[string](b, `document.querySelector("[data-bloc-solde]").dataset.action`); got != c.action {
					t.Errorf("%d px: action %q, want %q", size.w, got, c.action)
				}
				// The order on the screen: the balance block is the first
				// thing under the greeting, then the newest document, and
				// the dwelling lower.
				order := eval[[]float64](b, `["h1", "[data-bloc-solde]", "[data-dernier-document]", "[data-logement]"].map((s) => document.querySelector(s)?.getBoundingClientRect().top ?? -1)`)
				if !(order[0] >= 0 && order[0] < order[1] && order[1] < order[2] && order[2] < order[3]) {
					t.Errorf("%d px: tops of the heading, balance, newest document, dwelling: %v; want that order", size.w, order)
				}
				if !eval[bool](b, `document.querySelector(".space-body").firstElementChild.matches("[data-bloc-solde]")`) {
					t.Errorf("%d px: the balance is not the first thing of the page", size.w)
				}
				if top := order[1]; top > float64(size.h)/2 {
					t.Errorf("%d px: the balance starts %.0f px down, want in the first half of the screen", size.w, top)
				}
				b.shot("accueil")
				b.runAxe("accueil")
			}
			b.phone(390, 844)

			// The newest document is the API's newest: its title is the
			// card's link, which opens its file.
			id, title, _ := strings.Cut(newest, "|")
			if got := b.text("[data-dernier-document] .card__link"); got != title {
				t.Errorf("newest document %q, want the API's newest %q", got, title)
			}
			if got := eval[string](b, `document.querySelector("[data-dernier-document] .card__link").getAttribute("href")`); got != "/api/v1/documents/"+id+"/file" {
				t.Errorf("newest document's link %q", got)
			}
			if got := b.text("[data-dernier-document] .card__meta"); !strings.HasPrefix(got, "Document utile du ") && !strings.HasPrefix(got, "Avis d’échéance du ") {
				t.Errorf("newest document's kind and date %q", got)
			}

			// The one action.
			payer := eval[bool](b, `!!document.querySelector("[data-bloc-solde] [data-payer]")`)
			debit := eval[string](b, `document.querySelector("[data-bloc-solde] [data-voir-prelevement]")?.getAttribute("href") ?? ""`)
			switch c.action {
			case "pay":
				if !payer || debit != "" {
					t.Errorf("Payer %v, Voir mon prélèvement %q; want Payer alone", payer, debit)
				}
			case "debit":
				if payer || debit != "/mon-espace/prelevement" {
					t.Errorf("Payer %v, Voir mon prélèvement %q; want the direct debit's page alone", payer, debit)
				}
				if got := b.text("[data-voir-prelevement]"); got != "Voir mon prélèvement" {
					t.Errorf("the direct debit's action reads %q", got)
				}
			}

			if c.name == "NDIAYE" {
				// Never a figure of our own: the due and the credit, as
				// the notice and the ledger give them.
				if got := b.text("main"); strings.Contains(got, "244,50") {
					t.Errorf("the home page says 244,50 €:\n%s", got)
				}
				b.click("[data-payer]")
				b.waitFor(`document.activeElement?.id === "amountCents"`, "the amount field")
				if got := b.text("#amountCents-aide"); !strings.Contains(got, "270,00 €, votre crédit de 25,50 € vient en déduction") {
					t.Errorf("the pay hint %q does not say the due and the credit taken off", got)
				}
				if got := b.text("main"); strings.Contains(got, "244,50 €") {
					t.Errorf("with the pay form open, the page says 244,50 €:\n%s", got)
				}
				b.shot("accueil-payer")
				b.runAxe("accueil-payer")
			}
			b.logOut()
		})
	}
}

// TestHomeCardsAreOneLink: every card of the home page holds one link and
// nothing else to tap, named by its own text; a tap anywhere on the card
// hits it (its corners too), and following it leads to its page; the
// keyboard reaches each card's link, the card then showing the focus. A
// pending change request shows with its state.
func TestHomeCardsAreOneLink(t *testing.T) {
	b := start(t)
	b.tenant("1234567", "LEFÈVRE", "1985-11-03", "celine.lefevre@example.org")
	// A change request, sent as the page does, then the home page again.
	if status := eval[int](b, `fetch("/api/v1/change-requests", { method: "POST", headers: { "Content-Type": "application/json" },
		body: JSON.stringify({ kind: "household", text: "Notre fils est né le 2 novembre 2026." }) }).then((r) => r.status)`); status != 201 {
		t.Fatalf("POST /api/v1/change-requests: %d, want 201", status)
	}
	b.visit("/mon-espace", "Accueil de votre espace")
	b.waitFor(`document.querySelector("[data-demande-en-cours]")`, "the pending request")
	if got := b.text("[data-demande-en-cours] .card__link"); got != "Demande : Composition du foyer" {
		t.Errorf("pending request %q", got)
	}
	if got := b.text("[data-demande-en-cours] [data-etat]"); got != "État : Envoyée" {
		t.Errorf("pending request's state %q", got)
	}
	order := eval[[]float64](b, `["[data-bloc-solde]", "[data-dernier-document]", "[data-demande-en-cours]", ".sections", "[data-logement]"].map((s) => document.querySelector(s).getBoundingClientRect().top)`)
	for i := 1; i < len(order); i++ {
		if order[i-1] >= order[i] {
			t.Errorf("tops of balance, document, request, sections, dwelling: %v; want that order", order)
			break
		}
	}

	for _, size := range []struct{ w, h int64 }{{390, 844}, {320, 640}} {
		b.phone(size.w, size.h)
		type card struct {
			Name    string   `json:"name"`
			Taps    int      `json:"taps"`
			Link    string   `json:"link"`
			Label   bool     `json:"label"`
			Missing []string `json:"missing"`
		}
		cards := eval[[]card](b, `[...document.querySelectorAll("main .card--tap, main .card--link")].map((c) => {
			const taps = c.querySelectorAll("a[href], button, input, select, textarea, [tabindex]:not([tabindex='-1'])");
			const a = taps[0];
			c.scrollIntoView({ block: "center" });
			const r = c.getBoundingClientRect();
			const points = [[r.left + 3, r.top + 3], [r.right - 3, r.top + 3], [r.left + 3, r.bottom - 3], [r.right - 3, r.bottom - 3], [r.left + r.width / 2, r.top + r.height / 2]];
			const missing = points.filter(([x, y]) => document.elementFromPoint(x, y)?.closest("a") !== a).map(([x, y]) => Math.round(x) + "," + Math.round(y));
			return { name: c.getAttribute("aria-labelledby"), taps: taps.length, link: (a?.innerText ?? "").replace(/\u00a0/g, " "),
				label: !!a && a.hasAttribute("aria-label"), missing };
		})`)
		if len(cards) < 5 {
			t.Errorf("%d px: %d cards, want the document, the request, the sections and the dwelling", size.w, len(cards))
		}
		for _, c := range cards {
			if c.Taps != 1 || c.Label || strings.TrimSpace(c.Link) == "" || strings.Contains(c.Link, "\n") || len(c.Link) > 80 {
				t.Errorf("%d px: card %s holds %d things to tap, its link reads %q (aria-label %v); want one link named by a short text", size.w, c.Name, c.Taps, c.Link, c.Label)
			}
			if len(c.Missing) > 0 {
				t.Errorf("%d px: card %s: a tap at %v does not hit its link", size.w, c.Name, c.Missing)
			}
		}
	}

	// What a screen reader says of each card's link: its name is the
	// link's own text (the card's other lines are its description).
	links := b.axLinks()
	for _, sel := range []string{"[data-dernier-document]", "[data-demande-en-cours]", "[data-logement]", `.sections li:first-child .card`} {
		text := eval[string](b, `document.querySelector(`+js(sel+" a")+`).innerText.replace(/[\u00a0\u202f]/g, " ").trim()`)
		desc, ok := links[text]
		if !ok {
			t.Errorf("%s: no link named %q in the accessibility tree", sel, text)
		} else if sel != `.sections li:first-child .card` && desc == "" {
			t.Errorf("%s: the link %q has no description (the card's lines)", sel, text)
		}
	}

	// A real tap on a card's corner, far from its link's text, follows it.
	tapCorner := func(sel string) {
		t.Helper()
		pt := eval[[]float64](b, `(() => { const c = document.querySelector(`+js(sel)+`); c.scrollIntoView({ block: "center" }); const r = c.getBoundingClientRect(); return [r.right - 6, r.bottom - 6]; })()`)
		b.do(chromedp.MouseClickXY(pt[0], pt[1]))
	}
	b.phone(390, 844)
	// The document's card: a tap on its corner opens (downloads) its file.
	dir := b.allowDownloads()
	tapCorner("[data-dernier-document]")
	if got := b.downloaded(dir); !strings.HasPrefix(string(got), "%PDF") {
		t.Errorf("a tap on the document's card saved %.20q, want its PDF", got)
	}
	tapCorner("[data-demande-en-cours]")
	b.waitLoaded("Mes demandes")
	b.visit("/mon-espace", "Accueil de votre espace")
	b.waitFor(`document.querySelector("[data-logement]")`, "the dwelling's card")
	tapCorner("[data-logement]")
	b.waitLoaded("Mon logement")
	b.visit("/mon-espace", "Accueil de votre espace")
	b.waitFor(`document.querySelector(".sections")`, "the sections")
	tapCorner(`.sections li:has(a[href="/mon-espace/quittances"]) .card`)
	b.waitLoaded("Mes quittances")

	// The keyboard: Tab reaches the request's link; its card shows the
	// focus (an outline of 3 px), and Enter follows it.
	b.visit("/mon-espace", "Accueil de votre espace")
	b.waitFor(`document.querySelector("[data-demande-en-cours]")`, "the pending request")
	b.tabTo("[data-bloc-solde] [data-payer]", 10)
	b.tabTo("[data-dernier-document] .card__link", 5)
	if got := eval[string](b, `(() => { const s = getComputedStyle(document.querySelector("[data-dernier-document]")); return s.outlineStyle + " " + s.outlineWidth; })()`); got != "solid 3px" {
		t.Errorf("the focused document's card has the outline %q, want solid 3px", got)
	}
	b.shot("accueil-focus-document")
	b.tabTo("[data-demande-en-cours] .card__link", 5)
	if got := eval[string](b, `getComputedStyle(document.querySelector("[data-demande-en-cours]")).outlineStyle`); got != "solid" {
		t.Errorf("the focused request's card has the outline %q, want solid", got)
	}
	b.enter()
	b.waitLoaded("Mes demandes")
	if got := b.focused(); got != "h1:Mes demandes" {
		t.Errorf("after Enter on the request's card, focus on %q", got)
	}
}

// TestHomeLargeTextNoSidewaysScroll: at 320×640 with the text at 200 %,
// the home page (its cards, the balance and Payer), Assistance (its
// buttons) and Mes documents (its selects and download buttons) need no
// sideways scrolling: nothing reaches past the screen's edge.
func TestHomeLargeTextNoSidewaysScroll(t *testing.T) {
	b := start(t)
	b.tenant("1234567", "LEFÈVRE", "1985-11-03", "celine.lefevre@example.org")
	for _, page := range []struct{ path, title, ready, name string }{
		{"/mon-espace", "Accueil de votre espace", `document.querySelector("[data-logement]")`, "accueil-texte-200"},
		{"/assistance", "Assistance", `document.querySelector("main .button")`, "assistance-texte-200"},
		{"/mon-espace/documents", "Mes documents", `document.querySelector("[data-document]") && document.querySelector("#type")`, "documents-texte-200"},
	} {
		b.visit(page.path, page.title)
		b.waitFor(page.ready, "the page «"+page.title+"» loaded")
		b.phone(320, 640)
		b.largeText(true)
		type reflow struct {
			Width  int      `json:"width"`
			Scroll int      `json:"scroll"`
			Over   []string `json:"over"`
			Font   string   `json:"font"`
		}
		r := eval[reflow](b, `(() => {
			const width = document.documentElement.clientWidth;
			const over = [...document.querySelectorAll("body *")]
				.filter((e) => e.getClientRects().length && e.getBoundingClientRect().right > width + 1)
				.map((e) => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className ? "." + String(e.className).trim().split(/\s+/).join(".") : ""));
			return { width, scroll: document.documentElement.scrollWidth, over: over.slice(0, 10), font: getComputedStyle(document.body).fontSize };
		})()`)
		if r.Font != "36px" {
			t.Errorf("%s: body text %s, want 36px (200 %%)", page.path, r.Font)
		}
		if r.Scroll > r.Width || len(r.Over) > 0 {
			t.Errorf("%s at 320 px, text at 200 %%: the page is %d px wide for %d; past the edge: %v", page.path, r.Scroll, r.Width, r.Over)
		}
		b.shot(page.name)
		b.largeText(false)
	}
}

// TestHomeWords: the next due in words and the one action, by the home
// page's own module, for the cases the demo leases do not have: a credit
// that covers the whole due, a credit on direct debit, arrears on direct
// debit (Payer: the debit takes only the dues), a due weeks away with
// nothing owed (nothing presses), no next due.
func TestHomeWords(t *testing.T) {
	b := start(t)
	b.visit("/", "Connexion")
	const now = `new Date("2026-11-30T10:00:00Z")`
	tests := []struct{ expr, want string }{
		{`h.nextDueSentence({ balanceCents: 35000, nextDue: { date: "2026-12-01", amountCents: 50000 } }, false)`,
			"Prochaine échéance, le 1er décembre 2026 : 500,00 €."},
		{`h.nextDueSentence({ balanceCents: -2550, nextDue: { date: "2026-12-01", amountCents: 27000 } }, false)`,
			"Prochaine échéance, le 1er décembre 2026 : 270,00 €, votre crédit de 25,50 € vient en déduction."},
		{`h.nextDueSentence({ balanceCents: -30000, nextDue: { date: "2026-12-01", amountCents: 27000 } }, false)`,
			"Prochaine échéance, le 1er décembre 2026 : 270,00 €, déjà couverts par votre crédit de 300,00 €."},
		{`h.nextDueSentence({ balanceCents: 0, nextDue: { date: "2026-12-05", amountCents: 60000 } }, true)`,
			"Prochaine échéance, le 5 décembre 2026 : 600,00 €, prélevés automatiquement."},
		{`h.nextDueSentence({ balanceCents: -1000, nextDue: { date: "2026-12-05", amountCents: 60000 } }, true)`,
			"Prochaine échéance, le 5 décembre 2026 : 600,00 €, prélevés automatiquement ; votre crédit de 10,00 € vient en déduction."},
		{`h.nextDueSentence({ balanceCents: 0, nextDue: null }, false)`, ""},
		{`h.homeAction({ balanceCents: 35000, nextDue: { date: "2026-12-01", amountCents: 50000 } }, false, ` + now + `)`, "pay"},
		{`h.homeAction({ balanceCents: -2550, nextDue: { date: "2026-12-01", amountCents: 27000 } }, false, ` + now + `)`, "pay"},
		{`h.homeAction({ balanceCents: 0, nextDue: { date: "2026-12-05", amountCents: 60000 } }, true, ` + now + `)`, "debit"},
		{`h.homeAction({ balanceCents: 12000, nextDue: { date: "2026-12-05", amountCents: 60000 } }, true, ` + now + `)`, "pay"},
		{`h.homeAction({ balanceCents: 0, nextDue: { date: "2027-01-01", amountCents: 50000 } }, false, ` + now + `)`, ""},
		{`h.homeAction({ balanceCents: -30000, nextDue: { date: "2026-12-01", amountCents: 27000 } }, false, ` + now + `)`, ""},
	}
	for _, tt := range tests {
		got := eval[string](b, `import("/js/views/home.js").then((h) => `+tt.expr+`).then((s) => s.replace(/[\u00a0\u202f]/g, " "))`)
		if got != tt.want {
			t.Errorf("%s = %q, want %q", tt.expr, got, tt.want)
		}
	}
}

// axLinks lists the page's links as the browser gives them to assistive
// technologies: accessible name → description.
func (b *browser) axLinks() map[string]string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	tree, err := chromedp.Call(ctx, accessibility.GetFullAXTree, accessibility.GetFullAXTreeParams{})
	if err != nil {
		b.t.Fatalf("accessibility tree: %v", err)
	}
	str := func(v *accessibility.Value) string {
		var s string
		if v != nil {
			_ = json.Unmarshal(v.Value, &s)
		}
		return strings.NewReplacer("\u00a0", " ", "\u202f", " ").Replace(strings.TrimSpace(s))
	}
	links := map[string]string{}
	for _, n := range tree.Nodes {
		if str(n.Role) == "link" {
			links[str(n.Name)] = str(n.Description)
		}
	}
	return links
}
