package httpapi_test

import (
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/citejardins/extranet/shared/directdebit"
	"github.com/citejardins/extranet/shared/notice"
	"github.com/citejardins/extranet/shared/noticerun"
	"github.com/citejardins/extranet/shared/tenancy"
)

// The SEPA direct-debit mandate (POST/GET/DELETE /api/v1/direct-debit) on
// the demo data, through the local stack.

const testICS = "FR72ZZZ123456"

var directDebitEnv = map[string]string{"LANDLORD_ICS": testICS, "DIRECT_DEBIT_DAYS": "5,10"}

type mandateAddressJSON struct {
	Street, Complement, PostalCode, City string
}

type mandateJSON struct {
	RUM      string `json:"rum"`
	ICS      string `json:"ics"`
	Type     string `json:"type"`
	Status   string `json:"status"`
	Creditor struct {
		Name    string   `json:"name"`
		Address []string `json:"address"`
	} `json:"creditor"`
	Debtor struct {
		Name    string             `json:"name"`
		Address mandateAddressJSON `json:"address"`
	} `json:"debtor"`
	IBAN       string  `json:"iban"`
	BIC        string  `json:"bic"`
	Holder     string  `json:"holder"`
	DebitDay   int     `json:"debitDay"`
	FirstDebit *string `json:"firstDebitOn"`
	OnBehalfOf *struct {
		Name      string `json:"name"`
		Reference string `json:"reference"`
	} `json:"onBehalfOf"`
	SignedAt    string  `json:"signedAt"`
	SignedOn    string  `json:"signedOn"`
	Place       string  `json:"place"`
	RevokedOn   *string `json:"revokedOn"`
	LapsedOn    *string `json:"lapsedOn"`
	LastDebitOn *string `json:"lastDebitOn"`
	LapsesOn    *string `json:"lapsesOn"`
	Wording     string  `json:"wording"`
	DocumentID  string  `json:"documentId"`
}

type directDebitJSON struct {
	Current   *mandateJSON  `json:"current"`
	History   []mandateJSON `json:"history"`
	DebitDays []int         `json:"debitDays"`
	Creditor  struct {
		Name    string   `json:"name"`
		Address []string `json:"address"`
		ICS     string   `json:"ics"`
	} `json:"creditor"`
	Wording     string `json:"wording"`
	FirstDebits []struct {
		DebitDay     int    `json:"debitDay"`
		FirstDebitOn string `json:"firstDebitOn"`
	} `json:"firstDebits"`
}

// A valid French account (RIB key and IBAN check digits right).
const testIBAN = "FR76 3000 6000 0112 3456 7890 189"

func subscription(password string) obj {
	return obj{"iban": testIBAN, "bic": "AGRIFRPP", "holder": "Céline LEFÈVRE", "debitDay": 10, "consent": true, "password": password}
}

func (a *api) directDebit(t *testing.T, s tenantSession) directDebitJSON {
	t.Helper()
	return as[directDebitJSON](t, a.get(t, "/api/v1/direct-debit", s.bearer))
}

func TestRule_MandateSignedShownThenRevokedDatedAndExported(t *testing.T) {
	t.Parallel()
	a := start(t, directDebitEnv)
	celine := a.loginTenant(t, lefevre, "celine.lefevre@exemple.fr")
	abdou := a.loginTenant(t, ndiaye, "abdou.ndiaye@exemple.fr")
	day := today().String()
	landlord := a.landlord(t)

	if got := a.directDebit(t, celine); got.Current != nil || len(got.History) != 0 || !slices.Equal(got.DebitDays, []int{5, 10}) {
		t.Errorf("before any mandate: %+v", got)
	}
	status, h, body := a.do(t, "POST", "/api/v1/direct-debit", subscription(tenantPassword), celine.bearer)
	wantStatus(t, "POST /api/v1/direct-debit", status, http.StatusCreated, body)
	m := as[mandateJSON](t, body)
	if m.RUM != "EXTRANET-1234567-1" || len(m.RUM) > directdebit.MaxRUM || m.ICS != testICS || m.Type != "recurrent" || m.Status != "active" ||
		m.SignedOn != day || m.DebitDay != 10 || m.Place != "Gennevilliers" || m.BIC != "AGRIFRPP" || m.Holder != "Céline LEFÈVRE" {
		t.Errorf("mandate %+v", m)
	}
	if m.IBAN != "FR76 •••• •••• •••• •••• •••0 189" {
		t.Errorf("iban %q, want it masked", m.IBAN)
	}
	if m.Creditor.Name != landlord.Name || !slices.Equal(m.Creditor.Address, landlord.AddressLines) ||
		m.Debtor.Name != "Céline LEFÈVRE" || m.Debtor.Address.City != "Gennevilliers" || m.Debtor.Address.Street != "4 allée des Tilleuls" {
		t.Errorf("creditor %+v, debtor %+v", m.Creditor, m.Debtor)
	}
	if m.Wording != directdebit.Wording(landlord.Name) || !strings.Contains(m.Wording, "dans les 8 semaines suivant la date de débit") {
		t.Errorf("wording %q", m.Wording)
	}
	if m.LapsesOn == nil || m.RevokedOn != nil || h.Get("Location") != "/api/v1/direct-debit" {
		t.Errorf("lapsesOn %v, revokedOn %v, Location %q", m.LapsesOn, m.RevokedOn, h.Get("Location"))
	}
	got := a.directDebit(t, celine)
	if got.Current == nil || got.Current.RUM != m.RUM || len(got.History) != 1 || got.History[0].Status != "active" {
		t.Errorf("GET after subscribing: %+v", got)
	}

	// The PDF in Mes documents, downloaded and read back.
	docs, _ := a.allDocuments(t, "kind=sepa_mandate", celine.bearer)
	if len(docs) != 1 || docs[0].ID != m.DocumentID || docs[0].Date != day || !strings.Contains(docs[0].Title, m.RUM) {
		t.Fatalf("Mes documents lists %+v; want the mandate %s", docs, m.DocumentID)
	}
	all, _ := a.allDocuments(t, "", celine.bearer)
	if !slices.ContainsFunc(all, func(d documentJSON) bool { return d.ID == m.DocumentID }) {
		t.Errorf("the whole list lacks the mandate")
	}
	link := as[documentLinkJSON](t, a.get(t, "/api/v1/documents/"+m.DocumentID, celine.bearer))
	resp, err := http.Get(link.DownloadURL)
	if err != nil {
		t.Fatal(err)
	}
	pdf, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || int64(len(pdf)) != docs[0].SizeBytes {
		t.Fatalf("GET the mandate: %d, %d bytes", resp.StatusCode, len(pdf))
	}
	says(t, "the mandate PDF", pdfText(t, pdf), "Mandat de prélèvement SEPA", "Référence unique du mandat (RUM) : "+m.RUM,
		"Identifiant créancier SEPA (ICS) : "+testICS, "IBAN : FR76 •••• •••• •••• •••• •••0 189", "BIC : AGRIFRPP",
		"Type de paiement : paiement récurrent", "Fait à : Gennevilliers", "Premier prélèvement : le "+dateFR(apiDate(t, m.FirstDebit)), "Signé électroniquement le "+dateFR(today()),
		"via l’Extranet Locataire", "En signant ce formulaire de mandat, vous autorisez (A) "+landlord.Name)
	// Another tenant never sees it nor its document.
	if other := a.directDebit(t, abdou); other.Current != nil || len(other.History) != 0 {
		t.Errorf("N'DIAYE sees %+v", other)
	}
	status, _, body = a.do(t, "GET", "/api/v1/documents/"+m.DocumentID, nil, abdou.bearer)
	wantProblem(t, "N'DIAYE reads the mandate's document", status, body, http.StatusNotFound, "not_found")
	// ...nor revokes it: he has none, and hers stays in force.
	status, _, body = a.do(t, "DELETE", "/api/v1/direct-debit", nil, abdou.bearer)
	wantProblem(t, "N'DIAYE revokes", status, body, http.StatusNotFound, "not_found")
	if still := a.directDebit(t, celine); still.Current == nil || still.Current.RUM != m.RUM {
		t.Errorf("after N'DIAYE's DELETE: %+v", still)
	}

	// Revocation: dated today, the history keeps it.
	status, _, body = a.do(t, "DELETE", "/api/v1/direct-debit", nil, celine.bearer)
	wantStatus(t, "DELETE /api/v1/direct-debit", status, http.StatusOK, body)
	rv := as[mandateJSON](t, body)
	if rv.RUM != m.RUM || rv.Status != "revoked" || rv.RevokedOn == nil || *rv.RevokedOn != day {
		t.Errorf("revoked %+v", rv)
	}
	got = a.directDebit(t, celine)
	if got.Current != nil || len(got.History) != 1 || got.History[0].Status != "revoked" || *got.History[0].RevokedOn != day {
		t.Errorf("GET after revoking: %+v", got)
	}
	status, _, body = a.do(t, "DELETE", "/api/v1/direct-debit", nil, celine.bearer)
	wantProblem(t, "revoke twice", status, body, http.StatusNotFound, "not_found")

	// A new mandate takes the next RUM.
	status, _, body = a.do(t, "POST", "/api/v1/direct-debit", subscription(tenantPassword), celine.bearer)
	wantStatus(t, "subscribe again", status, http.StatusCreated, body)
	if m2 := as[mandateJSON](t, body); m2.RUM != "EXTRANET-1234567-2" {
		t.Errorf("second RUM %q", m2.RUM)
	}

	// The ERP export: signed (the whole IBAN and the document), revoked.
	signed := a.exportedEvents(t, "1234567", directdebit.EventSigned)
	if len(signed) != 2 {
		t.Fatalf("%d signed events, want 2", len(signed))
	}
	slices.SortFunc(signed, func(x, y exportedEvent) int { return strings.Compare(x.At, y.At) })
	d := signed[0].Data
	if d["rum"] != m.RUM || d["iban"] != "FR7630006000011234567890189" || d["bic"] != "AGRIFRPP" || d["ics"] != testICS ||
		d["documentId"] != m.DocumentID || d["debitDay"] != float64(10) || d["type"] != "recurrent" || d["place"] != "Gennevilliers" ||
		!strings.HasPrefix(d["documentKey"].(string), "receipts/") {
		t.Errorf("signed event data %v", d)
	}
	revoked := a.exportedEvents(t, "1234567", directdebit.EventRevoked)
	if len(revoked) != 1 || revoked[0].Data["rum"] != m.RUM || revoked[0].Data["revokedOn"] != day {
		t.Errorf("revoked events %+v", revoked)
	}
	if n := len(a.exportedEvents(t, "7654321", directdebit.EventRevoked)); n != 0 {
		t.Errorf("N'DIAYE's DELETE exported %d events", n)
	}
}

func TestDirectDebitBadInputsChangeNothing(t *testing.T) {
	t.Parallel()
	a := start(t, directDebitEnv)
	celine := a.loginTenant(t, lefevre, "celine.lefevre@exemple.fr")
	good := subscription(tenantPassword)
	with := func(k string, v any) obj {
		o := obj{}
		for kk, vv := range good {
			o[kk] = vv
		}
		o[k] = v
		return o
	}
	for _, c := range []struct {
		name  string
		body  obj
		field string
	}{
		{"no consent", with("consent", false), "consent"},
		{"a day not offered", with("debitDay", 7), "debitDay"},
		{"a wrong RIB key", with("iban", "FR76 3000 6000 0112 3456 7890 188"), "iban"},
		{"a BIC of another country", with("bic", "DEUTDEFF"), "bic"},
		{"no holder", with("holder", " "), "holder"},
		{"no password", with("password", ""), "password"},
		{"a wrong password", with("password", "pas le bon mot de passe"), "password"},
	} {
		status, _, body := a.do(t, "POST", "/api/v1/direct-debit", c.body, celine.bearer)
		wantProblem(t, c.name, status, body, http.StatusBadRequest, "validation_failed")
		if f := fieldErrors(body); !slices.Contains(f, c.field) {
			t.Errorf("%s: fields %v, want %s", c.name, f, c.field)
		}
		if msg, _ := body["detail"].(string); msg == "" {
			t.Errorf("%s: no French detail", c.name)
		}
	}
	status, _, body := a.doInvalid(t, "POST", "/api/v1/direct-debit", `{"iban":"x"}`, celine.bearer)
	wantProblem(t, "missing fields", status, body, http.StatusBadRequest, "validation_failed")
	if f := fieldErrors(body); !slices.Equal(f, []string{"consent", "debitDay", "holder", "iban", "password"}) {
		t.Errorf("missing fields: %v", f)
	}

	if got := a.directDebit(t, celine); got.Current != nil || len(got.History) != 0 {
		t.Errorf("after refusals: %+v", got)
	}
	if docs, _ := a.allDocuments(t, "kind=sepa_mandate", celine.bearer); len(docs) != 0 {
		t.Errorf("after refusals, documents %+v", docs)
	}
	if n := len(a.exportedEvents(t, "1234567", directdebit.EventSigned)); n != 0 {
		t.Errorf("after refusals, %d signed events", n)
	}
}

func TestDirectDebitWithoutICSIsUnavailable(t *testing.T) {
	t.Parallel()
	a := start(t, map[string]string{"LANDLORD_ICS": ""})
	celine := a.loginTenant(t, lefevre, "celine.lefevre@exemple.fr")
	status, _, body := a.do(t, "POST", "/api/v1/direct-debit", subscription(tenantPassword), celine.bearer)
	wantProblem(t, "no LANDLORD_ICS", status, body, http.StatusServiceUnavailable, "service_unavailable")
	if d, _ := body["detail"].(string); !strings.Contains(d, "Contactez votre gestionnaire") {
		t.Errorf("detail %q", d)
	}
}

func TestRule_RUMUniqueUnder40ParallelSubscriptions(t *testing.T) {
	t.Parallel()
	env := maps.Clone(directDebitEnv)
	env["DIRECT_DEBIT_LIMIT"] = "1000/1h"
	a := start(t, env)
	// Each of the 40 checks the password (argon2id) and draws a PDF: on a
	// loaded 2-core CI machine the last answers come after the client's
	// usual 20 s. The test is about uniqueness, not speed.
	a.client.Timeout = 3 * time.Minute
	celine := a.loginTenant(t, lefevre, "celine.lefevre@exemple.fr")
	const n = 40
	rums := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			status, _, body := a.do(t, "POST", "/api/v1/direct-debit", subscription(tenantPassword), celine.bearer)
			if status != http.StatusCreated {
				t.Errorf("subscription %d: %d %v", i, status, body)
				return
			}
			rums[i] = as[mandateJSON](t, body).RUM
		}()
	}
	wg.Wait()
	seen := map[string]bool{}
	for _, r := range rums {
		if r == "" {
			continue
		}
		if seen[r] || len(r) > directdebit.MaxRUM || !directdebit.ValidRUM(r) {
			t.Errorf("RUM %q: repeated, too long or not a RUM", r)
		}
		seen[r] = true
	}
	got := a.directDebit(t, celine)
	active := 0
	for _, m := range got.History {
		if m.Status == "active" {
			active++
		}
	}
	if len(got.History) != n || active != 1 || got.Current == nil || !seen[got.Current.RUM] {
		t.Errorf("%d mandates, %d active, current %v; want %d, one active among those answered", len(got.History), active, got.Current, n)
	}
	if docs, _ := a.allDocuments(t, "kind=sepa_mandate", celine.bearer); len(docs) != n {
		t.Errorf("%d mandate documents, want %d", len(docs), n)
	}
}

// noticeText reads the PDF of a lease's notice for period p back.
func (a *api) noticeText(t *testing.T, ref string, p notice.Period) string {
	t.Helper()
	return pdfText(t, a.object(t, noticerun.NoticeKey(ref, p)))
}

func TestRule_PreNotificationOnTheNextNotice(t *testing.T) {
	t.Parallel()
	a := start(t, directDebitEnv)
	celine := a.loginTenant(t, lefevre, "celine.lefevre@exemple.fr")
	status, _, body := a.do(t, "POST", "/api/v1/direct-debit", subscription(tenantPassword), celine.bearer)
	wantStatus(t, "subscribe", status, http.StatusCreated, body)
	m := as[mandateJSON](t, body)

	// The notice of the first debit's month carries the debit: the
	// mandate's day of the period (at least 14 days after the notice),
	// the amount the notice asks, the RUM and the ICS. She reads it
	// online: the mail says the date, the RUM and the ICS, not the amount.
	a.put(t, celine.bearer, obj{"paperless": true})
	mailsBefore := a.mailCount()
	first := apiDate(t, m.FirstDebit)
	next := notice.Period{Year: first.Year, Month: first.Month}
	a.runNotices(t, next.String())
	want := a.expectedNotice(t, "1234567", next)
	if want.AmountDueCents <= 0 {
		t.Fatalf("LEFÈVRE owes nothing in %s; the test needs an amount", next)
	}
	// The mandate's day, unless the notice (issued today) would then give
	// less than the rulebook's 14 days: then 14 days after today.
	debit := tenancy.Date{Year: next.Year, Month: next.Month, Day: 10}
	if earliest := tenancy.DateOf(today().Time().AddDate(0, 0, 14)); debit.Before(earliest) {
		debit = earliest
	}
	text := a.noticeText(t, "1234567", next)
	says(t, "LEFÈVRE's notice", text, "Prélèvement le "+dateFR(debit)+" de "+frenchEuros(want.AmountDueCents)+" — RUM "+m.RUM+" — ICS "+testICS,
		"la somme de "+frenchEuros(want.AmountDueCents)+" sera prélevée le "+dateFR(debit))
	mails := a.mailsTo(t, mailsBefore, "celine.lefevre@exemple.fr")
	if len(mails) != 1 {
		t.Fatalf("%d notice mails, want 1", len(mails))
	}
	line := "votre compte sera débité le " + dateFR(debit) + " du montant indiqué sur l’avis (mandat RUM " + m.RUM + ", créancier ICS " + testICS + ")"
	if !strings.Contains(mails[0].Text, line) || !strings.Contains(mails[0].HTML, line) || strings.Contains(mails[0].Text, "€") {
		t.Errorf("notice mail %q; want %q and no amount", mails[0].Text, line)
	}
	// The month before the first debit: its notice, issued after the
	// signature (a late run), announces no debit the ERP will not make.
	if first.Month != today().Month {
		d := first.Time().AddDate(0, -1, 0)
		before := notice.Period{Year: d.Year(), Month: d.Month()}
		a.runNotices(t, before.String())
		if text := a.noticeText(t, "1234567", before); strings.Contains(text, "Prélèvement le") || strings.Contains(text, m.RUM) {
			t.Errorf("the notice of %s, before the first debit %s, announces a debit:\n%s", before, first, text)
		}
	}
	// N'DIAYE signed nothing: no pre-notification.
	if strings.Contains(a.noticeText(t, "7654321", next), "Prélèvement le") {
		t.Error("N'DIAYE's notice announces a debit")
	}

	// Revoked: the notice after announces none.
	status, _, body = a.do(t, "DELETE", "/api/v1/direct-debit", nil, celine.bearer)
	wantStatus(t, "revoke", status, http.StatusOK, body)
	d := first.Time().AddDate(0, 1, 0)
	after := notice.Period{Year: d.Year(), Month: d.Month()}
	a.runNotices(t, after.String())
	if text := a.noticeText(t, "1234567", after); strings.Contains(text, "Prélèvement le") || strings.Contains(text, m.RUM) {
		t.Errorf("the notice after the revocation announces a debit:\n%s", text)
	}
}

func TestDirectDebitSignaturesPerLeaseAreLimited(t *testing.T) {
	t.Parallel()
	env := maps.Clone(directDebitEnv)
	env["DIRECT_DEBIT_LIMIT"] = "2/24h"
	a := start(t, env)
	celine := a.loginTenant(t, lefevre, "celine.lefevre@exemple.fr")
	for i := range 2 {
		status, _, body := a.do(t, "POST", "/api/v1/direct-debit", subscription(tenantPassword), celine.bearer)
		wantStatus(t, fmt.Sprint("subscription ", i), status, http.StatusCreated, body)
	}
	status, h, body := a.do(t, "POST", "/api/v1/direct-debit", subscription(tenantPassword), celine.bearer)
	wantProblem(t, "third subscription", status, body, http.StatusTooManyRequests, "too_many_requests")
	if h.Get("Retry-After") == "" {
		t.Error("no Retry-After")
	}
	if got := a.directDebit(t, celine); len(got.History) != 2 || got.Current == nil || got.Current.RUM != "EXTRANET-1234567-2" {
		t.Errorf("after the refusal: %+v", got)
	}
}

// apiDate reads a civil date the API gave (nil or bad: the test fails).
func apiDate(t *testing.T, s *string) tenancy.Date {
	t.Helper()
	if s == nil {
		t.Fatal("no date")
	}
	d, err := tenancy.ParseDate(*s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
