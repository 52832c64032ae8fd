package localstack

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestUploadCORSAllowsNoRequestHeader: the documents bucket's rule in the
// template allows POST from the public origin with no request header (the
// browser's FormData POST sends none), and the local S3 refuses a
// preflight asking for a header the rule does not allow, as S3 does.
func TestUploadCORSAllowsNoRequestHeader(t *testing.T) {
	tpl, err := LoadTemplate("../../template.yaml")
	if err != nil {
		t.Fatal(err)
	}
	bucket := BucketName("DocumentsBucket")
	if len(tpl.CORS[bucket]) == 0 {
		t.Fatalf("no CORS rule on %s", bucket)
	}
	for _, r := range tpl.CORS[bucket] {
		if len(r.Headers) != 0 {
			t.Errorf("the upload rule allows request headers %v; the browser's POST sends none", r.Headers)
		}
	}
	next := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	c := &s3CORS{next: next, rules: tpl.CORS}
	c.setOrigin("http://127.0.0.1:18123")
	preflight := func(headers string) int {
		req := httptest.NewRequest(http.MethodOptions, "/"+bucket+"/insurance/uploads/x", nil)
		req.Header.Set("Origin", "http://127.0.0.1:18123")
		req.Header.Set("Access-Control-Request-Method", "POST")
		if headers != "" {
			req.Header.Set("Access-Control-Request-Headers", headers)
		}
		w := httptest.NewRecorder()
		c.ServeHTTP(w, req)
		return w.Code
	}
	if got := preflight(""); got != http.StatusOK {
		t.Errorf("preflight of a POST without headers: %d, want 200", got)
	}
	for _, h := range []string{"x-amz-meta-evil", "authorization", "content-type, x-custom"} {
		if got := preflight(h); got != http.StatusForbidden {
			t.Errorf("preflight asking for %q: %d, want 403", h, got)
		}
	}
	// The actual POST's answer exposes no header the page does not read.
	req := httptest.NewRequest(http.MethodPost, "/"+bucket+"/", nil)
	req.Header.Set("Origin", "http://127.0.0.1:18123")
	w := httptest.NewRecorder()
	c.ServeHTTP(w, req)
	if got := w.Header().Get("Access-Control-Allow-Origin"); got != "http://127.0.0.1:18123" {
		t.Errorf("POST's Access-Control-Allow-Origin %q", got)
	}
	if got := w.Header().Get("Access-Control-Expose-Headers"); got != "" {
		t.Errorf("POST exposes %q; the page reads no header of S3's answer", got)
	}
}
