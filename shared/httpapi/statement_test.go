package httpapi_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/citejardins/extranet/shared/attestation"
	"github.com/citejardins/extranet/shared/notice"
	"github.com/citejardins/extranet/shared/portal"
	"github.com/citejardins/extranet/shared/statement"
	"github.com/citejardins/extranet/shared/tenancy"
)

// The account statement as PDF (GET /api/v1/account/entries.pdf) on the
// demo data, read back with pdftotext and compared with the screen's JSON.

// getRaw sends a GET that openapi.yaml allows and returns the answer as
// bytes, checking its status and headers against the document (not a
// binary body, which kin-openapi cannot decode).
func (a *api) getRaw(t *testing.T, path string, headers map[string]string) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest("GET", a.base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	route, params, err := a.router.FindRoute(req)
	if err != nil {
		t.Fatalf("GET %s: no operation in openapi.yaml: %v", path, err)
	}
	opts := *a.opts
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: &opts}
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
		t.Fatalf("GET %s breaks openapi.yaml: %v", path, err)
	}
	resp, err := a.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	check := opts
	check.ExcludeResponseBody = resp.Header.Get("Content-Type") == "application/pdf"
	in.Options = &check
	if err := openapi3filter.ValidateResponse(context.Background(), &openapi3filter.ResponseValidationInput{RequestValidationInput: in,
		Status: resp.StatusCode, Header: resp.Header, Body: io.NopCloser(bytes.NewReader(body)), Options: &check}); err != nil {
		t.Errorf("response to GET %s breaks openapi.yaml: %v", path, err)
	}
	return resp.StatusCode, resp.Header, body
}

// statementPDF fetches the statement of query and checks it is a PDF
// attachment named for its period, never cached.
func (a *api) statementPDF(t *testing.T, query string, headers map[string]string, from, to string) []byte {
	t.Helper()
	status, h, body := a.getRaw(t, "/api/v1/account/entries.pdf?"+query, headers)
	if status != http.StatusOK {
		t.Fatalf("GET entries.pdf?%s: %d %s", query, status, body)
	}
	name := "releve-de-compte-" + from + "-" + to + ".pdf"
	if got, want := h.Get("Content-Disposition"), `attachment; filename="`+name+`"; filename*=UTF-8''`+name; got != want {
		t.Errorf("Content-Disposition %q, want %q", got, want)
	}
	if h.Get("Content-Type") != "application/pdf" || h.Get("Cache-Control") != "no-store" || !bytes.HasPrefix(body, []byte("%PDF-")) {
		t.Errorf("Content-Type %q, Cache-Control %q, body %.8q: want a PDF, no-store", h.Get("Content-Type"), h.Get("Cache-Control"), body)
	}
	return body
}

// rowOf is how the statement prints an entry: date, label, debit or
// credit, balance after it.
func rowOf(e entryJSON) string {
	d, _ := tenancy.ParseDate(e.Date)
	parts := []string{dateFR(d), e.Label}
	if e.DebitCents != 0 {
		parts = append(parts, frenchEuros(e.DebitCents))
	}
	if e.CreditCents != 0 {
		parts = append(parts, frenchEuros(e.CreditCents))
	}
	return strings.Join(append(parts, frenchEuros(e.BalanceAfterCents)), " ")
}

// rowsInOrder checks that the text holds each row, each on one line (words
// apart by any space), in the order given, and nothing else that looks
// like a row (a line starting with a date).
func rowsInOrder(t *testing.T, text string, rows []string) {
	t.Helper()
	var printed []string
	date := regexp.MustCompile(`^\s*\d\d/\d\d/\d{4}\s`)
	for _, line := range strings.Split(text, "\n") {
		if date.MatchString(line) {
			printed = append(printed, strings.Join(strings.Fields(line), " "))
		}
	}
	if !slices.Equal(printed, rows) {
		t.Errorf("the statement's rows:\n  %s\nwant, oldest first:\n  %s", strings.Join(printed, "\n  "), strings.Join(rows, "\n  "))
	}
}

func TestStatementPDFHasTheScreensLinesAndBalances(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	tests := []struct {
		l            lease
		email, names string
		dwelling     string
	}{
		{lefevre, "celine.lefevre@exemple.fr", "Céline LEFÈVRE", "Logement : T2, 4 allée des Tilleuls"},
		{ndiaye, "abdou.ndiaye@exemple.fr", "Abdou N'DIAYE", "Logement : T4, 27 avenue Jean Jaurès"},
		{dupont, "marie.dupont@exemple.fr", "Marie DUPONT", "Logement : T3, 12 rue des Jardins"},
	}
	for _, tt := range tests {
		me := a.loginTenant(t, tt.l, tt.email)
		for _, r := range []struct{ query, from, to string }{
			{"from=2026-01-01&to=2026-11-30", "2026-01-01", "2026-11-30"},
			{"from=2026-04-01&to=2026-06-30", "2026-04-01", "2026-06-30"},
		} {
			t.Run(tt.l.lastName+" "+r.query, func(t *testing.T) {
				screen, _ := a.allEntries(t, r.query, me.bearer)
				if len(screen) == 0 {
					t.Fatalf("no entries on the screen for %s", r.query)
				}
				doc := a.statementPDF(t, r.query, me.bearer, r.from, r.to)
				text := pdfText(t, doc)
				rows := make([]string, len(screen))
				for i, e := range screen { // newest first on the screen
					rows[len(screen)-1-i] = rowOf(e)
				}
				rowsInOrder(t, text, rows)
				oldest, newest := screen[len(screen)-1], screen[0]
				opening := oldest.BalanceAfterCents - oldest.DebitCents + oldest.CreditCents
				from, _ := tenancy.ParseDate(r.from)
				to, _ := tenancy.ParseDate(r.to)
				says(t, "the statement", text, "Relevé de compte", tt.names, "Référence : L/000"+tt.l.ref, tt.dwelling,
					"Établi le : "+dateFR(today()), "Opérations du "+dateFR(from)+" au "+dateFR(to),
					"Solde au début de la période", frenchEuros(opening),
					"Solde au "+dateFR(to), frenchEuros(newest.BalanceAfterCents), a.landlord(t).Name)
				// The same request, the same day: the same bytes.
				if again := a.statementPDF(t, r.query, me.bearer, r.from, r.to); !bytes.Equal(doc, again) {
					t.Error("the same statement asked twice differs")
				}
			})
		}
	}
}

// TestStatementPDFWholeHistoryByCookie asks as the web app's link does (the
// cookie), without from and to: since the lease began, up to today.
func TestStatementPDFWholeHistoryByCookie(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	me := a.loginTenant(t, lefevre, "celine.lefevre@exemple.fr")
	screen, _ := a.allEntries(t, "", me.bearer)
	doc := a.statementPDF(t, "", withCookie(me.cookie), "2019-03-15", today().String())
	text := pdfText(t, doc)
	rows := make([]string, len(screen))
	for i, e := range screen {
		rows[len(screen)-1-i] = rowOf(e)
	}
	rowsInOrder(t, text, rows)
	says(t, "the statement", text, "Opérations du 15/03/2019 au "+dateFR(today()), "Solde au "+dateFR(today())+" : reste dû 350,00 €")
	if n := strings.Count(text, "\f"); n < 2 {
		t.Errorf("%d pages for %d lines; want the statement on several pages", n, len(screen))
	}
	for i, page := range strings.Split(strings.TrimRight(text, "\f"), "\f") {
		says(t, fmt.Sprintf("page %d", i+1), page, "Date Opération Débit Crédit Solde", fmt.Sprintf("Page %d /", i+1))
	}
}

func TestStatementPDFRefusals(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	me := a.loginTenant(t, lefevre, "celine.lefevre@exemple.fr")

	// The screen's checks, word for word.
	for _, q := range []string{"from=2026-13-01", "to=hier", "from=2026-06-01&to=2026-01-01"} {
		send := a.do
		if !a.specAllows(t, "/api/v1/account/entries?"+q, me.bearer) {
			send = a.doInvalid
		}
		_, _, want := send(t, "GET", "/api/v1/account/entries?"+q, nil, me.bearer)
		status, _, got := send(t, "GET", "/api/v1/account/entries.pdf?"+q, nil, me.bearer)
		wantProblem(t, "entries.pdf?"+q, status, got, http.StatusBadRequest, "validation_failed")
		if fmt.Sprint(got["errors"]) != fmt.Sprint(want["errors"]) || got["errors"] == nil {
			t.Errorf("entries.pdf?%s: errors %v; the screen says %v", q, got["errors"], want["errors"])
		}
	}
	status, _, body := a.do(t, "GET", "/api/v1/account/entries.pdf?from=2026-01-01&from=2026-02-01", nil, me.bearer)
	wantProblem(t, "from twice", status, body, http.StatusBadRequest, "validation_failed")
	status, _, body = a.doInvalid(t, "GET", "/api/v1/account/entries.pdf", nil, nil)
	wantProblem(t, "no session", status, body, http.StatusUnauthorized, "unauthenticated")

	// More lines than a statement holds: 422, and no unit of the limit
	// taken (the next 30 statements are still drawn).
	ctx := context.Background()
	var es []tenancy.Entry
	day := tenancy.Date{Year: 2019, Month: 4, Day: 1}
	for i := 0; i <= statement.MaxLines; i++ {
		es = append(es, tenancy.Entry{ID: fmt.Sprintf("E%05d", i), Date: day, Label: "Avis", Kind: tenancy.Notice, DebitCents: 100})
		if i%2 == 1 {
			day = tenancy.DateOf(day.Time().AddDate(0, 0, 1))
		}
	}
	if _, err := a.stack.Store().SyncEntries(ctx, lefevre.ref, es, true); err != nil {
		t.Fatal(err)
	}
	status, _, body = a.do(t, "GET", "/api/v1/account/entries.pdf?from=2019-01-01", nil, me.bearer)
	wantProblem(t, "2,001 lines", status, body, http.StatusUnprocessableEntity, "period_too_long")
	if d, _ := body["detail"].(string); !strings.Contains(d, "Choisissez une période plus courte") {
		t.Errorf("detail %q; want it to say to choose a shorter period", d)
	}
	// Exactly MaxLines is fine.
	last := es[statement.MaxLines-1].Date
	a.statementPDF(t, "from=2019-01-01&to="+last.String(), me.bearer, "2019-01-01", last.String())
}

// TestPDFLimitUnderABurst sends 40 statement requests at once for one
// lease: exactly the limit's 30 are drawn, the others throttled with an
// honest Retry-After, and a certificate is throttled too (the limit is
// shared); another lease is not.
func TestPDFLimitUnderABurst(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	me := a.loginTenant(t, ndiaye, "abdou.ndiaye@exemple.fr")
	other := a.loginTenant(t, dupont, "marie.dupont@exemple.fr")
	inOneWindow(t, attestation.Window, 30*time.Second)
	const n = 40
	statuses := make([]int, n)
	headers := make([]http.Header, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			req, _ := http.NewRequest("GET", a.base+"/api/v1/account/entries.pdf?from=2026-01-01", nil)
			req.Header.Set("Authorization", me.bearer["Authorization"])
			resp, err := a.client.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			statuses[i], headers[i] = resp.StatusCode, resp.Header
		})
	}
	time.Sleep(50 * time.Millisecond)
	close(start)
	wg.Wait()
	count := map[int]int{}
	for i, s := range statuses {
		count[s]++
		if s == http.StatusTooManyRequests && headers[i].Get("Retry-After") == "" {
			t.Errorf("#%d: 429 without Retry-After", i)
		}
	}
	if count[http.StatusOK] != attestation.PerLease || count[http.StatusTooManyRequests] != n-attestation.PerLease {
		t.Fatalf("statuses %v; want %d × 200 and %d × 429", count, attestation.PerLease, n-attestation.PerLease)
	}
	status, h, body := a.do(t, "POST", "/api/v1/certificates", obj{"kind": "tenancy"}, me.bearer)
	wantThrottled(t, "a certificate past the limit", status, h, body, attestation.Window)
	if d, _ := body["detail"].(string); !strings.Contains(d, "Réessayez dans") {
		t.Errorf("detail %q; want when to try again", d)
	}
	a.statementPDF(t, "from=2026-01-01&to=2026-11-30", other.bearer, "2026-01-01", "2026-11-30")
}

// landlord is the landlord the receipts function prints, from its settings.
func (a *api) landlord(t *testing.T) notice.Landlord {
	t.Helper()
	env, err := a.stack.FunctionEnv("receipts")
	if err != nil {
		t.Fatal(err)
	}
	l := portal.LandlordFrom(func(k string) string { return env[k] })
	if l.Name == "" {
		t.Fatal("the receipts function has no LANDLORD_NAME")
	}
	return l
}

// sameDocument compares two documents' JSON, the period by value.
func sameDocument(a, b documentJSON) bool {
	pa, pb := a.Period, b.Period
	a.Period, b.Period = nil, nil
	return a == b && (pa == nil) == (pb == nil) && (pa == nil || *pa == *pb)
}

// certificateJSON is the document a certificate request answers.
type certificateJSON = documentJSON

func (a *api) certificate(t *testing.T, headers map[string]string, want int) (certificateJSON, http.Header) {
	t.Helper()
	status, h, body := a.do(t, "POST", "/api/v1/certificates", obj{"kind": "tenancy"}, headers)
	wantStatus(t, "POST /api/v1/certificates", status, want, body)
	return as[certificateJSON](t, body), h
}

// certificateText downloads a certificate as the web app does (its /file
// link, then the presigned S3 link) and reads it back.
func (a *api) certificateText(t *testing.T, s tenantSession, d certificateJSON) string {
	t.Helper()
	link := as[documentLinkJSON](t, a.get(t, "/api/v1/documents/"+d.ID, s.bearer))
	if !strings.Contains(link.DownloadURL, url.PathEscape("receipts/")) && !strings.Contains(link.DownloadURL, "/receipts/") {
		t.Errorf("download link %s is not under receipts/", link.DownloadURL)
	}
	resp, err := http.Get(link.DownloadURL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || int64(len(body)) != d.SizeBytes {
		t.Fatalf("GET the certificate: %d, %d bytes (document says %d)", resp.StatusCode, len(body), d.SizeBytes)
	}
	return pdfText(t, body)
}

func TestTenancyCertificateOnTheDemo(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	celine := a.loginTenant(t, lefevre, "celine.lefevre@exemple.fr")
	abdou := a.loginTenant(t, ndiaye, "abdou.ndiaye@exemple.fr")
	marie := a.loginTenant(t, dupont, "marie.dupont@exemple.fr")
	day := today()
	period := day.String()[:7]
	landlord := a.landlord(t).Name

	d, h := a.certificate(t, celine.bearer, http.StatusCreated)
	if d.Kind != "tenancy_certificate" || d.Period == nil || *d.Period != period || d.Date != day.String() ||
		d.Title != "Attestation de situation locative du "+dateFR(day) || d.ContentType != "application/pdf" || d.SizeBytes < 1000 {
		t.Errorf("certificate %+v; want a tenancy_certificate of %s, dated today", d, period)
	}
	if h.Get("Location") != "/api/v1/documents/"+d.ID {
		t.Errorf("Location %q", h.Get("Location"))
	}
	text := a.certificateText(t, celine, d)
	says(t, "LEFÈVRE's certificate", text, "Attestation de situation locative", landlord+", bailleur, atteste que",
		"Céline LEFÈVRE et Julien LEFÈVRE sont locataires depuis le 15/03/2019 d’un logement de type T2 situé 4 allée des Tilleuls, Appartement 11, 92230 Gennevilliers",
		"référence L/0001234567", "Céline LEFÈVRE et Julien LEFÈVRE restent redevables de 350,00 € au "+dateFR(day)+".")

	// The same facts the same day: the same document, 200; one item, one
	// object.
	again, _ := a.certificate(t, celine.bearer, http.StatusOK)
	if !sameDocument(again, d) {
		t.Errorf("asked again: %+v, want %+v", again, d)
	}
	docs, _ := a.allDocuments(t, "kind=tenancy_certificate", celine.bearer)
	if len(docs) != 1 || !sameDocument(docs[0], d) {
		t.Errorf("Mes documents lists %+v; want the one certificate", docs)
	}
	keys := a.keys(t, "receipts/")
	if len(keys) != 1 || !regexp.MustCompile(`^receipts/[0-9a-f]{2}/1234567/tenancy_certificate/`+period+`/[0-9a-f]{16}\.pdf$`).MatchString(keys[0]) {
		t.Errorf("S3 keys %v; want receipts/<2 hex>/1234567/tenancy_certificate/%s/<version>.pdf", keys, period)
	}

	// N'DIAYE is in credit: up to date. DUPONT pays by direct debit.
	nd, _ := a.certificate(t, abdou.bearer, http.StatusCreated)
	says(t, "N'DIAYE's certificate", a.certificateText(t, abdou, nd),
		"Abdou N'DIAYE est locataire depuis le 01/07/2021 d’un logement de type T4 situé 27 avenue Jean Jaurès, Escalier A, 93300 Aubervilliers",
		"Abdou N'DIAYE est à jour de ses loyers et charges au "+dateFR(day)+".")
	md, _ := a.certificate(t, marie.bearer, http.StatusCreated)
	says(t, "DUPONT's certificate", a.certificateText(t, marie, md), "Marie DUPONT est à jour de ses loyers et charges au "+dateFR(day)+".")
}

func TestCertificateCountsOnlyWhatIsDue(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	// DUPONT's December notice debited today, due on the 5th of the month
	// after: her balance says 600 € but nothing is due yet. Once ended, the
	// lease reads "a été locataire du … au …".
	day := today()
	s := seedTenancy(t, a, dupont, residenceR1(), terms{start: "2015-09-01", dwellingType: "T3", method: tenancy.DirectDebit, dueDay: 5})
	marie := a.loginTenant(t, dupont, "marie.dupont@exemple.fr")
	ctx := context.Background()
	es := append(slices.Clone(s.entries), tenancy.Entry{ID: "AV-TODAY", Date: day, Label: "Avis d'échéance", Kind: tenancy.Notice, DebitCents: 60000})
	if _, err := a.stack.Store().SyncEntries(ctx, dupont.ref, es, true); err != nil {
		t.Fatal(err)
	}
	sum := a.get(t, "/api/v1/account", marie.bearer)
	bal := int64(sum["balanceCents"].(float64))
	due := attestation.DueDate(day, 5)
	d, _ := a.certificate(t, marie.bearer, http.StatusCreated)
	text := a.certificateText(t, marie, d)
	if day.Before(due) {
		if want := bal - 60000; want <= 0 {
			says(t, "the certificate", text, "Marie DUPONT est à jour de ses loyers et charges au "+dateFR(day)+".")
		} else {
			says(t, "the certificate", text, "Marie DUPONT reste redevable de "+frenchEuros(want)+" au "+dateFR(day)+".")
		}
		if bal < 60000 {
			t.Errorf("balance %d; want the new notice in it", bal)
		}
	}

	end := tenancy.DateOf(day.Time().AddDate(0, 0, -1))
	l := s.lease
	l.End = end
	if _, err := a.stack.Store().UpsertLeases(ctx, []tenancy.Lease{l}); err != nil {
		t.Fatal(err)
	}
	ended, _ := a.certificate(t, marie.bearer, http.StatusCreated)
	if ended.ID == d.ID {
		t.Error("an ended lease gives the same certificate")
	}
	says(t, "the ended lease's certificate", a.certificateText(t, marie, ended),
		"Marie DUPONT a été locataire du 01/09/2015 au "+dateFR(end)+" d’un logement de type T3")
}

func TestCertificateRefusals(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	celine := a.loginTenant(t, lefevre, "celine.lefevre@exemple.fr")
	for _, kind := range []any{"", "domicile", "TENANCY"} {
		status, _, body := a.do(t, "POST", "/api/v1/certificates", obj{"kind": kind}, celine.bearer)
		wantProblem(t, fmt.Sprintf("kind %q", kind), status, body, http.StatusBadRequest, "validation_failed")
		errs, _ := body["errors"].(map[string]any)
		if m, _ := errs["kind"].(string); !strings.Contains(m, "tenancy") {
			t.Errorf("kind %q: errors %v; want the kinds listed", kind, body["errors"])
		}
	}
	status, _, body := a.doInvalid(t, "POST", "/api/v1/certificates", obj{}, celine.bearer)
	wantProblem(t, "no kind", status, body, http.StatusBadRequest, "validation_failed")
	status, _, body = a.doInvalid(t, "POST", "/api/v1/certificates", obj{"kind": "tenancy", "for": "CAF"}, celine.bearer)
	wantProblem(t, "an unknown field", status, body, http.StatusBadRequest, "malformed_body")
	status, _, body = a.doInvalid(t, "POST", "/api/v1/certificates", obj{"kind": "tenancy"}, nil)
	wantProblem(t, "no session", status, body, http.StatusUnauthorized, "unauthenticated")
	// By cookie from another site: refused, nothing made.
	status, _, body = a.do(t, "POST", "/api/v1/certificates", obj{"kind": "tenancy"}, withCookie(celine.cookie, "Origin", "https://evil.example"))
	wantProblem(t, "cross-site", status, body, http.StatusForbidden, "forbidden")
	if keys := a.keys(t, "receipts/"); len(keys) != 0 {
		t.Errorf("refused requests left %v", keys)
	}
	if docs, _ := a.allDocuments(t, "kind=tenancy_certificate", celine.bearer); len(docs) != 0 {
		t.Errorf("refused requests left %v", docs)
	}
}

// TestCertificatesOfOthersAreNotFound: another tenant's certificate id is
// the same 404 as no id, and no link.
func TestCertificatesOfOthersAreNotFound(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	celine := a.loginTenant(t, lefevre, "celine.lefevre@exemple.fr")
	marie := a.loginTenant(t, dupont, "marie.dupont@exemple.fr")
	theirs, _ := a.certificate(t, celine.bearer, http.StatusCreated)
	mine, _ := a.certificate(t, marie.bearer, http.StatusCreated)
	_, _, none := a.do(t, "GET", "/api/v1/documents/tenancy_certificate-2026-11-000000000000", nil, marie.bearer)
	for _, path := range []string{"/api/v1/documents/" + theirs.ID, "/api/v1/documents/" + theirs.ID + "/file"} {
		status, h, body := a.do(t, "GET", path, nil, marie.bearer)
		wantProblem(t, "DUPONT reads "+path, status, body, http.StatusNotFound, "not_found")
		if h.Get("Location") != "" || body["downloadUrl"] != nil || body["detail"] != none["detail"] {
			t.Errorf("%s: %v %v; want the same 404 as an unknown id, no link", path, h, body)
		}
	}
	// Her own is hers.
	if got := as[documentLinkJSON](t, a.get(t, "/api/v1/documents/"+mine.ID, marie.bearer)); got.ID != mine.ID || got.DownloadURL == "" {
		t.Errorf("DUPONT's own certificate: %+v", got)
	}
}

// TestCertificateBurstMakesOneDocument: 40 requests at once with the same
// facts make one document, one object, and one 201.
func TestCertificateBurstMakesOneDocument(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	celine := a.loginTenant(t, lefevre, "celine.lefevre@exemple.fr")
	const n = 40
	bodies := make([]obj, n)
	for i := range bodies {
		bodies[i] = obj{"kind": "tenancy"}
	}
	replies := make([]reply, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			status, h, body := a.do(t, "POST", "/api/v1/certificates", bodies[i], celine.bearer)
			replies[i] = reply{status, h, body}
		})
	}
	time.Sleep(50 * time.Millisecond)
	close(start)
	wg.Wait()
	// Requests that all read "not made yet" before the first is stored
	// each take a unit of the limit to draw it: past PerLease they are
	// throttled. Every other answer is the one document.
	count, ids := map[int]int{}, map[any]bool{}
	for i, r := range replies {
		count[r.status]++
		if r.status == http.StatusTooManyRequests {
			wantThrottled(t, fmt.Sprintf("request #%d", i+1), r.status, r.header, r.body, attestation.Window)
			continue
		}
		ids[r.body["id"]] = true
	}
	if count[http.StatusCreated] != 1 || count[http.StatusOK]+count[http.StatusTooManyRequests] != n-1 ||
		count[http.StatusTooManyRequests] > n-attestation.PerLease || len(ids) != 1 {
		t.Errorf("statuses %v, ids %v; want one 201, the others 200 (or 429 past the limit), one id", count, ids)
	}
	if docs, _ := a.allDocuments(t, "kind=tenancy_certificate", celine.bearer); len(docs) != 1 {
		t.Errorf("%d certificates stored, want 1", len(docs))
	}
	if keys := a.keys(t, "receipts/"); len(keys) != 1 {
		t.Errorf("objects %v, want 1", keys)
	}
}
