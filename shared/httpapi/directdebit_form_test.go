package httpapi_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
)

// TestDirectDebitBeforeAnyMandateGivesTheCreditorAndTheWording: GET
// /api/v1/direct-debit with no mandate yet gives the creditor a mandate
// signed now names (LANDLORD_NAME, LANDLORD_ADDRESS, LANDLORD_ICS) and the
// wording the tenant will sign, so that the form need not write it; the
// mandate then signed carries the same.
func TestDirectDebitBeforeAnyMandateGivesTheCreditorAndTheWording(t *testing.T) {
	a := start(t, directDebitEnv)
	celine := a.loginTenant(t, lefevre, "celine.lefevre@exemple.fr")
	landlord := a.landlord(t)
	before := a.directDebit(t, celine)
	if before.Current != nil || before.Creditor.Name != landlord.Name || !slices.Equal(before.Creditor.Address, landlord.AddressLines) ||
		before.Creditor.ICS != testICS {
		t.Errorf("creditor before any mandate %+v, want %q %q %s", before.Creditor, landlord.Name, landlord.AddressLines, testICS)
	}
	if !strings.Contains(before.Wording, "vous autorisez (A) "+landlord.Name+" à envoyer des instructions") ||
		!strings.Contains(before.Wording, "dans les 8 semaines") {
		t.Errorf("wording before any mandate %q", before.Wording)
	}
	status, _, body := a.do(t, "POST", "/api/v1/direct-debit", subscription(tenantPassword), celine.bearer)
	wantStatus(t, "POST /api/v1/direct-debit", status, http.StatusCreated, body)
	m := as[mandateJSON](t, body)
	if m.Wording != before.Wording || m.Creditor.Name != before.Creditor.Name || !slices.Equal(m.Creditor.Address, before.Creditor.Address) ||
		m.ICS != before.Creditor.ICS {
		t.Errorf("the mandate signed says %q, %+v, %s; the form said %q, %+v", m.Wording, m.Creditor, m.ICS, before.Wording, before.Creditor)
	}
}
