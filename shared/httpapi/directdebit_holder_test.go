package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/citejardins/extranet/shared/directdebit"
)

// Another person's account: the holder is the debtor and the tenant the
// party the debit is for, in the answer, the GET and the export; the
// tenant's own name typed without accents or capitals is no third party.
func TestRule_MandateOfAnotherPersonsAccountNamesTheTenantItIsFor(t *testing.T) {
	t.Parallel()
	a := start(t, directDebitEnv)
	celine := a.loginTenant(t, lefevre, "celine.lefevre@exemple.fr")
	req := subscription(tenantPassword)
	req["holder"] = "Jean MARTIN"
	status, _, body := a.do(t, "POST", "/api/v1/direct-debit", req, celine.bearer)
	wantStatus(t, "subscribe", status, http.StatusCreated, body)
	m := as[mandateJSON](t, body)
	if m.Debtor.Name != "Jean MARTIN" || m.OnBehalfOf == nil || m.OnBehalfOf.Name != "Céline LEFÈVRE" || m.OnBehalfOf.Reference != "1234567" {
		t.Errorf("debtor %q, on behalf of %+v; want Jean MARTIN for Céline LEFÈVRE, lease 1234567", m.Debtor.Name, m.OnBehalfOf)
	}
	if got := a.directDebit(t, celine); got.Current == nil || got.Current.OnBehalfOf == nil || got.Current.OnBehalfOf.Name != "Céline LEFÈVRE" {
		t.Errorf("GET: %+v", got.Current)
	}
	signed := a.exportedEvents(t, "1234567", directdebit.EventSigned)
	if len(signed) != 1 {
		t.Fatalf("%d signed events", len(signed))
	}
	if o, _ := signed[0].Data["onBehalfOf"].(map[string]any); o == nil || o["name"] != "Céline LEFÈVRE" || o["reference"] != "1234567" {
		t.Errorf("exported onBehalfOf %v", signed[0].Data["onBehalfOf"])
	}

	req["holder"] = "celine  lefevre"
	status, _, body = a.do(t, "POST", "/api/v1/direct-debit", req, celine.bearer)
	wantStatus(t, "subscribe again", status, http.StatusCreated, body)
	if m := as[mandateJSON](t, body); m.OnBehalfOf != nil || m.Debtor.Name != "celine lefevre" {
		t.Errorf("her own account: debtor %q, on behalf of %+v", m.Debtor.Name, m.OnBehalfOf)
	}
}
