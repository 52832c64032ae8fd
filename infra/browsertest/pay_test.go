package browsertest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// TestPayForm: LEFÈVRE (350 € owed, 500 € due on 1 December) sees "Payer"
// beside her balance on the home page; it opens a small form with the
// amount prefilled with what she owes plus the next due (850,00 €), its
// parts said, an amount under 1 € refused at the field, "Annuler" closing it
// with the focus back on "Payer"; at 390×844 and 320×640, axe-core clean.
// DUPONT (nothing owed, direct debit) gets no "Payer".
func TestPayForm(t *testing.T) {
	b := start(t)
	b.tenant("1234567", "LEFÈVRE", "1985-11-03", "celine.lefevre@example.org")
	if got := b.text("[data-solde]"); got != "Vous devez 350,00 €" {
		t.Errorf("home balance %q", got)
	}
	if got := eval[string](b, `document.querySelector("[data-payer]").getAttribute("aria-expanded")`); got != "false" {
		t.Errorf("Payer aria-expanded %q before opening", got)
	}
	b.click("[data-payer]")
	b.waitFor(`document.activeElement?.id === "amountCents"`, "the focus on the amount")
	if got := eval[string](b, `document.getElementById("amountCents").value`); got != "850,00" {
		t.Errorf("default amount %q, want 850,00 (350 owed + 500 due)", got)
	}
	if got := b.text("#amountCents-aide"); !strings.Contains(got, "350,00 € que vous devez aujourd’hui, plus 500,00 € de l’échéance du 1er décembre 2026") {
		t.Errorf("amount hint %q", got)
	}
	for _, size := range []struct{ w, h int64 }{{390, 844}, {320, 640}} {
		b.phone(size.w, size.h)
		b.shot("payer-formulaire")
	}
	b.check("payer-formulaire")

	// Under 1 €: refused before any request, at the field.
	b.clear("#amountCents")
	b.fill("#amountCents", "0,50")
	b.clickText("button", "Continuer vers le paiement")
	b.waitFor(`document.querySelector("#amountCents[aria-invalid=true]")`, "the amount's error")
	if got := eval[string](b, `document.getElementById("amountCents-erreur").textContent.replace(/\u00a0/g, " ")`); got != "Erreur : Le montant doit être d’au moins 1,00 €." {
		t.Errorf("amount error %q", got)
	}
	if got := b.focused(); !strings.HasPrefix(got, "div:Une information est à corriger") {
		t.Errorf("focus on %q, want the error summary", got)
	}
	b.check("payer-erreur")

	b.clickText("button", "Annuler")
	b.waitFor(`document.getElementById("paiement-formulaire").hidden`, "the form closed")
	if got := eval[string](b, `document.activeElement?.hasAttribute("data-payer") ? "payer" : document.activeElement?.tagName`); got != "payer" {
		t.Errorf("after Annuler, focus on %q, want Payer", got)
	}
	b.logOut()

	b.tenant("8889999", "DUPONT", "1978-04-12", "marie.dupont@example.org")
	if got := b.text("[data-solde]"); got != "Votre compte est à jour" {
		t.Errorf("DUPONT's balance %q", got)
	}
	if eval[bool](b, `!!document.querySelector("[data-payer]")`) {
		t.Errorf("DUPONT (nothing owed, direct debit) is offered Payer")
	}
}

// TestPayKeyKeptOnRetry: the request that starts a payment carries an
// Idempotency-Key drawn when the form opened; when no answer comes (the
// network is cut), the retry carries the same key, so the API makes one
// payment; another amount, or a new opening of the form, gets a new key.
func TestPayKeyKeptOnRetry(t *testing.T) {
	b := start(t)
	b.tenant("1234567", "LEFÈVRE", "1985-11-03", "celine.lefevre@example.org")
	// The keys the page sends, read from the requests the browser makes.
	keys := make(chan string, 16)
	if err := chromedp.Listen(b.ctx, func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok && e.Request.Method == "POST" && strings.HasSuffix(e.Request.URL, "/api/v1/payments") {
			k, _ := e.Request.Headers["Idempotency-Key"].(string)
			select {
			case keys <- k:
			default:
			}
		}
	}); err != nil {
		t.Fatal(err)
	}
	block := func(on bool) {
		t.Helper()
		ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
		defer cancel()
		if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
			t.Fatalf("network: %v", err)
		}
		if _, err := chromedp.Call(ctx, network.SetBlockedURLs, network.SetBlockedURLsParams{
			URLPatterns: []*network.BlockPattern{{URLPattern: b.stack.URL + "/api/v1/payments", Block: on}},
		}); err != nil {
			t.Fatalf("block: %v", err)
		}
	}
	next := func() string {
		t.Helper()
		select {
		case k := <-keys:
			return k
		case <-time.After(10 * time.Second):
			t.Fatal("no POST /api/v1/payments seen")
			return ""
		}
	}

	block(true)
	b.click("[data-payer]")
	b.clear("#amountCents")
	b.fill("#amountCents", "350")
	b.clickText("button", "Continuer vers le paiement")
	first := next()
	b.waitFor(`document.querySelector(".error-summary")?.innerText.includes("Pas de connexion")`, "the network error")
	b.clickText("button", "Continuer vers le paiement")
	second := next()
	if first == "" || first != second {
		t.Errorf("retry after a lost answer sent key %q, then %q: want the same", first, second)
	}
	if len(first) != 36 || strings.Count(first, "-") != 4 {
		t.Errorf("key %q is not a UUID", first)
	}
	b.waitFor(`document.querySelector(".error-summary")?.innerText.includes("Pas de connexion")`, "the network error again")
	b.clear("#amountCents")
	b.fill("#amountCents", "351")
	b.clickText("button", "Continuer vers le paiement")
	if third := next(); third == first {
		t.Errorf("another amount kept the key %q", third)
	}
	b.waitFor(`document.querySelector(".error-summary")?.innerText.includes("Pas de connexion")`, "the network error a third time")
	b.clickText("button", "Annuler")
	b.click("[data-payer]")
	b.clickText("button", "Continuer vers le paiement")
	if fourth := next(); fourth == first {
		t.Errorf("a new opening of the form kept the key %q", fourth)
	}
	block(false)
}

// TestPayLostAnswer: the API starts the payment but its answer is lost on
// the way (the connection drops after the server answered). The tenant is
// told there is no connection and taps again: the retry, with the same
// Idempotency-Key, gets the same payment and goes on to the checkout page;
// the lease has one payment, not two.
func TestPayLostAnswer(t *testing.T) {
	b := start(t)
	b.tenant("1234567", "LEFÈVRE", "1985-11-03", "celine.lefevre@example.org")

	ctx, cancel := context.WithCancel(b.ctx)
	defer cancel()
	dropped := make(chan bool, 1)
	go func() {
		first := true
		for ev, err := range chromedp.Events(ctx, fetch.RequestPaused) {
			if err != nil {
				return
			}
			if first && ev.Request.Method == "POST" && ev.ResponseStatusCode == 201 {
				// The server answered 201: this answer never reaches the page.
				first = false
				chromedp.Call(ctx, fetch.FailRequest, fetch.FailRequestParams{RequestID: ev.RequestID, ErrorReason: network.ErrorReasonConnectionReset})
				dropped <- true
				continue
			}
			chromedp.Call(ctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: ev.RequestID})
		}
	}()
	ectx, ecancel := context.WithTimeout(b.ctx, 5*time.Second)
	if _, err := chromedp.Call(ectx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{
		{URLPattern: "*/api/v1/payments", RequestStage: fetch.RequestStageResponse},
	}}); err != nil {
		t.Fatalf("intercept: %v", err)
	}
	ecancel()

	b.click("[data-payer]")
	b.clear("#amountCents")
	b.fill("#amountCents", "350")
	b.clickText("button", "Continuer vers le paiement")
	select {
	case <-dropped:
	case <-time.After(10 * time.Second):
		t.Fatal("the first answer was not intercepted")
	}
	b.waitFor(`document.querySelector(".error-summary")?.innerText.includes("Pas de connexion")`, "the lost answer said")
	if ps := b.apiPayments(); len(ps) != 1 || ps[0].AmountCents != 35000 {
		t.Fatalf("the server made %+v, want one payment of 350 €", ps)
	}
	b.clickText("button", "Continuer vers le paiement")
	b.waitFor(`location.pathname.startsWith("/_dev/checkout/")`, "the checkout page after the retry")
	if ps := b.apiPayments(); len(ps) != 1 {
		t.Errorf("after the retry the lease has %d payments, want 1: %+v", len(ps), ps)
	}
}

// TestPayAmounts: what "Payer" proposes (payPlan: owed plus the next due
// within 15 days, a credit off the next due, only what is owed for a
// direct-debit lease, nothing under 1 €) and how a typed amount is read
// (parseEuros), run in the browser on the app's own module.
func TestPayAmounts(t *testing.T) {
	b := start(t)
	b.visit("/", "Connexion")
	const now = `new Date("2026-11-20T10:00:00Z")`
	plans := []struct{ expr, want string }{
		{`p.payPlan({ balanceCents: 35000, nextDue: { date: "2026-12-01", amountCents: 50000 } }, false, ` + now + `)`, `{"owedCents":35000,"nextCents":50000,"nextDate":"2026-12-01","defaultCents":85000,"creditCents":0}`},
		{`p.payPlan({ balanceCents: 35000, nextDue: { date: "2026-12-10", amountCents: 50000 } }, false, ` + now + `)`, `{"owedCents":35000,"nextCents":0,"nextDate":"","defaultCents":35000,"creditCents":0}`},
		{`p.payPlan({ balanceCents: 35000, nextDue: { date: "2026-12-01", amountCents: 50000 } }, true, ` + now + `)`, `{"owedCents":35000,"nextCents":0,"nextDate":"","defaultCents":35000,"creditCents":0}`},
		{`p.payPlan({ balanceCents: -2550, nextDue: { date: "2026-12-01", amountCents: 27000 } }, false, ` + now + `)`, `{"owedCents":0,"nextCents":24450,"nextDate":"2026-12-01","defaultCents":24450,"creditCents":2550}`},
		{`p.payPlan({ balanceCents: 0, nextDue: { date: "2026-12-01", amountCents: 50000 } }, true, ` + now + `)`, `null`},
		{`p.payPlan({ balanceCents: 50, nextDue: { date: "2027-01-01", amountCents: 50000 } }, false, ` + now + `)`, `null`},
		{`p.payPlan({ balanceCents: -90000, nextDue: { date: "2026-12-01", amountCents: 50000 } }, false, ` + now + `)`, `null`},
	}
	for _, tt := range plans {
		if got := eval[string](b, `import("/js/pay.js").then((p) => JSON.stringify(`+tt.expr+`))`); got != tt.want {
			t.Errorf("%s = %s, want %s", tt.expr, got, tt.want)
		}
	}
	amounts := map[string]int{"350": 35000, "350,00": 35000, "350.5": 35050, "1 234,56": 123456, "1\u00a0234,56 €": 123456, "1.234,56": 123456, "0,5": 50, "abc": -1, "12,345": -1, "-5": -1, "": -1}
	for typed, want := range amounts {
		got := eval[int](b, `import("/js/pay.js").then((p) => { const c = p.parseEuros(`+js(typed)+`); return Number.isNaN(c) ? -1 : c; })`)
		if got != want {
			t.Errorf("parseEuros(%q) = %d, want %d", typed, got, want)
		}
	}
}
