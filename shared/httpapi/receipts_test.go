package httpapi_test

import (
	"context"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/citejardins/extranet/shared/tenancy"
)

// Receipts through the API on the demo data (infra/demo/erp, imported by
// the local stack), the PDFs read back with pdftotext.

// tenantSession registers the demo tenant l and returns its bearer headers.
func (a *api) tenantSession(t *testing.T, l lease) map[string]string {
	t.Helper()
	email := strings.ToLower(strings.NewReplacer("È", "E", "'", "").Replace(l.lastName)) + "@example.fr"
	a.register(t, l, email, tenantPassword)
	return bearer(a.loginToken(t, email, tenantPassword))
}

type receiptMonth struct {
	Period    string
	Status    string
	DueCents  int64
	PaidCents int64
	Kind      any
}

// months reads GET /api/v1/receipts?year=.
func (a *api) months(t *testing.T, h map[string]string, year string) []receiptMonth {
	t.Helper()
	status, _, body := a.do(t, "GET", "/api/v1/receipts?year="+year, nil, h)
	wantStatus(t, "months of "+year, status, http.StatusOK, body)
	var out []receiptMonth
	for _, m := range body["months"].([]any) {
		o := m.(obj)
		out = append(out, receiptMonth{Period: o["period"].(string), Status: o["status"].(string),
			DueCents: int64(o["dueCents"].(float64)), PaidCents: int64(o["paidCents"].(float64)), Kind: o["kind"]})
	}
	return out
}

// issue posts a period and returns the status and the answer.
func (a *api) issue(t *testing.T, h map[string]string, period string) (int, http.Header, obj) {
	t.Helper()
	return a.do(t, "POST", "/api/v1/receipts", obj{"period": period}, h)
}

// issueAtOnce asks n receipts of period at once (released together) and
// returns each request's status and the id of the document it answered.
func (a *api) issueAtOnce(t *testing.T, h map[string]string, period string, n int) ([]int, []string) {
	statuses := make([]int, n)
	ids := make([]string, n)
	var wg sync.WaitGroup
	gate := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-gate
			status, _, body := a.issue(t, h, period)
			statuses[i] = status
			ids[i], _ = body["id"].(string)
		})
	}
	close(gate)
	wg.Wait()
	return statuses, ids
}

// receiptText issues the receipt of period, wants want (201 or 200) and
// the kind, and returns the answer and the PDF's text, downloaded through
// its link.
func (a *api) receiptText(t *testing.T, h map[string]string, period string, want int, kind string) (obj, string) {
	t.Helper()
	status, header, body := a.issue(t, h, period)
	wantStatus(t, "receipt of "+period, status, want, body)
	if body["kind"] != kind || body["period"] != period {
		t.Fatalf("receipt of %s: kind %v period %v, want %s", period, body["kind"], body["period"], kind)
	}
	if loc := header.Get("Location"); loc != "/api/v1/documents/"+body["id"].(string) {
		t.Errorf("Location %q", loc)
	}
	resp, err := http.Get(body["downloadUrl"].(string))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	pdf, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || int64(len(pdf)) != int64(body["sizeBytes"].(float64)) {
		t.Fatalf("download of %s: %d, %d bytes (sizeBytes %v)", period, resp.StatusCode, len(pdf), body["sizeBytes"])
	}
	return body, pdfText(t, pdf)
}

func TestReceiptsDemo_DupontGetsQuittancesForEveryMonthOfHerHistory(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	h := a.tenantSession(t, dupont)
	entries, err := a.stack.Store().LeaseEntries(context.Background(), dupont.ref)
	if err != nil {
		t.Fatal(err)
	}
	history := map[string]bool{}
	for _, e := range entries {
		history[e.Date.String()[:7]] = true
	}
	var got []string
	for _, y := range []string{"2025", "2026"} {
		for _, m := range a.months(t, h, y) {
			if !history[m.Period] {
				if m.Status != "not_due" || m.Kind != nil {
					t.Errorf("%s, no entry: %s %v, want not_due", m.Period, m.Status, m.Kind)
				}
				continue
			}
			if m.Status != "paid" || m.Kind != "rent_receipt" || m.DueCents != 60000 || m.PaidCents != 60000 {
				t.Errorf("%s: %+v, want paid 600,00 € of 600,00 €, a rent receipt", m.Period, m)
				continue
			}
			got = append(got, m.Period)
			_, text := a.receiptText(t, h, m.Period, http.StatusCreated, "rent_receipt")
			says(t, "DUPONT's quittance of "+m.Period, text, "Quittance de loyer", "donne quittance", "Marie DUPONT",
				"512,34 €", "87,66 €", "Prélèvement automatique")
			if strings.Contains(text, "pas une quittance") {
				t.Errorf("%s: the quittance says it is not one", m.Period)
			}
		}
	}
	if len(got) != len(history) || len(got) != 13 {
		t.Errorf("quittances for %v; want every month of her history (%d)", got, len(history))
	}
	// Without a year: the current one (in France).
	status, _, body := a.do(t, "GET", "/api/v1/receipts", nil, h)
	wantStatus(t, "months of this year", status, http.StatusOK, body)
	this := today().String()[:4]
	if ms := body["months"].([]any); len(ms) != 12 || ms[0].(obj)["period"] != this+"-01" {
		t.Errorf("months without a year: %v, want the 12 of %s", ms, this)
	}
	// They are in Mes documents.
	docs, _ := a.allDocuments(t, "kind=rent_receipt", h)
	if len(docs) != len(got) {
		t.Errorf("Mes documents lists %d rent receipts, want %d", len(docs), len(got))
	}
}

// shortMonths computes from the ledger alone, without the imputation code,
// which months oldest-first imputation leaves short: with no housing
// benefit, a month is fully paid when everything paid covers every debit
// dated up to its end.
func shortMonths(entries []tenancy.Entry) map[string]bool {
	var paid int64
	debits := map[string]int64{}
	var months []string
	for _, e := range entries {
		paid += e.CreditCents
		m := e.Date.String()[:7]
		if e.DebitCents > 0 && debits[m] == 0 {
			months = append(months, m)
		}
		debits[m] += e.DebitCents
	}
	slices.Sort(months)
	short := map[string]bool{}
	var owed int64
	for _, m := range months {
		owed += debits[m]
		if owed > paid {
			short[m] = true
		}
	}
	return short
}

func TestReceiptsDemo_LefevreNovemberGetsAReceiptNeverAQuittance(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	h := a.tenantSession(t, lefevre)
	entries, err := a.stack.Store().LeaseEntries(context.Background(), lefevre.ref)
	if err != nil {
		t.Fatal(err)
	}
	short := shortMonths(entries)
	if !short["2026-11"] {
		t.Fatalf("the demo data no longer leave November 2026 short: %v", short)
	}
	for _, m := range a.months(t, h, "2026") {
		if m.DueCents == 0 {
			continue
		}
		if short[m.Period] {
			if m.Status == "paid" || m.Kind == "rent_receipt" {
				t.Errorf("%s is short but %s %v", m.Period, m.Status, m.Kind)
			}
			if m.Status != "partial" {
				continue
			}
			body, text := a.receiptText(t, h, m.Period, http.StatusCreated, "payment_receipt")
			says(t, "LEFÈVRE's reçu of "+m.Period, text, "Reçu de paiement", "Ce reçu n’est pas une quittance")
			if strings.Contains(text, "donne quittance") || strings.Contains(text, "Quittance de loyer") {
				t.Errorf("%s: the reçu reads as a quittance:\n%s", m.Period, text)
			}
			if m.Period == "2026-11" {
				if m.PaidCents != 15000 || m.DueCents != 50000 {
					t.Errorf("November: paid %d of %d, want 150,00 € of 500,00 €", m.PaidCents, m.DueCents)
				}
				says(t, "LEFÈVRE's November", text, "la somme de 150,00 €", "il reste 350,00 € à payer",
					"Votre paiement de 270,00 € du 10/11/2026 a d’abord réglé 120,00 € restant dus sur octobre 2026 (article 1342-10 du Code civil).")
				if body["title"] != "Reçu de paiement novembre 2026" {
					t.Errorf("title %v", body["title"])
				}
			}
			continue
		}
		if m.Status != "paid" || m.Kind != "rent_receipt" {
			t.Errorf("%s: %+v, want paid", m.Period, m)
		}
	}
	// April: the settlement of 120,00 € shown as charges, apart from the rent.
	_, text := a.receiptText(t, h, "2026-04", http.StatusCreated, "rent_receipt")
	says(t, "LEFÈVRE's April", text, "Régularisation des charges", "Dont loyer 430,00 €", "Dont charges (provisions et régularisations) 190,00 €",
		"Total dû pour la période 620,00 €", "Période entièrement payée le 08/05/2026")
}

func TestReceiptsDemo_NdiayeMonthsArePaidByHousingBenefitAndCheques(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	h := a.tenantSession(t, ndiaye)
	n := 0
	for _, y := range []string{"2025", "2026"} {
		for _, m := range a.months(t, h, y) {
			if m.DueCents == 0 {
				continue
			}
			n++
			if m.Status != "paid" || m.Kind != "rent_receipt" || m.PaidCents != 45000 {
				t.Errorf("%s: %+v, want paid", m.Period, m)
			}
		}
	}
	if n != 13 {
		t.Errorf("%d months with a notice, want 13", n)
	}
	first, text := a.receiptText(t, h, "2026-11", http.StatusCreated, "rent_receipt")
	says(t, "N'DIAYE's November", text, "Quittance de loyer", "d’Abdou N’DIAYE", "Aide au logement : APL novembre 2026 (CAF) 06/11/2026 180,00 € 180,00 €",
		"Chèque reçu 09/11/2026", "Dont aide au logement (APL) versée par la CAF 180,00 €", "389,90 €", "60,10 €")
	// The same facts again: the same document, 200.
	again, _ := a.receiptText(t, h, "2026-11", http.StatusOK, "rent_receipt")
	if again["id"] != first["id"] {
		t.Errorf("asked again: %v, want %v", again["id"], first["id"])
	}
}

func TestReceiptsRefuseWhatGetsNoReceipt(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	h := a.tenantSession(t, lefevre)
	cases := []struct {
		period string
		status int
		code   string
		says   string
	}{
		{"2026-12", 422, "receipt_not_due", "Rien n’a encore été appelé pour décembre 2026"},
		{"2019-02", 422, "receipt_outside_lease", "Ce mois n’est pas compris dans votre bail (commencé le 15/03/2019)"},
		{"2025-06", 422, "receipt_before_history", "Votre historique en ligne commence en novembre 2025"},
		{"2026-13", 400, "validation_failed", ""},
		{"novembre", 400, "validation_failed", ""},
		{"", 400, "validation_failed", ""},
	}
	for _, c := range cases {
		status, _, body := a.issue(t, h, c.period)
		wantProblem(t, "POST "+c.period, status, body, c.status, c.code)
		if c.status == 400 {
			if errs, _ := body["errors"].(obj); errs["period"] == nil {
				t.Errorf("POST %q: no message for period: %v", c.period, body)
			}
		} else if d, _ := body["detail"].(string); !strings.Contains(d, c.says) {
			t.Errorf("POST %s: detail %q, want it to say %q", c.period, d, c.says)
		}
	}
	status, _, body := a.doInvalid(t, "POST", "/api/v1/receipts", obj{"period": "2026-11", "kind": "rent_receipt"}, h)
	wantProblem(t, "an unknown field", status, body, 400, "malformed_body")
	for _, y := range []string{"26", "2100", "abcd", "-2026"} {
		status, _, body := a.do(t, "GET", "/api/v1/receipts?year="+y, nil, h)
		wantProblem(t, "year "+y, status, body, 400, "validation_failed")
		if errs, _ := body["errors"].(obj); errs["year"] == nil {
			t.Errorf("year %s: no message for year: %v", y, body)
		}
	}
	// Months of a year before the lease, or within it but before the
	// ledger's history (November 2025): none; the history's first year:
	// from its first month.
	for _, y := range []string{"2018", "2019"} {
		if ms := a.months(t, h, y); len(ms) != 0 {
			t.Errorf("%s: %v, want none", y, ms)
		}
	}
	if ms := a.months(t, h, "2025"); len(ms) != 2 || ms[0].Period != "2025-11" {
		t.Errorf("2025: %v, want November and December", ms)
	}
	// No document was made.
	if docs, _ := a.allDocuments(t, "kind=payment_receipt", h); len(docs) != 0 {
		t.Errorf("refusals made documents: %v", docs)
	}

	// A month after this one, even called and paid in advance, is not due.
	// (a Paris month: between 23:00 and midnight UTC, Paris is already
	// in the next day, and perhaps the next month)
	now := tenancy.ParisTime(time.Now())
	next := tenancy.DateOf(time.Date(now.Year(), now.Month()+1, 1, 12, 0, 0, 0, time.UTC))
	nextMonth := next.String()[:7]
	if _, err := a.stack.Store().SyncEntries(context.Background(), lefevre.ref, []tenancy.Entry{
		{ID: "E-NEXT-AV", Date: next, Label: "Avis d'échéance", Kind: tenancy.Notice, DebitCents: 50000},
		{ID: "E-NEXT-VI", Date: next, Label: "Virement reçu", Kind: tenancy.PaymentReceived, CreditCents: 100000},
	}, false); err != nil {
		t.Fatal(err)
	}
	for _, m := range a.months(t, h, next.String()[:4]) {
		if m.Period == nextMonth && (m.Status != "not_due" || m.Kind != nil) {
			t.Errorf("next month %s: %+v, want not_due", nextMonth, m)
		}
	}
	status, _, body = a.issue(t, h, nextMonth)
	wantProblem(t, "next month", status, body, 422, "receipt_not_due")

	// Without November's transfer (and next month's entries), November is
	// unpaid: 422, which says why and what to do.
	entries, err := a.stack.Store().LeaseEntries(context.Background(), lefevre.ref)
	if err != nil {
		t.Fatal(err)
	}
	var kept []tenancy.Entry
	for _, e := range entries {
		if e.ID != "E1234567-202611-VI" && !strings.HasPrefix(e.ID, "E-NEXT") {
			kept = append(kept, e)
		}
	}
	if _, err := a.stack.Store().SyncEntries(context.Background(), lefevre.ref, kept, true); err != nil {
		t.Fatal(err)
	}
	status, _, body = a.issue(t, h, "2026-11")
	wantProblem(t, "an unpaid month", status, body, 422, "receipt_unpaid")
	if d, _ := body["detail"].(string); !strings.Contains(d, "Aucun paiement n’a été imputé à novembre 2026") || !strings.Contains(d, "relevé de compte") {
		t.Errorf("unpaid: %q", d)
	}
}

func TestRule_FreeOnRequestFromTheERPLedgerOnly(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	h := a.tenantSession(t, lefevre)
	ctx := context.Background()
	// Nothing is made before the tenant asks.
	if keys := a.keys(t, "receipts/"); len(keys) != 0 {
		t.Fatalf("receipts before any request: %v", keys)
	}
	first, _ := a.receiptText(t, h, "2026-11", http.StatusCreated, "payment_receipt")
	// The ERP imports the rest of November's rent: the ledger alone makes
	// November paid, and the next request a quittance, another document.
	if _, err := a.stack.Store().SyncEntries(ctx, lefevre.ref, []tenancy.Entry{{ID: "E1234567-202611-VI2", Date: tenancy.Date{Year: 2026, Month: 11, Day: 28},
		Label: "Virement reçu", Kind: tenancy.PaymentReceived, CreditCents: 35000}}, false); err != nil {
		t.Fatal(err)
	}
	second, text := a.receiptText(t, h, "2026-11", http.StatusCreated, "rent_receipt")
	if second["id"] == first["id"] {
		t.Error("new facts kept the document")
	}
	says(t, "the quittance", text, "donne quittance", "pour la période du 1er au 30 novembre 2026", "Période entièrement payée le 28/11/2026")
	// Both are in Mes documents; neither has anything to pay.
	docs, _ := a.allDocuments(t, "year=2026", h)
	var ids []string
	for _, d := range docs {
		if d.Kind == "rent_receipt" || d.Kind == "payment_receipt" {
			ids = append(ids, d.ID)
			if d.AmountDueCents != nil {
				t.Errorf("%s has an amount to pay", d.ID)
			}
		}
	}
	if len(ids) != 2 {
		t.Errorf("receipts in Mes documents: %v, want the reçu and the quittance", ids)
	}
}

func TestRule_AnyMonthSinceLeaseStartEvenAfterItEnded(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	h := a.tenantSession(t, dupont)
	ctx := context.Background()
	l, err := a.stack.Store().Lease(ctx, dupont.ref)
	if err != nil {
		t.Fatal(err)
	}
	l.End = tenancy.Date{Year: 2026, Month: 6, Day: 30}
	if _, err := a.stack.Store().UpsertLeases(ctx, []tenancy.Lease{l}); err != nil {
		t.Fatal(err)
	}
	ms := a.months(t, h, "2026")
	if len(ms) != 6 || ms[5].Period != "2026-06" {
		t.Errorf("months of 2026 of a lease ended in June: %v", ms)
	}
	a.receiptText(t, h, "2025-11", http.StatusCreated, "rent_receipt") // the first month of the history
	a.receiptText(t, h, "2026-06", http.StatusCreated, "rent_receipt") // its last month
	status, _, body := a.issue(t, h, "2026-07")
	wantProblem(t, "after the end", status, body, 422, "receipt_outside_lease")
	if d, _ := body["detail"].(string); !strings.Contains(d, "(commencé le ") || !strings.Contains(d, ", terminé le 30/06/2026)") {
		t.Errorf("after the end: %q", d)
	}
}

func TestReceiptsParallelRequestsMakeOneDocument(t *testing.T) {
	t.Parallel()
	a := start(t, map[string]string{"RECEIPTS_LIMIT": "1000/1h"})
	h := a.tenantSession(t, ndiaye)
	const n = 40
	statuses, ids := a.issueAtOnce(t, h, "2026-10", n)
	created := 0
	for i, s := range statuses {
		if s == http.StatusCreated {
			created++
		} else if s != http.StatusOK {
			t.Errorf("request %d: %d", i, s)
		}
		if ids[i] != ids[0] || ids[i] == "" {
			t.Errorf("request %d: id %q, want %q", i, ids[i], ids[0])
		}
	}
	if created != 1 {
		t.Errorf("%d answers 201, want exactly 1", created)
	}
	if keys := a.keys(t, "receipts/"); len(keys) != 1 || !strings.Contains(keys[0], "/"+ndiaye.ref+"/rent_receipt/2026-10/") {
		t.Errorf("objects: %v, want one under %s/rent_receipt/2026-10", keys, ndiaye.ref)
	}
	if docs, _ := a.allDocuments(t, "kind=rent_receipt", h); len(docs) != 1 {
		t.Errorf("documents: %d, want 1", len(docs))
	}
}

func TestReceiptsLimitPerLease(t *testing.T) {
	t.Parallel()
	a := start(t, map[string]string{"RECEIPTS_LIMIT": "2/1h"})
	h := a.tenantSession(t, dupont)
	a.receiptText(t, h, "2026-01", http.StatusCreated, "rent_receipt")
	a.receiptText(t, h, "2026-02", http.StatusCreated, "rent_receipt")
	status, header, body := a.issue(t, h, "2026-03")
	wantProblem(t, "the third receipt within the hour", status, body, 429, "too_many_requests")
	if header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	// One already made is still given: asking again takes no unit.
	a.receiptText(t, h, "2026-01", http.StatusOK, "rent_receipt")
	if keys := a.keys(t, "receipts/"); len(keys) != 2 {
		t.Errorf("objects: %v, want 2", keys)
	}
}

func TestReceiptsOfAnotherTenantAreNotFound(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	hd := a.tenantSession(t, dupont)
	hl := a.tenantSession(t, lefevre)
	body, _ := a.receiptText(t, hd, "2026-11", http.StatusCreated, "rent_receipt")
	id := body["id"].(string)
	// Hers through the documents function: the document, and its file.
	status, _, got := a.do(t, "GET", "/api/v1/documents/"+id, nil, hd)
	if status != http.StatusOK || got["kind"] != "rent_receipt" || got["title"] != "Quittance de loyer novembre 2026" {
		t.Errorf("DUPONT reads her receipt: %d %v", status, got)
	}
	status, header, _ := a.do(t, "GET", "/api/v1/documents/"+id+"/file", nil, hd)
	if status != http.StatusFound || !strings.Contains(header.Get("Location"), "quittance-2026-11.pdf") {
		t.Errorf("DUPONT's receipt file: %d, Location %q", status, header.Get("Location"))
	}
	for _, path := range []string{"/api/v1/documents/" + id, "/api/v1/documents/" + id + "/file"} {
		status, header, got := a.do(t, "GET", path, nil, hl)
		wantProblem(t, "LEFÈVRE reads DUPONT's receipt at "+path, status, got, 404, "not_found")
		if header.Get("Location") != "" || got["downloadUrl"] != nil {
			t.Errorf("%s: a link for another tenant's receipt", path)
		}
	}
	// Her own month of the same period is hers, another id.
	mine, _ := a.receiptText(t, hl, "2026-11", http.StatusCreated, "payment_receipt")
	if mine["id"] == id {
		t.Error("two leases' receipts share an id")
	}
}
