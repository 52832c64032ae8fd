package httpapi_test

import (
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// TestRequestShape checks the answers to bodies that are not what the API
// reads, on every route that reads one, and that they change nothing.
func TestRequestShape(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	const email, password = "marie@exemple.fr", "une phrase facile à retenir"
	valid := map[string]string{
		"/api/v1/signup":            `{"reference":"8889999","lastName":"Dupont","dateOfBirth":"1978-04-12","email":"marie@exemple.fr","password":"une phrase facile à retenir"}`,
		"/api/v1/activation":        `{"token":"q0s4n6b2Zxg5kH3PvX1c9yT8uW7rJm2LpA4dE6fG8hI"}`,
		"/api/v1/activation/resend": `{"email":"marie@exemple.fr"}`,
		"/api/v1/sessions":          `{"email":"marie@exemple.fr","password":"une phrase facile à retenir"}`,
		"/api/v1/password/forgot":   `{"email":"marie@exemple.fr"}`,
		"/api/v1/password/reset":    `{"token":"q0s4n6b2Zxg5kH3PvX1c9yT8uW7rJm2LpA4dE6fG8hI","password":"une phrase facile à retenir"}`,
	}
	huge := `{"email":"` + strings.Repeat("m", 17<<10) + `@exemple.fr"}`
	tests := []struct {
		name    string
		body    func(valid string) string
		headers map[string]string
		status  int
		code    string
	}{
		{"truncated JSON", func(v string) string { return v[:len(v)-1] }, nil, 400, "malformed_body"},
		{"not JSON", func(string) string { return "email=marie@exemple.fr" }, nil, 400, "malformed_body"},
		{"empty body", func(string) string { return "" }, nil, 400, "malformed_body"},
		{"JSON array", func(v string) string { return "[" + v + "]" }, nil, 400, "malformed_body"},
		{"JSON string", func(string) string { return `"marie@exemple.fr"` }, nil, 400, "malformed_body"},
		{"two objects", func(v string) string { return v + v }, nil, 400, "malformed_body"},
		{"trailing garbage", func(v string) string { return v + " x" }, nil, 400, "malformed_body"},
		{"unknown field", func(v string) string { return `{"admin":true,` + v[1:] }, nil, 400, "malformed_body"},
		{"number for a string", numberForFirstField, nil, 400, "malformed_body"},
		{"text/plain", func(v string) string { return v }, map[string]string{"Content-Type": "text/plain"}, 415, "unsupported_media_type"},
		{"form", func(v string) string { return v }, map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, 415, "unsupported_media_type"},
		{"JSON-ish media type", func(v string) string { return v }, map[string]string{"Content-Type": "application/vnd.api+json"}, 415, "unsupported_media_type"},
		{"no Content-Type", func(v string) string { return v }, map[string]string{"Content-Type": ""}, 415, "unsupported_media_type"},
		{"over 16 KiB", func(string) string { return huge }, nil, 413, "body_too_large"},
	}
	for _, path := range slices.Sorted(maps.Keys(valid)) {
		v := valid[path]
		for _, tt := range tests {
			t.Run(path+"/"+tt.name, func(t *testing.T) {
				before := a.mailCount()
				status, _, body := a.doInvalid(t, "POST", path, tt.body(v), tt.headers)
				wantProblem(t, "POST "+path, status, body, tt.status, tt.code)
				if _, ok := body["errors"]; ok {
					t.Errorf("a shape error names fields: %v", body["errors"])
				}
				a.noMail(t, before, tt.name)
			})
		}
	}

	// Fields are matched exactly: another case is another, unknown, field.
	t.Run("field name in another case", func(t *testing.T) {
		before := a.mailCount()
		status, _, body := a.doInvalid(t, "POST", "/api/v1/signup",
			`{"Reference":"8889999","LASTNAME":"Dupont","dateofbirth":"1978-04-12","Email":"marie@exemple.fr","Password":"une phrase facile à retenir"}`, nil)
		wantProblem(t, "sign-up with field names in another case", status, body, http.StatusBadRequest, "malformed_body")
		a.noMail(t, before, "a sign-up with field names in another case")
	})

	// A JSON media type with a charset is JSON, and nothing above took the
	// lease (a pending request, as the field-case bug leaves, is replaced).
	status, _, body := a.do(t, "POST", "/api/v1/signup", signUpBody(dupont, email, password),
		map[string]string{"Content-Type": "application/json; charset=utf-8"})
	wantStatus(t, "sign-up after the refused requests", status, http.StatusAccepted, body)
}

// TestRouting checks the problems of unknown paths and methods.
func TestRouting(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	allow := map[string]string{} // "METHOD path" of each 405 → its Allow header
	for _, tt := range []struct {
		method, path string
		status       int
		code         string
	}{
		{"GET", "/api/v1/signup", 405, "method_not_allowed"},
		{"PUT", "/api/v1/sessions", 405, "method_not_allowed"},
		{"GET", "/api/v1/sessions/current", 405, "method_not_allowed"},
		{"POST", "/api/v1/me", 405, "method_not_allowed"},
		{"DELETE", "/api/v1/me", 405, "method_not_allowed"},
		{"GET", "/api/v1/password/reset", 405, "method_not_allowed"},
		{"GET", "/api/v1/nothing", 404, "not_found"},
		{"POST", "/api/v1/signup/", 404, "not_found"},
		{"GET", "/api/v1/me/", 404, "not_found"},
		{"GET", "/api/v2/me", 404, "not_found"},
		{"DELETE", "/api/v1/sessions/other", 404, "not_found"},
		{"GET", "/api/", 404, "not_found"},
	} {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			status, header, body := a.doInvalid(t, tt.method, tt.path, nil, nil)
			wantProblem(t, tt.method+" "+tt.path, status, body, tt.status, tt.code)
			if status == http.StatusMethodNotAllowed {
				allow[tt.method+" "+tt.path] = header.Get("Allow")
			}
		})
	}

	// RFC 9110 §15.5.6: a 405 MUST list the methods the resource supports.
	t.Run("405 Allow header", func(t *testing.T) {
		methods := map[string]string{}
		for path, item := range a.doc.Paths.Map() {
			for m := range item.Operations() {
				methods[path] = m
			}
		}
		missing := 0
		for key, got := range allow {
			_, path, _ := strings.Cut(key, " ")
			if got == "" {
				missing++
				continue
			}
			if !slices.Contains(strings.Split(strings.ReplaceAll(got, " ", ""), ","), methods[path]) {
				t.Errorf("%s: Allow = %q, want it to list %s", key, got, methods[path])
			}
		}
		if missing > 0 {
			t.Errorf("%d of %d 405 answers have no Allow header", missing, len(allow))
		}
	})
}

// numberForFirstField gives the first field of a JSON object, in name order,
// the number 42.
func numberForFirstField(v string) string {
	var m map[string]any
	if err := json.Unmarshal([]byte(v), &m); err != nil {
		panic(err)
	}
	m[slices.Sorted(maps.Keys(m))[0]] = 42
	b, _ := json.Marshal(m)
	return string(b)
}
