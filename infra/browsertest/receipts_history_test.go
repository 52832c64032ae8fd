package browsertest

import (
	"strings"
	"testing"
)

// TestReceiptsPageHistoryWords: the ERP's ledger starts in November 2025
// while N'DIAYE's lease began in 2021. The page offers years from the
// history's, lists no month before it (no "À venir" for October 2025), and
// says where the history starts and whom to ask for older receipts.
func TestReceiptsPageHistoryWords(t *testing.T) {
	b := start(t)
	b.tenant("7654321", "N'DIAYE", "1990-01-30", "abdou.ndiaye@example.org")
	b.visit("/mon-espace/quittances?annee=2025", "Mes quittances")
	b.waitReceipts("2025")
	if got := b.text("#historique"); !strings.Contains(got, "Votre historique en ligne commence en novembre 2025") ||
		!strings.Contains(got, "contactez votre gestionnaire") {
		t.Errorf("the page says of the history: %q", got)
	}
	years := eval[[]string](b, `[...document.querySelectorAll("#annee option")].map((o) => o.value)`)
	if len(years) == 0 || years[len(years)-1] != "2025" {
		t.Errorf("years offered %v; want them to start at 2025, the history's", years)
	}
	if eval[bool](b, `!!document.querySelector('[data-mois="2025-10"]')`) {
		t.Errorf("October 2025, before the history, is listed: %+v", b.month("2025-10"))
	}
	if got := b.month("2025-11"); got.Status == "" {
		t.Errorf("November 2025, the history's first month, is not listed")
	}
	b.check("quittances-historique")
}
