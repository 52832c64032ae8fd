package httpapi_test

import (
	"net/http"
	"testing"
)

// Before any consent, GET /api/v1/direct-debit gives for each day offered
// the first debit a mandate signed now would have, and the mandate then
// signed with that day has that first debit (review 10e: the form says it
// beside each day).
func TestDirectDebitOffersTheFirstDebitOfEachDayBeforeSigning(t *testing.T) {
	t.Parallel()
	a := start(t, directDebitEnv)
	celine := a.loginTenant(t, lefevre, "celine.lefevre@exemple.fr")
	dd := a.directDebit(t, celine)
	if len(dd.FirstDebits) != len(dd.DebitDays) {
		t.Fatalf("firstDebits %+v for the days %v", dd.FirstDebits, dd.DebitDays)
	}
	offered := map[int]string{}
	for i, o := range dd.FirstDebits {
		if o.DebitDay != dd.DebitDays[i] || o.FirstDebitOn <= today().String() {
			t.Errorf("offer %d: %+v (days %v, today %s)", i, o, dd.DebitDays, today())
		}
		offered[o.DebitDay] = o.FirstDebitOn
	}
	status, _, body := a.do(t, "POST", "/api/v1/direct-debit", subscription(tenantPassword), celine.bearer)
	wantStatus(t, "POST /api/v1/direct-debit", status, http.StatusCreated, body)
	m := as[mandateJSON](t, body)
	if m.FirstDebit == nil || *m.FirstDebit != offered[10] {
		t.Errorf("the mandate signed with day 10 first debits on %v, the form said %s", m.FirstDebit, offered[10])
	}
}
