package browsertest

// Review 10e (a French tenant's eye, on a phone): failing tests for the
// defects found in the payment, bank-details and direct-debit pages.

import (
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// largeText sets the text at 200 % (a phone's largest text setting): the
// app's sizes are in rem, so the root's font size scales them all.
func (b *browser) largeText(on bool) {
	b.t.Helper()
	size := ""
	if on {
		size = "200%"
	}
	eval[chromedp.Void](b, `document.documentElement.style.fontSize = `+js(size))
	b.settle()
}

// TestReview10eDirectDebitLeaseTold: DUPONT's lease is paid by direct debit
// (mode_paiement prelevement in the ERP). On Prélèvement automatique she is
// offered a blank "Souscrire au prélèvement automatique" with no word that
// her rent is already debited: she may sign a second mandate. The page
// should say so before the form (and Mes paiements en ligne should not invite her
// to "payer par prélèvement automatique").
func TestReview10eDirectDebitLeaseTold(t *testing.T) {
	b := start(t)
	b.tenant("8889999", "DUPONT", "1978-04-12", "marie.dupont@example.org")
	b.phone(390, 844)
	b.visit("/mon-espace/prelevement", "Prélèvement automatique")
	b.waitLoaded("Prélèvement automatique")
	b.shot("dupont-prelevement")
	said := b.text("main")
	if !regexp.MustCompile(`(?i)déjà (payé|prélevé|réglé)|payez déjà|est déjà prélevé|prélèvement est déjà`).MatchString(said) {
		t.Errorf("a tenant already paying by direct debit is not told so on Prélèvement automatique; the page reads:\n%.600s", said)
	}
	b.visit("/mon-espace/paiements", "Mes paiements en ligne")
	b.waitLoaded("Mes paiements en ligne")
	if got := b.text("main"); strings.Contains(got, "ou par prélèvement automatique") {
		t.Errorf("Mes paiements en ligne invites a direct-debit tenant to pay «par prélèvement automatique»")
	}
}

// TestReview10eDirectDebitAllErrorsAtOnce: on Prélèvement automatique, a
// form sent empty (no IBAN, no password) with the box unticked says only
// "cochez la case"; the IBAN and password errors come in a second round,
// after the tenant ticked the box. Every error should be said at once, at
// its field, as Mes coordonnées bancaires does.
func TestReview10eDirectDebitAllErrorsAtOnce(t *testing.T) {
	b := start(t)
	b.tenant("1234567", "LEFÈVRE", "1985-11-03", "celine.lefevre@example.org")
	b.phone(390, 844)
	b.visit("/mon-espace/prelevement", "Prélèvement automatique")
	b.waitLoaded("Prélèvement automatique")
	b.fillBank("", goodBIC, "Céline Lefèvre", "")
	b.clickText("button", "Signer le mandat")
	b.waitFor(`document.querySelector("[data-field=consent].field--error")`, "the consent's error")
	eval[bool](b, `new Promise((ok) => setTimeout(() => ok(true), 1500))`)
	b.shot("prelevement-erreurs")
	for _, id := range []string{"iban", "password"} {
		if !eval[bool](b, `document.getElementById(`+js(id)+`)?.getAttribute("aria-invalid") === "true"`) {
			t.Errorf("#%s left empty is not marked wrong with the unticked box; summary: %q", id, b.text(".error-summary"))
		}
	}
}

// TestReview10eFirstDebitBeforeConsent: the date of the first debit (5
// January 2027 for a mandate signed on 30 November 2026, the 5th chosen) is
// said only after signing. LEFÈVRE, who owes 350 € and has a due on
// 1 December, cannot know before she consents whether December will be
// debited. The form should say it before the consent box, for the day
// chosen.
func TestReview10eFirstDebitBeforeConsent(t *testing.T) {
	b := start(t)
	b.tenant("1234567", "LEFÈVRE", "1985-11-03", "celine.lefevre@example.org")
	b.phone(390, 844)
	b.visit("/mon-espace/prelevement", "Prélèvement automatique")
	b.waitLoaded("Prélèvement automatique")
	before := eval[string](b, `(() => { const f = document.getElementById("consent").closest("form"); const r = document.createRange(); r.setStartBefore(f.firstChild); r.setEndBefore(document.getElementById("consent")); return r.toString().replace(/\u00a0/g, " "); })()`)
	if !regexp.MustCompile(`(?i)(premier prélèvement|à partir du)[^.]*\d{1,2}(er)? \p{L}+ 20\d\d`).MatchString(before) {
		t.Errorf("before the consent box the form gives no date of the first debit:\n%.400s…", before)
	}
}

// TestReview10eThirdPartyHolderAddress: LEFÈVRE signs a mandate on an
// account held by "Jean Martin" (the form accepts any holder). The signed
// mandate names Jean Martin as the debtor at her own address (4 allée des
// Tilleuls), which nobody gave: a SEPA mandate's debtor is the account
// holder, with his address. The form should ask the holder's address (or
// refuse a third-party account); the mandate must not invent it.
func TestReview10eThirdPartyHolderAddress(t *testing.T) {
	b := start(t)
	b.tenant("1234567", "LEFÈVRE", "1985-11-03", "celine.lefevre@example.org")
	b.phone(390, 844)
	b.visit("/mon-espace/prelevement", "Prélèvement automatique")
	b.waitLoaded("Prélèvement automatique")
	b.fillBank(goodIBAN, goodBIC, "Jean Martin", "une phrase facile à retenir")
	b.click("#consent")
	b.clickText("button", "Signer le mandat")
	b.waitFor(`document.querySelector("[data-mandat-signe]") || document.querySelector(".error-summary")?.innerText.trim()`, "the mandate or an error")
	if !eval[bool](b, `!!document.querySelector("[data-mandat-signe]")`) {
		return // refused, or asked more: fine
	}
	b.shot("mandat-tiers")
	debtor := eval[string](b, `(() => { const dt = [...document.querySelectorAll("dt")].find((e) => e.innerText.startsWith("Débiteur")); return dt ? dt.nextElementSibling.innerText.replace(/\u00a0/g, " ") : ""; })()`)
	if strings.Contains(debtor, "Jean Martin") && strings.Contains(debtor, "4 allée des Tilleuls") {
		t.Errorf("the mandate gives the third-party holder the tenant's address, which was never asked: %q", debtor)
	}
}

// TestReview10ePayFormLargeText: at 320×640 with the text at 200 %, the
// pay form, nested in the balance card, is about 115 px wide: its label and
// hint break inside words ("Mont/ant", "350,0/0 €"), and the amount field
// shows "850" for 850,00 €. The amount must show whole, and nothing of
// the form go past the screen.
func TestReview10ePayFormLargeText(t *testing.T) {
	b := start(t)
	b.tenant("1234567", "LEFÈVRE", "1985-11-03", "celine.lefevre@example.org")
	b.phone(320, 640)
	b.largeText(true)
	b.click("[data-payer]")
	b.waitFor(`document.activeElement?.id === "amountCents"`, "the amount field")
	b.shot("payer-texte200")
	type fit struct {
		Input []int    `json:"input"`
		Over  []string `json:"over"`
	}
	got := eval[fit](b, `(() => {
		const i = document.getElementById("amountCents");
		const w = document.documentElement.clientWidth;
		const over = [...document.querySelectorAll("#paiement-formulaire, #paiement-formulaire *")]
			.filter((e) => e.getClientRects().length && e.getBoundingClientRect().right > w + 1)
			.map((e) => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + ":" + (e.innerText || "").trim().slice(0, 30));
		return { input: [i.scrollWidth, i.clientWidth], over };
	})()`)
	if got.Input[0] > got.Input[1] {
		t.Errorf("at 320 px, text 200 %%: the amount 850,00 does not fit its field (%d px in %d px): the tenant sees part of the amount", got.Input[0], got.Input[1])
	}
	if len(got.Over) > 0 {
		t.Errorf("at 320 px, text 200 %%: past the screen: %v", got.Over)
	}
	if w := eval[float64](b, `document.querySelector("#paiement-formulaire .hint").getBoundingClientRect().width / parseFloat(getComputedStyle(document.documentElement).fontSize)`); w < 8 {
		t.Errorf("at 320 px, text 200 %%: the hint is %.1f em wide: words break in the middle", w)
	}
	b.largeText(false)
}

// TestReview10eDocumentsMandateKind: the signed mandate is in Mes documents,
// but the "Type de document" filter has no entry for it (Avis, Quittance,
// Reçu, Attestation, Documents utiles), and the page's lead does not name
// it: a tenant who filters cannot find it again.
func TestReview10eDocumentsMandateKind(t *testing.T) {
	b := start(t)
	b.tenant("1234567", "LEFÈVRE", "1985-11-03", "celine.lefevre@example.org")
	b.visit("/mon-espace/prelevement", "Prélèvement automatique")
	b.waitLoaded("Prélèvement automatique")
	b.fillBank(goodIBAN, goodBIC, "Céline Lefèvre", "une phrase facile à retenir")
	b.click("#consent")
	b.clickText("button", "Signer le mandat")
	b.waitFor(`document.querySelector("[data-mandat-signe]")`, "the signed mandate")
	b.visit("/mon-espace/documents", "Mes documents")
	b.waitFor(`document.querySelector("main")?.innerText.includes("Mandat de prélèvement SEPA")`, "the mandate listed")
	if got := eval[[]string](b, `[...document.querySelectorAll("#type option")].map((o) => o.textContent)`); !strings.Contains(strings.ToLower(strings.Join(got, "|")), "mandat") {
		t.Errorf("the «Type de document» filter has no kind for the SEPA mandate: %v", got)
	}
}

// TestReview10eFooterColon (the footer's «Accessibilité : non conforme»)
// is left to issue 11's footer work (web/index.html), with its fix.

// TestReview10ePayHintCredit: N'DIAYE has a credit of 25,50 € and a due of
// 270,00 € on 1 December. Payer proposes 244,50 €, and its hint reads
// "L’échéance du 1er décembre 2026 : 244,50 €", which is not the amount of
// the due shown on the notice. The credit taken off should be said.
func TestReview10ePayHintCredit(t *testing.T) {
	b := start(t)
	b.tenant("7654321", "N'DIAYE", "1990-01-30", "abdou.ndiaye@example.org")
	b.click("[data-payer]")
	b.waitFor(`document.activeElement?.id === "amountCents"`, "the amount field")
	hint := b.text("#amountCents-aide")
	if !strings.Contains(hint, "25,50 €") {
		t.Errorf("the hint %q does not say the credit of 25,50 € taken off the due", hint)
	}
}
