package portal_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/citejardins/extranet/infra/localstack"
	"github.com/citejardins/extranet/infra/rie"
	"github.com/citejardins/extranet/shared/portal"
)

// functions are the HTTP functions, in a fixed order.
var functions = []string{"account", "activation", "session", "signup"}

// lambdaRig is a local stack's data behind each HTTP function as Lambda
// runs it: the portal's own event handler, fed with events.
type lambdaRig struct {
	stack    *localstack.Stack
	handlers map[string]portal.EventHandler
	logs     *syncBuffer // every line the functions log
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startLambdas starts a local stack (emulated DynamoDB, S3, SES) and builds
// each HTTP function's Lambda handler on it, with the settings env adds.
func startLambdas(tb testing.TB, env map[string]string) *lambdaRig {
	tb.Helper()
	all := map[string]string{
		"LIMIT_PER_ADDRESS":       "100000/1h",
		"LIMIT_ACCOUNT_FAILURES":  "100000/1h",
		"LIMIT_LEASE_FAILURES":    "100000/1h",
		"LIMIT_MAILS_PER_ACCOUNT": "100000/1h",
	}
	maps.Copy(all, env)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	quiet := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	st, err := localstack.Start(ctx, localstack.Options{Addr: "127.0.0.1:0", DataDir: tb.TempDir(), Env: all, Log: quiet})
	if err != nil {
		tb.Fatalf("start the local stack: %v", err)
	}
	tb.Cleanup(func() { st.Close() })
	rig := &lambdaRig{stack: st, handlers: map[string]portal.EventHandler{}, logs: &syncBuffer{}}
	for _, fn := range functions {
		fenv, err := st.FunctionEnv(fn)
		if err != nil {
			tb.Fatal(err)
		}
		getenv := func(k string) string { return fenv[k] }
		// The same JSON log as StartLambda, into the buffer.
		flog := slog.New(slog.NewJSONHandler(rig.logs, nil)).With("function", fn)
		srv, err := portal.New(portal.AWSConfig(getenv), getenv, flog)
		if err != nil {
			tb.Fatalf("function %s: %v", fn, err)
		}
		rig.handlers[fn] = portal.LambdaHandler(srv, fn)
	}
	return rig
}

// sampleEvents reads events/, placeholders filled with plain values.
func sampleEvents(tb testing.TB) map[string]events.APIGatewayV2HTTPRequest {
	tb.Helper()
	root, err := localstack.FindRoot()
	if err != nil {
		tb.Fatal(err)
	}
	evs, err := rie.LoadEvents(root)
	if err != nil {
		tb.Fatal(err)
	}
	vars := map[string]string{"token": "jeton-inconnu", "session": "session-inconnue", "id": "20261125-7K3Q9D"}
	out := map[string]events.APIGatewayV2HTTPRequest{}
	for key, ev := range evs {
		raw, err := ev.Fill(vars)
		if err != nil {
			tb.Fatal(err)
		}
		var req events.APIGatewayV2HTTPRequest
		if err := json.Unmarshal(raw, &req); err != nil {
			tb.Fatalf("%s: %v", filepath.Base(ev.File), err)
		}
		out[key] = req
	}
	return out
}

// invoke sends one event to a function's handler and fails the test on an
// invocation error or a response API Gateway could not pass on.
func (rig *lambdaRig) invoke(tb testing.TB, fn string, ev events.APIGatewayV2HTTPRequest) events.APIGatewayV2HTTPResponse {
	tb.Helper()
	resp, err := rig.handlers[fn](context.Background(), ev)
	if err != nil {
		tb.Fatalf("%s %q: invocation error %v", ev.RequestContext.HTTP.Method, ev.RawPath, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 599 {
		tb.Fatalf("%s %q: status %d", ev.RequestContext.HTTP.Method, ev.RawPath, resp.StatusCode)
	}
	return resp
}

// problemCode is the code of a problem response, "" for another response.
func problemCode(resp events.APIGatewayV2HTTPResponse) string {
	if resp.Headers["Content-Type"] != "application/problem+json" {
		return ""
	}
	var p struct{ Code string }
	_ = json.Unmarshal([]byte(resp.Body), &p)
	return p.Code
}

// captureStdLog sends what the standard logger prints (where
// aws-lambda-go-api-proxy logged) to a buffer for the test.
func captureStdLog(t *testing.T) *syncBuffer {
	t.Helper()
	buf := &syncBuffer{}
	prev, flags := log.Writer(), log.Flags()
	log.SetOutput(buf)
	t.Cleanup(func() { log.SetOutput(prev); log.SetFlags(flags) })
	return buf
}

// TestLambdaEventsAPIGatewayCanSend feeds the functions events API Gateway
// sends, whose rawPath it has percent-decoded, and other odd but
// well-formed ones: each gets a response (a problem for what cannot be
// understood), never an invocation error, and no log line holds the path's
// id, the query or the body.
func TestLambdaEventsAPIGatewayCanSend(t *testing.T) {
	stdlog := captureStdLog(t)
	rig := startLambdas(t, nil)
	samples := sampleEvents(t)
	const secretish = "Zq9-secret-marker"
	tests := []struct {
		name, fn, route string
		edit            func(e *events.APIGatewayV2HTTPRequest)
		status          int
		code            string
	}{
		{"a client's 100%25, decoded", "account", "GET /api/v1/change-requests/{id}", func(e *events.APIGatewayV2HTTPRequest) {
			e.RawPath = "/api/v1/change-requests/100%" + secretish
			e.RequestContext.HTTP.Path = e.RawPath
		}, 401, "unauthenticated"},
		{"an invalid escape in the path", "account", "GET /api/v1/change-requests/{id}", func(e *events.APIGatewayV2HTTPRequest) {
			e.RawPath = "/api/v1/change-requests/%zz%" + secretish
		}, 401, "unauthenticated"},
		{"a path with a space, a control character and bad UTF-8", "account", "GET /api/v1/change-requests/{id}", func(e *events.APIGatewayV2HTTPRequest) {
			e.RawPath = "/api/v1/change-requests/a b\x01\xff" + secretish
		}, 401, "unauthenticated"},
		{"an unknown path with a percent", "account", "GET /api/v1/me", func(e *events.APIGatewayV2HTTPRequest) {
			e.RawPath = "/api/v1/%" + secretish
		}, 404, "not_found"},
		{"a query with control characters and bad escapes", "account", "GET /api/v1/account/entries", func(e *events.APIGatewayV2HTTPRequest) {
			e.RawQueryString = "cursor=%%%garbage\x00\n" + secretish
		}, 401, "unauthenticated"},
		{"no rawPath and no path", "account", "GET /api/v1/me", func(e *events.APIGatewayV2HTTPRequest) {
			e.RawPath, e.RequestContext.HTTP.Path = "", ""
		}, 404, "not_found"},
		{"a domain name that is no host", "account", "GET /api/v1/me", func(e *events.APIGatewayV2HTTPRequest) {
			e.RequestContext.DomainName = "exa mple/%" + secretish
			delete(e.Headers, "host")
		}, 401, "unauthenticated"},
		{"a body flagged base64 that is not", "signup", "POST /api/v1/signup", func(e *events.APIGatewayV2HTTPRequest) {
			e.IsBase64Encoded = true
			e.Body = "{not base64 " + secretish
		}, 400, "malformed_body"},
		{"a method in lower case", "signup", "POST /api/v1/signup", func(e *events.APIGatewayV2HTTPRequest) {
			e.RequestContext.HTTP.Method = "post"
			e.Body = `{"` + secretish + `":1}`
		}, 400, "malformed_body"},
		{"a method that is no token", "account", "GET /api/v1/me", func(e *events.APIGatewayV2HTTPRequest) {
			e.RequestContext.HTTP.Method = "G T"
		}, 405, "method_not_allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, ok := samples[tt.route]
			if !ok {
				t.Fatalf("no sample event for %s", tt.route)
			}
			ev.Headers = maps.Clone(ev.Headers)
			tt.edit(&ev)
			resp := rig.invoke(t, tt.fn, ev)
			if resp.StatusCode != tt.status || problemCode(resp) != tt.code {
				t.Errorf("status %d, code %q; want %d %q\n%s", resp.StatusCode, problemCode(resp), tt.status, tt.code, resp.Body)
			}
		})
	}
	for what, logs := range map[string]string{"function log": rig.logs.String(), "standard log": stdlog.String()} {
		if strings.Contains(logs, secretish) || strings.Contains(logs, "garbage") {
			t.Errorf("the %s holds a path, query or body:\n%s", what, logs)
		}
	}
}

// FuzzLambdaEvent builds events from the sample events' fields, mutated,
// and checks that each function answers every one with a response API
// Gateway can pass on (a status from 200 to 599), never an invocation
// error.
func FuzzLambdaEvent(f *testing.F) {
	samples := sampleEvents(f)
	for _, key := range slices.Sorted(maps.Keys(samples)) {
		ev := samples[key]
		var headers strings.Builder
		for _, k := range slices.Sorted(maps.Keys(ev.Headers)) {
			headers.WriteString(k + ": " + ev.Headers[k] + "\n")
		}
		fn := uint8(slices.Index(functions, functionOf(key)))
		f.Add(fn, ev.RequestContext.HTTP.Method, ev.RawPath, ev.RawQueryString, headers.String(),
			strings.Join(ev.Cookies, "\n"), ev.Body, ev.IsBase64Encoded)
	}
	f.Add(uint8(0), "GET", "/api/v1/change-requests/100%", "", "authorization: Bearer x\n", "el_session=x", "", false)
	f.Add(uint8(3), "POST", "/api/v1/signup", "a=%zz", "content-type: application/json\n", "", "e30=", true)
	// The default limits: past 60 attempts a minute from the events'
	// sourceIp, logins and sign-ups stop before their argon2id work, which
	// would otherwise take most of the run.
	rig := startLambdas(f, map[string]string{"LIMIT_PER_ADDRESS": "60/1m", "LIMIT_ACCOUNT_FAILURES": "5/15m",
		"LIMIT_LEASE_FAILURES": "5/15m", "LIMIT_MAILS_PER_ACCOUNT": "5/1h"})
	base := samples["GET /api/v1/me"]
	f.Fuzz(func(t *testing.T, fn uint8, method, rawPath, rawQuery, headers, cookies, body string, b64 bool) {
		ev := base
		ev.RequestContext.HTTP.Method = method
		ev.RawPath, ev.RequestContext.HTTP.Path = rawPath, rawPath
		ev.RawQueryString = rawQuery
		ev.Headers = map[string]string{}
		for _, line := range strings.Split(headers, "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok {
				ev.Headers[strings.ToLower(strings.TrimSpace(k))] = strings.TrimSpace(v)
			}
		}
		ev.Cookies = nil
		if cookies != "" {
			ev.Cookies = strings.Split(cookies, "\n")
		}
		ev.Body, ev.IsBase64Encoded = body, b64
		rig.invoke(t, functions[int(fn)%len(functions)], ev)
	})
}

// functionOf is the function that serves a route key, per template.yaml.
func functionOf(routeKey string) string {
	switch {
	case strings.Contains(routeKey, "/signup"):
		return "signup"
	case strings.Contains(routeKey, "/activation"):
		return "activation"
	case strings.Contains(routeKey, "/sessions"), strings.Contains(routeKey, "/password"):
		return "session"
	}
	return "account"
}

// TestLambdaLogsNoIdsOnInternalErrors checks the log line of an internal
// error: when DynamoDB fails the read of a change request, the function
// answers 500 and logs the cause, but not the id of the path (nor the key
// holding it).
func TestLambdaLogsNoIdsOnInternalErrors(t *testing.T) {
	rig := startLambdas(t, nil)
	session := rig.login(t)

	// DynamoDB, but failing every read of a change request.
	dynamo, err := url.Parse(rig.stack.Endpoints["DYNAMODB"])
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(dynamo)
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if strings.HasSuffix(r.Header.Get("X-Amz-Target"), ".GetItem") && bytes.Contains(body, []byte(`"REQUEST#`)) {
			w.Header().Set("Content-Type", "application/x-amz-json-1.0")
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"__type":"com.amazon.coral.validate#ValidationException","message":"test failure"}`)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		proxy.ServeHTTP(w, r)
	}))
	defer failing.Close()
	fenv, err := rig.stack.FunctionEnv("account")
	if err != nil {
		t.Fatal(err)
	}
	fenv = maps.Clone(fenv)
	fenv["AWS_ENDPOINT_URL_DYNAMODB"] = failing.URL
	logs := &syncBuffer{}
	getenv := func(k string) string { return fenv[k] }
	srv, err := portal.New(portal.AWSConfig(getenv), getenv, slog.New(slog.NewJSONHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}

	const id = "20261125-ZQ9XW7"
	ev := sampleEvents(t)["GET /api/v1/change-requests/{id}"]
	ev.RawPath = "/api/v1/change-requests/" + id
	ev.Headers = maps.Clone(ev.Headers)
	ev.Headers["authorization"] = "Bearer " + session
	resp, err := portal.LambdaHandler(srv, "account")(context.Background(), ev)
	if err != nil || resp.StatusCode != 500 || problemCode(resp) != "internal_error" {
		t.Fatalf("with the read failing: %d %q, %v; want a 500 internal_error problem", resp.StatusCode, resp.Body, err)
	}
	out := logs.String()
	if !strings.Contains(out, "internal error") || !strings.Contains(out, "test failure") {
		t.Fatalf("the cause is not logged:\n%s", out)
	}
	if strings.Contains(out, "ZQ9XW7") || strings.Contains(out, session) {
		t.Errorf("the log holds the path's id or the session:\n%s", out)
	}
}

// login signs up, activates and logs in the sample events' tenant (DUPONT,
// lease 8889999) through the functions, and returns the session token.
func (rig *lambdaRig) login(t *testing.T) string {
	t.Helper()
	samples := sampleEvents(t)
	if resp := rig.invoke(t, "signup", samples["POST /api/v1/signup"]); resp.StatusCode != 202 {
		t.Fatalf("sign-up: %d %s", resp.StatusCode, resp.Body)
	}
	// The activation mail leaves from the mail worker, after the answer.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := rig.stack.WaitMailJobs(ctx); err != nil {
		t.Fatal(err)
	}
	var token string
	for _, m := range rig.stack.Mail.Messages() {
		b, _ := json.Marshal(m)
		if found := regexp.MustCompile(`token=([A-Za-z0-9_-]+)`).FindSubmatch(b); found != nil {
			token = string(found[1])
		}
	}
	if token == "" {
		t.Fatal("no activation link in the mail")
	}
	act := samples["POST /api/v1/activation"]
	act.Body = `{"token":"` + token + `"}`
	delete(act.Headers, "content-length")
	if resp := rig.invoke(t, "activation", act); resp.StatusCode != 200 {
		t.Fatalf("activation: %d %s", resp.StatusCode, resp.Body)
	}
	resp := rig.invoke(t, "session", samples["POST /api/v1/sessions"])
	var s struct{ Token string }
	if err := json.Unmarshal([]byte(resp.Body), &s); err != nil || s.Token == "" {
		t.Fatalf("login: %d %s", resp.StatusCode, resp.Body)
	}
	return s.Token
}
