package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/citejardins/extranet/infra/localstack"
	"github.com/citejardins/extranet/infra/sesemu"
	"github.com/citejardins/extranet/shared/httpapi"
)

// relaxed are the limits of a stack whose test is not about throttling:
// every test talks from 127.0.0.1 and makes many attempts.
var relaxed = map[string]string{
	"LIMIT_PER_ADDRESS":       "100000/1m",
	"LIMIT_ACCOUNT_FAILURES":  "1000/15m",
	"LIMIT_LEASE_FAILURES":    "1000/15m",
	"LIMIT_MAILS_PER_ACCOUNT": "1000/1h",
}

// The demo leases of infra/demo/erp/.
type lease struct {
	ref, lastName, firstName, dob string
}

var (
	dupont  = lease{"8889999", "DUPONT", "Marie", "1978-04-12"}
	lefevre = lease{"1234567", "LEFÈVRE", "Céline", "1985-11-03"}
	ndiaye  = lease{"7654321", "N'DIAYE", "Abdou", "1990-01-30"}
)

// obj is a decoded JSON object, or a request body to encode.
type obj = map[string]any

// loadSpec loads and validates openapi.yaml as embedded in the package.
func loadSpec(t *testing.T) *openapi3.T {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(httpapi.OpenAPI)
	if err != nil {
		t.Fatalf("load openapi.yaml: %v", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		t.Fatalf("openapi.yaml is not a valid OpenAPI document: %v", err)
	}
	return doc
}

// plainEmail is the contract of format "email" in openapi.yaml: one bare
// address whose domain has a dot.
func plainEmail(s string) error {
	a, err := mail.ParseAddress(s)
	at := strings.LastIndexByte(s, '@')
	if err != nil || a.Address != s || at < 1 || !strings.Contains(s[at:], ".") || strings.HasSuffix(s, ".") {
		return fmt.Errorf("%q is not a plain email address", s)
	}
	return nil
}

// authenticate accepts a request that carries the credentials a security
// scheme asks for; whether they are valid is the server's business.
func authenticate(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	r := in.RequestValidationInput.Request
	switch s := in.SecurityScheme; {
	case s.Type == "http" && strings.EqualFold(s.Scheme, "bearer"):
		scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		if strings.EqualFold(scheme, "Bearer") && strings.TrimSpace(token) != "" {
			return nil
		}
	case s.Type == "apiKey" && s.In == "cookie":
		if c, err := r.Cookie(s.Name); err == nil && c.Value != "" {
			return nil
		}
	}
	return in.NewError(nil)
}

// api is a client of one local stack that checks every request it sends
// and every response it gets against openapi.yaml.
type api struct {
	stack  *localstack.Stack
	base   string
	doc    *openapi3.T
	router routers.Router
	opts   *openapi3filter.Options
	client *http.Client
	// links is where emailed links point, when PUBLIC_URL is not base.
	links string
}

// start runs a local stack for the test, with the relaxed limits unless env
// overrides them.
func start(t *testing.T, env map[string]string) *api {
	t.Helper()
	all := maps.Clone(relaxed)
	maps.Copy(all, env)
	log := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := localstack.Start(ctx, localstack.Options{Addr: "127.0.0.1:0", DataDir: t.TempDir(), Env: all, Log: log})
	if err != nil {
		t.Fatalf("start the local stack: %v", err)
	}
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Errorf("close the local stack: %v", err)
		}
	})

	doc := loadSpec(t)
	doc.Servers = openapi3.Servers{{URL: st.URL}}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatalf("router of openapi.yaml: %v", err)
	}
	emailFormat := openapi3.NewCallbackValidator(plainEmail)
	return &api{
		stack:  st,
		base:   st.URL,
		doc:    doc,
		router: router,
		opts: &openapi3filter.Options{
			AuthenticationFunc:      authenticate,
			IncludeResponseStatus:   true,
			SchemaValidationOptions: []openapi3.SchemaValidationOption{openapi3.WithStringFormatValidator("email", emailFormat)},
		},
		client: &http.Client{
			Timeout:       20 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}
}

// testWriter sends the stack's log lines to the test's log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Logf("stack: %s", bytes.TrimRight(p, "\n"))
	return len(p), nil
}

// do sends a request that openapi.yaml allows (and fails the test if it does
// not), checks the response against openapi.yaml, and returns its status,
// header and decoded JSON body (nil when there is none). body is encoded as
// JSON, unless it is a string or []byte, sent as is. headers are added to the
// request; an empty value removes the header (Content-Type is
// application/json whenever there is a body).
func (a *api) do(t *testing.T, method, path string, body any, headers map[string]string) (int, http.Header, obj) {
	t.Helper()
	return a.send(t, true, method, path, body, headers)
}

// doInvalid is do for a request that breaks openapi.yaml on purpose: it
// fails the test if the document allows the request. The response must still
// be one the document describes.
func (a *api) doInvalid(t *testing.T, method, path string, body any, headers map[string]string) (int, http.Header, obj) {
	t.Helper()
	return a.send(t, false, method, path, body, headers)
}

func (a *api) send(t *testing.T, valid bool, method, path string, body any, headers map[string]string) (int, http.Header, obj) {
	t.Helper()
	var raw []byte
	switch b := body.(type) {
	case nil:
	case string:
		raw = []byte(b)
	case []byte:
		raw = b
	default:
		var err error
		if raw, err = json.Marshal(b); err != nil {
			t.Fatalf("encode the body of %s %s: %v", method, path, err)
		}
	}
	build := func() *http.Request {
		var r io.Reader = http.NoBody
		if raw != nil {
			r = bytes.NewReader(raw)
		}
		req, err := http.NewRequest(method, a.base+path, r)
		if err != nil {
			t.Fatalf("build %s %s: %v", method, path, err)
		}
		if raw != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		for k, v := range headers {
			if v == "" {
				req.Header.Del(k)
			} else {
				req.Header.Set(k, v)
			}
		}
		return req
	}
	ctx := context.Background()
	what := fmt.Sprintf("%s %s %s", method, path, abbreviate(raw))

	// The request, against the document.
	vreq := build()
	route, params, routeErr := a.router.FindRoute(vreq)
	var in *openapi3filter.RequestValidationInput
	reqErr := routeErr
	if routeErr == nil {
		in = &openapi3filter.RequestValidationInput{Request: vreq, PathParams: params, Route: route, Options: a.opts}
		reqErr = openapi3filter.ValidateRequest(ctx, in)
		// kin-openapi reads the first JSON value of a body and ignores what
		// follows; the document's body is one JSON object and nothing more.
		if reqErr == nil && raw != nil && !json.Valid(raw) {
			reqErr = errors.New("the body is not one JSON value")
		}
	}
	switch {
	case valid && reqErr != nil:
		t.Fatalf("request %s breaks openapi.yaml: %v", what, reqErr)
	case !valid && reqErr == nil:
		t.Errorf("request %s was meant to break openapi.yaml, but the document allows it", what)
	}

	resp, err := a.client.Do(build())
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s: read the response: %v", what, err)
	}

	// A request no operation matches reaches no function: API Gateway
	// answers it, as the local stack does.
	if routeErr != nil {
		want := gatewayNotFound
		if method == http.MethodHead {
			want = "" // the same answer, without its body
		}
		if resp.StatusCode != http.StatusNotFound || resp.Header.Get("Content-Type") != "application/json" || string(data) != want {
			t.Errorf("%s: %d %s %s; openapi.yaml has no such operation (%v), want API Gateway's 404 %s",
				what, resp.StatusCode, resp.Header.Get("Content-Type"), data, routeErr, gatewayNotFound)
		}
		var decoded obj
		_ = json.Unmarshal(data, &decoded)
		return resp.StatusCode, resp.Header, decoded
	}

	// The response, against the document: the operation's responses.
	err = openapi3filter.ValidateResponse(ctx, &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: resp.StatusCode, Header: resp.Header,
		Body: io.NopCloser(bytes.NewReader(data)), Options: a.opts,
	})
	if err != nil {
		t.Errorf("response to %s breaks openapi.yaml: %v\nstatus %d, body %s", what, err, resp.StatusCode, data)
	}

	// What every response of the API has.
	if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("%s: X-Content-Type-Options = %q, want nosniff", what, got)
	}
	var decoded obj
	if len(data) > 0 {
		if err := json.Unmarshal(data, &decoded); err != nil {
			t.Fatalf("%s: status %d, body is not a JSON object: %v\n%s", what, resp.StatusCode, err, data)
		}
	}
	if resp.StatusCode >= 400 {
		if got := resp.Header.Get("Content-Type"); got != "application/problem+json" {
			t.Errorf("%s: status %d with Content-Type %q, want application/problem+json", what, resp.StatusCode, got)
		}
		if got, want := decoded["status"], float64(resp.StatusCode); got != want {
			t.Errorf("%s: problem status %v, want the HTTP status %v", what, got, want)
		}
	}
	return resp.StatusCode, resp.Header, decoded
}

// gatewayNotFound is API Gateway's answer to a request that matches no
// route of the template.
const gatewayNotFound = `{"message":"Not Found"}`

func abbreviate(b []byte) string {
	if len(b) > 120 {
		return fmt.Sprintf("%s… (%d bytes)", b[:100], len(b))
	}
	return string(b)
}

// wantStatus fails the test unless the status is want.
func wantStatus(t *testing.T, what string, got, want int, body obj) {
	t.Helper()
	if got != want {
		t.Fatalf("%s: status %d, want %d (body %v)", what, got, want, body)
	}
}

// wantProblem fails the test unless the response is a problem of the status
// and code.
func wantProblem(t *testing.T, what string, status int, body obj, wantStatus int, wantCode string) {
	t.Helper()
	if status != wantStatus || body["code"] != wantCode {
		t.Fatalf("%s: got %d %v, want %d %s (body %v)", what, status, body["code"], wantStatus, wantCode, body)
	}
}

// fieldErrors returns the keys of a problem's errors map, sorted.
func fieldErrors(body obj) []string {
	m, _ := body["errors"].(map[string]any)
	return slices.Sorted(maps.Keys(m))
}

// --- flows -------------------------------------------------------------------

func signUpBody(l lease, email, password string) obj {
	return obj{"reference": l.ref, "lastName": l.lastName, "dateOfBirth": l.dob, "email": email, "password": password}
}

// signUp signs up and returns the token of the activation link it emails.
func (a *api) signUp(t *testing.T, l lease, email, password string) string {
	t.Helper()
	return a.signUpWith(t, signUpBody(l, email, password))
}

func (a *api) signUpWith(t *testing.T, body obj) string {
	t.Helper()
	before := a.mailCount()
	status, _, resp := a.do(t, "POST", "/api/v1/signup", body, nil)
	wantStatus(t, fmt.Sprintf("sign-up %v", body), status, http.StatusAccepted, resp)
	if resp["status"] != "activation_sent" {
		t.Errorf("sign-up: body %v, want status activation_sent", resp)
	}
	return a.mailedToken(t, before, body["email"].(string), "/activation")
}

func (a *api) activate(t *testing.T, token string) obj {
	t.Helper()
	status, _, body := a.do(t, "POST", "/api/v1/activation", obj{"token": token}, nil)
	wantStatus(t, "activation", status, http.StatusOK, body)
	if body["status"] != "active" {
		t.Errorf("activation: body %v, want status active", body)
	}
	return body
}

// register signs up and activates.
func (a *api) register(t *testing.T, l lease, email, password string) {
	t.Helper()
	a.activate(t, a.signUp(t, l, email, password))
}

// login logs in twice, as the mobile app (asking for a token) and as the
// web app (getting the cookie), and returns the token and the cookie: two
// sessions.
func (a *api) login(t *testing.T, email, password string) (string, *http.Cookie) {
	t.Helper()
	return a.loginToken(t, email, password), a.loginCookie(t, email, password)
}

// loginToken logs in as the mobile app and returns the session token.
func (a *api) loginToken(t *testing.T, email, password string) string {
	t.Helper()
	status, header, body := a.do(t, "POST", "/api/v1/sessions", obj{"email": email, "password": password, "tokenRequested": true}, nil)
	wantStatus(t, "login as "+email, status, http.StatusOK, body)
	token, _ := body["token"].(string)
	if token == "" {
		t.Fatalf("login: no token in %v", body)
	}
	if got := header.Values("Set-Cookie"); len(got) > 0 {
		t.Errorf("login with a token requested sets cookies %q", got)
	}
	return token
}

// loginCookie logs in as the web app and returns the session cookie.
func (a *api) loginCookie(t *testing.T, email, password string) *http.Cookie {
	t.Helper()
	status, header, body := a.do(t, "POST", "/api/v1/sessions", obj{"email": email, "password": password}, nil)
	wantStatus(t, "login as "+email, status, http.StatusOK, body)
	if _, ok := body["token"]; ok {
		t.Errorf("login without a token requested answers a token: %v", body)
	}
	c := sessionCookie(t, header)
	if c == nil {
		t.Fatalf("login: no %s cookie in %q", httpapi.SessionCookie, header.Values("Set-Cookie"))
	}
	return c
}

// loginRefused checks that a login fails as a problem and returns it.
func (a *api) loginRefused(t *testing.T, email, password string) (int, http.Header, obj) {
	t.Helper()
	status, header, body := a.do(t, "POST", "/api/v1/sessions", obj{"email": email, "password": password}, nil)
	if status == http.StatusOK {
		t.Fatalf("login as %s with %q: 200, want a refusal", email, password)
	}
	if got := header.Values("Set-Cookie"); len(got) > 0 {
		t.Errorf("refused login sets cookies %q", got)
	}
	return status, header, body
}

func sessionCookie(t *testing.T, h http.Header) *http.Cookie {
	t.Helper()
	for _, c := range (&http.Response{Header: h}).Cookies() {
		if c.Name == httpapi.SessionCookie {
			return c
		}
	}
	return nil
}

func bearer(token string) map[string]string {
	return map[string]string{"Authorization": "Bearer " + token}
}

func withCookie(token string, more ...string) map[string]string {
	h := map[string]string{"Cookie": httpapi.SessionCookie + "=" + token}
	for i := 0; i+1 < len(more); i += 2 {
		h[more[i]] = more[i+1]
	}
	return h
}

// me checks that the credentials open GET /api/v1/me and returns it.
func (a *api) me(t *testing.T, headers map[string]string) obj {
	t.Helper()
	status, _, body := a.do(t, "GET", "/api/v1/me", nil, headers)
	wantStatus(t, "GET /api/v1/me", status, http.StatusOK, body)
	return body
}

// meRefused checks that the credentials no longer open GET /api/v1/me.
func (a *api) meRefused(t *testing.T, headers map[string]string) {
	t.Helper()
	status, _, body := a.do(t, "GET", "/api/v1/me", nil, headers)
	wantProblem(t, "GET /api/v1/me with an ended session", status, body, http.StatusUnauthorized, "unauthenticated")
}

// --- mail --------------------------------------------------------------------

// mailCount counts the mails sent, once the mail jobs waiting are done, so
// that a later mail comes from a later request.
func (a *api) mailCount() int {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = a.stack.WaitMailJobs(ctx) // a job still waiting shows as a mail too many later
	return len(a.stack.Mail.Messages())
}

// settle waits until the mail jobs the requests left are done: the routes
// answer before the mail worker sends (account/jobs.go).
func (a *api) settle(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := a.stack.WaitMailJobs(ctx); err != nil {
		t.Fatal(err)
	}
}

// mailsTo returns the mails sent since before to the address.
func (a *api) mailsTo(t *testing.T, before int, to string) []sesemu.Message {
	t.Helper()
	a.settle(t)
	var out []sesemu.Message
	for _, m := range a.stack.Mail.Messages()[before:] {
		if slices.Equal(m.To, []string{to}) {
			out = append(out, m)
		}
	}
	return out
}

// mailedToken checks that exactly one mail left since before to the
// address, with a link to path, and returns the link's token. Other mails
// (to other addresses) may have left too: the tests that care check them.
func (a *api) mailedToken(t *testing.T, before int, to, path string) string {
	t.Helper()
	msgs := a.mailsTo(t, before, to)
	if len(msgs) != 1 {
		t.Fatalf("%d mails sent to %s, want 1", len(msgs), to)
	}
	m := msgs[0]
	links := a.base
	if a.links != "" {
		links = a.links
	}
	re := regexp.MustCompile(regexp.QuoteMeta(links+path) + `\?token=([A-Za-z0-9_-]+)`)
	match := re.FindStringSubmatch(m.Text)
	if match == nil {
		t.Fatalf("mail %q to %s has no %s link:\n%s", m.Subject, to, path, m.Text)
	}
	if !strings.Contains(m.HTML, match[0]) {
		t.Errorf("the HTML part of mail %q lacks the link %s", m.Subject, match[0])
	}
	return match[1]
}

// noMail checks that no mail left since before, once the mail jobs are done.
func (a *api) noMail(t *testing.T, before int, after string) {
	t.Helper()
	a.settle(t)
	if msgs := a.stack.Mail.Messages(); len(msgs) != before {
		t.Errorf("after %s: %d mails sent (last to %q), want none", after, len(msgs)-before, msgs[len(msgs)-1].To)
	}
}

// --- throttling windows -------------------------------------------------------

// inOneWindow used to wait for a fresh clock-aligned throttling window.
// The limits slide now (shared/dynamo/counters.go): a unit counts for one
// window after it was taken, so no edge can split a test's attempts and
// there is nothing to wait for. It stays for the tests that call it.
func inOneWindow(t *testing.T, w, need time.Duration) {
	t.Helper()
}
