package httpapi_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/citejardins/extranet/shared/httpapi"
)

// TestWalkthrough follows a tenant from sign-up to logout, on the web (the
// cookie) and on a phone (the Bearer token it asks for), as the README's
// walk-through does.
func TestWalkthrough(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	const email, password = "marie.dupont@exemple.fr", "une phrase facile à retenir"

	// Sign-up with the reference as printed on the rent notice.
	before := a.mailCount()
	status, _, body := a.do(t, "POST", "/api/v1/signup", obj{
		"reference": "L/0008889999-99966899+3", "lastName": "dupont", "dateOfBirth": "1978-04-12",
		"email": email, "password": password,
	}, nil)
	wantStatus(t, "sign-up", status, http.StatusAccepted, body)
	if body["status"] != "activation_sent" {
		t.Errorf("sign-up body = %v, want status activation_sent", body)
	}
	a.settle(t) // the mail leaves from the mail worker, after the answer
	msg := a.stack.Mail.Messages()[before]
	if msg.Subject != "Activez votre compte Extranet Locataire" {
		t.Errorf("activation mail subject = %q", msg.Subject)
	}
	token := a.mailedToken(t, before, email, "/activation")

	// Not yet activated: the right password says so.
	status, _, body = a.loginRefused(t, email, password)
	wantProblem(t, "login before activation", status, body, http.StatusUnauthorized, "account_not_activated")

	// Activation by the emailed link.
	if got := a.activate(t, token); got["email"] != email {
		t.Errorf("activation returned email %v, want %s", got["email"], email)
	}

	// Login on the web: the cookie only, no token a script could read.
	loginAt := time.Now()
	status, header, body := a.do(t, "POST", "/api/v1/sessions", obj{"email": email, "password": password},
		map[string]string{"Content-Type": "application/json; charset=utf-8"})
	wantStatus(t, "login", status, http.StatusOK, body)
	if _, ok := body["token"]; ok {
		t.Errorf("web login body %v has a token; want the cookie only", body)
	}
	expires, err := time.Parse(time.RFC3339Nano, body["expiresAt"].(string))
	if err != nil {
		t.Fatalf("expiresAt %v: %v", body["expiresAt"], err)
	}
	if want := loginAt.Add(12 * time.Hour); expires.Before(want.Add(-time.Minute)) || expires.After(want.Add(time.Minute)) {
		t.Errorf("expiresAt = %v, want about %v (12 h after login)", expires, want)
	}
	if got := header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("login Cache-Control = %q, want no-store", got)
	}
	c := sessionCookie(t, header)
	switch {
	case c == nil:
		t.Fatalf("login sets no %s cookie: %q", httpapi.SessionCookie, header.Values("Set-Cookie"))
	case !c.HttpOnly:
		t.Errorf("cookie %q is not HttpOnly", header.Get("Set-Cookie"))
	case c.SameSite != http.SameSiteLaxMode:
		t.Errorf("cookie %q: SameSite = %v, want Lax", header.Get("Set-Cookie"), c.SameSite)
	case c.Secure:
		t.Errorf("cookie %q is Secure on an http origin: the browser would never send it back", header.Get("Set-Cookie"))
	case c.Path != "/":
		t.Errorf("cookie path %q, want /", c.Path)
	case c.MaxAge < 12*3600-60 || c.MaxAge > 12*3600:
		t.Errorf("cookie Max-Age = %d, want about 12 h", c.MaxAge)
	}
	web := c.Value

	// Login on the phone: the app asks for the token, and gets no cookie.
	status, header, body = a.do(t, "POST", "/api/v1/sessions", obj{"email": email, "password": password, "tokenRequested": true}, nil)
	wantStatus(t, "login with tokenRequested", status, http.StatusOK, body)
	session, _ := body["token"].(string)
	if session == "" {
		t.Fatalf("login body %v has no token", body)
	}
	if got := header.Values("Set-Cookie"); len(got) > 0 {
		t.Errorf("login with tokenRequested sets cookies %q", got)
	}

	// The account, by Bearer token and by cookie.
	want := obj{
		"reference": "8889999", "firstName": "Marie", "lastName": "DUPONT", "email": email,
		"address": map[string]any{"street": "12 rue des Jardins", "complement": "Bâtiment B, 3e étage, porte 32",
			"postalCode": "93200", "city": "Saint-Denis"},
		"paperless": false, "paperlessSince": nil,
	}
	for name, h := range map[string]map[string]string{"bearer": bearer(session), "cookie": withCookie(web)} {
		got := a.me(t, h)
		for k, v := range want {
			if !equalJSON(got[k], v) {
				t.Errorf("GET /me by %s: %s = %#v, want %#v", name, k, got[k], v)
			}
		}
	}

	// Logout with the token ends the phone's session, not the web's.
	status, _, body = a.do(t, "DELETE", "/api/v1/sessions/current", nil, bearer(session))
	wantStatus(t, "logout", status, http.StatusNoContent, body)
	status, _, body = a.do(t, "GET", "/api/v1/me", nil, bearer(session))
	wantProblem(t, "GET /me after logout", status, body, http.StatusUnauthorized, "unauthenticated")
	a.me(t, withCookie(web))
	status, _, body = a.do(t, "DELETE", "/api/v1/sessions/current", nil, bearer(session))
	wantProblem(t, "second logout", status, body, http.StatusUnauthorized, "unauthenticated")

	// Logout on the web clears the cookie.
	status, header, body = a.do(t, "DELETE", "/api/v1/sessions/current", nil, withCookie(web, "Origin", a.base))
	wantStatus(t, "web logout", status, http.StatusNoContent, body)
	if c := sessionCookie(t, header); c == nil || c.Value != "" || c.MaxAge >= 0 {
		t.Errorf("logout Set-Cookie = %q, want the cookie cleared", header.Values("Set-Cookie"))
	}
	status, header, body = a.do(t, "GET", "/api/v1/me", nil, withCookie(web))
	wantProblem(t, "GET /me by cookie after logout", status, body, http.StatusUnauthorized, "unauthenticated")
	if c := sessionCookie(t, header); c == nil || c.MaxAge >= 0 {
		t.Errorf("401 to a request with a dead cookie: Set-Cookie = %q, want the cookie cleared", header.Values("Set-Cookie"))
	}

	// Logging in again still works.
	a.login(t, email, password)
}

// equalJSON compares decoded JSON values.
func equalJSON(a, b any) bool {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k := range x {
			if !equalJSON(x[k], y[k]) {
				return false
			}
		}
		return true
	default:
		return a == b
	}
}
