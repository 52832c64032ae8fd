package httpapi_test

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/citejardins/extranet/shared/httpapi"
)

// TestFunctionMethodNotAllowed checks what a function answers when invoked
// directly (sam local invoke, a test) with another method on one of its
// paths, which API Gateway never routes to it: a 405 problem whose Allow
// header lists exactly the path's methods in the template and openapi.yaml
// (RFC 9110 §15.5.6), never HEAD, which no route has. HEAD on a GET route is
// one of those other methods, not the GET route without its body.
func TestFunctionMethodNotAllowed(t *testing.T) {
	doc := loadSpec(t)
	srv := httpapi.New(httpapi.Config{PublicURL: "http://127.0.0.1"}, nil, nil, slog.New(slog.DiscardHandler))
	paths := map[string]map[string][]string{} // function → path → methods
	for _, r := range srv.Routes() {
		if paths[r.Function] == nil {
			paths[r.Function] = map[string][]string{}
		}
		paths[r.Function][r.Path] = append(paths[r.Function][r.Path], r.Method)
	}
	for fn, byPath := range paths {
		h := srv.Handler(fn)
		for path, methods := range byPath {
			slices.Sort(methods)
			var inDoc []string
			for m := range doc.Paths.Find(path).Operations() {
				inDoc = append(inDoc, m)
			}
			slices.Sort(inDoc)
			if !slices.Equal(methods, inDoc) {
				t.Errorf("%s: routes have %v, openapi.yaml %v", path, methods, inDoc)
			}
			target := strings.ReplaceAll(path, "{id}", "20261125-7K3Q9D")
			for _, m := range []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"} {
				if slices.Contains(methods, m) {
					continue
				}
				w := httptest.NewRecorder()
				h.ServeHTTP(w, httptest.NewRequest(m, target, nil))
				var p httpapi.Problem
				_ = json.Unmarshal(w.Body.Bytes(), &p)
				if w.Code != http.StatusMethodNotAllowed || p.Code != "method_not_allowed" {
					t.Errorf("%s %s to %s: %d %q; want 405 method_not_allowed", m, target, fn, w.Code, w.Body.String())
				}
				if got, want := w.Header().Get("Allow"), strings.Join(methods, ", "); got != want {
					t.Errorf("%s %s to %s: Allow = %q, want %q", m, target, fn, got, want)
				}
			}
		}
	}
}
