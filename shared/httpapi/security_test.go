package httpapi_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/citejardins/extranet/shared/httpapi"
)

// weakPasswords are the passwords issue 7 (item 8) found accepted, for Marie
// DUPONT (lease 8889999, born 1978-04-12, marie.dupont@exemple.fr), with a
// part of the French message that says what to change.
var weakPasswords = []struct{ name, password, says string }{
	{"12 spaces", strings.Repeat(" ", 12), "que des espaces ou des caractères invisibles"},
	{"12 no-break spaces", strings.Repeat("\u00a0", 12), "que des espaces ou des caractères invisibles"},
	{"12 zero-width spaces", strings.Repeat("\u200b", 12), "que des espaces ou des caractères invisibles"},
	{"one letter repeated", "aaaaaaaaaaaa", "répète le même caractère"},
	{"surname and reference", "dupont8889999", "votre nom ou votre prénom et votre référence client"},
	{"first name and date of birth", "Marie1978-04-12", "votre date de naissance"},
	{"the email itself", "marie.dupont@exemple.fr", "votre adresse email"},
	{"date of birth, French", "né le 12/04/1978 !", "votre date de naissance"},
	{"date of birth, short", "code secret 120478", "votre date de naissance"},
	{"date of birth, dots", "le 12.04.1978 ici", "votre date de naissance"},
}

// TestPasswordRulesAtSignUpAndReset checks that sign-up and reset refuse the
// weak and personal passwords, each with a 400 on the password field that
// says what to change, and change nothing.
func TestPasswordRulesAtSignUpAndReset(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	const email, good = "marie.dupont@exemple.fr", "une phrase facile à retenir"
	for _, tt := range weakPasswords {
		t.Run("sign-up: "+tt.name, func(t *testing.T) {
			before := a.mailCount()
			status, _, body := a.do(t, "POST", "/api/v1/signup", signUpBody(dupont, email, tt.password), nil)
			wantProblem(t, "sign-up with "+tt.name, status, body, http.StatusBadRequest, "validation_failed")
			wantFieldSays(t, body, "password", tt.says)
			a.noMail(t, before, "a refused sign-up")
		})
	}
	a.register(t, dupont, email, good)
	before := a.mailCount()
	status, _, body := a.do(t, "POST", "/api/v1/password/forgot", obj{"email": email}, nil)
	wantStatus(t, "forgot", status, http.StatusAccepted, body)
	link := a.mailedToken(t, before, email, "/nouveau-mot-de-passe")
	for _, tt := range weakPasswords {
		t.Run("reset: "+tt.name, func(t *testing.T) {
			status, _, body := a.do(t, "POST", "/api/v1/password/reset", obj{"token": link, "password": tt.password}, nil)
			wantProblem(t, "reset with "+tt.name, status, body, http.StatusBadRequest, "validation_failed")
			wantFieldSays(t, body, "password", tt.says)
		})
	}
	// The link still works, and the old password too until then.
	a.login(t, email, good)
	status, _, body = a.do(t, "POST", "/api/v1/password/reset", obj{"token": link, "password": "la glycine du balcon fleurit"}, nil)
	wantStatus(t, "reset", status, http.StatusOK, body)
}

func wantFieldSays(t *testing.T, body obj, field, says string) {
	t.Helper()
	errs, _ := body["errors"].(map[string]any)
	msg, _ := errs[field].(string)
	if !strings.Contains(msg, says) {
		t.Errorf("error on %s = %q (errors %v); want it to say %q", field, msg, errs, says)
	}
}

// TestPasswordChange checks POST /api/v1/password/change: the current
// password is needed, the rules apply, the other sessions end and this one
// stays, the old password stops working, and the address is told.
func TestPasswordChange(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	const email, old, fresh = "marie.dupont@exemple.fr", "une phrase facile à retenir", "la glycine du balcon fleurit"
	a.register(t, dupont, email, old)
	here := a.loginCookie(t, email, old).Value
	other := a.loginCookie(t, email, old).Value
	phone := a.loginToken(t, email, old)
	fromHere := withCookie(here, "Origin", a.base)
	change := func(current, next string, headers map[string]string) (int, http.Header, obj) {
		t.Helper()
		return a.do(t, "POST", "/api/v1/password/change", obj{"currentPassword": current, "newPassword": next}, headers)
	}

	t.Run("refused changes change nothing", func(t *testing.T) {
		before := a.mailCount()
		for _, tt := range []struct {
			name, current, next, field, says string
		}{
			{"wrong current password", "pas le bon mot de passe", fresh, "currentPassword", "pas votre mot de passe actuel"},
			{"current password as the new one", old, old, "newPassword", "différent de l’actuel"},
			{"surname and reference", old, "dupont8889999", "newPassword", "votre référence client"},
			{"12 spaces", old, strings.Repeat(" ", 12), "newPassword", "que des espaces"},
			{"first name and date of birth", old, "Marie1978-04-12", "newPassword", "votre date de naissance"},
		} {
			status, _, body := change(tt.current, tt.next, fromHere)
			wantProblem(t, "change with "+tt.name, status, body, http.StatusBadRequest, "validation_failed")
			wantFieldSays(t, body, tt.field, tt.says)
		}
		status, _, body := a.doInvalid(t, "POST", "/api/v1/password/change", obj{"newPassword": fresh}, fromHere)
		wantProblem(t, "change without the current password", status, body, http.StatusBadRequest, "validation_failed")
		status, _, body = change(old, fresh, withCookie(here, "Origin", "https://malveillant.example"))
		wantProblem(t, "change from another site", status, body, http.StatusForbidden, "forbidden")
		status, _, body = a.doInvalid(t, "POST", "/api/v1/password/change", obj{"currentPassword": old, "newPassword": fresh}, nil)
		wantProblem(t, "change without a session", status, body, http.StatusUnauthorized, "unauthenticated")
		for _, h := range []map[string]string{withCookie(here), withCookie(other), bearer(phone)} {
			a.me(t, h)
		}
		a.noMail(t, before, "refused changes")
		a.loginToken(t, email, old)
	})

	before := a.mailCount()
	status, header, body := change(old, fresh, fromHere)
	wantStatus(t, "change", status, http.StatusOK, body)
	if body["status"] != "password_changed" {
		t.Errorf("change body %v, want status password_changed", body)
	}
	if got := header.Values("Set-Cookie"); len(got) > 0 {
		t.Errorf("change sets cookies %q; the session's cookie stays as it is", got)
	}
	a.me(t, withCookie(here))
	a.meRefused(t, withCookie(other))
	a.meRefused(t, bearer(phone))
	status, _, body = a.loginRefused(t, email, old)
	wantProblem(t, "login with the old password", status, body, http.StatusUnauthorized, "invalid_credentials")
	a.login(t, email, fresh)

	msgs := a.stack.Mail.Messages()[before:]
	if len(msgs) != 1 {
		t.Fatalf("%d mails after the change, want 1", len(msgs))
	}
	m := msgs[0]
	if !slices.Equal(m.To, []string{email}) || m.Subject != "Votre mot de passe Extranet Locataire a été modifié" {
		t.Errorf("mail to %v, subject %q", m.To, m.Subject)
	}
	for _, part := range []string{m.Text, m.HTML} {
		if strings.Contains(part, "token=") || strings.Contains(part, fresh) || strings.Contains(part, old) {
			t.Errorf("the change mail holds a secret:\n%s", part)
		}
		if !strings.Contains(part, a.base+"/mot-de-passe-oublie") || !strings.Contains(part, "Mot de passe oublié") {
			t.Errorf("the change mail does not say what to do if it was not the tenant:\n%s", part)
		}
	}

	// By Bearer too, from anywhere: the phone changes it back.
	phone = a.loginToken(t, email, fresh)
	status, _, body = change(fresh, "le lilas du jardin est en fleur", map[string]string{"Authorization": "Bearer " + phone, "Origin": "https://malveillant.example"})
	wantStatus(t, "change by Bearer", status, http.StatusOK, body)
	a.me(t, bearer(phone))
	a.meRefused(t, withCookie(here))
}

// TestPasswordChangeBurst sends 40 wrong current passwords at once on one
// session: at most the account's limit of them are checked (400), the others
// answer 429, and then so does the right one, as a login would.
func TestPasswordChangeBurst(t *testing.T) {
	t.Parallel()
	a := start(t, map[string]string{"LIMIT_ACCOUNT_FAILURES": "5/15m"})
	const email, password = "marie.dupont@exemple.fr", "une phrase facile à retenir"
	a.register(t, dupont, email, password)
	inOneWindow(t, 15*time.Minute, time.Minute)
	session := a.loginToken(t, email, password)

	var mu sync.Mutex
	statuses := map[int]int{}
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Go(func() {
			status, _, _ := a.do(t, "POST", "/api/v1/password/change",
				obj{"currentPassword": "mauvais essai " + strings.Repeat("x", i+1), "newPassword": "la glycine du balcon fleurit"}, bearer(session))
			mu.Lock()
			statuses[status]++
			mu.Unlock()
		})
	}
	wg.Wait()
	t.Logf("40 parallel wrong current passwords: %d checked (400), %d refused unchecked (429)", statuses[400], statuses[429])
	if statuses[http.StatusBadRequest] > 5 || statuses[http.StatusBadRequest]+statuses[http.StatusTooManyRequests] != 40 {
		t.Errorf("40 parallel wrong current passwords answered %v; want at most 5 × 400, the rest 429", statuses)
	}
	status, header, body := a.do(t, "POST", "/api/v1/password/change", obj{"currentPassword": password, "newPassword": "la glycine du balcon fleurit"}, bearer(session))
	wantProblem(t, "change with the right password after the burst", status, body, http.StatusTooManyRequests, "too_many_requests")
	if header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	status, _, body = a.loginRefused(t, email, password)
	wantProblem(t, "login after the burst", status, body, http.StatusTooManyRequests, "too_many_requests")
	a.me(t, bearer(session)) // the session itself goes on
}

// TestLogoutEverywhere checks DELETE /api/v1/sessions: every session of the
// account ends, this one included, and only from the portal's origin with
// the cookie.
func TestLogoutEverywhere(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	const email, password = "marie.dupont@exemple.fr", "une phrase facile à retenir"
	a.register(t, dupont, email, password)
	a.register(t, lefevre, "celine.lefevre@exemple.fr", password)
	neighbour := a.loginToken(t, "celine.lefevre@exemple.fr", password)
	phone, web := a.login(t, email, password)
	other := a.loginCookie(t, email, password).Value

	status, header, body := a.do(t, "DELETE", "/api/v1/sessions", nil, withCookie(web.Value, "Origin", "https://malveillant.example"))
	wantProblem(t, "logout everywhere from another site", status, body, http.StatusForbidden, "forbidden")
	if got := header.Values("Set-Cookie"); len(got) > 0 {
		t.Errorf("refused logout everywhere sets %q", got)
	}
	a.me(t, withCookie(web.Value))

	status, header, body = a.do(t, "DELETE", "/api/v1/sessions", nil, withCookie(web.Value, "Origin", a.base))
	wantStatus(t, "logout everywhere", status, http.StatusNoContent, body)
	if c := sessionCookie(t, header); c == nil || c.Value != "" || c.MaxAge >= 0 {
		t.Errorf("logout everywhere Set-Cookie = %q, want the cookie cleared", header.Values("Set-Cookie"))
	}
	for _, h := range []map[string]string{withCookie(web.Value), withCookie(other), bearer(phone)} {
		a.meRefused(t, h)
	}
	a.me(t, bearer(neighbour)) // another account's sessions go on
	status, _, body = a.do(t, "DELETE", "/api/v1/sessions", nil, bearer(phone))
	wantProblem(t, "logout everywhere again", status, body, http.StatusUnauthorized, "unauthenticated")

	// A new login works, and the phone can log out everywhere by Bearer.
	phone = a.loginToken(t, email, password)
	web = a.loginCookie(t, email, password)
	status, _, body = a.do(t, "DELETE", "/api/v1/sessions", nil, bearer(phone))
	wantStatus(t, "logout everywhere by Bearer", status, http.StatusNoContent, body)
	a.meRefused(t, withCookie(web.Value))
	a.meRefused(t, bearer(phone))
}

// TestLoginTokenOnlyWhenAsked checks that the login answers the token only
// to a client that asks for it, and the cookie only to the others.
func TestLoginTokenOnlyWhenAsked(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	const email, password = "marie.dupont@exemple.fr", "une phrase facile à retenir"
	a.register(t, dupont, email, password)
	for _, asked := range []any{nil, false} {
		b := obj{"email": email, "password": password}
		if asked != nil {
			b["tokenRequested"] = asked
		}
		status, header, body := a.do(t, "POST", "/api/v1/sessions", b, nil)
		wantStatus(t, "web login", status, http.StatusOK, body)
		if _, ok := body["token"]; ok || sessionCookie(t, header) == nil {
			t.Errorf("login with tokenRequested %v: body %v, cookies %q; want the cookie only", asked, body, header.Values("Set-Cookie"))
		}
	}
	status, header, body := a.do(t, "POST", "/api/v1/sessions", obj{"email": email, "password": password, "tokenRequested": true}, nil)
	wantStatus(t, "app login", status, http.StatusOK, body)
	if tok, _ := body["token"].(string); tok == "" || len(header.Values("Set-Cookie")) > 0 {
		t.Errorf("login with tokenRequested: body %v, cookies %q; want the token only", body, header.Values("Set-Cookie"))
	}
	status, _, body = a.doInvalid(t, "POST", "/api/v1/sessions", obj{"email": email, "password": password, "tokenRequested": "oui"}, nil)
	wantProblem(t, "tokenRequested as a string", status, body, http.StatusBadRequest, "malformed_body")
}

// TestHTTPSCookieAndOrigin runs the portal with an https public origin: the
// session cookie is __Host-el_session (Secure, Path=/, no Domain), the plain
// name is not read, and a state-changing request by cookie must come from
// the configured origin, whatever Host the request names.
func TestHTTPSCookieAndOrigin(t *testing.T) {
	t.Parallel()
	const public = "https://extranet.example"
	a := start(t, map[string]string{"PUBLIC_URL": public})
	a.links = public
	const email, password = "marie.dupont@exemple.fr", "une phrase facile à retenir"
	a.register(t, dupont, email, password)

	status, header, body := a.do(t, "POST", "/api/v1/sessions", obj{"email": email, "password": password}, nil)
	wantStatus(t, "login", status, http.StatusOK, body)
	var c *http.Cookie
	for _, k := range (&http.Response{Header: header}).Cookies() {
		if k.Name == httpapi.SecureSessionCookie {
			c = k
		}
	}
	raw := header.Get("Set-Cookie")
	switch {
	case c == nil:
		t.Fatalf("login sets no %s cookie: %q", httpapi.SecureSessionCookie, header.Values("Set-Cookie"))
	case !c.Secure || !c.HttpOnly || c.Path != "/" || c.Domain != "" || strings.Contains(strings.ToLower(raw), "domain="):
		t.Errorf("cookie %q: want Secure, HttpOnly, Path=/ and no Domain", raw)
	}
	host := func(token string, more ...string) map[string]string {
		h := map[string]string{"Cookie": httpapi.SecureSessionCookie + "=" + token}
		for i := 0; i+1 < len(more); i += 2 {
			h[more[i]] = more[i+1]
		}
		return h
	}
	// openapi.yaml's cookie scheme is the local name: these requests carry
	// none of its credentials, as the validator sees them.
	status, _, body = a.doInvalid(t, "GET", "/api/v1/me", nil, host(c.Value))
	wantStatus(t, "GET /me with the __Host- cookie", status, http.StatusOK, body)
	status, _, body = a.do(t, "GET", "/api/v1/me", nil, withCookie(c.Value))
	wantProblem(t, "GET /me with the plain cookie name on https", status, body, http.StatusUnauthorized, "unauthenticated")

	base, _ := url.Parse(a.base)
	for _, origin := range []string{
		"https://" + base.Host, // this host under the public scheme: what the old check let through
		a.base,                 // the address the request was sent to
		"https://extranet.example.evil.test",
	} {
		status, _, body = a.doInvalid(t, "DELETE", "/api/v1/sessions/current", nil, host(c.Value, "Origin", origin))
		wantProblem(t, "logout from Origin "+origin, status, body, http.StatusForbidden, "forbidden")
	}
	status, _, body = a.doInvalid(t, "GET", "/api/v1/me", nil, host(c.Value))
	wantStatus(t, "GET /me after refused logouts", status, http.StatusOK, body)
	status, header, body = a.doInvalid(t, "DELETE", "/api/v1/sessions/current", nil, host(c.Value, "Origin", public))
	wantStatus(t, "logout from the public origin", status, http.StatusNoContent, body)
	if got := header.Get("Set-Cookie"); !strings.HasPrefix(got, httpapi.SecureSessionCookie+"=;") || !strings.Contains(got, "Secure") {
		t.Errorf("logout Set-Cookie = %q, want the __Host- cookie cleared", got)
	}
}
