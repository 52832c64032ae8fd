package browsertest

// Review of issue 11, parts 1 and 2 (the home page, the menu and the
// names), walked as N'DIAYE, LEFÈVRE and DUPONT on a phone.

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// brokenWords lists the words under sel that the browser breaks across
// two lines (overflow-wrap: anywhere on a box too narrow for them), an
// email address aside (it may break: it is longer than a small screen).
func (b *browser) brokenWords(sel string) []string {
	b.t.Helper()
	return eval[[]string](b, `(() => {
		const broken = [];
		for (const root of document.querySelectorAll(`+js(sel)+`)) {
			const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
			for (let n = walker.nextNode(); n; n = walker.nextNode()) {
				const el = n.parentElement;
				if (!el.getClientRects().length || el.closest(".card__email")) continue;
				for (const m of n.data.matchAll(/[^\s\u00a0\u202f]+/g)) {
					const r = document.createRange();
					r.setStart(n, m.index);
					r.setEnd(n, m.index + m[0].length);
					if (new Set([...r.getClientRects()].filter((c) => c.width > 0).map((c) => Math.round(c.top))).size > 1) broken.push(m[0]);
				}
			}
		}
		return broken;
	})()`)
}

// TestReview11aHomeLargeTextWordsWhole: on a 320 px screen with the text
// at 200 %, the home page's first words (the balance, the next due, Payer)
// and its cards keep each word whole. Before, the page's and the card's
// margins (1rem each, 32 px at 200 %) left N'DIAYE's balance block about
// 185 px: "Paye/r", "Prochain/e", "déce/mbre 20/26", "déductio/n".
func TestReview11aHomeLargeTextWordsWhole(t *testing.T) {
	b := start(t)
	b.tenant("7654321", "N'DIAYE", "1990-01-30", "abdou.ndiaye@example.org")
	if status := eval[int](b, `fetch("/api/v1/change-requests", { method: "POST", headers: { "Content-Type": "application/json" },
		body: JSON.stringify({ kind: "household", text: "Ma fille est née le 2 novembre 2026." }) }).then((r) => r.status)`); status != 201 {
		t.Fatalf("POST /api/v1/change-requests: %d, want 201", status)
	}
	b.visit("/mon-espace", "Accueil de votre espace")
	b.waitFor(`document.querySelector("[data-demande-en-cours]")`, "the pending request")
	// A plain 320 px viewport (a mobile one widens to fit the page's
	// content at 200 %), as TestSpaceMenu.
	b.do(chromedp.EmulateViewport(320, 640))
	b.largeText(true)
	if w := eval[int](b, `document.documentElement.clientWidth`); w != 320 {
		t.Fatalf("the screen is %d px wide, want 320", w)
	}
	// The balance block, the newest document and the request's state.
	// (Some words are wider than a card at that size and break: the
	// request's kind in its title, "Composition", its number, the sections'
	// "Prélèvement", the dwelling's "Aubervilliers".)
	if got := b.brokenWords("main h1, [data-bloc-solde], [data-dernier-document], [data-demande-en-cours] [data-etat]"); len(got) > 0 {
		t.Errorf("at 320 px with text at 200 %%, words of the home page broken across lines: %q", got)
	}
	b.shot("accueil-320-texte-200")
	b.click("[data-payer]")
	b.settle()
	if got := b.brokenWords(".pay-form"); len(got) > 0 {
		t.Errorf("at 320 px with text at 200 %%, words of the pay form broken across lines: %q", got)
	}
	b.shot("accueil-payer-320-texte-200")
	b.runAxe("accueil-payer-320-texte-200")
	if over := eval[int](b, `document.documentElement.scrollWidth`); over > 320 {
		t.Errorf("the page is %d px wide at 320 px", over)
	}
	b.largeText(false)
}

// TestReview11aCreditNeverWorkedOut: N'DIAYE (25,50 € in credit, 270,00 €
// due on 1 December) is told the due and the credit taken off it, never
// the difference: the pay form opened from the home page offered an amount
// field filled with "244,50", a figure of no notice and no statement. It
// offers the due less the credit in those words, and another amount; the
// first starts a payment of what the due and the credit leave (24 450
// cents), the second of what is typed.
func TestReview11aCreditNeverWorkedOut(t *testing.T) {
	b := start(t)
	b.tenant("7654321", "N'DIAYE", "1990-01-30", "abdou.ndiaye@example.org")
	b.phone(390, 844)
	b.waitFor(`document.querySelector("[data-bloc-solde] [data-payer]")`, "Payer")
	b.click("[data-payer]")
	b.settle()
	shown := eval[string](b, `(() => {
		const form = document.querySelector(".pay-form");
		return form.innerText + " " + [...form.querySelectorAll("input")].map((i) => i.value).join(" ");
	})()`)
	if strings.Contains(strings.NewReplacer("\u00a0", " ", "\u202f", " ").Replace(shown), "244,50") {
		t.Errorf("the pay form shows 244,50 (text or a field's value):\n%s", shown)
	}
	if got := b.text(`label[for="montant-echeance"]`); !strings.Contains(got, "270,00 €, votre crédit de 25,50 € vient en déduction") {
		t.Errorf("the due's choice reads %q, want the due and the credit taken off", got)
	}
	if got := b.focused(); got != "montant-echeance" {
		t.Errorf("the form opens with the focus on %q, want the due's choice", got)
	}
	b.shot("ndiaye-payer")
	b.runAxe("ndiaye-payer")

	// Another amount: its field, empty, then what is typed.
	b.click("#montant-autre")
	b.waitFor(`!!document.getElementById("amountCents")?.getClientRects().length`, "the amount field")
	if got := eval[string](b, `document.getElementById("amountCents").value`); got != "" {
		t.Errorf("the other amount's field holds %q, want it empty", got)
	}
	b.clickText("button", "Continuer vers le paiement")
	b.waitFor(`document.querySelector("#amountCents[aria-invalid=true]")`, "the empty amount's error")
	b.fill("#amountCents", "100")
	b.clickText("button", "Continuer vers le paiement")
	b.waitFor(`location.pathname.startsWith("/_dev/checkout/")`, "the sandbox checkout page")
	b.visit("/mon-espace", "Accueil de votre espace")
	b.waitFor(`document.querySelector("[data-bloc-solde] [data-payer]")`, "Payer")

	// The due less the credit: the payment is of 244,50 €.
	b.click("[data-payer]")
	b.waitFor(`document.activeElement?.id === "montant-echeance"`, "the due's choice")
	b.clickText("button", "Continuer vers le paiement")
	b.waitFor(`location.pathname.startsWith("/_dev/checkout/")`, "the sandbox checkout page")
	var amounts []int64
	b.visit("/mon-espace/paiements", "Mes paiements en ligne")
	for _, p := range b.apiPayments() {
		amounts = append(amounts, p.AmountCents)
	}
	if len(amounts) != 2 || !(amounts[0] == 24450 && amounts[1] == 10000 || amounts[0] == 10000 && amounts[1] == 24450) {
		t.Errorf("payments started %v, want 24450 (the due less the credit) and 10000 (typed)", amounts)
	}
}

// TestReview11aHomeNamedAccueil: the home of the space has one name in the
// ways to it. The menu and the list of all pages call it "Accueil", the
// breadcrumb of every other page called it "Votre espace": two names for
// one page, a page a tenant may think is another.
func TestReview11aHomeNamedAccueil(t *testing.T) {
	b := start(t)
	b.tenant("8889999", "DUPONT", "1978-04-12", "marie.dupont@example.org")
	b.phone(390, 844)
	for _, p := range []struct{ path, title string }{{"/mon-espace/solde", "Mon solde"}, {"/mon-espace/documents", "Mes documents"}, {"/mon-espace/contrat", "Mon logement"}, {"/mon-espace/dossier", "Mes demandes"}} {
		b.visit(p.path, p.title)
		b.waitLoaded(p.title)
		names := eval[[]string](b, `[...document.querySelectorAll("nav a[href='/mon-espace']")].map((a) => a.closest("nav").getAttribute("aria-label") + " / " + (a.closest("nav").getAttribute("aria-labelledby") ?? "") + ": " + a.textContent.trim())`)
		if len(names) < 3 {
			t.Errorf("%s: links to the home in navs %q, want the menu's, the breadcrumb's and the list's", p.path, names)
		}
		for _, n := range names {
			if !strings.HasSuffix(n, ": Accueil") {
				t.Errorf("%s: a link to the home reads %q, want Accueil (the menu's name)", p.path, n)
			}
		}
	}
	b.shot("fil-d-ariane")
}
