package browsertest

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// apiPayments reads GET /api/v1/payments with the browser's session.
func (b *browser) apiPayments() []struct {
	PaymentID   string `json:"paymentId"`
	AmountCents int64  `json:"amountCents"`
	Status      string `json:"status"`
} {
	b.t.Helper()
	got := b.get("/api/v1/payments", true)
	var list struct {
		Payments []struct {
			PaymentID   string `json:"paymentId"`
			AmountCents int64  `json:"amountCents"`
			Status      string `json:"status"`
		} `json:"payments"`
	}
	if got.status != 200 || json.Unmarshal(got.body, &list) != nil {
		b.t.Fatalf("GET /api/v1/payments: %d %.200s", got.status, got.body)
	}
	return list.Payments
}

// toSandbox opens Payer on the page shown, asks to pay amount (as typed)
// and waits for the local stack's sandbox checkout page.
func (b *browser) toSandbox(amount string) {
	b.t.Helper()
	b.click("[data-payer]")
	b.waitFor(`document.activeElement?.id === "amountCents"`, "the amount field")
	b.clear("#amountCents")
	b.fill("#amountCents", amount)
	b.clickText("button", "Continuer vers le paiement")
	b.waitFor(`location.pathname.startsWith("/_dev/checkout/")`, "the sandbox checkout page")
	b.waitFor(`document.readyState === "complete"`, "the sandbox page loaded")
}

// toSandboxDoubleTap is toSandbox with a double tap on the button.
func (b *browser) toSandboxDoubleTap(amount string) {
	b.t.Helper()
	b.click("[data-payer]")
	b.waitFor(`document.activeElement?.id === "amountCents"`, "the amount field")
	b.clear("#amountCents")
	b.fill("#amountCents", amount)
	b.do(chromedp.DoubleClick(chromedp.Search(`//button[normalize-space(.)="Continuer vers le paiement"]`), chromedp.NodeVisible))
	b.waitFor(`location.pathname.startsWith("/_dev/checkout/")`, "the sandbox checkout page")
	b.waitFor(`document.readyState === "complete"`, "the sandbox page loaded")
}

// TestPaymentJourney: LEFÈVRE (350 € owed) pays online. From the home page,
// Payer with 350,00 € leads to the stack's sandbox checkout; its "Annuler"
// comes back to Mes paiements en ligne with "Paiement non terminé, rien n’a été
// débité", the hour until which it can be resumed, the payment "Non
// terminé" with "Reprendre le paiement" (a page left with Annuler stays
// payable at the provider until it expires) and the balance unchanged; a
// second go from Mon solde, "Payer" on the
// sandbox, comes back with "Merci, votre paiement de 350,00 € est
// enregistré", the balance at 0,00 €, the payment "Payé" in the list and
// in Mon solde's statement. Screenshots at 390×844 and 320×640, axe-core
// clean.
func TestPaymentJourney(t *testing.T) {
	b := start(t)
	b.tenant("1234567", "LEFÈVRE", "1985-11-03", "celine.lefevre@example.org")
	b.phone(390, 844)

	// Cancelled on the checkout page: nothing paid.
	b.toSandbox("350,00")
	b.shot("sandbox")
	b.clickText("button", "Annuler")
	b.waitTitle("Mes paiements en ligne")
	b.waitFor(`document.querySelector("[data-issue]")?.dataset.issue === "canceled"`, "the cancelled message")
	if got := b.text("[data-issue] .notice__title"); got != "Paiement non terminé, rien n’a été débité" {
		t.Errorf("after Annuler: %q", got)
	}
	if got := b.text("[data-issue]"); !strings.Contains(got, "Vous pouvez le reprendre jusqu’au ") || !regexp.MustCompile(`jusqu’au \d+\S* \S+ \d{4} à \d+ h \d\d avec « Reprendre le paiement »`).MatchString(got) {
		t.Errorf("after Annuler the message says %q, want until when the payment can be resumed", got)
	}
	if got := eval[string](b, `document.querySelector("[data-paiement] [data-etat]").textContent`); got != "État\u00a0: Non terminé" {
		t.Errorf("the payment left with Annuler is shown %q, want Non terminé", got)
	}
	resume := eval[string](b, `document.querySelector("[data-paiement] [data-reprendre]")?.getAttribute("href") ?? ""`)
	if !strings.Contains(resume, "/_dev/checkout/") || b.text("[data-paiement] [data-reprendre]") != "Reprendre le paiement" {
		t.Errorf("Reprendre le paiement links to %q, want the sandbox checkout page", resume)
	}
	if got := b.text("[data-solde]"); got != "Vous devez 350,00 €" {
		t.Errorf("balance after a cancel %q", got)
	}
	ps := b.apiPayments()
	if len(ps) != 1 || ps[0].Status == "succeeded" {
		t.Fatalf("payments after a cancel: %+v", ps)
	}
	b.shot("annule")
	b.check("paiement-annule")

	// Paid, from Mon solde.
	// A double tap on "Continuer vers le paiement" makes one payment.
	b.visit("/mon-espace/solde", "Mon solde")
	b.waitLoaded("Mon solde")
	b.toSandboxDoubleTap("350,00")
	b.clickText("button", "Payer")
	b.waitTitle("Mes paiements en ligne")
	b.waitFor(`document.querySelector("[data-issue]")?.dataset.issue === "succeeded"`, "the thank-you message")
	if got := b.text("[data-issue] .notice__title"); got != "Merci, votre paiement de 350,00 € est enregistré" {
		t.Errorf("after Payer: %q", got)
	}
	if got := b.text("[data-issue]"); !strings.Contains(got, "Votre solde : 0,00 €, votre compte est à jour.") {
		t.Errorf("the thank-you message says %q, want the balance at 0,00 €", got)
	}
	if got := b.text("[data-solde]"); got != "Votre compte est à jour" {
		t.Errorf("balance after paying %q", got)
	}
	// Nothing owed, the next due (1 December) soon: Payer offers it alone.
	b.click("[data-payer]")
	b.waitFor(`document.activeElement?.id === "amountCents"`, "the amount field")
	if got := eval[string](b, `document.getElementById("amountCents").value`); got != "500,00" {
		t.Errorf("with nothing owed, Payer offers %q, want the next due, 500,00", got)
	}
	b.clickText("button", "Annuler")
	ps = b.apiPayments()
	if len(ps) != 2 {
		t.Fatalf("payments: %+v, want the cancelled one and one paid (the double tap made one)", ps)
	}
	states := eval[[]string](b, `[...document.querySelectorAll("[data-paiement] [data-etat]")].map((e) => e.textContent.replace(/^État\s*:\s*/, "").trim())`)
	// A page left with Annuler stays open at the provider until it expires.
	if strings.Join(states, ",") != "Payé,Non terminé" {
		t.Errorf("states shown %v, want Payé then the one left unfinished", states)
	}
	if n := eval[int](b, `document.querySelectorAll("[data-reprendre]").length`); n != 1 {
		t.Errorf("%d «Reprendre le paiement», want 1 (the unfinished payment's)", n)
	}
	b.phone(390, 844)
	b.shot("paye")
	b.phone(320, 640)
	b.shot("paye")
	b.check("paiement-paye")

	// Mon solde: the balance and the provisional line at once.
	b.visit("/mon-espace/solde", "Mon solde")
	b.waitLoaded("Mon solde")
	b.waitFor(`document.querySelectorAll(".ledger tbody tr").length > 0`, "the statement")
	if got := b.text("[data-solde]"); got != "Votre compte est à jour" {
		t.Errorf("Mon solde balance %q", got)
	}
	if got := b.rowText(0); !strings.Contains(got, "Paiement en ligne") || !strings.Contains(got, "350,00 €") {
		t.Errorf("newest line %q, want the online payment", got)
	}
}

// TestPaymentConfirmedLater: the provider sends LEFÈVRE back before its
// event reached the portal. Mes paiements en ligne says the payment is being
// confirmed (a live region) and asks again; when the event arrives (the
// sandbox's "Payer", posted here as the provider would), the page thanks
// her with the new balance, without a reload.
func TestPaymentConfirmedLater(t *testing.T) {
	b := start(t)
	b.tenant("1234567", "LEFÈVRE", "1985-11-03", "celine.lefevre@example.org")
	b.phone(390, 844)
	b.toSandbox("350,00")
	checkout := eval[string](b, `location.pathname`)
	ps := b.apiPayments()
	if len(ps) != 1 {
		t.Fatalf("payments: %+v", ps)
	}
	b.visit("/mon-espace/paiements?paiement="+ps[0].PaymentID+"&resultat=paye", "Mes paiements en ligne")
	b.waitFor(`document.querySelector("[data-issue]")?.dataset.issue === "open"`, "«being confirmed»")
	if got := eval[string](b, `document.querySelector("[data-issue]").getAttribute("role")`); got != "status" {
		t.Errorf("the waiting message's role is %q, want status", got)
	}
	if got := b.text("[data-issue] .notice__title"); got != "Votre paiement est en cours de confirmation…" {
		t.Errorf("waiting message %q", got)
	}
	b.shot("confirmation-en-attente")

	// The provider's event, as the sandbox's Payer sends it.
	res, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).
		Post(b.stack.URL+checkout+"/payer", "application/x-www-form-urlencoded", nil)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sandbox Payer: %s", res.Status)
	}
	b.waitFor(`document.querySelector("[data-issue]")?.dataset.issue === "succeeded"`, "the thank-you message after the event")
	if got := b.text("[data-issue]"); !strings.Contains(got, "Merci, votre paiement de 350,00 € est enregistré") || !strings.Contains(got, "Votre solde : 0,00 €") {
		t.Errorf("after the event: %q", got)
	}
	if got := b.text("[data-solde]"); got != "Votre compte est à jour" {
		t.Errorf("balance shown %q", got)
	}
	b.check("confirmation-arrivee")
}

// TestPayKeyboard: the path to the checkout by keyboard alone: Tab to
// "Payer", Enter opens the form on the amount, Enter sends it.
func TestPayKeyboard(t *testing.T) {
	b := start(t)
	b.tenant("1234567", "LEFÈVRE", "1985-11-03", "celine.lefevre@example.org")
	b.phone(390, 844)
	b.tabTo("[data-payer]", 40)
	b.enter()
	b.waitFor(`document.activeElement?.id === "amountCents"`, "the focus on the amount")
	if got := eval[string](b, `document.querySelector("[data-payer]").getAttribute("aria-expanded")`); got != "true" {
		t.Errorf("Payer aria-expanded %q once open", got)
	}
	b.enter()
	b.waitFor(`location.pathname.startsWith("/_dev/checkout/")`, "the sandbox checkout page")
	if ps := b.apiPayments(); len(ps) != 1 || ps[0].AmountCents != 85000 {
		t.Errorf("payments %+v, want one of 850 € (the amount proposed)", ps)
	}
}

// TestPaymentResumed: LEFÈVRE leaves the checkout page with Annuler, then
// "Reprendre le paiement" on Mes paiements en ligne brings her back to the same
// page, where Payer pays it: one payment, paid, the balance at 0.
// An open payment past its page's end is "Expiré", with no link. The
// sandbox page is readable at 320 px.
func TestPaymentResumed(t *testing.T) {
	b := start(t)
	b.tenant("1234567", "LEFÈVRE", "1985-11-03", "celine.lefevre@example.org")
	b.phone(320, 640)
	b.toSandbox("350,00")
	checkout := eval[string](b, `location.pathname`)
	// The sandbox page (review 10c, F6): French typography, and at 320 px
	// two buttons a thumb can hit, styled under its CSP.
	if got := eval[string](b, `document.querySelector("main").textContent`); !strings.Contains(got, "Page d’essai") || !strings.Contains(got, "n’est débitée") || !strings.Contains(got, "Montant\u00a0: 350,00") {
		t.Errorf("sandbox page text %q", got)
	}
	for _, name := range []string{"Payer", "Annuler"} {
		size := eval[[]float64](b, `(() => { const r = [...document.querySelectorAll("button")].find((x) => x.textContent === "`+name+`").getBoundingClientRect(); return [r.width, r.height]; })()`)
		if size[0] < 280 || size[1] < 44 {
			t.Errorf("sandbox %s button %v×%v px at 320 px wide, want the page's width and at least 44 px high", name, size[0], size[1])
		}
	}
	b.shot("bac-a-sable")
	b.clickText("button", "Annuler")
	b.waitTitle("Mes paiements en ligne")
	b.waitFor(`document.querySelector("[data-issue]")?.dataset.issue === "canceled"`, "the unfinished message")
	b.shot("non-termine")
	b.click("[data-reprendre]")
	b.waitFor(`location.pathname.startsWith("/_dev/checkout/")`, "the sandbox checkout page")
	if got := eval[string](b, `location.pathname`); got != checkout {
		t.Errorf("Reprendre le paiement opens %s, want the same page %s", got, checkout)
	}
	b.waitFor(`document.readyState === "complete"`, "the sandbox page loaded")
	b.clickText("button", "Payer")
	b.waitTitle("Mes paiements en ligne")
	b.waitFor(`document.querySelector("[data-issue]")?.dataset.issue === "succeeded"`, "the thank-you message")
	if ps := b.apiPayments(); len(ps) != 1 || ps[0].Status != "succeeded" {
		t.Errorf("payments after resuming: %+v, want the one payment, paid", ps)
	}
	if got := b.text("[data-solde]"); got != "Votre compte est à jour" {
		t.Errorf("balance after resuming %q", got)
	}

	for _, tt := range []struct{ expr, want string }{
		{`p.shownStatus({ status: "open", checkoutUrl: "https://checkout.stripe.com/c/pay/cs_1", checkoutExpiresAt: "2000-01-01T00:00:00Z" })`, "expired"},
		{`p.shownStatus({ status: "open", checkoutUrl: "https://checkout.stripe.com/c/pay/cs_1", checkoutExpiresAt: "2999-01-01T00:00:00Z" })`, "open"},
		{`p.shownStatus({ status: "succeeded", checkoutExpiresAt: "2000-01-01T00:00:00Z" })`, "succeeded"},
		{`String(p.resumable({ status: "open", checkoutUrl: "https://checkout.stripe.com/c/pay/cs_1", checkoutExpiresAt: "2000-01-01T00:00:00Z" }))`, "false"},
		{`String(p.resumable({ status: "open", checkoutUrl: "https://checkout.stripe.com/c/pay/cs_1", checkoutExpiresAt: "2999-01-01T00:00:00Z" }))`, "true"},
		{`String(p.resumable({ status: "open", checkoutUrl: "javascript:alert(1)", checkoutExpiresAt: "2999-01-01T00:00:00Z" }))`, "false"},
		{`String(p.resumable({ status: "canceled", checkoutUrl: "https://checkout.stripe.com/c/pay/cs_1", checkoutExpiresAt: "2999-01-01T00:00:00Z" }))`, "false"},
		{`p.paymentStatuses.open + "|" + p.paymentStatuses.expired`, "Non terminé|Expiré"},
	} {
		if got := eval[string](b, `import("/js/views/payments.js").then((p) => `+tt.expr+`)`); got != tt.want {
			t.Errorf("%s = %q, want %q", tt.expr, got, tt.want)
		}
	}
}
