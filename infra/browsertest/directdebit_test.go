package browsertest

import (
	"encoding/json"
	"strings"
	"testing"
)

// localICS is the local stack's test creditor identifier (LANDLORD_ICS).
const localICS = "FR72ZZZ123456"

// TestDirectDebit: LEFÈVRE subscribes to direct debit in Prélèvement
// automatique. The mandate's wording, naming the landlord, and the
// creditor (address, ICS), as GET /api/v1/direct-debit gives them, come
// before the consent box; without the box ticked nothing is sent; signed, the page
// shows the mandate with its RUM, the landlord's ICS, the debit day and a
// link to its PDF, also listed in Mes documents; "Révoquer" asks to
// confirm, then revokes it, and the form comes back with the former
// mandate listed. At 390×844 and 320×640, axe-core clean.
func TestDirectDebit(t *testing.T) {
	b := start(t)
	b.tenant("1234567", "LEFÈVRE", "1985-11-03", "celine.lefevre@example.org")
	b.phone(390, 844)
	b.click(`.sections a[href="/mon-espace/prelevement"]`)
	b.waitLoaded("Prélèvement automatique")

	if got := eval[[]string](b, `[...document.querySelectorAll("input[name=debitDay]")].map((i) => i.value + (i.checked ? "*" : ""))`); strings.Join(got, ",") != "5*,10" {
		t.Errorf("debit days %v, want 5 (chosen) and 10", got)
	}
	wording := b.text("[data-texte-mandat]")
	if !strings.Contains(wording, "vous autorisez (A) La Cité Jardins à envoyer des instructions à votre banque") ||
		!strings.Contains(wording, "dans les 8 semaines suivant la date de débit") {
		t.Errorf("the mandate's wording reads %q", wording)
	}
	if got := b.text("[data-ics-creancier]"); got != localICS {
		t.Errorf("the form's creditor ICS %q, want %s", got, localICS)
	}
	if got := b.text("[data-creancier]"); !strings.Contains(got, "La Cité Jardins") || !strings.Contains(got, "93200 Saint-Denis") {
		t.Errorf("the form's creditor %q, want the landlord's name and address", got)
	}
	if !eval[bool](b, `!!(document.querySelector("[data-texte-mandat]").compareDocumentPosition(document.getElementById("consent")) & Node.DOCUMENT_POSITION_FOLLOWING)`) {
		t.Errorf("the consent box comes before the mandate's wording")
	}
	b.check("prelevement-formulaire")

	// Not ticked: the API refuses it (with any other field's error), said at the box.
	b.phone(390, 844)
	b.fillBank(goodIBAN, goodBIC, "Céline Lefèvre", "une phrase facile à retenir")
	b.click("#jour-10")
	b.clickText("button", "Signer le mandat")
	b.waitFor(`document.querySelector("[data-field=consent].field--error")`, "the consent's error")
	if got := b.text("[data-field=consent] .field-error"); !strings.Contains(strings.ToLower(got), "cochez la case") {
		t.Errorf("consent error %q", got)
	}
	if got := b.apiDirectDebit().Current; got != nil {
		t.Fatalf("a mandate without consent: %+v", got)
	}
	b.shot("prelevement-sans-accord")

	// Signed.
	b.click("#consent")
	b.clear("#password")
	b.fill("#password", "une phrase facile à retenir")
	b.clickText("button", "Signer le mandat")
	b.waitFor(`document.querySelector("[data-mandat-signe]")`, "the signed mandate")
	if got := b.focused(); !strings.HasPrefix(got, "div:Votre mandat de prélèvement est signé") {
		t.Errorf("focus on %q, want the confirmation", got)
	}
	dd := b.apiDirectDebit()
	if dd.Current == nil || dd.Current.RUM != "EXTRANET-1234567-1" {
		t.Fatalf("GET /direct-debit after signing: %+v", dd)
	}
	for sel, want := range map[string]string{"[data-rum]": "EXTRANET-1234567-1", "[data-ics]": localICS, "[data-jour]": "le 10 de chaque mois"} {
		if got := b.text(sel); got != want {
			t.Errorf("%s shows %q, want %q", sel, got, want)
		}
	}
	// The first debit, as the API gives it, and in the confirmation.
	first := eval[string](b, `document.querySelector("[data-premier]")?.getAttribute("data-premier") ?? ""`)
	if first == "" || first != dd.Current.FirstDebit || !strings.HasPrefix(b.text("[data-premier]"), "le ") {
		t.Errorf("first debit shown %q (%q), API %q", first, b.text("[data-premier]"), dd.Current.FirstDebit)
	}
	if said := b.text("[data-mandat-signe]"); !strings.Contains(said, "à partir du ") {
		t.Errorf("the confirmation does not give the first debit: %q", said)
	}
	href := eval[string](b, `document.querySelector("[data-mandat-pdf]")?.getAttribute("href") ?? ""`)
	if href != "/api/v1/documents/"+dd.Current.DocumentID+"/file" || dd.Current.DocumentID == "" {
		t.Errorf("the PDF link is %q (document %q)", href, dd.Current.DocumentID)
	} else if got := b.get(href, true); got.status != 200 || !strings.HasPrefix(string(got.body), "%PDF-") {
		t.Errorf("GET %s: %d, %.20q", href, got.status, got.body)
	}
	b.phone(390, 844)
	b.shot("mandat")
	b.phone(320, 640)
	b.shot("mandat")
	b.check("mandat")

	// In Mes documents.
	b.visit("/mon-espace/documents", "Mes documents")
	b.waitFor(`document.querySelector("main")?.innerText.includes("Mandat de prélèvement SEPA")`, "the mandate in Mes documents")

	// Revoked, after a confirmation.
	b.visit("/mon-espace/prelevement", "Prélèvement automatique")
	b.waitLoaded("Prélèvement automatique")
	b.phone(390, 844)
	b.click("[data-revoquer]")
	b.waitFor(`document.activeElement?.id === "titre-confirmer"`, "the confirmation, focused")
	if b.apiDirectDebit().Current == nil {
		t.Fatalf("revoked before confirming")
	}
	b.shot("revocation-confirmer")
	b.check("revocation-confirmer")
	b.click("[data-confirmer-revocation]")
	b.waitFor(`document.querySelector("[data-mandat-revoque]")`, "the revocation's confirmation")
	if got := b.apiDirectDebit(); got.Current != nil || len(got.History) != 1 || got.History[0].Status != "revoked" {
		t.Errorf("GET /direct-debit after revoking: %+v", got)
	}
	if !eval[bool](b, `!!document.querySelector("[data-ancien-mandat=EXTRANET-1234567-1]") && !!document.getElementById("consent")`) {
		t.Errorf("after revoking, no former mandate listed or no form to sign again")
	}
	b.phone(390, 844)
	b.shot("mandat-revoque")
	b.phone(320, 640)
	b.shot("mandat-revoque")
	b.check("mandat-revoque")
}

type apiMandate struct {
	RUM        string `json:"rum"`
	Status     string `json:"status"`
	DocumentID string `json:"documentId"`
	FirstDebit string `json:"firstDebitOn"`
}

// apiDirectDebit reads GET /api/v1/direct-debit with the browser's session.
func (b *browser) apiDirectDebit() (dd struct {
	Current *apiMandate  `json:"current"`
	History []apiMandate `json:"history"`
}) {
	b.t.Helper()
	got := b.get("/api/v1/direct-debit", true)
	if got.status != 200 || json.Unmarshal(got.body, &dd) != nil {
		b.t.Fatalf("GET /api/v1/direct-debit: %d %.300s", got.status, got.body)
	}
	return dd
}
