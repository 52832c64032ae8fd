package httpapi_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/citejardins/extranet/shared/fault"
	"github.com/citejardins/extranet/shared/httpapi"
)

// TestOpenAPIMatchesRoutes checks that openapi.yaml describes exactly the
// routes of routes.go, and secures the ones behind a session.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	doc := loadSpec(t)
	embedded, err := os.ReadFile("openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if string(embedded) != string(httpapi.OpenAPI) {
		t.Errorf("httpapi.OpenAPI differs from openapi.yaml")
	}

	var routes, ops []string
	secured := map[string]bool{}
	for _, r := range httpapi.New(httpapi.Config{}, nil, nil, nil).Routes() {
		routes = append(routes, r.Method+" "+r.Path)
	}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			key := method + " " + path
			ops = append(ops, key)
			secured[key] = op.Security != nil && len(*op.Security) > 0
			if op.OperationID == "" {
				t.Errorf("%s has no operationId", key)
			}
		}
	}
	slices.Sort(routes)
	slices.Sort(ops)
	if !slices.Equal(ops, routes) {
		t.Errorf("operations of openapi.yaml:\n  %s\nroutes of routes.go:\n  %s", strings.Join(ops, "\n  "), strings.Join(routes, "\n  "))
	}
	if len(doc.Security) != 0 {
		t.Errorf("openapi.yaml has global security %v; want it per operation", doc.Security)
	}
	// Every route needs a session but those that open one (sign-up,
	// activation, login and the forgotten password) and the confirmation of a
	// notification email.
	public := map[string]bool{
		"POST /api/v1/signup": true, "POST /api/v1/activation": true, "POST /api/v1/activation/resend": true,
		"POST /api/v1/sessions": true, "POST /api/v1/password/forgot": true, "POST /api/v1/password/reset": true,
		// The emailed link may be opened on another device: its token is the proof.
		"POST /api/v1/preferences/notification-email/confirmation": true,
		"POST /api/v1/me/login-email/confirmation":                 true, // the same, for a new login email
		"GET /api/v1/emergency-contacts":                           true, // the emergency directory, public
		"GET /api/v1/legal":                                        true, // the landlord's legal details, public
		// The payment provider's events: its signature over the body is the proof.
		"POST /api/v1/payments/webhook": true,
	}
	for _, key := range ops {
		if want := !public[key]; secured[key] != want {
			t.Errorf("%s secured = %v, want %v", key, secured[key], want)
		}
	}
	for _, key := range ops {
		if public[key] {
			continue
		}
		method, path, _ := strings.Cut(key, " ")
		op := doc.Paths.Value(path).GetOperation(method)
		if op == nil || op.Security == nil {
			continue
		}
		var schemes []string
		for _, req := range *op.Security {
			for name := range req {
				schemes = append(schemes, name)
			}
		}
		slices.Sort(schemes)
		if want := []string{"bearerAuth", "sessionCookie"}; !slices.Equal(schemes, want) {
			t.Errorf("%s accepts schemes %v, want either of %v", key, schemes, want)
		}
	}
	cookie := doc.Components.SecuritySchemes["sessionCookie"]
	if cookie == nil || cookie.Value.Type != "apiKey" || cookie.Value.In != "cookie" || cookie.Value.Name != httpapi.SessionCookie {
		t.Errorf("sessionCookie scheme = %+v, want an apiKey in the %s cookie", cookie, httpapi.SessionCookie)
	}
	if b := doc.Components.SecuritySchemes["bearerAuth"]; b == nil || b.Value.Type != "http" || b.Value.Scheme != "bearer" {
		t.Errorf("bearerAuth scheme = %+v, want http bearer", b)
	}
}

// TestOpenAPIRequestBodies checks that every request body is a closed JSON
// object of camelCase fields.
func TestOpenAPIRequestBodies(t *testing.T) {
	doc := loadSpec(t)
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if op.RequestBody == nil {
				if method == "POST" {
					t.Errorf("%s %s has no request body", method, path)
				}
				continue
			}
			rb := op.RequestBody.Value
			if op.OperationID == "paymentWebhook" {
				continue // the provider's event, read by its adapter over the raw body
			}
			if !rb.Required && op.OperationID != "startPayment" { // no body: the default amount
				t.Errorf("%s %s: request body not required", method, path)
			}
			if got := slices.Sorted(func(yield func(string) bool) {
				for k := range rb.Content {
					if !yield(k) {
						return
					}
				}
			}); !slices.Equal(got, []string{"application/json"}) {
				t.Errorf("%s %s: request media types %v, want application/json only", method, path, got)
			}
			s := rb.Content["application/json"].Schema.Value
			if !s.Type.Is("object") {
				t.Errorf("%s %s: request body of type %v, want object", method, path, s.Type)
			}
			if s.AdditionalProperties.Has == nil || *s.AdditionalProperties.Has {
				t.Errorf("%s %s: request body allows unknown fields; the server rejects them (additionalProperties: false)", method, path)
			}
			for name := range s.Properties {
				if name == "" || strings.ToLower(name[:1]) != name[:1] || strings.ContainsAny(name, "_- ") {
					t.Errorf("%s %s: field %q is not camelCase", method, path, name)
				}
				// A partial update (minProperties: 1) changes the fields it
				// holds; an option (tokenRequested) says what leaving it out means.
				if !slices.Contains(s.Required, name) && s.MinProps == 0 && s.Properties[name].Value.Default == nil && op.OperationID != "startPayment" {
					t.Errorf("%s %s: field %q is not required; the server needs every field", method, path, name)
				}
			}
		}
	}
	signUp := doc.Components.Schemas["SignUpRequest"].Value
	for field, format := range map[string]string{"dateOfBirth": "date", "email": "email", "password": "password"} {
		if got := signUp.Properties[field].Value.Format; got != format {
			t.Errorf("SignUpRequest.%s has format %q, want %q", field, got, format)
		}
	}
}

// TestOpenAPIProblems checks the Problem schema and that each problem
// response of the document pairs codes with the status the server gives them.
func TestOpenAPIProblems(t *testing.T) {
	doc := loadSpec(t)

	problem := doc.Components.Schemas["Problem"].Value
	slices.Sort(problem.Required)
	if want := []string{"code", "detail", "status", "title", "type"}; !slices.Equal(problem.Required, want) {
		t.Errorf("Problem requires %v, want %v", problem.Required, want)
	}
	errs := problem.Properties["errors"].Value
	if !errs.Type.Is("object") || errs.AdditionalProperties.Schema == nil || !errs.AdditionalProperties.Schema.Value.Type.Is("string") {
		t.Errorf("Problem.errors is not a map of strings")
	}

	// The code enum is the set of codes declared in shared/fault.
	declared := faultCodes(t)
	var enum []string
	for _, v := range doc.Components.Schemas["ErrorCode"].Value.Enum {
		enum = append(enum, v.(string))
	}
	slices.Sort(enum)
	if !slices.Equal(enum, declared) {
		t.Errorf("ErrorCode enum:\n  %v\ncodes of shared/fault/fault.go:\n  %v", enum, declared)
	}

	// Each problem response narrows status and code; every pair must be the
	// server's, and every code must have a response.
	covered := map[string]bool{}
	for name, ref := range doc.Components.Responses {
		media := ref.Value.Content.Get("application/problem+json")
		if media == nil {
			continue
		}
		var status int
		var codes []string
		for _, part := range media.Schema.Value.AllOf {
			if part.Ref != "" {
				continue // the Problem schema itself
			}
			if p := part.Value.Properties["status"]; p != nil && len(p.Value.Enum) == 1 {
				status = int(p.Value.Enum[0].(float64))
			}
			if p := part.Value.Properties["code"]; p != nil {
				for _, c := range p.Value.Enum {
					codes = append(codes, c.(string))
				}
			}
		}
		if status == 0 || len(codes) == 0 {
			t.Errorf("response %s does not narrow status and code", name)
			continue
		}
		for _, c := range codes {
			covered[c] = true
			if got := httpapi.StatusOf[fault.Code(c)]; got != status {
				t.Errorf("response %s: code %s with status %d, but the server answers it with %d", name, c, status, got)
			}
		}
	}
	for _, c := range declared {
		if !covered[c] {
			t.Errorf("no response of openapi.yaml carries code %s", c)
		}
	}

	// Every 429 has Retry-After; every problem is application/problem+json.
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			for code, ref := range op.Responses.Map() {
				n, _ := strconv.Atoi(code)
				if n < 400 {
					continue
				}
				if ref.Value.Content.Get("application/problem+json") == nil || len(ref.Value.Content) != 1 {
					t.Errorf("%s %s: response %s is not only application/problem+json", method, path, code)
				}
				if n == 429 {
					h := ref.Value.Headers["Retry-After"]
					if h == nil || !h.Value.Required {
						t.Errorf("%s %s: 429 without a required Retry-After header", method, path)
					}
				}
			}
			// The webhook is the provider's, throttled by API Gateway only: a
			// 429 would make it retry what it already sent.
			if op.Responses.Value("429") == nil && op.RequestBody != nil && op.OperationID != "paymentWebhook" {
				t.Errorf("%s %s: no 429 response; every form is throttled", method, path)
			}
		}
	}
}

// faultCodes returns the values of the fault.Code constants, sorted.
func faultCodes(t *testing.T) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "../fault/fault.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, s := range g.Specs {
			vs := s.(*ast.ValueSpec)
			if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "Code" {
				continue
			}
			for _, v := range vs.Values {
				if lit, ok := v.(*ast.BasicLit); ok && lit.Kind == token.STRING {
					s, _ := strconv.Unquote(lit.Value)
					codes = append(codes, s)
				}
			}
		}
	}
	if len(codes) == 0 {
		t.Fatal("no fault.Code constants found in ../fault/fault.go")
	}
	slices.Sort(codes)
	return codes
}
