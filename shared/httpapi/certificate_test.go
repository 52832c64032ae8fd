package httpapi_test

import (
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

	"github.com/citejardins/extranet/shared/attestation"
	"github.com/citejardins/extranet/shared/notice"
	"github.com/citejardins/extranet/shared/portal"
	"github.com/citejardins/extranet/shared/tenancy"
)

// The tenancy certificate (POST /api/v1/certificates) on the demo data:
// made once per facts and day, in Mes documents, read back with pdftotext.

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
	// DUPONT's next notice debited today, due on the lease's due day, which
	// is after today whatever today is: her balance holds its 600 € but
	// the certificate does not count it. Once ended, the lease reads "a
	// été locataire du … au …".
	day := today()
	dueDay := day.Day%28 + 1
	if due := attestation.DueDate(day, dueDay); !day.Before(due) {
		t.Fatalf("due day %d: the notice is due on %s, not after today %s", dueDay, due, day)
	}
	s := seedTenancy(t, a, dupont, residenceR1(), terms{start: "2015-09-01", dwellingType: "T3", method: tenancy.DirectDebit, dueDay: dueDay})
	marie := a.loginTenant(t, dupont, "marie.dupont@exemple.fr")
	ctx := context.Background()
	owedBefore := attestation.OwedOn(screenEntries(t, a, marie), dueDay, day)
	es := append(slices.Clone(s.entries), tenancy.Entry{ID: "AV-TODAY", Date: day, Label: "Avis d'échéance", Kind: tenancy.Notice, DebitCents: 60000})
	if _, err := a.stack.Store().SyncEntries(ctx, dupont.ref, es, true); err != nil {
		t.Fatal(err)
	}
	bal := int64(a.get(t, "/api/v1/account", marie.bearer)["balanceCents"].(float64))
	if bal < 60000 || bal-60000 < owedBefore {
		t.Fatalf("balance %d with today's notice, owed before it %d", bal, owedBefore)
	}
	d, _ := a.certificate(t, marie.bearer, http.StatusCreated)
	text := a.certificateText(t, marie, d)
	if owedBefore == 0 {
		says(t, "the certificate", text, "Marie DUPONT est à jour de ses loyers et charges au "+dateFR(day)+".")
	} else {
		says(t, "the certificate", text, "Marie DUPONT reste redevable de "+frenchEuros(owedBefore)+" au "+dateFR(day)+".")
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

// screenEntries is the lease's whole statement as the screen reads it,
// newest first.
func screenEntries(t *testing.T, a *api, s tenantSession) []tenancy.Entry {
	t.Helper()
	js, _ := a.allEntries(t, "", s.bearer)
	out := make([]tenancy.Entry, len(js))
	for i, e := range js {
		d, err := tenancy.ParseDate(e.Date)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = tenancy.Entry{ID: e.ID, Date: d, Label: e.Label, Kind: tenancy.EntryKind(e.Kind), DebitCents: e.DebitCents,
			CreditCents: e.CreditCents, BalanceAfterCents: e.BalanceAfterCents}
	}
	return out
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
