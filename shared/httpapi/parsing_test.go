package httpapi_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/citejardins/extranet/shared/portal"
)

// TestQueryStringParsing checks that a query string that does not parse is a
// 400 problem naming the parameter, not the first page as if it were absent.
func TestQueryStringParsing(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	seedTenancy(t, a, dupont, residenceR1(), termsDupont)
	me := a.loginTenant(t, dupont, "marie.dupont@exemple.fr")

	for _, tt := range []struct {
		query  string
		fields []string
	}{
		{"cursor=%%%garbage", []string{"cursor"}},
		{"cursor=%zz", []string{"cursor"}},
		{"cursor=%ff%fe", []string{"cursor"}}, // not UTF-8 once decoded
		{"from=2026-01-01&from=2025-01-01", []string{"from"}},
		{"limit=5&limit=50", []string{"limit"}},
		{"from=2026-01-01;to=2026-12-31", []string{"from"}},
		{"%zz=1", []string{"query"}},
		{"from=%%&to=%%", []string{"from", "to"}},
	} {
		// openapi.yaml cannot say that a query must parse: kin-openapi,
		// like url.Values, drops what does not.
		status, _, body := a.do(t, "GET", "/api/v1/account/entries?"+tt.query, nil, me.bearer)
		wantProblem(t, "GET /api/v1/account/entries?"+tt.query, status, body, http.StatusBadRequest, "validation_failed")
		if got := fieldErrors(body); !slices.Equal(got, tt.fields) {
			t.Errorf("?%s: errors on %v, want %v", tt.query, got, tt.fields)
		}
	}
	// What does parse still works: empty pairs and an unknown name are no error.
	page := a.get(t, "/api/v1/account/entries?&limit=1&", me.bearer)

	// A cursor that decodes but is not one the API wrote is refused too.
	next, _ := page["nextCursor"].(string)
	raw, err := base64.RawURLEncoding.DecodeString(next)
	if err != nil {
		t.Fatalf("nextCursor %q: %v", next, err)
	}
	var c map[string]string
	if err := json.Unmarshal(raw, &c); err != nil || len(c) != 1 || c["k"] == "" {
		t.Fatalf("nextCursor %q holds %s, want {\"k\":…}", next, raw)
	}
	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	for _, tampered := range []string{
		enc(`{"k":"` + c["k"] + `","x":1}`),
		enc(`{"K":"` + c["k"] + `"}`),
		enc(`{"k":"` + c["k"] + `","k":"` + c["k"] + `"}`),
		enc(`{"k":"ENTRY#zzz"}`),
		enc(`{"k":"ENTRY#2026-13-01#x"}`),
		enc(`{"k":"ENTRY#2026-01-01#"}`),
		enc(` {"k":"` + c["k"] + `"}`),
	} {
		status, _, body := a.do(t, "GET", "/api/v1/account/entries?limit=1&cursor="+tampered, nil, me.bearer)
		wantProblem(t, "a tampered cursor", status, body, http.StatusBadRequest, "validation_failed")
		if got := fieldErrors(body); !slices.Equal(got, []string{"cursor"}) {
			t.Errorf("tampered cursor: errors on %v, want [cursor]", got)
		}
	}
	a.get(t, "/api/v1/account/entries?limit=1&cursor="+next, me.bearer)
}

// TestBodyTooLargeIsReadable checks that a 3 MB body gets a 413 (or, on a
// route that answers before reading it, its own problem) that the client
// reads over a real TCP connection, rather than a reset connection.
func TestBodyTooLargeIsReadable(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	big := `{"email":"` + strings.Repeat("m", 3<<20) + `@exemple.fr"}`
	for _, path := range []string{"/api/v1/signup", "/api/v1/password/forgot", "/api/v1/sessions"} {
		status, _, body := a.doInvalid(t, "POST", path, big, nil)
		wantProblem(t, "POST "+path+" with 3 MB", status, body, http.StatusRequestEntityTooLarge, "body_too_large")
	}
	// A client that sends its whole request before it reads the answer, as
	// simple clients do, over a raw TCP connection.
	for _, path := range []string{"/api/v1/password/forgot", "/api/v1/change-requests"} {
		status, body := rawPost(t, a.base, path, big)
		if status != http.StatusRequestEntityTooLarge && status != http.StatusUnauthorized {
			t.Errorf("raw POST %s with 3 MB: status %d, body %.200s", path, status, body)
		}
		if !json.Valid(body) || !bytes.Contains(body, []byte(`"code":`)) {
			t.Errorf("raw POST %s with 3 MB: body %.200s, want a problem", path, body)
		}
	}

	// Refused before the body is read: the answer still arrives.
	bigText := `{"kind":"autre","text":"` + strings.Repeat("x", 3<<20) + `"}`
	status, _, body := a.doInvalid(t, "POST", "/api/v1/change-requests", bigText, nil)
	wantProblem(t, "POST /api/v1/change-requests with 3 MB and no session", status, body, http.StatusUnauthorized, "unauthenticated")

	// And under Lambda's adapter (API Gateway hands the body over whole,
	// base64-encoded when it is binary).
	env, err := a.stack.FunctionEnv("session")
	if err != nil {
		t.Fatal(err)
	}
	getenv := func(k string) string {
		if v, ok := env[k]; ok {
			return v
		}
		return os.Getenv(k)
	}
	srv, err := portal.New(portal.AWSConfig(getenv), getenv, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	proxy := portal.LambdaHandler(srv, "session")
	for _, b64 := range []bool{false, true} {
		ev := events.APIGatewayV2HTTPRequest{
			Version: "2.0", RouteKey: "POST /api/v1/password/forgot", RawPath: "/api/v1/password/forgot",
			Headers: map[string]string{"content-type": "application/json", "host": "portail.example"},
			Body:    big, IsBase64Encoded: b64,
			RequestContext: events.APIGatewayV2HTTPRequestContext{
				RouteKey: "POST /api/v1/password/forgot", Stage: "$default",
				HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{
					Method: "POST", Path: "/api/v1/password/forgot", Protocol: "HTTP/1.1", SourceIP: "192.0.2.10"},
			},
		}
		if b64 {
			ev.Body = base64.StdEncoding.EncodeToString([]byte(big))
		}
		resp, err := proxy(context.Background(), ev)
		if err != nil {
			t.Fatalf("Lambda adapter, base64 %v: %v", b64, err)
		}
		var p obj
		if err := json.Unmarshal([]byte(resp.Body), &p); err != nil || resp.StatusCode != 413 || p["code"] != "body_too_large" {
			t.Errorf("Lambda adapter, base64 %v: status %d, body %.200s; want a 413 body_too_large problem", b64, resp.StatusCode, resp.Body)
		}
	}
}

// TestStrictJSONBodies checks what encoding/json lets through: duplicate
// member names (the last one winning), bytes that are not UTF-8 and escapes
// of lone surrogates (both decoded as U+FFFD, so that two passwords would be
// one). Each is refused with malformed_body, and nothing happens.
func TestStrictJSONBodies(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	const email = "marie.dupont@exemple.fr"
	// An account whose password holds U+FFFD: with the old decoder, any
	// invalid bytes in its place would open it.
	password := "mot de passe \ufffd\ufffd ok"
	a.register(t, dupont, email, password)

	for _, tt := range []struct {
		name, path, body string
		breaks           bool // openapi.yaml refuses it (the others, it cannot express)
	}{
		{"duplicate email", "/api/v1/password/forgot", `{"email":"autre@exemple.fr","email":"marie.dupont@exemple.fr"}`, false},
		{"duplicate email, escaped", "/api/v1/password/forgot", `{"email":"autre@exemple.fr","\u0065mail":"marie.dupont@exemple.fr"}`, false},
		{"duplicate password", "/api/v1/sessions", `{"email":"marie.dupont@exemple.fr","password":"x","password":"mot de passe \ufffd\ufffd ok"}`, false},
		{"invalid UTF-8", "/api/v1/sessions", "{\"email\":\"marie.dupont@exemple.fr\",\"password\":\"mot de passe \xfe\xfe ok\"}", false},
		{"invalid UTF-8 in a name", "/api/v1/password/forgot", "{\"email\xff\":\"marie.dupont@exemple.fr\"}", true},
		{"lone high surrogate", "/api/v1/sessions", `{"email":"marie.dupont@exemple.fr","password":"mot de passe \ud800\ud800 ok"}`, false},
		{"lone low surrogate", "/api/v1/sessions", `{"email":"marie.dupont@exemple.fr","password":"mot de passe \udc00\udc00 ok"}`, false},
		{"reversed pair", "/api/v1/sessions", `{"email":"marie.dupont@exemple.fr","password":"mot de passe \udc00\ud800 ok"}`, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := a.mailCount()
			status, header, body := a.send(t, !tt.breaks, "POST", tt.path, tt.body, nil)
			wantProblem(t, tt.name, status, body, http.StatusBadRequest, "malformed_body")
			if c := header.Values("Set-Cookie"); len(c) > 0 {
				t.Errorf("%s: cookies %q", tt.name, c)
			}
			a.noMail(t, before, tt.name)
		})
	}
	// A valid surrogate pair and a real U+FFFD are text like any other.
	status, _, body := a.do(t, "POST", "/api/v1/sessions", `{"email":"marie.dupont@exemple.fr","password":"mot de passe \ufffd\uFFFD ok"}`, nil)
	wantStatus(t, "login with escaped U+FFFD", status, http.StatusOK, body)
	status, _, body = a.do(t, "POST", "/api/v1/sessions", `{"email":"marie.dupont@exemple.fr","password":"\ud83d\ude00 une phrase facile"}`, nil)
	wantProblem(t, "login with an emoji pair", status, body, http.StatusUnauthorized, "invalid_credentials")
}

// rawPost writes a whole POST request on a new TCP connection, then reads
// the response.
func rawPost(t *testing.T, base, path, body string) (int, []byte) {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(20 * time.Second))
	head := fmt.Sprintf("POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", path, u.Host, len(body))
	if _, err := io.WriteString(conn, head); err != nil {
		t.Fatalf("raw POST %s: write: %v", path, err)
	}
	// At the pace of a slow uplink: net/http waits 500 ms after an early
	// answer before it closes (and resets) the connection, which a loopback
	// client at full speed never notices.
	const chunk = 64 << 10
	for i := 0; i < len(body); i += chunk {
		if _, err := io.WriteString(conn, body[i:min(i+chunk, len(body))]); err != nil {
			t.Fatalf("raw POST %s: write the body at byte %d: %v", path, i, err)
		}
		time.Sleep(25 * time.Millisecond)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("raw POST %s: read the response: %v", path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("raw POST %s: read the response body: %v", path, err)
	}
	return resp.StatusCode, data
}
