package httpapi_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/citejardins/extranet/infra/localstack"
	"github.com/citejardins/extranet/shared/filecheck/samples"
	"github.com/citejardins/extranet/shared/insurance"
	"github.com/citejardins/extranet/shared/tenancy"
)

// "Mon assurance" against the local stack: presigned POSTs to the S3
// emulator (which checks neither policy nor signature: the policy is
// decoded here, and the file is checked again once it landed), the
// confirmation's checks, and what reaches the ERP's export.

// insuranceTenant signs a demo lease up, logs in, and returns its bearer
// headers.
func insuranceTenant(t *testing.T, a *api, l lease) map[string]string {
	t.Helper()
	email := strings.ToLower(strings.NewReplacer("È", "e", "'", "").Replace(l.lastName)) + "@example.fr"
	const pw = "les hortensias bleus du jardin"
	a.register(t, l, email, pw)
	return bearer(a.loginToken(t, email, pw))
}

type presignedUpload struct {
	UploadID  string            `json:"uploadId"`
	URL       string            `json:"url"`
	Fields    map[string]string `json:"fields"`
	ExpiresAt time.Time         `json:"expiresAt"`
}

// newUpload asks for a presigned POST.
func (a *api) newUpload(t *testing.T, auth map[string]string, name, contentType string, size int) presignedUpload {
	t.Helper()
	status, _, body := a.do(t, "POST", "/api/v1/insurance/uploads", obj{"fileName": name, "contentType": contentType, "sizeBytes": size}, auth)
	wantStatus(t, "new upload", status, http.StatusCreated, body)
	var u presignedUpload
	raw, _ := json.Marshal(body)
	if err := json.Unmarshal(raw, &u); err != nil {
		t.Fatal(err)
	}
	return u
}

// post sends data as a browser's form does to the presigned POST: every
// field, then the file, last; with the portal's Origin.
func (a *api) post(t *testing.T, u presignedUpload, data []byte) *http.Response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range u.Fields {
			if !yield(k) {
				return
			}
		}
	}) {
		mw.WriteField(k, u.Fields[k])
	}
	fw, err := mw.CreateFormFile("file", "attestation")
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	req, err := http.NewRequest("POST", u.URL, &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", a.base)
	resp, err := a.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		t.Fatalf("POST of the file to S3: %d", resp.StatusCode)
	}
	return resp
}

func (a *api) confirm(t *testing.T, auth map[string]string, uploadID string, end tenancy.Date) (int, obj) {
	t.Helper()
	status, _, body := a.do(t, "POST", "/api/v1/insurance/certificates", obj{"uploadId": uploadID, "insurer": "MAIF",
		"policyNumber": "HAB-4471902", "startDate": end.Time().AddDate(-1, 0, 1).Format(time.DateOnly), "endDate": end.String()}, auth)
	return status, body
}

// objectOrNil reads an object of the documents bucket; nil when there is none.
func (a *api) objectOrNil(t *testing.T, key string) []byte {
	t.Helper()
	out, err := a.stack.S3Client().GetObject(context.Background(), &s3.GetObjectInput{Bucket: &localstack.DocumentsBucket, Key: &key})
	var nsk *types.NoSuchKey
	if errors.As(err, &nsk) {
		return nil
	}
	if err != nil {
		t.Fatalf("get %s: %v", key, err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// insuranceEvents returns the lease's insurance_certificate_submitted
// events as the ERP reads them.
func (a *api) insuranceEvents(t *testing.T, ref string) []exportedEvent {
	t.Helper()
	return a.exportedEvents(t, ref, insurance.EventSubmitted)
}

// french is a rough check that a message is the French one written for
// tenants (their apostrophes are typographic; no English word is).
func french(s string) bool { return strings.ContainsAny(s, "éèàêôç’") }

// nextYear is a cover's end, a year from today.
func nextYear() tenancy.Date {
	return tenancy.DateOf(tenancy.ParisDate(time.Now()).Time().AddDate(1, 0, 0))
}

// TestInsuranceUploadPolicy decodes the presigned POST's policy: it pins
// the bucket, the key the server chose, the declared Content-Type, a size
// of 1 byte to 10 MiB, and expires within 10 minutes.
func TestInsuranceUploadPolicy(t *testing.T) {
	a := start(t, nil)
	auth := insuranceTenant(t, a, dupont)
	before := time.Now()
	u := a.newUpload(t, auth, "attestation.pdf", "application/pdf", 120000)

	if !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(u.UploadID) {
		t.Errorf("uploadId %q is not 128 bits in hex", u.UploadID)
	}
	if want := a.stack.Endpoints["S3"] + "/" + localstack.DocumentsBucket; u.URL != want {
		t.Errorf("url %q, want the bucket %q", u.URL, want)
	}
	key := "insurance/uploads/" + u.UploadID
	if u.Fields["key"] != key || u.Fields["Content-Type"] != "application/pdf" {
		t.Errorf("fields %v, want key %s and Content-Type application/pdf", u.Fields, key)
	}
	raw, err := base64.StdEncoding.DecodeString(u.Fields["policy"])
	if err != nil {
		t.Fatalf("policy is not base64: %v", err)
	}
	var policy struct {
		Expiration time.Time `json:"expiration"`
		Conditions []any     `json:"conditions"`
	}
	if err := json.Unmarshal(raw, &policy); err != nil {
		t.Fatalf("policy is not JSON: %v\n%s", err, raw)
	}
	if policy.Expiration.After(before.Add(insurance.UploadTTL+time.Second)) || !policy.Expiration.After(time.Now()) {
		t.Errorf("policy expires at %s, want within 10 minutes of %s", policy.Expiration, before)
	}
	if !policy.Expiration.Equal(u.ExpiresAt) {
		t.Errorf("expiresAt %s, policy's expiration %s", u.ExpiresAt, policy.Expiration)
	}
	want := map[string]bool{
		`{"bucket":"` + localstack.DocumentsBucket + `"}`: false,
		`{"key":"` + key + `"}`:                           false,
		`{"Content-Type":"application/pdf"}`:              false,
		`["content-length-range",1,10485760]`:             false,
	}
	for _, c := range policy.Conditions {
		b, _ := json.Marshal(c)
		if _, ok := want[string(b)]; ok {
			want[string(b)] = true
		}
		// No condition may widen the key or the type.
		if s := string(b); strings.Contains(s, "starts-with") {
			t.Errorf("policy condition %s lets the browser choose", s)
		}
	}
	for c, found := range want {
		if !found {
			t.Errorf("policy lacks %s: %s", c, raw)
		}
	}

	// The upload item is the lease's, with its expiry.
	up, err := a.stack.Store().Upload(context.Background(), dupont.ref, u.UploadID)
	if err != nil || up.Key != key || up.ContentType != "application/pdf" || up.SizeBytes != 120000 || up.FileName != "attestation.pdf" ||
		up.ExpiresAt.Before(u.ExpiresAt) {
		t.Errorf("stored upload %+v (%v)", up, err)
	}
}

// TestInsuranceUploadFields: a bad file name, type or size is a 400 naming
// each field, in French, and no upload is made.
func TestInsuranceUploadFields(t *testing.T) {
	a := start(t, nil)
	auth := insuranceTenant(t, a, dupont)
	for _, tc := range []struct {
		body obj
		want []string
	}{
		{obj{"fileName": "", "contentType": "application/zip", "sizeBytes": 0}, []string{"contentType", "fileName", "sizeBytes"}},
		{obj{"fileName": "a\u0007.pdf", "contentType": "text/html", "sizeBytes": insurance.MaxBytes + 1}, []string{"contentType", "fileName", "sizeBytes"}},
		{obj{"fileName": strings.Repeat("a", 201), "contentType": "image/png", "sizeBytes": -5}, []string{"fileName", "sizeBytes"}},
		{obj{"fileName": "photo.jpg", "contentType": "image/jpeg", "sizeBytes": 1.5}, []string{"sizeBytes"}},
	} {
		status, _, body := a.doInvalid(t, "POST", "/api/v1/insurance/uploads", tc.body, auth)
		wantProblem(t, fmt.Sprint(tc.body), status, body, http.StatusBadRequest, "validation_failed")
		if got := fieldErrors(body); !slices.Equal(got, tc.want) {
			t.Errorf("%v: fields %v, want %v", tc.body, got, tc.want)
		}
		for f, m := range body["errors"].(map[string]any) {
			if msg := m.(string); !french(msg) {
				t.Errorf("%s: message %q is not French", f, msg)
			}
		}
	}
}

// TestInsuranceOtherLeasesUpload: a tenant confirming another lease's
// upload id gets the 404 of an unknown id; nothing of the file is read or
// moved, and its owner still confirms it.
func TestInsuranceOtherLeasesUpload(t *testing.T) {
	a := start(t, nil)
	marie := insuranceTenant(t, a, dupont)
	celine := insuranceTenant(t, a, lefevre)
	u := a.newUpload(t, marie, "attestation.pdf", "application/pdf", len(samples.PDF()))
	a.post(t, u, samples.PDF())

	status, body := a.confirm(t, celine, u.UploadID, nextYear())
	wantProblem(t, "another lease's upload", status, body, http.StatusNotFound, "not_found")
	_, _, unknown := a.do(t, "POST", "/api/v1/insurance/certificates", obj{"uploadId": "0123456789abcdef0123456789abcdef",
		"insurer": "MAIF", "policyNumber": "1", "startDate": "2026-01-01", "endDate": nextYear().String()}, celine)
	if body["detail"] != unknown["detail"] {
		t.Errorf("another lease's upload: %v; an unknown one: %v; want the same answer", body["detail"], unknown["detail"])
	}
	if got := a.objectOrNil(t, "insurance/uploads/"+u.UploadID); !bytes.Equal(got, samples.PDF()) {
		t.Errorf("the upload's file changed after another tenant's confirmation")
	}
	if b := a.objectOrNil(t, insurance.QuarantineKey(lefevre.ref, u.UploadID)); b != nil {
		t.Errorf("the other tenant's confirmation copied the file")
	}
	_, _, ov := a.do(t, "GET", "/api/v1/insurance", nil, celine)
	if ov["status"] != "missing" || len(ov["history"].([]any)) != 0 {
		t.Errorf("the other tenant's insurance: %v, want none", ov)
	}
	status, body = a.confirm(t, marie, u.UploadID, nextYear())
	wantStatus(t, "owner's confirmation", status, http.StatusCreated, body)
}

// TestInsuranceRefusedFiles: each file the checks refuse gets a 422 with
// its reason's code and a French message; the file goes to quarantine, the
// upload is used, and nothing reaches the certificate, the status nor the
// ERP's export.
func TestInsuranceRefusedFiles(t *testing.T) {
	a := start(t, nil)
	auth := insuranceTenant(t, a, dupont)
	for _, tc := range []struct {
		name, ct string
		data     []byte
		code     string
	}{
		{"a PNG declared as PDF", insurance.PDF, samples.PNG(), "file_type_mismatch"},
		{"a PDF over 10 MiB", insurance.PDF, append(samples.PDF(), bytes.Repeat([]byte{' '}, insurance.MaxBytes)...), "file_too_large"},
		{"a PDF with JavaScript", insurance.PDF, samples.JavaScriptPDF(), "file_javascript"},
		{"a PDF hiding JavaScript in an object stream", insurance.PDF,
			samples.ObjectStreamPDF("/OpenAction 6 0 R", "<< /S /JavaScript /JS (app.alert\\(1\\)) >>"), "file_javascript"},
		{"a PDF writing JavaScript with #4A escapes", insurance.PDF,
			samples.ObjectStreamPDF("/OpenAction 6 0 R", "<< /S /#4AavaScript /#4AS (app.alert\\(1\\)) >>"), "file_javascript"},
		{"a truncated PDF", insurance.PDF, samples.TruncatedPDF(), "file_unreadable"},
		{"a PDF that launches a program", insurance.PDF, samples.LaunchPDF(), "file_launch_action"},
		{"a PDF with an embedded file", insurance.PDF, samples.EmbeddedFilePDF(), "file_embedded_file"},
		{"an encrypted PDF", insurance.PDF, samples.EncryptedPDF(), "file_encrypted"},
		{"a PDF that sends its form when opened", insurance.PDF, samples.SubmitFormPDF(), "file_active_content"},
		{"a PDF whose streams inflate to 80 MiB", insurance.PDF, samples.InflatingPDF(80), "file_too_complex"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// The declared size is within the policy; the emulator does not
			// enforce it, as a bug or a forged form could not either.
			u := a.newUpload(t, auth, "attestation.pdf", tc.ct, min(len(tc.data), insurance.MaxBytes))
			a.post(t, u, tc.data)
			status, body := a.confirm(t, auth, u.UploadID, nextYear())
			wantProblem(t, tc.name, status, body, http.StatusUnprocessableEntity, tc.code)
			if d, _ := body["detail"].(string); !french(d) {
				t.Errorf("detail %q is not French", d)
			}
			// The bytes read, at most 10 MiB and one byte.
			if got := a.objectOrNil(t, insurance.QuarantineKey(dupont.ref, u.UploadID)); !bytes.Equal(got, tc.data[:min(len(tc.data), insurance.MaxBytes+1)]) {
				t.Errorf("quarantine holds %d bytes, want the %d sent", len(got), len(tc.data))
			}
			if a.objectOrNil(t, "insurance/uploads/"+u.UploadID) != nil {
				t.Errorf("the refused file is still at the upload's key")
			}
			for _, ext := range []string{"pdf", "png", "jpg"} {
				if a.objectOrNil(t, "insurance/certificates/"+dupont.ref+"/"+u.UploadID+"."+ext) != nil {
					t.Errorf("a refused file was kept as a certificate")
				}
			}
			// Again: the same refusal, nothing more.
			status, again := a.confirm(t, auth, u.UploadID, nextYear())
			wantProblem(t, tc.name+", again", status, again, http.StatusUnprocessableEntity, tc.code)
		})
	}
	_, _, ov := a.do(t, "GET", "/api/v1/insurance", nil, auth)
	if ov["status"] != "missing" || ov["current"] != nil || len(ov["history"].([]any)) != 0 {
		t.Errorf("insurance after refused files: %v, want none", ov)
	}
	if evs := a.insuranceEvents(t, dupont.ref); len(evs) != 0 {
		t.Errorf("refused files reached the ERP's export: %v", evs)
	}
}

// TestInsuranceAcceptedFiles: a valid PDF, JPEG and PNG are kept under the
// lease's certificates, the upload's file is removed, the certificate is
// pending, the status and history show them newest first with the next
// reminder, and each reaches the ERP's export once, with its S3 key.
func TestInsuranceAcceptedFiles(t *testing.T) {
	a := start(t, nil)
	auth := insuranceTenant(t, a, dupont)
	end := nextYear()
	var ids []string
	for _, f := range []struct {
		ct, name, ext string
		data          []byte
	}{
		{insurance.PDF, "attestation.pdf", "pdf", samples.PDF()},
		{insurance.JPEG, "photo.jpg", "jpg", samples.JPEG()},
		{insurance.PNG, "capture.png", "png", samples.PNG()},
	} {
		u := a.newUpload(t, auth, f.name, f.ct, len(f.data))
		a.post(t, u, f.data)
		status, c := a.confirm(t, auth, u.UploadID, end)
		wantStatus(t, "confirm "+f.name, status, http.StatusCreated, c)
		if c["id"] != u.UploadID || c["status"] != "pending" || c["fileName"] != f.name || c["contentType"] != f.ct ||
			c["sizeBytes"] != float64(len(f.data)) || c["endDate"] != end.String() || c["reason"] != nil || c["decidedOn"] != nil {
			t.Errorf("certificate %v", c)
		}
		key := "insurance/certificates/" + dupont.ref + "/" + u.UploadID + "." + f.ext
		if got := a.objectOrNil(t, key); !bytes.Equal(got, f.data) {
			t.Errorf("%s holds %d bytes, want the %d checked", key, len(got), len(f.data))
		}
		if a.objectOrNil(t, "insurance/uploads/"+u.UploadID) != nil {
			t.Errorf("the upload's file is still there once kept")
		}
		status, again := a.confirm(t, auth, u.UploadID, end)
		wantStatus(t, "confirm "+f.name+" again", status, http.StatusOK, again)
		if again["id"] != u.UploadID || again["submittedAt"] != c["submittedAt"] {
			t.Errorf("confirming again: %v, want the same certificate %v", again, c)
		}
		ids = append(ids, u.UploadID)
		time.Sleep(1100 * time.Millisecond) // submittedAt is to the second: keep the order plain
	}

	_, _, ov := a.do(t, "GET", "/api/v1/insurance", nil, auth)
	hist, _ := ov["history"].([]any)
	var got []string
	for _, h := range hist {
		got = append(got, h.(map[string]any)["id"].(string))
	}
	slices.Reverse(ids)
	if !slices.Equal(got, ids) {
		t.Errorf("history %v, want newest first %v", got, ids)
	}
	cur, _ := ov["current"].(map[string]any)
	if ov["status"] != "pending" || cur == nil || cur["id"] != ids[0] {
		t.Errorf("status %v, current %v; want the newest, pending", ov["status"], cur)
	}
	wantReminder := tenancy.DateOf(end.Time().AddDate(0, 0, -insurance.EndingNotice)).String()
	if ov["nextReminder"] != wantReminder {
		t.Errorf("nextReminder %v, want %s (%d days before the end)", ov["nextReminder"], wantReminder, insurance.EndingNotice)
	}

	evs := a.insuranceEvents(t, dupont.ref)
	if len(evs) != 3 {
		t.Fatalf("%d events exported, want 3: %v", len(evs), evs)
	}
	for _, e := range evs {
		id, _ := e.Data["certificateId"].(string)
		key, _ := e.Data["key"].(string)
		if !slices.Contains(ids, id) || !strings.HasPrefix(key, "insurance/certificates/"+dupont.ref+"/"+id+".") ||
			e.Data["insurer"] != "MAIF" || e.Data["policyNumber"] != "HAB-4471902" || e.Data["endDate"] != end.String() ||
			e.Data["contentType"] == nil || e.Data["sizeBytes"] == nil || e.Data["startDate"] == nil {
			t.Errorf("event %+v", e)
		}
	}
}

// TestInsuranceParallelConfirmations: 40 confirmations of one upload at
// once make one certificate and one event; each answer is that certificate
// (201 once, 200 after it) or a conflict while it is checked.
func TestInsuranceParallelConfirmations(t *testing.T) {
	a := start(t, nil)
	auth := insuranceTenant(t, a, dupont)
	u := a.newUpload(t, auth, "attestation.pdf", insurance.PDF, len(samples.PDF()))
	a.post(t, u, samples.PDF())
	const n = 40
	var wg sync.WaitGroup
	statuses := make([]int, n)
	bodies := make([]obj, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i], bodies[i] = a.confirm(t, auth, u.UploadID, nextYear())
		}()
	}
	wg.Wait()
	created := 0
	for i, s := range statuses {
		switch {
		case s == http.StatusCreated:
			created++
		case s == http.StatusOK && bodies[i]["id"] == u.UploadID:
		case s == http.StatusConflict && bodies[i]["code"] == "conflict":
		default:
			t.Errorf("confirmation %d: %d %v", i, s, bodies[i])
		}
	}
	if created != 1 {
		t.Errorf("%d confirmations created a certificate, want 1", created)
	}
	_, _, ov := a.do(t, "GET", "/api/v1/insurance", nil, auth)
	if h, _ := ov["history"].([]any); len(h) != 1 {
		t.Errorf("history of %d certificates, want 1", len(h))
	}
	if evs := a.insuranceEvents(t, dupont.ref); len(evs) != 1 {
		t.Errorf("%d events exported, want 1", len(evs))
	}
}

// TestInsuranceConfirmationFields: the cover's fields are checked, each with
// a French message; a cover already ended is refused, saying so.
func TestInsuranceConfirmationFields(t *testing.T) {
	a := start(t, nil)
	auth := insuranceTenant(t, a, dupont)
	u := a.newUpload(t, auth, "attestation.pdf", insurance.PDF, len(samples.PDF()))
	a.post(t, u, samples.PDF())
	yesterday := tenancy.DateOf(tenancy.ParisDate(time.Now()).Time().AddDate(0, 0, -1)).String()
	// A year's cover that ended yesterday.
	yearAgo := tenancy.DateOf(tenancy.ParisDate(time.Now()).Time().AddDate(-1, 0, 0)).String()
	for _, tc := range []struct {
		body obj
		want []string
	}{
		{obj{"insurer": " ", "policyNumber": "", "startDate": "01/10/2026", "endDate": "2027-02-30"}, []string{"endDate", "insurer", "policyNumber", "startDate"}},
		{obj{"insurer": "=HYPERLINK(1)", "policyNumber": "A\nB", "startDate": "2027-10-01", "endDate": "2027-09-30"}, []string{"endDate", "insurer", "policyNumber"}},
		{obj{"insurer": "MAIF", "policyNumber": "X1", "startDate": yearAgo, "endDate": yesterday}, []string{"endDate"}},
	} {
		tc.body["uploadId"] = u.UploadID
		status, _, body := a.do(t, "POST", "/api/v1/insurance/certificates", tc.body, auth)
		wantProblem(t, fmt.Sprint(tc.body), status, body, http.StatusBadRequest, "validation_failed")
		if got := fieldErrors(body); !slices.Equal(got, tc.want) {
			t.Errorf("%v: fields %v, want %v", tc.body, got, tc.want)
		}
	}
	_, _, body := a.do(t, "POST", "/api/v1/insurance/certificates", obj{"uploadId": u.UploadID, "insurer": "MAIF",
		"policyNumber": "X1", "startDate": yearAgo, "endDate": yesterday}, auth)
	if msg, _ := body["errors"].(map[string]any)["endDate"].(string); !strings.Contains(msg, "terminée") {
		t.Errorf("an ended cover: %q, want it said", msg)
	}
	// Nothing was used: the upload still confirms.
	status, c := a.confirm(t, auth, u.UploadID, nextYear())
	wantStatus(t, "confirm after the refusals", status, http.StatusCreated, c)
}

// TestInsuranceUploadCORS: the S3 emulator answers a browser's preflight
// and POST from the portal's origin as the template's CORS rule says, and
// refuses another origin.
func TestInsuranceUploadCORS(t *testing.T) {
	a := start(t, nil)
	auth := insuranceTenant(t, a, dupont)
	u := a.newUpload(t, auth, "attestation.pdf", insurance.PDF, 100)
	preflight := func(origin string) *http.Response {
		req, _ := http.NewRequest("OPTIONS", u.URL, nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", "POST")
		resp, err := a.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	if r := preflight(a.base); r.StatusCode != http.StatusOK || r.Header.Get("Access-Control-Allow-Origin") != a.base ||
		!strings.Contains(r.Header.Get("Access-Control-Allow-Methods"), "POST") {
		t.Errorf("preflight from the portal: %d %v", r.StatusCode, r.Header)
	}
	if r := preflight("https://evil.example"); r.StatusCode != http.StatusForbidden || r.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("preflight from another site: %d %v", r.StatusCode, r.Header)
	}
	if r := a.post(t, u, samples.PDF()); r.Header.Get("Access-Control-Allow-Origin") != a.base {
		t.Errorf("POST from the portal: Access-Control-Allow-Origin %q, want %q", r.Header.Get("Access-Control-Allow-Origin"), a.base)
	}
}

// TestInsuranceFileMissing: a confirmation before the file arrived says so
// (file_missing) and uses nothing: once the file is posted, the next
// confirmation, right after, keeps it.
func TestInsuranceFileMissing(t *testing.T) {
	a := start(t, nil)
	auth := insuranceTenant(t, a, dupont)
	u := a.newUpload(t, auth, "photo.png", insurance.PNG, len(samples.PNG()))
	status, body := a.confirm(t, auth, u.UploadID, nextYear())
	wantProblem(t, "confirm before the file", status, body, http.StatusUnprocessableEntity, "file_missing")
	if a.objectOrNil(t, insurance.QuarantineKey(dupont.ref, u.UploadID)) != nil {
		t.Errorf("a missing file was put in quarantine")
	}
	a.post(t, u, samples.PNG())
	status, body = a.confirm(t, auth, u.UploadID, nextYear())
	wantStatus(t, "confirm once the file is there", status, http.StatusCreated, body)
}

// TestInsuranceUploadExpiredAndLimit: an upload past its time answers 410
// and stays unused; a lease gets 20 uploads in 24 hours, then a 429 with
// Retry-After.
func TestInsuranceUploadExpiredAndLimit(t *testing.T) {
	a := start(t, nil)
	auth := insuranceTenant(t, a, dupont)
	ctx := context.Background()
	old := time.Now().Add(-time.Hour)
	const id = "00000000000000000000000000000abc"
	if err := a.stack.Store().PutUpload(ctx, insurance.Upload{ID: id, Reference: dupont.ref, FileName: "a.pdf", ContentType: insurance.PDF,
		SizeBytes: 10, Key: insurance.UploadKey(id), CreatedAt: old, ExpiresAt: old.Add(2 * insurance.UploadTTL)}); err != nil {
		t.Fatal(err)
	}
	status, body := a.confirm(t, auth, id, nextYear())
	wantProblem(t, "an expired upload", status, body, http.StatusGone, "upload_expired")
	if up, err := a.stack.Store().Upload(ctx, dupont.ref, id); err != nil || !up.UsedAt.IsZero() {
		t.Errorf("expired upload %+v (%v), want it unused", up, err)
	}

	for i := range insurance.UploadsPerDay {
		status, _, body := a.do(t, "POST", "/api/v1/insurance/uploads", obj{"fileName": "a.pdf", "contentType": insurance.PDF, "sizeBytes": 10}, auth)
		wantStatus(t, fmt.Sprintf("upload %d", i+1), status, http.StatusCreated, body)
	}
	status, h, body := a.do(t, "POST", "/api/v1/insurance/uploads", obj{"fileName": "a.pdf", "contentType": insurance.PDF, "sizeBytes": 10}, auth)
	wantProblem(t, "upload over the day's limit", status, body, http.StatusTooManyRequests, "too_many_requests")
	if h.Get("Retry-After") == "" {
		t.Errorf("429 without Retry-After")
	}
}

// seedCertificate writes a certificate item as the landlord's decisions
// leave it (DESIGN.md's attributes).
func seedCertificate(t *testing.T, a *api, ref, id, status, reason, decidedOn string, start, end tenancy.Date, submitted time.Time) {
	t.Helper()
	db := dynamodb.NewFromConfig(aws.Config{Region: localstack.Region,
		Credentials: credentials.NewStaticCredentialsProvider(localstack.AccessKey, localstack.SecretKey, "")},
		func(o *dynamodb.Options) { o.BaseEndpoint = aws.String(a.stack.Endpoints["DYNAMODB"]) })
	s := func(v string) ddbtypes.AttributeValue { return &ddbtypes.AttributeValueMemberS{Value: v} }
	item := map[string]ddbtypes.AttributeValue{"PK": s("LEASE#" + ref), "SK": s("INSURANCE#" + id), "id": s(id),
		"insurer": s("AXA"), "policyNumber": s("P-" + id[:4]), "start": s(start.String()), "end": s(end.String()),
		"status": s(status), "submittedAt": &ddbtypes.AttributeValueMemberN{Value: fmt.Sprint(submitted.Unix())},
		"key": s("insurance/certificates/" + ref + "/" + id + ".pdf"), "contentType": s(insurance.PDF),
		"sizeBytes": &ddbtypes.AttributeValueMemberN{Value: "1234"}, "fileName": s("attestation.pdf")}
	if reason != "" {
		item["reason"] = s(reason)
	}
	if decidedOn != "" {
		item["decidedOn"] = s(decidedOn)
	}
	if _, err := db.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: &localstack.LocalTables.Tenancy, Item: item}); err != nil {
		t.Fatal(err)
	}
}

// TestInsuranceStatusAfterDecisions: current is the newest certificate not
// refused (its status today: an accepted one whose cover ended is
// expired), else the newest refused one with the landlord's reason; the
// history lists them all, newest first, with their decisions.
func TestInsuranceStatusAfterDecisions(t *testing.T) {
	a := start(t, nil)
	marie := insuranceTenant(t, a, dupont)
	celine := insuranceTenant(t, a, lefevre)
	today := tenancy.ParisDate(time.Now())
	day := func(months int) tenancy.Date { return tenancy.DateOf(today.Time().AddDate(0, months, 0)) }
	now := time.Now()
	const accepted, refused = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	seedCertificate(t, a, dupont.ref, accepted, "accepted", "", day(-11).String(), day(-13), day(-1), now.Add(-400*24*time.Hour))
	seedCertificate(t, a, dupont.ref, refused, "refused", "Attestation illisible", day(-1).String(), day(-1), day(11), now.Add(-30*24*time.Hour))

	_, _, ov := a.do(t, "GET", "/api/v1/insurance", nil, marie)
	cur, _ := ov["current"].(map[string]any)
	if cur == nil || cur["id"] != accepted || ov["status"] != "expired" || cur["status"] != "expired" {
		t.Errorf("current %v, status %v; want the accepted one, expired", cur, ov["status"])
	}
	hist, _ := ov["history"].([]any)
	if len(hist) != 2 {
		t.Fatalf("history %v", hist)
	}
	newest := hist[0].(map[string]any)
	if newest["id"] != refused || newest["status"] != "refused" || newest["reason"] != "Attestation illisible" || newest["decidedOn"] != day(-1).String() {
		t.Errorf("newest %v, want the refusal with its reason and date", newest)
	}

	seedCertificate(t, a, lefevre.ref, refused, "refused", "Ce n’est pas une attestation d’assurance habitation", day(0).String(), day(-1), day(11), now)
	_, _, ov = a.do(t, "GET", "/api/v1/insurance", nil, celine)
	cur, _ = ov["current"].(map[string]any)
	if cur == nil || cur["id"] != refused || ov["status"] != "refused" || cur["reason"] == nil {
		t.Errorf("only a refusal: current %v, status %v; want it, refused, with its reason", cur, ov["status"])
	}
}
