package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/citejardins/extranet/shared/receipt"
)

// unitsLeft takes what is left of limit key (limit units in window) and
// returns how many it took: the units a test's requests left. It uses them
// up, so it comes last.
func unitsLeft(t *testing.T, a *api, key string, limit int, window time.Duration) int {
	t.Helper()
	for n := 0; ; n++ {
		_, wait, err := a.stack.Store().Take(context.Background(), key, limit, window, time.Now)
		if err != nil {
			t.Fatal(err)
		}
		if wait > 0 || n > limit {
			return n
		}
	}
}

// A double-tap storm: 45 identical requests at once, with the default
// limit, make one receipt, one object, take one unit, and none is
// throttled; the others wait for the document and answer it (200).
func TestReceiptsBurstForOneMonthTakesOneUnit(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	h := a.tenantSession(t, dupont)
	const n = 45
	statuses, ids := a.issueAtOnce(t, h, "2026-10", n)
	count := map[int]int{}
	for i, s := range statuses {
		count[s]++
		if ids[i] == "" || ids[i] != ids[0] {
			t.Errorf("request %d: %d, id %q, want %q", i, s, ids[i], ids[0])
		}
	}
	if count[http.StatusCreated] != 1 || count[http.StatusOK] != n-1 {
		t.Errorf("statuses %v, want one 201 and %d 200", count, n-1)
	}
	if keys := a.keys(t, "receipts/"); len(keys) != 1 || !strings.Contains(keys[0], "/"+dupont.ref+"/rent_receipt/2026-10/") {
		t.Errorf("objects %v, want one receipt of 2026-10", keys)
	}
	// Another month after the burst is made at once.
	status, _, body := a.issue(t, h, "2026-09")
	wantStatus(t, "another month after the burst", status, http.StatusCreated, body)
	max := receipt.DefaultLimit.Max
	if left := unitsLeft(t, a, "receipts#"+dupont.ref, max, receipt.DefaultLimit.Window); left != max-2 {
		t.Errorf("%d units left of %d after the burst and one more month, want %d", left, max, max-2)
	}
}
