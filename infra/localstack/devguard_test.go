package localstack

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/citejardins/extranet/shared/notice"
)

// devRequest sends one request to the stack and returns its status,
// headers and body.
func devRequest(t *testing.T, method, url string, header map[string]string, body string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

// The /_dev/ pages answer the stack's own pages, curl and make, never
// another site: no cross-site or same-site fetch, no foreign Origin, no
// CORS grant from the S3 door, and a notices run only from a JSON POST.
func TestDevPagesRefuseOtherSites(t *testing.T) {
	st, err := Start(context.Background(), Options{Addr: "127.0.0.1:0", DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	port := st.URL[strings.LastIndexByte(st.URL, ':')+1:]
	s3Key := st.URL + "/_dev/s3/" + DocumentsBucket + "/imports/probe.txt"
	if status, _, body := devRequest(t, http.MethodPut, s3Key, nil, "x"); status != 200 {
		t.Fatalf("PUT through the S3 door: %d %s", status, body)
	}

	refused := []map[string]string{
		{"Sec-Fetch-Site": "cross-site"},
		{"Sec-Fetch-Site": "same-site"},
		{"Origin": "http://evil.example"},
		{"Origin": "null"},
		{"Origin": "http://127.0.0.1:1"},
		{"Sec-Fetch-Site": "same-origin", "Origin": "http://evil.example"},
	}
	allowed := []map[string]string{
		nil, // curl, Go's client
		{"Sec-Fetch-Site": "none"},
		{"Sec-Fetch-Site": "same-origin", "Origin": st.URL},
		{"Origin": "http://localhost:" + port},
	}
	for _, path := range []string{"/_dev/mail", "/_dev/mail/inbox", "/_dev/s3/" + DocumentsBucket + "/imports/probe.txt"} {
		for _, h := range refused {
			status, hdr, body := devRequest(t, http.MethodGet, st.URL+path, h, "")
			if status != http.StatusForbidden || hdr.Get("Content-Type") != "application/problem+json" || !strings.Contains(body, `"code":"cross_site"`) {
				t.Errorf("GET %s with %v = %d %s %q; want 403 cross_site", path, h, status, hdr.Get("Content-Type"), body)
			}
		}
		for _, h := range allowed {
			if status, _, body := devRequest(t, http.MethodGet, st.URL+path, h, ""); status != http.StatusOK {
				t.Errorf("GET %s with %v = %d %q; want 200", path, h, status, body)
			}
		}
	}

	// The S3 door grants no CORS: its answers carry no Access-Control-*
	// header, and a preflight from another site is refused.
	status, hdr, _ := devRequest(t, http.MethodGet, s3Key, map[string]string{"Origin": st.URL}, "")
	if status != 200 || hasCORS(hdr) {
		t.Errorf("GET through the S3 door = %d with %v; want 200 without Access-Control-*", status, hdr)
	}
	status, hdr, _ = devRequest(t, http.MethodOptions, s3Key, map[string]string{"Origin": "http://evil.example",
		"Access-Control-Request-Method": "PUT", "Sec-Fetch-Site": "cross-site"}, "")
	if status != http.StatusForbidden || hasCORS(hdr) {
		t.Errorf("cross-site preflight = %d with %v; want 403 without Access-Control-*", status, hdr)
	}

	// A notices run needs a JSON POST: a form or text/plain POST (what a
	// page elsewhere sends without a preflight) is refused and runs nothing.
	for _, ct := range []string{"", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonx"} {
		status, hdr, body := devRequest(t, http.MethodPost, st.URL+"/_dev/notices", map[string]string{"Content-Type": ct}, `{"period":"2026-12"}`)
		if status != http.StatusUnsupportedMediaType || hdr.Get("Content-Type") != "application/problem+json" || !strings.Contains(body, `"code":"json_expected"`) {
			t.Errorf("POST /_dev/notices as %q = %d %q; want 415 json_expected", ct, status, body)
		}
	}
	status, _, body := devRequest(t, http.MethodPost, st.URL+"/_dev/notices", map[string]string{"Content-Type": "text/plain",
		"Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"}, `{"period":"2026-12"}`)
	if status != http.StatusForbidden {
		t.Errorf("cross-site POST /_dev/notices = %d %q; want 403", status, body)
	}
	if _, ok, err := st.store.Run(context.Background(), notice.Period{Year: 2026, Month: 12}); err != nil || ok {
		t.Errorf("a refused POST started a run (%v, %v)", ok, err)
	}
}

func hasCORS(h http.Header) bool {
	for k := range h {
		if strings.HasPrefix(k, "Access-Control-") {
			return true
		}
	}
	return false
}

// make import and make notices (go run ./infra/local import|notices, with
// Go's client) and the README's curl still reach the /_dev/ pages.
func TestDevCommandsImportAndNotices(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the local command")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "local")
	build := exec.Command("go", "build", "-o", bin, "./infra/local")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./infra/local: %v\n%s", err, out)
	}
	st, err := Start(context.Background(), Options{Addr: "127.0.0.1:0", DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	u, _ := url.Parse(st.URL)
	local := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Env = append(os.Environ(), "PORT="+u.Port())
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("local %v: %v\n%s%s", args, err, out, stderr.String())
		}
		return string(out)
	}

	// make import FILE=…: the demo's notice lines again, as a newer file.
	raw, err := os.ReadFile(filepath.Join(root, "infra/demo/erp/lignes_avis_complet_20261125.csv"))
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "lignes_avis_complet_20261130.csv")
	if err := os.WriteFile(file, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	var report struct{ Status string }
	if out := local("import", file); json.Unmarshal([]byte(out), &report) != nil || report.Status == "" || report.Status == "refused" {
		t.Errorf("make import printed %q; want the import's report", out)
	}

	// make notices PERIOD=2026-12: the three demo notices.
	var res struct{ Leases, Issued, AlreadyIssued int }
	if out := local("notices", "2026-12"); json.Unmarshal([]byte(out), &res) != nil || res.Leases != 3 || res.Issued != 3 {
		t.Errorf("make notices printed %q; want 3 leases issued", out)
	}

	// The README's curl: nothing issued twice.
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Skip("curl is not installed")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, curl, "-s", "-f", "-H", "Content-Type: application/json", "-d", `{"period":"2026-12"}`, st.URL+"/_dev/notices").Output()
	if err != nil || json.Unmarshal(out, &res) != nil || res.Issued != 0 || res.AlreadyIssued != 3 {
		t.Errorf("curl /_dev/notices: %v %q; want 3 already issued", err, out)
	}
}

// DNS rebinding: a page at http://rebind.evil.example:PORT whose name now
// resolves to 127.0.0.1 makes same-origin requests to the stack: a GET
// carries no Origin and says Sec-Fetch-Site same-origin. Only its Host
// tells it apart; the stack's own names still pass.
func TestDevPagesRefuseAnotherHostName(t *testing.T) {
	st, err := Start(context.Background(), Options{Addr: "127.0.0.1:0", DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	port := st.URL[strings.LastIndexByte(st.URL, ':')+1:]
	for _, c := range []struct {
		host string
		want int
	}{
		{"rebind.evil.example:" + port, http.StatusForbidden},
		{"127.0.0.1.evil.example:" + port, http.StatusForbidden},
		{"127.0.0.1:" + port, http.StatusOK},
		{"LOCALHOST:" + port, http.StatusOK},
	} {
		for _, path := range []string{"/_dev/mail/inbox", "/_dev/s3/" + DocumentsBucket + "/"} {
			req, _ := http.NewRequest(http.MethodGet, st.URL+path, nil)
			req.Host = c.host
			req.Header.Set("Sec-Fetch-Site", "same-origin")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != c.want {
				t.Errorf("GET %s with Host %s: %d, want %d", path, c.host, resp.StatusCode, c.want)
			}
		}
	}
}
