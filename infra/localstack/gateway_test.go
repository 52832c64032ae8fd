package localstack

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestStackRoutesAsAPIGateway checks that the local stack answers exactly
// the template's method and path pairs, and API Gateway's own 404 for every
// other request under /api/: HEAD on a GET route (curl -I), another method
// on a route's path, a path near a route's.
func TestStackRoutesAsAPIGateway(t *testing.T) {
	st, err := Start(context.Background(), Options{Addr: "127.0.0.1:0", DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	send := func(method, path string) (int, http.Header, string) {
		t.Helper()
		req, err := http.NewRequest(method, st.URL+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header, string(b)
	}
	gatewayNotFound := func(method, path string) {
		t.Helper()
		status, header, body := send(method, path)
		want := `{"message":"Not Found"}`
		if method == http.MethodHead {
			want = "" // the same answer, without its body
		}
		if status != 404 || header.Get("Content-Type") != "application/json" || body != want {
			t.Errorf("%s %s = %d %s %q; want API Gateway's 404 application/json %q", method, path, status, header.Get("Content-Type"), body, want)
		}
		if header.Get("X-Content-Type-Options") != "" {
			t.Errorf("%s %s reached a function; API Gateway has no such route", method, path)
		}
	}

	methods := map[string][]string{} // path → its methods in the template
	var routes int
	for _, fn := range st.Template.Functions {
		for _, r := range fn.Routes {
			path := strings.ReplaceAll(r.Path, "{id}", "20261125-7K3Q9D")
			methods[path] = append(methods[path], r.Method)
			routes++
			// The route reaches its function (whose middleware sets nosniff),
			// whatever it then answers without a session or a body.
			if status, header, body := send(r.Method, path); header.Get("X-Content-Type-Options") != "nosniff" || status == 404 && strings.Contains(body, `"message"`) {
				t.Errorf("%s %s = %d %q; want the function's answer", r.Method, path, status, body)
			}
		}
	}
	if routes == 0 {
		t.Fatal("no route in the template")
	}
	for path, ms := range methods {
		for _, m := range []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"} {
			if !contains(ms, m) {
				gatewayNotFound(m, path)
			}
		}
		gatewayNotFound(ms[0], path+"/")
		gatewayNotFound(ms[0], path+"/x/y")
	}
	for _, path := range []string{"/api/", "/api/v1", "/api/v1/nowhere", "/api/v2/me", "/api//v1/me", "/api/v1/change-requests/", "/api/v1/sessions/other"} {
		gatewayNotFound("GET", path)
		gatewayNotFound("DELETE", path)
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
