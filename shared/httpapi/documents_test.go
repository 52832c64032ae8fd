package httpapi_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/citejardins/extranet/infra/localstack"
	"github.com/citejardins/extranet/shared/document"
	"github.com/citejardins/extranet/shared/notice"
	"github.com/citejardins/extranet/shared/tenancy"
)

// "Mes documents" against the local stack: the demo leases as imported
// (DUPONT in residence SD01, LEFÈVRE in GV02), the demo landlord files the
// stack loads (infra/demo/documents), and notices seeded as the monthly run
// writes them: a DOC#notice#<period> item and its PDF under notices/.

type documentJSON struct {
	ID             string  `json:"id"`
	Kind           string  `json:"kind"`
	Title          string  `json:"title"`
	Period         *string `json:"period"`
	Date           string  `json:"date"`
	ContentType    string  `json:"contentType"`
	SizeBytes      int64   `json:"sizeBytes"`
	AmountDueCents *int64  `json:"amountDueCents"`
	DueDate        *string `json:"dueDate"`
}

type documentLinkJSON struct {
	documentJSON
	DownloadURL string `json:"downloadUrl"`
}

type documentPageJSON struct {
	Documents  []documentJSON `json:"documents"`
	NextCursor *string        `json:"nextCursor"`
}

const (
	guideKey     = "landlord/all/guide-eco-loc.pdf"
	reglementKey = "landlord/residences/SD01/reglement-interieur.pdf"
)

// demoFile reads one of the demo landlord files as committed.
func demoFile(t *testing.T, key string) []byte {
	t.Helper()
	root, err := localstack.FindRoot()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(root, "infra", "demo", "documents", filepath.FromSlash(key)))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// seededNotice is a notice seeded for a lease, with its PDF's bytes.
type seededNotice struct {
	doc  document.Document
	body []byte
}

// seedNotices issues notices of lease ref for the periods, from..to
// (AAAA-MM, included), each dated the 20th of the month before, with a
// small distinct "PDF" in the bucket.
func seedNotices(t *testing.T, a *api, ref, from, to string) []seededNotice {
	t.Helper()
	ctx := context.Background()
	p, err := notice.ParsePeriod(from)
	if err != nil {
		t.Fatal(err)
	}
	last, err := notice.ParsePeriod(to)
	if err != nil {
		t.Fatal(err)
	}
	var out []seededNotice
	for ; !last.First().Before(p.First()); p = p.Next() {
		period := p.String()
		key := "notices/" + period + "/" + ref + ".pdf"
		body := []byte(fmt.Sprintf("%%PDF-1.4\n%% avis %s du bail %s\n%%%%EOF\n", period, ref))
		if _, err := a.stack.S3Client().PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(localstack.DocumentsBucket), Key: &key,
			Body: bytes.NewReader(body), ContentType: aws.String("application/pdf")}); err != nil {
			t.Fatal(err)
		}
		issued := tenancy.DateOf(p.First().Time().AddDate(0, -1, 19))
		due := tenancy.Date{Year: p.Year, Month: p.Month, Day: 5}
		amount := int64(60000 + p.Year*12 + int(p.Month))
		d, err := a.stack.Store().PutDocument(ctx, ref, document.Document{Kind: document.Notice, Title: "Avis d'échéance " + period,
			Period: period, Date: issued, ContentType: "application/pdf", SizeBytes: int64(len(body)), FileName: notice.FileName(p),
			Key: key, AmountDueCents: &amount, DueDate: &due})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, seededNotice{doc: d, body: body})
	}
	return out
}

// specAllows reports whether openapi.yaml allows the GET, so that a test of
// bad values sends each with the right expectation.
func (a *api) specAllows(t *testing.T, path string, headers map[string]string) bool {
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
		return false
	}
	return openapi3filter.ValidateRequest(context.Background(),
		&openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: a.opts}) == nil
}

// allDocuments follows nextCursor from the first page of query and returns
// every document, failing on a page over 20 or a document seen twice.
func (a *api) allDocuments(t *testing.T, query string, headers map[string]string) (docs []documentJSON, pages int) {
	t.Helper()
	seen := map[string]bool{}
	cursor := ""
	for {
		path := "/api/v1/documents?" + query
		if cursor != "" {
			path += "&cursor=" + url.QueryEscape(cursor)
		}
		page := as[documentPageJSON](t, a.get(t, path, headers))
		pages++
		if len(page.Documents) > document.PageSize {
			t.Fatalf("%s: page %d has %d documents", path, pages, len(page.Documents))
		}
		for _, d := range page.Documents {
			if seen[d.ID] {
				t.Fatalf("document %s comes again on page %d of %q", d.ID, pages, query)
			}
			seen[d.ID] = true
		}
		docs = append(docs, page.Documents...)
		if page.NextCursor == nil {
			return docs, pages
		}
		if len(page.Documents) != document.PageSize {
			t.Fatalf("%s: a page of %d documents with a next cursor", path, len(page.Documents))
		}
		cursor = *page.NextCursor
	}
}

func TestDocumentsListNewestFirstWithFiltersAndPages(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	me := a.loginTenant(t, dupont, "marie.dupont@exemple.fr")
	notices := seedNotices(t, a, dupont.ref, "2025-01", "2027-01") // 25 notices
	today := today()

	docs, pages := a.allDocuments(t, "", me.bearer)
	if pages != 2 || len(docs) != 27 {
		t.Fatalf("%d documents on %d pages; want 25 notices and 2 landlord documents on 2 pages", len(docs), pages)
	}
	// Newest first: dates never increase; notices by period, descending.
	var periods []string
	for i, d := range docs {
		if i > 0 && d.Date > docs[i-1].Date {
			t.Errorf("document %d (%s, %s) is newer than the one before (%s)", i, d.ID, d.Date, docs[i-1].Date)
		}
		if d.Kind == "notice" {
			periods = append(periods, *d.Period)
		}
	}
	if !slices.IsSortedFunc(periods, func(x, y string) int { return strings.Compare(y, x) }) || len(periods) != 25 {
		t.Errorf("notice periods %v; want the 25, newest first", periods)
	}

	byID := map[string]documentJSON{}
	for _, d := range docs {
		byID[d.ID] = d
	}
	// A notice, field by field.
	n := notices[23] // 2026-12
	got := byID[n.doc.ID]
	if got.Kind != "notice" || got.Title != "Avis d'échéance 2026-12" || *got.Period != "2026-12" || got.Date != "2026-11-20" ||
		got.ContentType != "application/pdf" || got.SizeBytes != int64(len(n.body)) || got.AmountDueCents == nil ||
		*got.AmountDueCents != *n.doc.AmountDueCents || got.DueDate == nil || *got.DueDate != "2026-12-05" {
		t.Errorf("notice 2026-12 = %+v; want what was issued (%+v)", got, n.doc)
	}
	// The landlord's documents: for every tenant, and for SD01, DUPONT's
	// residence; titled from their metadata, dated the day they were put
	// online, without period, amount or due date.
	for _, want := range []struct{ key, title string }{
		{guideKey, "Guide Eco’Loc"},
		{reglementKey, "Règlement intérieur, Résidence Les Jardins"},
	} {
		d, ok := byID[document.LandlordID(want.key)]
		if !ok {
			t.Errorf("%s is not in the list", want.key)
			continue
		}
		if d.Kind != "landlord" || d.Title != want.title || d.Period != nil || d.AmountDueCents != nil || d.DueDate != nil ||
			d.Date != today.String() || d.ContentType != "application/pdf" || d.SizeBytes != int64(len(demoFile(t, want.key))) {
			t.Errorf("%s = %+v; want title %q, dated %s, no period", want.key, d, want.title, today)
		}
	}

	// Filters.
	count := func(query string) (notices, landlord int) {
		t.Helper()
		ds, _ := a.allDocuments(t, query, me.bearer)
		for _, d := range ds {
			if d.Kind == "notice" {
				notices++
			} else {
				landlord++
			}
		}
		return notices, landlord
	}
	landlordThisYear := 0
	if today.Year == 2026 {
		landlordThisYear = 2
	}
	for _, tt := range []struct {
		query              string
		notices, landlords int
	}{
		{"kind=notice", 25, 0},
		{"kind=landlord", 0, 2},
		{"year=2025", 12, 0},
		{"year=2026", 12, landlordThisYear},
		// Period 2027-01, issued in December 2026: in 2027.
		{"year=2027", 1, 0},
		{"year=2024", 0, 0},
		{"kind=notice&year=2026", 12, 0},
		{"kind=landlord&year=" + strconv.Itoa(today.Year), 0, 2},
	} {
		if n, l := count(tt.query); n != tt.notices || l != tt.landlords {
			t.Errorf("%s: %d notices and %d landlord documents; want %d and %d", tt.query, n, l, tt.notices, tt.landlords)
		}
	}
	// A page's cursor is bound to no filter but to a position: the second
	// page of the whole list holds the oldest seven.
	first := as[documentPageJSON](t, a.get(t, "/api/v1/documents", me.bearer))
	second := as[documentPageJSON](t, a.get(t, "/api/v1/documents?cursor="+url.QueryEscape(*first.NextCursor), me.bearer))
	if len(second.Documents) != 7 || second.NextCursor != nil || second.Documents[6].ID != notices[0].doc.ID {
		t.Errorf("second page: %d documents, next %v; want the 7 oldest, ending with 2025-01", len(second.Documents), second.NextCursor)
	}

	// Bad values: 400, one message per parameter, in French.
	badCursor := base64.RawURLEncoding.EncodeToString([]byte("2026-01-01|2026-13|notice-2026-12-0123456789ab"))
	for _, tt := range []struct{ query, field, msg string }{
		{"kind=receipt", "kind", "«\u00A0notice\u00A0»"},
		{"kind=NOTICE", "kind", ""},
		{"kind=", "", ""}, // empty is no filter
		{"year=1999", "year", "Choisissez une année entre 2000 et 2099"},
		{"year=2100", "year", "Choisissez une année entre 2000 et 2099"},
		{"year=0000", "year", "Choisissez une année entre 2000 et 2099"},
		{"year=26", "year", "L’année s’écrit avec quatre chiffres"},
		{"year=02026", "year", "L’année s’écrit avec quatre chiffres"},
		{"year=2026.0", "year", "L’année s’écrit avec quatre chiffres"},
		{"year=%202026", "year", "L’année s’écrit avec quatre chiffres"},
		{"year=-999", "year", "L’année s’écrit avec quatre chiffres"},
		{"cursor=not-a-cursor", "cursor", ""},
		{"cursor=" + badCursor, "cursor", ""},
		{"cursor=" + strings.Repeat("A", 300), "cursor", ""},
		{"kind=notice&kind=landlord", "kind", ""},
		{"year=%ZZ", "year", ""},
	} {
		path := "/api/v1/documents?" + tt.query
		status, _, body := a.send(t, a.specAllows(t, path, me.bearer), "GET", path, nil, me.bearer)
		if tt.field == "" {
			wantStatus(t, path, status, http.StatusOK, body)
			continue
		}
		wantProblem(t, path, status, body, http.StatusBadRequest, "validation_failed")
		if f := fieldErrors(body); !slices.Equal(f, []string{tt.field}) {
			t.Errorf("%s: errors on %v; want %s", path, f, tt.field)
		}
		msg, _ := body["errors"].(map[string]any)[tt.field].(string)
		if !strings.ContainsAny(msg, "éèà") && !strings.Contains(msg, "Revenez") && !strings.Contains(msg, "paramètre") {
			t.Errorf("%s: message %q is not one a tenant can act on", path, msg)
		}
		if tt.msg != "" && (!strings.Contains(msg, tt.msg) || strings.Contains(msg, "'")) {
			t.Errorf("%s: message %q, want one saying %q (with ’)", path, msg, tt.msg)
		}
	}

	// Notices issued between two pages sort where they belong: the next
	// page skips none of the older ones and repeats none of the first.
	newer := seedNotices(t, a, dupont.ref, "2027-02", "2027-02")[0]
	older := seedNotices(t, a, dupont.ref, "2024-12", "2024-12")[0]
	rest := as[documentPageJSON](t, a.get(t, "/api/v1/documents?cursor="+url.QueryEscape(*first.NextCursor), me.bearer))
	var restIDs []string
	for _, d := range rest.Documents {
		restIDs = append(restIDs, d.ID)
	}
	wantRest := []string{}
	for _, d := range second.Documents {
		wantRest = append(wantRest, d.ID)
	}
	wantRest = append(wantRest, older.doc.ID)
	if !slices.Equal(restIDs, wantRest) || slices.Contains(restIDs, newer.doc.ID) {
		t.Errorf("the page after the first, once two notices were added: %v; want %v", restIDs, wantRest)
	}
}

// wantDownloadURL checks a download link's shape (a presigned GET of the
// file for at most 5 minutes, answered as an attachment named name) and
// returns the bytes the S3 emulator answers at it.
func wantDownloadURL(t *testing.T, link, key, name string, maxAge time.Duration) []byte {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil {
		t.Fatalf("downloadUrl %q: %v", link, err)
	}
	q := u.Query()
	if !strings.HasSuffix(u.Path, "/"+localstack.DocumentsBucket+"/"+key) {
		t.Errorf("downloadUrl path %s; want the object %s", u.Path, key)
	}
	expires, err := strconv.Atoi(q.Get("X-Amz-Expires"))
	if err != nil || expires <= 0 || time.Duration(expires)*time.Second > maxAge {
		t.Errorf("X-Amz-Expires = %q; want at most %s", q.Get("X-Amz-Expires"), maxAge)
	}
	if q.Get("X-Amz-Algorithm") != "AWS4-HMAC-SHA256" || q.Get("X-Amz-Signature") == "" || q.Get("X-Amz-Credential") == "" {
		t.Errorf("downloadUrl %s is not presigned (SigV4 in the query)", link)
	}
	ascii := strings.NewReplacer("è", "e", "é", "e").Replace(name)
	wantDisp := `attachment; filename="` + ascii + `"; filename*=UTF-8''` + strings.ReplaceAll(url.PathEscape(name), "'", "%27")
	if got := q.Get("response-content-disposition"); got != wantDisp {
		t.Errorf("response-content-disposition = %q; want %q", got, wantDisp)
	}
	if got := q.Get("response-content-type"); got != "application/pdf" {
		t.Errorf("response-content-type = %q; want application/pdf", got)
	}
	// A browser follows it: no cookie, no header of ours.
	resp, err := http.Get(link)
	if err != nil {
		t.Fatalf("GET downloadUrl: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Disposition") != wantDisp || resp.Header.Get("Content-Type") != "application/pdf" {
		t.Errorf("GET downloadUrl: %d, Content-Disposition %q, Content-Type %q", resp.StatusCode,
			resp.Header.Get("Content-Disposition"), resp.Header.Get("Content-Type"))
	}
	return body
}

func TestDocumentDownloadLinks(t *testing.T) {
	t.Parallel()
	a := start(t, map[string]string{"DOCUMENT_URL_TTL": "90s"})
	me := a.loginTenant(t, dupont, "marie.dupont@exemple.fr")
	n := seedNotices(t, a, dupont.ref, "2026-12", "2026-12")[0]

	for _, tt := range []struct {
		id, key, name, title string
		body                 []byte
	}{
		{n.doc.ID, n.doc.Key, "avis-echeance-2026-12.pdf", "Avis d'échéance 2026-12", n.body},
		{document.LandlordID(guideKey), guideKey, "guide-eco-loc.pdf", "Guide Eco’Loc", demoFile(t, guideKey)},
		{document.LandlordID(reglementKey), reglementKey, "reglement-interieur.pdf", "Règlement intérieur, Résidence Les Jardins", demoFile(t, reglementKey)},
	} {
		d := as[documentLinkJSON](t, a.get(t, "/api/v1/documents/"+tt.id, me.bearer))
		if d.ID != tt.id || d.Title != tt.title {
			t.Errorf("GET %s: %+v; want %s titled %q", tt.id, d.documentJSON, tt.id, tt.title)
		}
		if got := wantDownloadURL(t, d.DownloadURL, tt.key, tt.name, 90*time.Second); !bytes.Equal(got, tt.body) {
			t.Errorf("%s: the link gives %d bytes that are not the file's %d", tt.key, len(got), len(tt.body))
		}

		// The web app's link: a 302 to a fresh link, never cached, with
		// the session cookie.
		status, header, body := a.do(t, "GET", "/api/v1/documents/"+tt.id+"/file", nil, withCookie(me.cookie))
		wantStatus(t, "GET file of "+tt.id, status, http.StatusFound, body)
		if header.Get("Cache-Control") != "no-store" || body != nil {
			t.Errorf("302 of %s: Cache-Control %q, body %v", tt.id, header.Get("Cache-Control"), body)
		}
		if got := wantDownloadURL(t, header.Get("Location"), tt.key, tt.name, 90*time.Second); !bytes.Equal(got, tt.body) {
			t.Errorf("%s: the redirect gives %d bytes that are not the file's", tt.key, len(got))
		}

		// The same link signed 91 seconds ago is past its life: S3 (and
		// the local stack's) refuses it, and gives no byte.
		u, _ := url.Parse(d.DownloadURL)
		q := u.Query()
		q.Set("X-Amz-Date", time.Now().UTC().Add(-91*time.Second).Format("20060102T150405Z"))
		u.RawQuery = q.Encode()
		resp, err := http.Get(u.String())
		if err != nil {
			t.Fatal(err)
		}
		late, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden || bytes.Contains(late, []byte("%PDF")) {
			t.Errorf("%s: a link 91 s old gives %d %q; want 403", tt.key, resp.StatusCode, late)
		}
	}
}

// TestDocumentURLTTLIsCapped: a setting over 5 minutes signs for 5.
func TestDocumentURLTTLIsCapped(t *testing.T) {
	t.Parallel()
	a := start(t, map[string]string{"DOCUMENT_URL_TTL": "1h"})
	me := a.loginTenant(t, dupont, "marie.dupont@exemple.fr")
	d := as[documentLinkJSON](t, a.get(t, "/api/v1/documents/"+document.LandlordID(guideKey), me.bearer))
	u, err := url.Parse(d.DownloadURL)
	if err != nil || u.Query().Get("X-Amz-Expires") != "300" {
		t.Errorf("X-Amz-Expires of %s = %q; want 300 (5 minutes, the cap)", d.DownloadURL, u.Query().Get("X-Amz-Expires"))
	}
}

func TestDocumentsOfOthersAreNotFound(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	marie := a.loginTenant(t, dupont, "marie.dupont@exemple.fr")     // SD01
	celine := a.loginTenant(t, lefevre, "celine.lefevre@exemple.fr") // GV02
	mine := seedNotices(t, a, dupont.ref, "2026-11", "2026-12")
	theirs := seedNotices(t, a, lefevre.ref, "2026-12", "2026-12")[0]
	// A document for GV02 only.
	gvKey := "landlord/residences/GV02/charte-vivre-ensemble.pdf"
	if _, err := a.stack.S3Client().PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(localstack.DocumentsBucket),
		Key: &gvKey, Body: strings.NewReader("%PDF-1.4 charte"), Metadata: map[string]string{"title": "Charte%20du%20Vivre%20Ensemble"}}); err != nil {
		t.Fatal(err)
	}

	// Each sees their own residence's documents only.
	ids := func(s tenantSession) map[string]string {
		ds, _ := a.allDocuments(t, "", s.bearer)
		m := map[string]string{}
		for _, d := range ds {
			m[d.ID] = d.Title
		}
		return m
	}
	mm, cm := ids(marie), ids(celine)
	if _, ok := mm[document.LandlordID(gvKey)]; ok || len(mm) != 4 {
		t.Errorf("DUPONT's list %v; want 2 notices, the guide and SD01's rules, not GV02's charter", mm)
	}
	if cm[document.LandlordID(gvKey)] != "Charte du Vivre Ensemble" || len(cm) != 3 {
		t.Errorf("LEFÈVRE's list %v; want a notice, the guide and GV02's charter", cm)
	}
	if _, ok := cm[document.LandlordID(reglementKey)]; ok {
		t.Errorf("LEFÈVRE sees SD01's rules")
	}

	// What LEFÈVRE may not read, and what is no id: one answer for all.
	notMine := []string{
		mine[0].doc.ID, mine[1].doc.ID, // DUPONT's notices
		document.LandlordID(reglementKey),                                 // SD01's rules
		document.LeaseDocumentID(lefevre.ref, document.Notice, "2026-11"), // hers, if it existed
		"notice-2026-12-" + strings.Repeat("0", 12),
		strings.Replace(theirs.doc.ID, "notice-2026-12", "notice-2026-11", 1), // her hash, another period
		document.LandlordID("landlord/residences/SD01/"),
		document.LandlordID("notices/2026-12/" + dupont.ref + ".pdf"),
		"landlord-" + strings.Repeat("f", 16),
		"x", "notice", "NOTICE-2026-12-0123456789ab", "notice-2026-12-0123456789ab.pdf", "receipt-2026-12-0123456789ab",
		strings.Repeat("a", 64), "notice-2026-12-%30123456789ab", "landlord-%2e%2e",
	}
	var reference obj
	for _, id := range notMine {
		for _, suffix := range []string{"", "/file"} {
			path := "/api/v1/documents/" + id + suffix
			status, header, body := a.send(t, a.specAllows(t, path, celine.bearer), "GET", path, nil, celine.bearer)
			if status == http.StatusNotFound && body["message"] == "Not Found" {
				continue // API Gateway's own 404 (a path no route matches): no function saw it
			}
			wantProblem(t, path, status, body, http.StatusNotFound, "not_found")
			if header.Get("Location") != "" {
				t.Errorf("%s: Location %q on a 404", path, header.Get("Location"))
			}
			if reference == nil {
				reference = body
			} else if fmt.Sprint(body) != fmt.Sprint(reference) {
				t.Errorf("%s: %v; want the same answer as for any id that is not hers: %v", path, body, reference)
			}
		}
	}
	if reference == nil || !strings.Contains(reference["detail"].(string), "Revenez à la liste de vos documents") {
		t.Errorf("the 404 says %v; want a French message saying what to do next", reference)
	}
	// And her own notice opens.
	if d := as[documentLinkJSON](t, a.get(t, "/api/v1/documents/"+theirs.doc.ID, celine.bearer)); d.DownloadURL == "" {
		t.Errorf("her own notice has no link")
	}

	// 40 requests at once for others' ids (and 10 of her own): each gets its
	// own answer, and no link leaks.
	type reply struct {
		status   int
		body     string
		location string
	}
	var wg sync.WaitGroup
	replies := make([]reply, 50)
	client := &http.Client{Timeout: 20 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for i := range replies {
		id, suffix := notMine[i%5], []string{"", "/file"}[i%2]
		if i >= 40 {
			id = theirs.doc.ID
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest("GET", a.base+"/api/v1/documents/"+id+suffix, nil)
			req.Header.Set("Authorization", celine.bearer["Authorization"])
			resp, err := client.Do(req)
			if err != nil {
				t.Errorf("request %d: %v", i, err)
				return
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			replies[i] = reply{resp.StatusCode, string(b), resp.Header.Get("Location")}
		}()
	}
	wg.Wait()
	for i, r := range replies[:40] {
		if r.status != http.StatusNotFound || r.location != "" || strings.Contains(r.body, "X-Amz") || r.body != replies[0].body {
			t.Errorf("parallel request %d for another's id: %d %q %s", i, r.status, r.location, r.body)
		}
	}
	for i, r := range replies[40:] {
		want := http.StatusOK
		if i%2 == 1 {
			want = http.StatusFound
		}
		if r.status != want || (want == http.StatusFound) != (r.location != "") || !strings.Contains(r.body+r.location, "X-Amz-Signature") {
			t.Errorf("parallel request %d for her own notice: %d %q", 40+i, r.status, r.location)
		}
	}
}

func TestDocumentRoutesNeedASession(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	id := document.LandlordID(guideKey)
	for _, path := range []string{"/api/v1/documents", "/api/v1/documents?kind=landlord", "/api/v1/documents/" + id, "/api/v1/documents/" + id + "/file"} {
		status, header, body := a.doInvalid(t, "GET", path, nil, nil)
		wantProblem(t, path+" without a session", status, body, http.StatusUnauthorized, "unauthenticated")
		if header.Get("Location") != "" {
			t.Errorf("%s without a session: Location %q", path, header.Get("Location"))
		}
		status, _, body = a.do(t, "GET", path, nil, bearer("q0s4n6b2Zxg5kH3PvX1c9yT8uW7rJm2LpA4dE6fG8hI"))
		wantProblem(t, path+" with an unknown token", status, body, http.StatusUnauthorized, "unauthenticated")
	}
	me := a.loginTenant(t, dupont, "marie.dupont@exemple.fr")
	for _, tt := range []struct{ method, path string }{
		{"POST", "/api/v1/documents"},
		{"DELETE", "/api/v1/documents/" + id},
		{"PUT", "/api/v1/documents/" + id + "/file"},
		{"GET", "/api/v1/documents/" + id + "/file/x"},
	} {
		a.doInvalid(t, tt.method, tt.path, nil, me.bearer)
	}
}
