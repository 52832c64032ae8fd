package httpapi_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/citejardins/extranet/shared/attestation"
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

	// More lines than a statement holds: 422, nothing drawn, no unit of
	// the limit taken.
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
	// The refusal took no unit of the lease's limit: a limit of one still
	// has its unit.
	if _, wait, err := a.stack.Store().Take(ctx, attestation.LimitKey(lefevre.ref), 1, attestation.Window, time.Now); err != nil || wait != 0 {
		t.Errorf("after the 422, a unit of a limit of 1: wait %s, err %v; want it free", wait, err)
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

// TestStatementPDFOfAPeriodWithoutLines: a period with no line says so,
// with the balance it carries (the last line's before it; none: nothing
// owed).
func TestStatementPDFOfAPeriodWithoutLines(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	me := a.loginTenant(t, lefevre, "celine.lefevre@exemple.fr")
	text := pdfText(t, a.statementPDF(t, "from=2030-01-01&to=2030-01-31", me.bearer, "2030-01-01", "2030-01-31"))
	says(t, "a later period", text, "Aucune opération sur cette période.",
		"Solde au début de la période : reste dû 350,00 €", "Solde au 31/01/2030 : reste dû 350,00 €")
	rowsInOrder(t, text, nil)
	text = pdfText(t, a.statementPDF(t, "from=2001-01-01&to=2001-12-31", me.bearer, "2001-01-01", "2001-12-31"))
	says(t, "a period before the lease", text, "Aucune opération sur cette période.",
		"Solde au début de la période : aucune somme due 0,00 €", "Solde au 31/12/2001 : aucune somme due 0,00 €")
}
