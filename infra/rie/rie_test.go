package rie

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/citejardins/extranet/infra/localstack"
	"github.com/citejardins/extranet/infra/sesemu"
	"github.com/citejardins/extranet/shared/httpapi"
)

// The address the sample events sign up with (events/signup.json).
const email = "marie.dupont@example.fr"

func root(t *testing.T) string {
	t.Helper()
	r, err := localstack.FindRoot()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestEventsCoverEveryRoute checks that events/ holds one real-shaped event
// per route of the API, and nothing else.
// findRIE is the Runtime Interface Emulator's binary; without it the test
// is skipped, or fails under CI.
func findRIE(t *testing.T) string {
	t.Helper()
	rieBin, err := Find()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%v; CI must run this test", err)
		}
		t.Skipf("%v", err)
	}
	return rieBin
}

// startFunction builds functions/<name> and starts it under the emulator
// rieBin with the environment the stack st gives it; the emulator's output
// is logged if the test fails, and it is closed at the test's end.
func startFunction(t *testing.T, rieBin, repo string, st *localstack.Stack, name string) *Emulator {
	t.Helper()
	ctx := t.Context()
	bins, err := Build(ctx, BuildOptions{Root: repo, Dir: t.TempDir(), Functions: []string{name}})
	if err != nil {
		t.Fatal(err)
	}
	env, err := st.FunctionEnv(name)
	if err != nil {
		t.Fatal(err)
	}
	e, err := Start(ctx, Config{RIE: rieBin, Bootstrap: bins[name], Env: env, Name: st.Template.Functions[name].LogicalID})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("--- output of %s under %s:\n%s", name, Binary, e.Output())
		}
		e.Close()
	})
	return e
}

func TestEventsCoverEveryRoute(t *testing.T) {
	evs, err := LoadEvents(root(t))
	if err != nil {
		t.Fatal(err)
	}
	routes := map[string]bool{}
	for _, r := range httpapi.New(httpapi.Config{}, nil, nil, nil).Routes() {
		key := r.Method + " " + r.Path
		routes[key] = true
		if _, ok := evs[key]; !ok {
			t.Errorf("no event in events/ for route %s (function %s)", key, r.Function)
		}
	}
	for key, ev := range evs {
		if !routes[key] {
			t.Errorf("%s: route key %q is no route of shared/httpapi/routes.go", ev.File, key)
		}
		checkShape(t, ev)
	}
}

func checkShape(t *testing.T, ev Event) {
	t.Helper()
	r, c := ev.Request, ev.Request.RequestContext
	fail := func(format string, args ...any) { t.Errorf("%s: "+format, append([]any{ev.File}, args...)...) }
	if r.Version != "2.0" {
		fail("version %q, want 2.0", r.Version)
	}
	method, path, _ := strings.Cut(r.RouteKey, " ")
	if c.RouteKey != r.RouteKey || c.HTTP.Method != method || c.HTTP.Path != r.RawPath {
		fail("routeKey %q, requestContext.routeKey %q, http.method %q, http.path %q and rawPath %q disagree",
			r.RouteKey, c.RouteKey, c.HTTP.Method, c.HTTP.Path, r.RawPath)
	}
	// The route's path, with its {parameters} taken from pathParameters,
	// must be the raw path.
	params := map[string]bool{}
	want := routeParam.ReplaceAllStringFunc(path, func(m string) string {
		name := m[1 : len(m)-1]
		params[name] = true
		if v, ok := r.PathParameters[name]; ok {
			return v
		}
		fail("path parameter %s is not in pathParameters", name)
		return m
	})
	if want != r.RawPath || len(r.PathParameters) != len(params) {
		fail("rawPath %q is not route %q with pathParameters %v", r.RawPath, path, r.PathParameters)
	}
	if q, err := url.ParseQuery(r.RawQueryString); err != nil || len(q) != len(r.QueryStringParameters) {
		fail("rawQueryString %q and queryStringParameters %v disagree", r.RawQueryString, r.QueryStringParameters)
	} else {
		for k, vs := range q {
			if r.QueryStringParameters[k] != strings.Join(vs, ",") {
				fail("rawQueryString %q and queryStringParameters %v disagree", r.RawQueryString, r.QueryStringParameters)
			}
		}
	}
	if c.Stage != "$default" || c.AccountID == "" || c.APIID == "" || c.RequestID == "" ||
		c.HTTP.Protocol == "" || c.HTTP.SourceIP == "" || c.HTTP.UserAgent == "" {
		fail("requestContext lacks stage $default, accountId, apiId, requestId or http fields")
	}
	if c.DomainName != r.Headers["host"] || !strings.HasPrefix(c.DomainName, c.APIID+".execute-api.") {
		fail("domainName %q, host header %q and apiId %q disagree", c.DomainName, r.Headers["host"], c.APIID)
	}
	if tm, err := time.Parse("02/Jan/2006:15:04:05 -0700", c.Time); err != nil || tm.Unix() != c.TimeEpoch/1000 {
		fail("time %q does not match timeEpoch %d", c.Time, c.TimeEpoch)
	}
	for k := range r.Headers {
		if k != strings.ToLower(k) {
			fail("header %q is not lower case, as API Gateway sends them", k)
		}
	}
	if r.IsBase64Encoded {
		fail("isBase64Encoded: the API takes JSON, which API Gateway passes as text")
	}
	if r.Body != "" {
		if r.Headers["content-type"] != "application/json" {
			fail("a body without content-type: application/json")
		}
		if !json.Valid([]byte(placeholder.ReplaceAllString(r.Body, "x"))) {
			fail("body is not JSON")
		}
	}
	if cl, ok := r.Headers["content-length"]; ok && cl != strconv.Itoa(len(r.Body)) {
		fail("content-length %s, body has %d bytes", cl, len(r.Body))
	}
	for _, p := range ev.Placeholders() {
		if p != "token" && p != "session" && p != "id" {
			fail("unknown placeholder {{%s}} (events/README.md lists them)", p)
		}
	}
}

var routeParam = regexp.MustCompile(`\{[A-Za-z0-9_]+\}`)

// TestFunctionsUnderRIE builds every HTTP function and runs it under the Lambda
// Runtime Interface Emulator against a local stack, through the whole
// account flow, with the sample events of events/.
func TestFunctionsUnderRIE(t *testing.T) {
	rieBin := findRIE(t)
	ctx := t.Context()
	repo := root(t)
	evs, err := LoadEvents(repo)
	if err != nil {
		t.Fatal(err)
	}

	st, err := localstack.Start(ctx, localstack.Options{Addr: "127.0.0.1:0", DataDir: t.TempDir(), Root: repo})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })

	// The HTTP functions: those the template routes requests to.
	var names []string
	for name, fn := range st.Template.Functions {
		if len(fn.Routes) > 0 {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	if len(names) == 0 {
		t.Fatal("template.yaml routes no request to any function")
	}

	start := time.Now()
	bins, err := Build(ctx, BuildOptions{Root: repo, Dir: t.TempDir(), Functions: names})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("built %v for %s/%s in %s", names, runtime.GOOS, runtime.GOARCH, time.Since(start).Round(time.Millisecond))
	start = time.Now()

	// Start the emulators side by side; each function inits at its first
	// invocation.
	emus := map[string]*Emulator{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	errs := make([]error, len(names))
	for i, name := range names {
		env, err := st.FunctionEnv(name)
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			e, err := Start(ctx, Config{RIE: rieBin, Bootstrap: bins[name], Env: env, Name: st.Template.Functions[name].LogicalID})
			if err != nil {
				errs[i] = fmt.Errorf("%s: %w", name, err)
				return
			}
			mu.Lock()
			emus[name] = e
			mu.Unlock()
		}()
	}
	wg.Wait()
	for name, e := range emus {
		t.Cleanup(func() {
			if t.Failed() {
				t.Logf("--- output of %s under %s:\n%s", name, Binary, e.Output())
			}
			e.Close()
		})
	}
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("%d emulators ready in %s", len(emus), time.Since(start).Round(time.Millisecond))

	// Which function serves each route, as the template says.
	fnOf := map[string]string{}
	for name, fn := range st.Template.Functions {
		for _, r := range fn.Routes {
			fnOf[r.Method+" "+r.Path] = name
		}
	}
	initLogged := map[string]bool{}
	invoked := map[string]bool{}
	call := func(routeKey string, vars map[string]string) events.APIGatewayV2HTTPResponse {
		t.Helper()
		invoked[routeKey] = true
		ev, ok := evs[routeKey]
		if !ok {
			t.Fatalf("no event for %s", routeKey)
		}
		fn := fnOf[routeKey]
		if fn == "" {
			t.Fatalf("template.yaml routes %s to no function", routeKey)
		}
		payload, err := ev.Fill(vars)
		if err != nil {
			t.Fatal(err)
		}
		res, err := emus[fn].Invoke(ctx, payload)
		if err != nil {
			t.Fatalf("%s (%s): %v", routeKey, fn, err)
		}
		if !initLogged[fn] {
			initLogged[fn] = true
			// The REPORT line's figure, and the init rapid measured: the
			// former only times the emulator's dispatch of the init
			// (aws-lambda-runtime-interface-emulator issue #106).
			reported, err := emus[fn].ReportedInitDuration(5 * time.Second)
			if err != nil {
				t.Errorf("%s: %v", fn, err)
			}
			real, err := emus[fn].InitDuration(5 * time.Second)
			if err != nil {
				t.Errorf("%s: %v", fn, err)
			}
			t.Logf("%-10s REPORT Init Duration: %.2f ms; rapid INIT REPORT: %.2f ms (first invocation: %s)",
				fn, msOf(reported), msOf(real), routeKey)
		}
		return res
	}
	mails := &inbox{t: t, srv: st.Mail}

	// Sign up, ask for the email again, activate with the newest link.
	res := call("POST /api/v1/signup", nil)
	wantJSON(t, res, http.StatusAccepted, map[string]any{"status": "activation_sent"})
	first := mails.next("/activation")
	res = call("POST /api/v1/activation/resend", nil)
	wantJSON(t, res, http.StatusAccepted, map[string]any{"status": "accepted"})
	second := mails.next("/activation")
	if second == first {
		t.Fatalf("the resent activation link is the first one")
	}
	res = call("POST /api/v1/activation", map[string]string{"token": second})
	wantJSON(t, res, http.StatusOK, map[string]any{"status": "active", "email": email})

	// Log in as the mobile app: the token it asks for in the body, and no
	// cookie (the web app's login gets the cookie only).
	res = call("POST /api/v1/sessions", nil)
	body := wantJSON(t, res, http.StatusOK, nil)
	session, _ := body["token"].(string)
	if session == "" {
		t.Fatalf("login: no token in %s", res.Body)
	}
	if slices.ContainsFunc(res.Cookies, func(c string) bool {
		return strings.HasPrefix(c, httpapi.SessionCookie+"=") || strings.HasPrefix(c, httpapi.SecureSessionCookie+"=")
	}) {
		t.Errorf("login with tokenRequested sets a session cookie: %q", res.Cookies)
	}

	// The account, then log out, then the session is gone.
	res = call("GET /api/v1/me", map[string]string{"session": session})
	body = wantJSON(t, res, http.StatusOK, map[string]any{"reference": "8889999", "lastName": "DUPONT", "email": email})
	t.Logf("me: %v", body)

	// The tenant's own data, all served by the account function.
	auth := map[string]string{"session": session}
	res = call("GET /api/v1/account", auth)
	body = wantJSON(t, res, http.StatusOK, nil)
	if _, ok := body["balanceCents"]; !ok {
		t.Errorf("account summary: no balanceCents in %s", res.Body)
	}
	res = call("GET /api/v1/account/entries", auth)
	body = wantJSON(t, res, http.StatusOK, nil)
	if _, ok := body["entries"].([]any); !ok {
		t.Errorf("entries: no entries list in %s", res.Body)
	}
	res = call("GET /api/v1/contract", auth)
	wantJSON(t, res, http.StatusOK, map[string]any{"reference": "8889999"})
	res = call("GET /api/v1/contacts", auth)
	body = wantJSON(t, res, http.StatusOK, nil)
	if _, ok := body["contacts"].([]any); !ok {
		t.Errorf("contacts: no contacts list in %s", res.Body)
	}
	// The public emergency directory, without a session.
	res = call("GET /api/v1/emergency-contacts", nil)
	body = wantJSON(t, res, http.StatusOK, nil)
	if list, _ := body["results"].([]any); len(list) != 1 || !strings.Contains(res.Body, "01 99 00 99 99") {
		t.Errorf("emergency contacts of saint-denis: want the demo residence's service, got %s", res.Body)
	}
	// The landlord's legal details for the public legal pages, without a
	// session.
	res = call("GET /api/v1/legal", nil)
	body = wantJSON(t, res, http.StatusOK, nil)
	if _, ok := body["name"].(string); !ok {
		t.Errorf("legal: no landlord name in %s", res.Body)
	}
	// "Mes documents": the landlord's documents of the demo (the guide for
	// every tenant, the rules of DUPONT's residence), one with its link,
	// and the 302 to it.
	res = call("GET /api/v1/documents", auth)
	body = wantJSON(t, res, http.StatusOK, nil)
	docs, _ := body["documents"].([]any)
	if len(docs) != 2 {
		t.Fatalf("documents of kind landlord: want the 2 demo files, got %s", res.Body)
	}
	docID, _ := docs[0].(map[string]any)["id"].(string)
	res = call("GET /api/v1/documents/{id}", map[string]string{"session": session, "id": docID})
	body = wantJSON(t, res, http.StatusOK, map[string]any{"id": docID, "kind": "landlord"})
	if link, _ := body["downloadUrl"].(string); !strings.Contains(link, "X-Amz-Signature=") {
		t.Errorf("document: no presigned downloadUrl in %s", res.Body)
	}
	res = call("GET /api/v1/documents/{id}/file", map[string]string{"session": session, "id": docID})
	if res.StatusCode != http.StatusFound || !strings.Contains(header(res, "Location"), "X-Amz-Signature=") {
		t.Errorf("document file: status %d, Location %q; want 302 to a presigned link", res.StatusCode, header(res, "Location"))
	}
	res = call("GET /api/v1/documents/{id}", map[string]string{"session": session, "id": "notice-2026-12-0123456789ab"})
	wantProblem(t, res, http.StatusNotFound, "not_found")
	// Receipts (the receipts function): DUPONT's months of 2026, all paid,
	// and November's quittance, made once.
	res = call("GET /api/v1/receipts", auth)
	body = wantJSON(t, res, http.StatusOK, nil)
	if months, _ := body["months"].([]any); len(months) != 12 || !strings.Contains(res.Body, `{"period":"2026-11","status":"paid","dueCents":60000,"paidCents":60000,"kind":"rent_receipt"}`) {
		t.Errorf("receipts of 2026: want 12 months, November paid, got %s", res.Body)
	}
	res = call("POST /api/v1/receipts", auth)
	body = wantJSON(t, res, http.StatusCreated, map[string]any{"kind": "rent_receipt", "period": "2026-11"})
	receiptID, _ := body["id"].(string)
	if link, _ := body["downloadUrl"].(string); !strings.Contains(link, "X-Amz-Signature=") {
		t.Errorf("receipt: no presigned downloadUrl in %s", res.Body)
	}
	res = call("POST /api/v1/receipts", auth)
	wantJSON(t, res, http.StatusOK, map[string]any{"id": receiptID})
	// The statement as PDF, a binary body the runtime carries base64-encoded,
	// and a tenancy certificate (the receipts function).
	res = call("GET /api/v1/account/entries.pdf", auth)
	if pdf, err := base64.StdEncoding.DecodeString(res.Body); res.StatusCode != http.StatusOK || !res.IsBase64Encoded ||
		header(res, "Content-Type") != "application/pdf" || err != nil || !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Errorf("statement PDF: status %d, isBase64Encoded %v, Content-Type %q, body %.40q", res.StatusCode, res.IsBase64Encoded,
			header(res, "Content-Type"), res.Body)
	}
	res = call("POST /api/v1/certificates", auth)
	wantJSON(t, res, http.StatusCreated, map[string]any{"kind": "tenancy_certificate"})
	// The home-insurance certificate: a presigned POST, the confirmation of
	// an upload the lease does not have (404), and the status.
	res = call("POST /api/v1/insurance/uploads", auth)
	body = wantJSON(t, res, http.StatusCreated, map[string]any{"url": st.Endpoints["S3"] + "/" + localstack.DocumentsBucket})
	if id, _ := body["uploadId"].(string); len(id) != 32 {
		t.Errorf("insurance upload: no upload id in %s", res.Body)
	}
	res = call("POST /api/v1/insurance/certificates", map[string]string{"session": session, "id": "0123456789abcdef0123456789abcdef"})
	wantProblem(t, res, http.StatusNotFound, "not_found")
	res = call("GET /api/v1/insurance", auth)
	wantJSON(t, res, http.StatusOK, map[string]any{"status": "missing", "current": nil})
	// Bank details (the banking function): none yet, then set with the
	// password (the mail tells the address), then read back masked.
	res = call("GET /api/v1/bank-details", auth)
	wantProblem(t, res, http.StatusNotFound, "bank_details_missing")
	res = call("PUT /api/v1/bank-details", auth)
	wantJSON(t, res, http.StatusOK, map[string]any{"iban": "FR76 •••• •••• •••• •••• •••0 189", "bic": "AGRIFRPP", "holder": "Marie DUPONT"})
	mails.skip("Vos coordonnées bancaires ont été modifiées")
	res = call("GET /api/v1/bank-details", auth)
	wantJSON(t, res, http.StatusOK, map[string]any{"iban": "FR76 •••• •••• •••• •••• •••0 189"})
	// The SEPA mandate (the banking function): signed with the password,
	// shown, revoked.
	res = call("POST /api/v1/direct-debit", auth)
	wantJSON(t, res, http.StatusCreated, map[string]any{"rum": "EXTRANET-8889999-1", "status": "active", "type": "recurrent",
		"iban": "FR76 •••• •••• •••• •••• •••0 189", "debitDay": float64(5)})
	res = call("GET /api/v1/direct-debit", auth)
	wantJSON(t, res, http.StatusOK, nil)
	res = call("DELETE /api/v1/direct-debit", auth)
	wantJSON(t, res, http.StatusOK, map[string]any{"rum": "EXTRANET-8889999-1", "status": "revoked"})
	// Online payments (the payments function): a payment on the sandbox
	// checkout, listed; the webhook (its own function) refuses the sample's
	// signature, made with another secret.
	res = call("POST /api/v1/payments", auth)
	body = wantJSON(t, res, http.StatusCreated, map[string]any{"amountCents": float64(35000), "status": "open"})
	if u, _ := body["checkoutUrl"].(string); !strings.Contains(u, "/_dev/checkout/cs_test_") {
		t.Errorf("payment: checkoutUrl %q, want the sandbox checkout", u)
	}
	res = call("GET /api/v1/payments", auth)
	body = wantJSON(t, res, http.StatusOK, nil)
	if list, _ := body["payments"].([]any); len(list) != 1 {
		t.Errorf("payments: want the one started, got %s", res.Body)
	}
	res = call("POST /api/v1/payments/webhook", nil)
	wantProblem(t, res, http.StatusBadRequest, "webhook_signature_invalid")
	res = call("GET /api/v1/preferences", auth)
	wantJSON(t, res, http.StatusOK, nil)
	res = call("PUT /api/v1/preferences", auth)
	wantJSON(t, res, http.StatusOK, map[string]any{"paperless": true, "notificationEmail": email})
	// A confirmation link of a notification email needs no session; a
	// made-up one is refused.
	res = call("POST /api/v1/preferences/notification-email/confirmation", map[string]string{"token": randomToken(t)})
	wantProblem(t, res, http.StatusGone, "token_invalid")
	res = call("POST /api/v1/change-requests", auth)
	body = wantJSON(t, res, http.StatusCreated, map[string]any{"kind": "contact_details", "status": "submitted"})
	id, _ := body["id"].(string)
	if id == "" || header(res, "Location") != "/api/v1/change-requests/"+id {
		t.Fatalf("change request: id %q, Location %q", id, header(res, "Location"))
	}
	res = call("GET /api/v1/change-requests", auth)
	body = wantJSON(t, res, http.StatusOK, nil)
	if list, _ := body["changeRequests"].([]any); len(list) != 1 {
		t.Errorf("change requests: want the one submitted, got %s", res.Body)
	}
	res = call("GET /api/v1/change-requests/{id}", map[string]string{"session": session, "id": id})
	wantJSON(t, res, http.StatusOK, map[string]any{"id": id})
	res = call("GET /api/v1/change-requests/{id}", map[string]string{"session": session, "id": "20000101-ZZZZZZ"})
	wantProblem(t, res, http.StatusNotFound, "not_found")

	// Log out everywhere from a second session: both end.
	res = call("POST /api/v1/sessions", nil)
	other, _ := wantJSON(t, res, http.StatusOK, nil)["token"].(string)
	res = call("DELETE /api/v1/sessions", map[string]string{"session": other})
	if res.StatusCode != http.StatusNoContent || res.Body != "" {
		t.Errorf("logout everywhere: status %d, body %q; want 204 and no body", res.StatusCode, res.Body)
	}
	for _, s := range []string{session, other} {
		res = call("GET /api/v1/me", map[string]string{"session": s})
		wantProblem(t, res, http.StatusUnauthorized, "unauthenticated")
	}

	// Mon profil: the export of the tenant's data, a new login address (the
	// link goes to the new address, a notice to the current one); a made-up
	// confirmation link is refused.
	res = call("POST /api/v1/sessions", nil)
	session, _ = wantJSON(t, res, http.StatusOK, nil)["token"].(string)
	res = call("GET /api/v1/me/export", map[string]string{"session": session})
	body = wantJSON(t, res, http.StatusOK, nil)
	if !strings.Contains(header(res, "Content-Disposition"), "attachment") || !strings.Contains(res.Body, email) {
		t.Errorf("export: Content-Disposition %q, want an attachment holding the login address; body %s", header(res, "Content-Disposition"), res.Body)
	}
	res = call("POST /api/v1/me/login-email", map[string]string{"session": session})
	if res.StatusCode != http.StatusAccepted {
		t.Errorf("login email change: status %d, body %s; want 202", res.StatusCode, res.Body)
	}
	mails.skip("Demande de changement de votre adresse de connexion")
	res = call("POST /api/v1/me/login-email/confirmation", nil)
	wantProblem(t, res, http.StatusGone, "token_invalid")

	// Change the password: the session goes on, a mail tells the address.
	res = call("POST /api/v1/password/change", map[string]string{"session": session})
	wantJSON(t, res, http.StatusOK, map[string]any{"status": "password_changed"})
	mails.skip("Votre mot de passe Extranet Locataire a été modifié")
	res = call("GET /api/v1/me", map[string]string{"session": session})
	wantJSON(t, res, http.StatusOK, map[string]any{"email": email})
	// Deleting the account asks the current password: the sample's (the
	// sign-up's) no longer is, so the account stays.
	res = call("POST /api/v1/me/deletion", map[string]string{"session": session})
	wantProblem(t, res, http.StatusBadRequest, "validation_failed")
	res = call("GET /api/v1/me", map[string]string{"session": session})
	wantJSON(t, res, http.StatusOK, map[string]any{"email": email})

	res = call("DELETE /api/v1/sessions/current", map[string]string{"session": session})
	if res.StatusCode != http.StatusNoContent || res.Body != "" {
		t.Errorf("logout: status %d, body %q; want 204 and no body", res.StatusCode, res.Body)
	}
	res = call("GET /api/v1/me", map[string]string{"session": session})
	wantProblem(t, res, http.StatusUnauthorized, "unauthenticated")

	// Forgotten password: a reset link; a made-up token is refused, the
	// emailed one sets the new password.
	res = call("POST /api/v1/password/forgot", nil)
	wantJSON(t, res, http.StatusAccepted, map[string]any{"status": "accepted"})
	reset := mails.next("/nouveau-mot-de-passe")
	res = call("POST /api/v1/password/reset", map[string]string{"token": randomToken(t)})
	wantProblem(t, res, http.StatusGone, "token_invalid")
	res = call("POST /api/v1/password/reset", map[string]string{"token": reset})
	wantJSON(t, res, http.StatusOK, map[string]any{"status": "password_changed"})

	for _, name := range names {
		if !initLogged[name] {
			t.Errorf("function %s was never invoked", name)
		}
	}
	for key, ev := range evs {
		if !invoked[key] {
			t.Errorf("%s (%s) was never invoked: add it to the flow of this test", ev.File, key)
		}
	}
	t.Logf("%d routes invoked through %s", len(invoked), Binary)
}

// inbox hands out the links of the stack's mail to the sample address, one
// new message at a time.
type inbox struct {
	t    *testing.T
	srv  *sesemu.Server
	seen int
}

var linkToken = regexp.MustCompile(`(/[a-z-]+)\?token=([A-Za-z0-9_-]+)`)

// skip waits for the next mail to the sample address, which must have this
// subject and no link with a token.
func (b *inbox) skip(subject string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.t.Context(), 10*time.Second)
	defer cancel()
	n := 0
	m, err := b.srv.WaitFor(ctx, func(m sesemu.Message) bool {
		n++
		return n > b.seen && slices.Contains(m.To, email)
	})
	if err != nil {
		b.t.Fatalf("no new mail to %s: %v", email, err)
	}
	b.seen = n
	if m.Subject != subject || linkToken.MatchString(m.Text) {
		b.t.Fatalf("mail %q, want %q without a token link:\n%s", m.Subject, subject, m.Text)
	}
}

// next waits for the next mail to the sample address and returns the token
// of its link, which must lead to path.
func (b *inbox) next(path string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.t.Context(), 10*time.Second)
	defer cancel()
	n := 0
	m, err := b.srv.WaitFor(ctx, func(m sesemu.Message) bool {
		n++
		return n > b.seen && slices.Contains(m.To, email)
	})
	if err != nil {
		b.t.Fatalf("no new mail to %s: %v", email, err)
	}
	b.seen = n
	match := linkToken.FindStringSubmatch(m.Text)
	if match == nil || match[1] != path {
		b.t.Fatalf("mail %q has no %s?token= link:\n%s", m.Subject, path, m.Text)
	}
	return match[2]
}

// header returns a response header whatever its case.
func header(res events.APIGatewayV2HTTPResponse, name string) string {
	for k, v := range res.Headers {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

// wantJSON checks the status and JSON body of a response, and that the body
// holds the fields of want.
func wantJSON(t *testing.T, res events.APIGatewayV2HTTPResponse, status int, want map[string]any) map[string]any {
	t.Helper()
	var body map[string]any
	if ct := header(res, "Content-Type"); ct != "application/json" {
		t.Errorf("content-type %q, want application/json", ct)
	}
	if err := json.Unmarshal([]byte(res.Body), &body); err != nil || res.StatusCode != status {
		t.Fatalf("status %d, body %s; want %d and JSON", res.StatusCode, res.Body, status)
	}
	for k, v := range want {
		if body[k] != v {
			t.Errorf("%s = %v, want %v (body %s)", k, body[k], v, res.Body)
		}
	}
	return body
}

// wantProblem checks an RFC 9457 problem answer.
func wantProblem(t *testing.T, res events.APIGatewayV2HTTPResponse, status int, code string) {
	t.Helper()
	var p httpapi.Problem
	if ct := header(res, "Content-Type"); ct != "application/problem+json" {
		t.Errorf("content-type %q, want application/problem+json", ct)
	}
	if err := json.Unmarshal([]byte(res.Body), &p); err != nil || res.StatusCode != status || p.Status != status || string(p.Code) != code {
		t.Fatalf("status %d, body %s; want a %d problem with code %s", res.StatusCode, res.Body, status, code)
	}
}

func msOf(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// randomToken is well formed but unknown, so it reaches the store.
func randomToken(t *testing.T) string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
