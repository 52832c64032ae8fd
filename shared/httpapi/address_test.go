package httpapi_test

import (
	"net/http"
	"slices"
	"testing"
)

// TestEmailAddressesSESCanDeliver checks the one address rule on every route
// that takes an address: a domain in Unicode is kept and mailed in its ASCII
// (Punycode) form, since SES refuses anything but 7-bit ASCII, and a local
// part with a non-ASCII letter is refused with a field error, since SES has
// no SMTPUTF8.
func TestEmailAddressesSESCanDeliver(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	const (
		unicode = "Celine.Test@EXÄMPLE.fr"
		ascii   = "Celine.Test@xn--exmple-cua.fr"
	)

	// Sign-up with the Unicode domain: the link goes to the ASCII form.
	before := a.mailCount()
	status, _, body := a.do(t, "POST", "/api/v1/signup", signUpBody(lefevre, unicode, tenantPassword), nil)
	wantStatus(t, "sign-up with a Unicode domain", status, http.StatusAccepted, body)
	token := a.mailedToken(t, before, ascii, "/activation")

	// Resend with the Unicode form, in another case: the same account.
	before = a.mailCount()
	status, _, body = a.do(t, "POST", "/api/v1/activation/resend", obj{"email": "celine.test@exämple.FR"}, nil)
	wantStatus(t, "resend with the Unicode domain", status, http.StatusAccepted, body)
	token = a.mailedToken(t, before, ascii, "/activation")
	if got := a.activate(t, token)["email"]; got != ascii {
		t.Errorf("activation answers email %v, want %q", got, ascii)
	}

	// Login finds the account by either form of the domain.
	for _, email := range []string{unicode, ascii, "celine.test@exämple.fr", "CELINE.TEST@XN--EXMPLE-CUA.FR"} {
		token, _ := a.login(t, email, tenantPassword)
		if got := a.me(t, bearer(token))["email"]; got != ascii {
			t.Errorf("login as %s: me.email = %v, want %q", email, got, ascii)
		}
	}

	// Forgot with the Unicode form: the link goes to the ASCII form.
	before = a.mailCount()
	status, _, body = a.do(t, "POST", "/api/v1/password/forgot", obj{"email": unicode}, nil)
	wantStatus(t, "forgot with the Unicode domain", status, http.StatusAccepted, body)
	a.mailedToken(t, before, ascii, "/nouveau-mot-de-passe")

	// A non-ASCII local part is refused on every form, and nothing is sent.
	for _, email := range []string{"céline.test@example.fr", "céline.test@exämple.fr", "celine\u200b@example.fr"} {
		for _, tc := range []struct {
			path string
			body obj
		}{
			{"/api/v1/signup", signUpBody(ndiaye, email, tenantPassword)},
			{"/api/v1/activation/resend", obj{"email": email}},
			{"/api/v1/password/forgot", obj{"email": email}},
		} {
			before := a.mailCount()
			status, _, body := a.do(t, "POST", tc.path, tc.body, nil)
			what := "POST " + tc.path + " with " + email
			wantProblem(t, what, status, body, http.StatusBadRequest, "validation_failed")
			if got := fieldErrors(body); !slices.Equal(got, []string{"email"}) {
				t.Errorf("%s: errors on %v, want [email]", what, got)
			}
			a.noMail(t, before, what)
		}
	}
	// A domain that is no domain name, even in Unicode.
	for _, email := range []string{"celine@exa_mple.fr", "celine@-exemple.fr", "celine@[192.0.2.1]"} {
		status, _, body := a.do(t, "POST", "/api/v1/password/forgot", obj{"email": email}, nil)
		wantProblem(t, "forgot with "+email, status, body, http.StatusBadRequest, "validation_failed")
	}
}

// TestNotificationEmailSESCanDeliver checks the same rule on the
// notification address of the preferences.
func TestNotificationEmailSESCanDeliver(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	seedTenancy(t, a, dupont, residenceR1(), termsDupont)
	me := a.loginTenant(t, dupont, "marie.dupont@exemple.fr")

	status, _, body := a.do(t, "PUT", "/api/v1/preferences", obj{"notificationEmail": "céline.test@example.fr"}, me.bearer)
	wantProblem(t, "a notification email with an accent before the @", status, body, http.StatusBadRequest, "validation_failed")
	if got := fieldErrors(body); !slices.Equal(got, []string{"notificationEmail"}) {
		t.Errorf("errors on %v, want [notificationEmail]", got)
	}
	if got := as[preferencesJSON](t, a.get(t, "/api/v1/preferences", me.bearer)).NotificationEmail; got != "marie.dupont@exemple.fr" {
		t.Errorf("a refused address changed the notification email to %q", got)
	}

	status, _, body = a.do(t, "PUT", "/api/v1/preferences", obj{"notificationEmail": "marie@exämple.fr"}, me.bearer)
	wantStatus(t, "a notification email with a Unicode domain", status, http.StatusOK, body)
	// A new notification email waits for its link: what waits, and what the
	// link is mailed to, is the ASCII form.
	if got := as[preferencesJSON](t, body).PendingNotificationEmail; got == nil || got.Email != "marie@xn--exmple-cua.fr" {
		t.Errorf("pending notification email kept as %+v, want the ASCII form marie@xn--exmple-cua.fr", got)
	}
}
