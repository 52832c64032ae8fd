package httpapi_test

import (
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// TestLoginRefusals checks that an unknown email, a wrong password and a
// pending account answer alike, except that a pending account is named once
// the password was right.
func TestLoginRefusals(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	const marie, celine = "marie@exemple.fr", "celine@exemple.fr"
	const password = "une phrase facile à retenir"
	a.register(t, dupont, marie, password)
	a.signUp(t, lefevre, celine, password) // pending

	var invalid obj
	for _, tt := range []struct{ name, email, password string }{
		{"wrong password", marie, "une phrase difficile à retenir"},
		{"password in another case", marie, strings.ToUpper(password)},
		{"unknown email", "inconnue@exemple.fr", password},
		{"pending account, wrong password", celine, "une phrase difficile à retenir"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			status, _, body := a.loginRefused(t, tt.email, tt.password)
			wantProblem(t, "login", status, body, http.StatusUnauthorized, "invalid_credentials")
			if invalid == nil {
				invalid = body
			} else if !reflect.DeepEqual(body, invalid) {
				t.Errorf("answers differ:\n got %v\nwant %v", body, invalid)
			}
		})
	}
	t.Run("pending account, right password", func(t *testing.T) {
		status, _, body := a.loginRefused(t, celine, password)
		wantProblem(t, "login", status, body, http.StatusUnauthorized, "account_not_activated")
		if got, want := slices.Sorted(mapsKeys(body)), slices.Sorted(mapsKeys(invalid)); !slices.Equal(got, want) {
			t.Errorf("fields %v, want those of invalid_credentials %v", got, want)
		}
	})

	t.Run("invalid fields", func(t *testing.T) {
		for _, tt := range []struct {
			name   string
			body   obj
			fields []string
		}{
			{"empty object", obj{}, []string{"email", "password"}},
			{"no password", obj{"email": marie}, []string{"password"}},
			{"empty email", obj{"email": "", "password": password}, []string{"email"}},
			{"password of 257 characters", obj{"email": marie, "password": strings.Repeat("é", 257)}, []string{"password"}},
		} {
			status, _, body := a.doInvalid(t, "POST", "/api/v1/sessions", tt.body, nil)
			wantProblem(t, "login with "+tt.name, status, body, http.StatusBadRequest, "validation_failed")
			if got := fieldErrors(body); !slices.Equal(got, tt.fields) {
				t.Errorf("%s: errors on %v, want %v", tt.name, got, tt.fields)
			}
		}
	})

	// None of it locked anything out (the limits are relaxed here), and the
	// email is compared without regard to case.
	a.login(t, "MARIE@Exemple.FR", password)
}

func mapsKeys(m obj) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// TestForgotAndReset checks the forgotten password flow: a mail only when an
// account exists, and a reset that ends every session and the old password.
func TestForgotAndReset(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	const email, oldPassword, newPassword = "marie@exemple.fr", "une phrase facile à retenir", "une autre phrase à retenir"
	a.register(t, dupont, email, oldPassword)
	phone, _ := a.login(t, email, oldPassword)
	_, web := a.login(t, email, oldPassword)

	forgot := func(t *testing.T, email string) {
		t.Helper()
		status, _, body := a.do(t, "POST", "/api/v1/password/forgot", obj{"email": email}, nil)
		wantStatus(t, "forgot "+email, status, http.StatusAccepted, body)
		if body["status"] != "accepted" {
			t.Errorf("forgot body %v, want status accepted", body)
		}
	}

	t.Run("unknown email", func(t *testing.T) {
		before := a.mailCount()
		forgot(t, "inconnue@exemple.fr")
		a.noMail(t, before, "forgot with an unknown email")
	})
	t.Run("invalid email", func(t *testing.T) {
		before := a.mailCount()
		status, _, body := a.doInvalid(t, "POST", "/api/v1/password/forgot", obj{"email": "marie@"}, nil)
		wantProblem(t, "forgot", status, body, http.StatusBadRequest, "validation_failed")
		a.noMail(t, before, "a refused forgot")
	})
	t.Run("pending account gets a new activation link", func(t *testing.T) {
		a.signUp(t, lefevre, "celine@exemple.fr", "le mot de passe de la voisine")
		before := a.mailCount()
		forgot(t, "celine@exemple.fr")
		a.activate(t, a.mailedToken(t, before, "celine@exemple.fr", "/activation"))
	})

	before := a.mailCount()
	forgot(t, email)
	a.settle(t) // the mail leaves from the mail worker, after the answer
	msg := a.stack.Mail.Messages()[before]
	if msg.Subject != "Nouveau mot de passe pour votre Extranet Locataire" {
		t.Errorf("reset mail subject %q", msg.Subject)
	}
	token := a.mailedToken(t, before, email, "/nouveau-mot-de-passe")

	t.Run("refused resets change nothing", func(t *testing.T) {
		for _, tt := range []struct {
			name        string
			body        obj
			specRejects bool
			status      int
			code        string
		}{
			{"password of 11 characters", obj{"token": token, "password": "onze-lettre"}, true, http.StatusBadRequest, "validation_failed"},
			{"password of 257 characters", obj{"token": token, "password": strings.Repeat("p", 257)}, true, http.StatusBadRequest, "validation_failed"},
			{"common password", obj{"token": token, "password": "motdepasse123"}, false, http.StatusBadRequest, "validation_failed"},
			{"no password", obj{"token": token}, true, http.StatusBadRequest, "validation_failed"},
			{"garbage token", obj{"token": "n'importe-quoi", "password": newPassword}, false, http.StatusGone, "token_invalid"},
			{"tampered token", obj{"token": "A" + token[1:], "password": newPassword}, false, http.StatusGone, "token_invalid"},
			{"empty token", obj{"token": "", "password": newPassword}, true, http.StatusGone, "token_invalid"},
			{"unknown field", obj{"token": token, "password": newPassword, "email": email}, true, http.StatusBadRequest, "malformed_body"},
		} {
			if tt.name == "tampered token" && token[0] == 'A' {
				tt.body["token"] = "B" + token[1:]
			}
			send := a.do
			if tt.specRejects {
				send = a.doInvalid
			}
			status, _, body := send(t, "POST", "/api/v1/password/reset", tt.body, nil)
			wantProblem(t, "reset with "+tt.name, status, body, tt.status, tt.code)
			if tt.code == "validation_failed" {
				if got := fieldErrors(body); !slices.Equal(got, []string{"password"}) {
					t.Errorf("reset with %s: errors on %v, want [password]", tt.name, got)
				}
			}
		}
		a.me(t, bearer(phone))
		a.me(t, withCookie(web.Value))
	})

	status, _, body := a.do(t, "POST", "/api/v1/password/reset", obj{"token": token, "password": newPassword}, nil)
	wantStatus(t, "reset", status, http.StatusOK, body)
	if body["status"] != "password_changed" {
		t.Errorf("reset body %v, want status password_changed", body)
	}

	// Every session opened before is over.
	a.meRefused(t, bearer(phone))
	a.meRefused(t, withCookie(web.Value))
	status, _, body = a.do(t, "DELETE", "/api/v1/sessions/current", nil, bearer(phone))
	wantProblem(t, "logout of an ended session", status, body, http.StatusUnauthorized, "unauthenticated")

	// The old password is over, the new one works.
	status, _, body = a.loginRefused(t, email, oldPassword)
	wantProblem(t, "login with the old password", status, body, http.StatusUnauthorized, "invalid_credentials")
	session, _ := a.login(t, email, newPassword)
	a.me(t, bearer(session))

	// The link serves once.
	status, _, body = a.do(t, "POST", "/api/v1/password/reset", obj{"token": token, "password": "encore un autre mot de passe"}, nil)
	wantProblem(t, "the reset link again", status, body, http.StatusGone, "token_invalid")
	a.login(t, email, newPassword)
	a.me(t, bearer(session)) // a failed reset ends no session

	// A reset link is no activation link, and an activation link no reset link.
	status, _, body = a.do(t, "POST", "/api/v1/activation", obj{"token": token}, nil)
	wantProblem(t, "a reset link as activation", status, body, http.StatusGone, "token_invalid")
}

// TestSessionCSRF checks that a state-changing request authenticated by the
// cookie must come from the portal's origin, and that nothing else needs to.
func TestSessionCSRF(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	const email, password = "marie@exemple.fr", "une phrase facile à retenir"
	a.register(t, dupont, email, password)
	_, c := a.login(t, email, password)
	session := c.Value

	for _, tt := range []struct {
		name    string
		headers map[string]string
	}{
		{"foreign Origin", withCookie(session, "Origin", "https://malveillant.example")},
		{"foreign Origin on the same host name", withCookie(session, "Origin", "http://127.0.0.1:1")},
		{"null Origin", withCookie(session, "Origin", "null")},
		{"cross-site fetch", withCookie(session, "Sec-Fetch-Site", "cross-site")},
		{"same-site fetch", withCookie(session, "Sec-Fetch-Site", "same-site")},
		{"neither Origin nor Sec-Fetch-Site", withCookie(session)},
		{"foreign Origin, same-origin fetch", withCookie(session, "Origin", "https://malveillant.example", "Sec-Fetch-Site", "same-origin")},
	} {
		t.Run(tt.name, func(t *testing.T) {
			status, header, body := a.do(t, "DELETE", "/api/v1/sessions/current", nil, tt.headers)
			wantProblem(t, "logout", status, body, http.StatusForbidden, "forbidden")
			if got := header.Values("Set-Cookie"); len(got) > 0 {
				t.Errorf("refused logout sets %q", got)
			}
			a.me(t, withCookie(session)) // still open
		})
	}

	t.Run("reading needs no origin", func(t *testing.T) {
		a.me(t, withCookie(session, "Origin", "https://malveillant.example", "Sec-Fetch-Site", "cross-site"))
	})

	t.Run("Bearer needs no origin", func(t *testing.T) {
		token, _ := a.login(t, email, password)
		status, _, body := a.do(t, "DELETE", "/api/v1/sessions/current", nil, map[string]string{
			"Authorization": "Bearer " + token, "Origin": "https://malveillant.example"})
		wantStatus(t, "logout by Bearer from elsewhere", status, http.StatusNoContent, body)
		a.meRefused(t, bearer(token))
		a.me(t, withCookie(session)) // only that session ended
	})

	t.Run("same-origin fetch without Origin", func(t *testing.T) {
		_, other := a.login(t, email, password)
		status, _, body := a.do(t, "DELETE", "/api/v1/sessions/current", nil, withCookie(other.Value, "Sec-Fetch-Site", "same-origin"))
		wantStatus(t, "logout", status, http.StatusNoContent, body)
		a.meRefused(t, withCookie(other.Value))
	})

	t.Run("same Origin", func(t *testing.T) {
		status, header, body := a.do(t, "DELETE", "/api/v1/sessions/current", nil, withCookie(session, "Origin", a.base))
		wantStatus(t, "logout", status, http.StatusNoContent, body)
		if c := sessionCookie(t, header); c == nil || c.MaxAge >= 0 || !c.HttpOnly {
			t.Errorf("logout Set-Cookie = %q, want the cookie cleared", header.Values("Set-Cookie"))
		}
		a.meRefused(t, withCookie(session))
	})

	t.Run("no or bad credentials", func(t *testing.T) {
		// An empty cookie is still the cookie: a DELETE with it from no
		// known origin is refused before the session is looked at.
		status, _, body := a.doInvalid(t, "DELETE", "/api/v1/sessions/current", nil, map[string]string{"Cookie": "el_session="})
		wantProblem(t, "logout with an empty cookie", status, body, http.StatusForbidden, "forbidden")
		status, _, body = a.doInvalid(t, "GET", "/api/v1/me", nil, map[string]string{"Cookie": "el_session="})
		wantProblem(t, "GET /me with an empty cookie", status, body, http.StatusUnauthorized, "unauthenticated")

		for _, tt := range []struct {
			name        string
			headers     map[string]string
			specRejects bool
		}{
			{"none", nil, true},
			{"other cookie", map[string]string{"Cookie": "session=" + session}, true},
			{"Basic", map[string]string{"Authorization": "Basic bWFyaWU6c2VjcmV0"}, true},
			{"unknown token", bearer("q0s4n6b2Zxg5kH3PvX1c9yT8uW7rJm2LpA4dE6fG8hI"), false},
			{"garbage token", bearer("n'importe quoi"), false},
			{"ended session", bearer(session), false},
		} {
			for _, method := range []string{"GET", "DELETE"} {
				path := map[string]string{"GET": "/api/v1/me", "DELETE": "/api/v1/sessions/current"}[method]
				send := a.do
				if tt.specRejects {
					send = a.doInvalid
				}
				status, _, body := send(t, method, path, nil, tt.headers)
				wantProblem(t, method+" "+path+" with "+tt.name+" credentials", status, body, http.StatusUnauthorized, "unauthenticated")
			}
		}
	})
}

// TestResetVoidsEarlierLinks checks that once the password is reset, no reset
// link mailed before can change it again.
func TestResetVoidsEarlierLinks(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	const email, password = "marie@exemple.fr", "une phrase facile à retenir"
	a.register(t, dupont, email, password)
	var links []string
	for range 2 {
		before := a.mailCount()
		status, _, body := a.do(t, "POST", "/api/v1/password/forgot", obj{"email": email}, nil)
		wantStatus(t, "forgot", status, http.StatusAccepted, body)
		links = append(links, a.mailedToken(t, before, email, "/nouveau-mot-de-passe"))
	}
	const chosen = "le mot de passe choisi"
	status, _, body := a.do(t, "POST", "/api/v1/password/reset", obj{"token": links[1], "password": chosen}, nil)
	wantStatus(t, "reset with the latest link", status, http.StatusOK, body)
	session, _ := a.login(t, email, chosen)

	status, _, body = a.do(t, "POST", "/api/v1/password/reset", obj{"token": links[0], "password": "celui d'un intrus"}, nil)
	wantProblem(t, "reset with an earlier link after a reset", status, body, http.StatusGone, "token_invalid")
	a.login(t, email, chosen)
	a.me(t, bearer(session))
}
