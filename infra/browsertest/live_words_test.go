package browsertest

import (
	"strings"
	"testing"
)

// liveMark marks the live region (role=status) around sel's future
// content before the click, so that the test can tell it was in the page
// from the start (a region added with its message is not announced).
const liveMark = `(() => { for (const r of document.querySelectorAll('[role="status"]')) r.dataset.avant = "1"; return true; })()`

// TestLiveRegionsAndAccountWords: the success messages of "Obtenir la
// quittance" and "Demander une attestation" fill a live region that was
// there before; Mon solde shows the ERP's straight apostrophes as ’; Mon
// assurance's date fields give different examples.
func TestLiveRegionsAndAccountWords(t *testing.T) {
	b := start(t)
	b.tenant("8889999", "DUPONT", "1978-04-12", "marie.dupont@example.org")

	b.visit("/mon-espace/quittances?annee=2026", "Mes quittances")
	b.waitReceipts("2026")
	eval[bool](b, liveMark)
	b.allowDownloads()
	b.click(`[data-mois="2026-10"] button[data-obtenir="rent_receipt"]`)
	b.waitFor(`document.querySelector('[data-mois="2026-10"] [data-pret]')`, "the quittance ready")
	if got := eval[string](b, `document.querySelector('[data-mois="2026-10"] [data-pret]').closest('[role="status"]')?.dataset.avant || ""`); got != "1" {
		t.Errorf("the quittance's message is not in a live region present before the click")
	}

	b.visit("/mon-espace/solde?annee=2026", "Mon solde")
	b.waitFor(`document.getElementById("suivi-etat")?.innerText.startsWith("2026")`, "the statement of 2026")
	labels := eval[string](b, `[...document.querySelectorAll(".ledger__label")].map((e) => e.textContent).join("|")`)
	if !strings.Contains(labels, "Avis d’échéance") || strings.Contains(labels, "'") {
		t.Errorf("the account's labels read %q; want ’, never a straight apostrophe", labels)
	}
	eval[bool](b, liveMark)
	b.clickText("button", "Demander une attestation de situation locative")
	b.waitFor(`document.querySelector("[data-attestation-prete]")`, "the certificate ready")
	if got := eval[string](b, `document.querySelector("[data-attestation-prete]").closest('[role="status"]')?.dataset.avant || ""`); got != "1" {
		t.Errorf("the certificate's message is not in a live region present before the click")
	}
	b.check("compte-attestation-annoncee")

	b.visit("/mon-espace/assurance", "Mon assurance")
	b.waitLoaded("Mon assurance")
	start, end := b.text("#startDate-aide"), b.text("#endDate-aide")
	if !strings.Contains(start, "01/10/2026") || !strings.Contains(end, "30/09/2027") {
		t.Errorf("the date fields' examples: %q and %q; want 01/10/2026 and 30/09/2027", start, end)
	}
}
