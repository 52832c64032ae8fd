package httpapi_test

import (
	"net/http"
	"strings"
	"testing"
)

// The demo leases began in 2015, 2019 and 2021, but the ERP's ledger starts
// in November 2025: months of the lease before it are not "not yet due",
// they are before the online history, which the answer names.
func TestReceiptsBeforeTheHistoryAreNamedAsSuch(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	h := a.tenantSession(t, ndiaye)
	status, _, body := a.do(t, "GET", "/api/v1/receipts?year=2025", nil, h)
	wantStatus(t, "months of 2025", status, http.StatusOK, body)
	if body["historyFrom"] != "2025-11" {
		t.Errorf("historyFrom %v, want 2025-11", body["historyFrom"])
	}
	var periods []string
	for _, m := range a.months(t, h, "2025") {
		periods = append(periods, m.Period)
	}
	if strings.Join(periods, " ") != "2025-11 2025-12" {
		t.Errorf("months of 2025: %v, want November and December only (the history's)", periods)
	}
	if ms := a.months(t, h, "2024"); len(ms) != 0 {
		t.Errorf("months of 2024: %v, want none", ms)
	}
	for _, p := range []string{"2025-10", "2022-01"} {
		status, _, body := a.issue(t, h, p)
		wantProblem(t, "POST "+p, status, body, http.StatusUnprocessableEntity, "receipt_before_history")
		want := "Votre historique en ligne commence en novembre 2025\u00a0: pour une quittance plus ancienne, contactez votre gestionnaire."
		if d, _ := body["detail"].(string); d != want {
			t.Errorf("POST %s: detail %q, want %q", p, d, want)
		}
	}
	// Before the lease is still outside it.
	status, _, body = a.issue(t, h, "2020-01")
	wantProblem(t, "POST 2020-01", status, body, http.StatusUnprocessableEntity, "receipt_outside_lease")
}
