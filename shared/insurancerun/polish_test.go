package insurancerun_test

import (
	"context"
	"strings"
	"testing"

	"github.com/citejardins/extranet/shared/insurance"
)

// TestARefusalStandsForTheMissingReminder: a required lease whose only
// certificate the landlord refused gets the refusal mail, which already
// asks for a valid certificate, and no Missing reminder beside it, in the
// same run or later ("missing" is recorded with the refusal).
func TestARefusalStandsForTheMissingReminder(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	h.day("2026-12-01")
	h.lease("7654321", true)
	h.account("7654321", "ndiaye@example.fr", "", "active")
	id := strings.Repeat("b", 32)
	h.confirm("7654321", id, "2027-11-30")
	if _, err := h.store.DecideInsurance(ctx, "7654321", insurance.Decision{ID: id, Status: insurance.Refused,
		On: h.today(), Reason: "Attestation illisible"}, h.today()); err != nil {
		t.Fatal(err)
	}
	got := h.days("2026-12-01", "2027-01-15", "ndiaye@example.fr")
	if len(got) != 1 || !strings.HasSuffix(got[0], "Votre attestation d’assurance habitation a été refusée") {
		t.Fatalf("mails %v; want the refusal only, once", got)
	}
}
