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

// TestRouting checks that a request matching no route of the template, be
// it another method on a route's path (HEAD on a GET route too) or a path
// near a route's, gets API Gateway's own 404 and reaches no function, as
// in production; send checks the answer. What a function answers when it
// is invoked directly with such a request: TestFunctionMethodNotAllowed.
func TestRouting(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	for _, tt := range []struct{ method, path string }{
		{"GET", "/api/v1/signup"},
		{"PUT", "/api/v1/sessions"},
		{"GET", "/api/v1/sessions/current"},
		{"POST", "/api/v1/me"},
		{"DELETE", "/api/v1/me"},
		{"HEAD", "/api/v1/me"},
		{"HEAD", "/api/v1/account"},
		{"OPTIONS", "/api/v1/sessions"},
		{"GET", "/api/v1/password/reset"},
		{"GET", "/api/v1/nothing"},
		{"POST", "/api/v1/signup/"},
		{"GET", "/api/v1/me/"},
		{"GET", "/api/v2/me"},
		{"DELETE", "/api/v1/sessions/other"},
		{"GET", "/api/"},
	} {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			a.doInvalid(t, tt.method, tt.path, nil, nil)
		})
	}
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
