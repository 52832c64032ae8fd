package httpapi_test

import (
	"io"
	"net/http"
	"strings"
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
	// The holder's address was never asked: the tenant's is not given
	// as his (SEPA wants a debtor's address only for a bank outside the
	// EEA), in the answer, the export and the PDF.
	if m.Debtor.Address != (mandateAddressJSON{}) {
		t.Errorf("the third-party holder's address is %+v, which nobody gave", m.Debtor.Address)
	}
	if got := a.documentPDFText(t, celine, m.DocumentID); strings.Contains(got, "allée des Tilleuls") || strings.Contains(got, "92230") || !strings.Contains(got, "Jean MARTIN") {
		t.Errorf("the mandate PDF of a third-party holder:\n%s", got)
	}
	if got := a.directDebit(t, celine); got.Current == nil || got.Current.OnBehalfOf == nil || got.Current.OnBehalfOf.Name != "Céline LEFÈVRE" {
		t.Errorf("GET: %+v", got.Current)
	}
	signed := a.exportedEvents(t, "1234567", directdebit.EventSigned)
	if len(signed) != 1 {
		t.Fatalf("%d signed events", len(signed))
	}
	if d, _ := signed[0].Data["debtor"].(map[string]any); d == nil || d["name"] != "Jean MARTIN" || d["street"] != "" || d["postalCode"] != "" || d["city"] != "" {
		t.Errorf("exported debtor %v, want Jean MARTIN without the tenant's address", signed[0].Data["debtor"])
	}
	if o, _ := signed[0].Data["onBehalfOf"].(map[string]any); o == nil || o["name"] != "Céline LEFÈVRE" || o["reference"] != "1234567" {
		t.Errorf("exported onBehalfOf %v", signed[0].Data["onBehalfOf"])
	}

	req["holder"] = "celine  lefevre"
	status, _, body = a.do(t, "POST", "/api/v1/direct-debit", req, celine.bearer)
	wantStatus(t, "subscribe again", status, http.StatusCreated, body)
	if m := as[mandateJSON](t, body); m.OnBehalfOf != nil || m.Debtor.Name != "celine lefevre" || m.Debtor.Address.City != "Gennevilliers" {
		t.Errorf("her own account: debtor %q at %+v, on behalf of %+v", m.Debtor.Name, m.Debtor.Address, m.OnBehalfOf)
	}
}

// Another person's account at a bank outside the EEA (Switzerland) is
// refused before anything is counted or written: its mandate would need
// the holder's address, which the form does not ask.
func TestRule_MandateOfAnotherPersonsAccountOutsideTheEEAIsRefused(t *testing.T) {
	t.Parallel()
	a := start(t, directDebitEnv)
	celine := a.loginTenant(t, lefevre, "celine.lefevre@exemple.fr")
	req := subscription(tenantPassword)
	req["holder"], req["iban"], req["bic"] = "Jean MARTIN", "CH93 0076 2011 6238 5295 7", "UBSWCHZH80A"
	status, _, body := a.do(t, "POST", "/api/v1/direct-debit", req, celine.bearer)
	if fields, _ := body["errors"].(map[string]any); status != http.StatusBadRequest || fields["iban"] == nil {
		t.Fatalf("a third party's Swiss account: %d %v; want 400 on iban", status, body)
	}
	if got := a.directDebit(t, celine); got.Current != nil || len(a.exportedEvents(t, "1234567", directdebit.EventSigned)) != 0 {
		t.Errorf("a refused mandate was kept: %+v", got.Current)
	}
	req["holder"] = "Céline Lefèvre"
	status, _, body = a.do(t, "POST", "/api/v1/direct-debit", req, celine.bearer)
	wantStatus(t, "her own Swiss account", status, http.StatusCreated, body)
}

// documentPDFText downloads a document of Mes documents and reads its text.
func (a *api) documentPDFText(t *testing.T, s tenantSession, id string) string {
	t.Helper()
	link := as[documentLinkJSON](t, a.get(t, "/api/v1/documents/"+id, s.bearer))
	resp, err := http.Get(link.DownloadURL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	pdf, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET document %s: %d", id, resp.StatusCode)
	}
	return pdfText(t, pdf)
}
