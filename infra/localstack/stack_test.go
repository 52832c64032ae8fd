package localstack

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

func httpGet(t *testing.T, url string) (int, string, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(b)
}

func TestStackServesHealthMailAndDemo(t *testing.T) {
	dir := t.TempDir()
	for run := 1; run <= 2; run++ { // a restart on the same data folder works
		st, err := Start(context.Background(), Options{Addr: "127.0.0.1:0", DataDir: dir})
		if err != nil {
			t.Fatalf("start %d: %v", run, err)
		}
		if status, _, body := httpGet(t, st.URL+"/healthz"); status != 200 || !strings.Contains(body, "ok") {
			t.Errorf("healthz = %d %q", status, body)
		}
		status, ctype, body := httpGet(t, st.URL+"/_dev/mail")
		var mails []any
		if status != 200 || !strings.HasPrefix(ctype, "application/json") || json.Unmarshal([]byte(body), &mails) != nil || len(mails) != 0 {
			t.Errorf("/_dev/mail = %d %s %q; want an empty JSON array", status, ctype, body)
		}
		if status, ctype, _ := httpGet(t, st.URL+"/_dev/mail/inbox"); status != 200 || !strings.HasPrefix(ctype, "text/html") {
			t.Errorf("inbox = %d %s", status, ctype)
		}
		// API Gateway's own 404 (TestStackRoutesAsAPIGateway has the rest).
		if status, ctype, body := httpGet(t, st.URL+"/api/v1/nowhere"); status != 404 || ctype != "application/json" || body != `{"message":"Not Found"}` {
			t.Errorf("unknown API path = %d %s %q", status, ctype, body)
		}
		if status, ctype, body := httpGet(t, st.URL+"/api/v1/signup"); status != 404 || ctype != "application/json" || body != `{"message":"Not Found"}` {
			t.Errorf("GET on a POST route = %d %s %q", status, ctype, body)
		}
		refs := map[string]bool{}
		for _, d := range st.Demo {
			refs[d.Reference] = true
		}
		for _, want := range []string{"8889999", "1234567", "7654321"} {
			if !refs[want] {
				t.Errorf("demo lease %s not loaded (got %v)", want, st.Demo)
			}
		}
		if err := st.Close(); err != nil {
			t.Errorf("close %d: %v", run, err)
		}
	}
}
