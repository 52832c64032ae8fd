package httpapi_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestActivationBadLinks checks that unusable links get 410 and leave the
// account pending, and that a used link cannot serve again.
func TestActivationBadLinks(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	const email, password = "marie@exemple.fr", "une phrase facile à retenir"
	token := a.signUp(t, dupont, email, password)

	// A reset link of another account, to try as an activation link.
	a.register(t, lefevre, "celine@exemple.fr", "le mot de passe de la voisine")
	before := a.mailCount()
	status, _, body := a.do(t, "POST", "/api/v1/password/forgot", obj{"email": "celine@exemple.fr"}, nil)
	wantStatus(t, "forgot", status, http.StatusAccepted, body)
	resetToken := a.mailedToken(t, before, "celine@exemple.fr", "/nouveau-mot-de-passe")

	tampered := []byte(token)
	if tampered[10] == 'A' {
		tampered[10] = 'B'
	} else {
		tampered[10] = 'A'
	}
	tests := []struct {
		name        string
		body        any
		specRejects bool
		status      int
		code        string
	}{
		{"garbage", obj{"token": "pas-un-jeton"}, false, http.StatusGone, "token_invalid"},
		{"tampered", obj{"token": string(tampered)}, false, http.StatusGone, "token_invalid"},
		{"truncated", obj{"token": token[:len(token)-1]}, false, http.StatusGone, "token_invalid"},
		{"with padding", obj{"token": token + "="}, false, http.StatusGone, "token_invalid"},
		{"whole link", obj{"token": a.base + "/activation?token=" + token}, false, http.StatusGone, "token_invalid"},
		{"a reset link", obj{"token": resetToken}, false, http.StatusGone, "token_invalid"},
		{"empty", obj{"token": ""}, true, http.StatusGone, "token_invalid"},
		{"over 512 characters", obj{"token": strings.Repeat(token, 12)}, true, http.StatusGone, "token_invalid"},
		{"no token", obj{}, true, http.StatusGone, "token_invalid"},
		{"a number", `{"token": 42}`, true, http.StatusBadRequest, "malformed_body"},
		{"unknown field", obj{"token": token, "email": email}, true, http.StatusBadRequest, "malformed_body"},
		{"not JSON", "token=" + token, true, http.StatusBadRequest, "malformed_body"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			send := a.do
			if tt.specRejects {
				send = a.doInvalid
			}
			status, _, body := send(t, "POST", "/api/v1/activation", tt.body, nil)
			wantProblem(t, "activation", status, body, tt.status, tt.code)
			status, _, body = a.loginRefused(t, email, password)
			wantProblem(t, "login after a failed activation", status, body, http.StatusUnauthorized, "account_not_activated")
		})
	}

	a.activate(t, token)
	status, _, body = a.do(t, "POST", "/api/v1/activation", obj{"token": token}, nil)
	wantProblem(t, "the link used again", status, body, http.StatusGone, "account_already_active")
	if d, _ := body["detail"].(string); !strings.HasPrefix(d, "Votre compte est déjà actif") {
		t.Errorf("the link used again says %q; want «Votre compte est déjà actif…»", d)
	}
	a.login(t, email, password)
	// The reset link tried above still works for what it is for.
	status, _, body = a.do(t, "POST", "/api/v1/password/reset", obj{"token": resetToken, "password": "un nouveau mot de passe"}, nil)
	wantStatus(t, "reset with the link tried for activation", status, http.StatusOK, body)
}

// TestResendActivation checks that a new link voids the earlier one, and that
// the answer says nothing of whether a pending account has the email.
func TestResendActivation(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	const email, password = "marie@exemple.fr", "une phrase facile à retenir"
	first := a.signUp(t, dupont, email, password)
	a.register(t, lefevre, "celine@exemple.fr", "le mot de passe de la voisine")

	for _, tt := range []struct{ name, email string }{
		{"unknown email", "inconnu@exemple.fr"},
		{"active account", "celine@exemple.fr"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := a.mailCount()
			status, _, body := a.do(t, "POST", "/api/v1/activation/resend", obj{"email": tt.email}, nil)
			wantStatus(t, "resend", status, http.StatusAccepted, body)
			if body["status"] != "accepted" {
				t.Errorf("resend body %v, want status accepted", body)
			}
			a.noMail(t, before, "resend to "+tt.email)
		})
	}

	t.Run("invalid email", func(t *testing.T) {
		before := a.mailCount()
		status, _, body := a.doInvalid(t, "POST", "/api/v1/activation/resend", obj{"email": "marie"}, nil)
		wantProblem(t, "resend", status, body, http.StatusBadRequest, "validation_failed")
		if got := fieldErrors(body); len(got) != 1 || got[0] != "email" {
			t.Errorf("errors on %v, want [email]", got)
		}
		a.noMail(t, before, "a refused resend")
	})

	t.Run("pending account", func(t *testing.T) {
		before := a.mailCount()
		// Emails are compared without regard to case; the mail goes to the
		// address as signed up.
		status, _, body := a.do(t, "POST", "/api/v1/activation/resend", obj{"email": strings.ToUpper(email)}, nil)
		wantStatus(t, "resend", status, http.StatusAccepted, body)
		second := a.mailedToken(t, before, email, "/activation")
		status, _, body = a.do(t, "POST", "/api/v1/activation", obj{"token": first}, nil)
		wantProblem(t, "the earlier link", status, body, http.StatusGone, "token_invalid")
		a.activate(t, second)
		a.login(t, email, password)
	})
}
