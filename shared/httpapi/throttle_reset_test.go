package httpapi_test

import (
	"net/http"
	"strconv"
	"testing"
	"time"
)

// TestResetLiftsTheLoginFailures: anyone who knows a tenant's email can use
// up the account's failed logins; a reset by emailed link proves the
// mailbox, so it forgets them and the new password logs in at once.
func TestResetLiftsTheLoginFailures(t *testing.T) {
	t.Parallel()
	const window = 15 * time.Minute
	a := start(t, map[string]string{"LIMIT_ACCOUNT_FAILURES": "5/15m"})
	const email, password, fresh = "marie@exemple.fr", "une phrase facile à retenir", "la glycine du balcon fleurit"
	a.register(t, dupont, email, password)
	for i := 1; i <= 5; i++ {
		status, _, body := a.loginRefused(t, email, "pas le bon mot de passe")
		wantProblem(t, "wrong password #"+strconv.Itoa(i), status, body, http.StatusUnauthorized, "invalid_credentials")
	}
	status, header, body := a.loginRefused(t, email, password)
	wantThrottled(t, "the right password after 5 wrong ones", status, header, body, window)

	before := a.mailCount()
	status, _, body = a.do(t, "POST", "/api/v1/password/forgot", obj{"email": email}, nil)
	wantStatus(t, "forgot", status, http.StatusAccepted, body)
	token := a.mailedToken(t, before, email, "/nouveau-mot-de-passe")
	status, _, body = a.do(t, "POST", "/api/v1/password/reset", obj{"token": token, "password": fresh}, nil)
	wantStatus(t, "reset", status, http.StatusOK, body)

	status, _, body = a.do(t, "POST", "/api/v1/sessions", obj{"email": email, "password": fresh, "tokenRequested": true}, nil)
	wantStatus(t, "login with the new password right after the reset", status, http.StatusOK, body)

	// The allowance is whole again, and still counts.
	for i := 1; i <= 5; i++ {
		status, _, body := a.loginRefused(t, email, "pas le bon mot de passe")
		wantProblem(t, "wrong password after the reset #"+strconv.Itoa(i), status, body, http.StatusUnauthorized, "invalid_credentials")
	}
	status, header, body = a.loginRefused(t, email, fresh)
	wantThrottled(t, "the right password after 5 more wrong ones", status, header, body, window)
}

// TestRightPasswordChangeCostsNoFailure: a password change with the right
// current password gives back the unit of the failed-login allowance it
// took before the check, as a right login does.
func TestRightPasswordChangeCostsNoFailure(t *testing.T) {
	t.Parallel()
	const window = 15 * time.Minute
	a := start(t, map[string]string{"LIMIT_ACCOUNT_FAILURES": "3/15m"})
	const email, password = "marie@exemple.fr", "une phrase facile à retenir"
	a.register(t, dupont, email, password)
	session := bearer(a.loginToken(t, email, password))
	current := password
	for _, next := range []string{"la glycine du balcon fleurit", "le tilleul de la cour ombrage", "les volets bleus de la rue basse"} {
		status, _, body := a.do(t, "POST", "/api/v1/password/change", obj{"currentPassword": current, "newPassword": next}, session)
		wantStatus(t, "password change", status, http.StatusOK, body)
		current = next
	}
	// The three failures allowed are all there.
	for i := 1; i <= 3; i++ {
		status, _, body := a.loginRefused(t, email, "pas le bon mot de passe")
		wantProblem(t, "wrong password #"+strconv.Itoa(i), status, body, http.StatusUnauthorized, "invalid_credentials")
	}
	status, header, body := a.loginRefused(t, email, current)
	wantThrottled(t, "the right password after 3 wrong ones", status, header, body, window)
}
