package httpapi_test

import (
	"net/http"
	"slices"
	"strconv"
	"testing"
	"time"
)

// wantThrottled checks a 429 and its Retry-After, at most the window.
func wantThrottled(t *testing.T, what string, status int, header http.Header, body obj, window time.Duration) {
	t.Helper()
	wantProblem(t, what, status, body, http.StatusTooManyRequests, "too_many_requests")
	secs, err := strconv.Atoi(header.Get("Retry-After"))
	if err != nil || secs < 1 || secs > int(window/time.Second) {
		t.Errorf("%s: Retry-After = %q, want whole seconds in [1, %d]", what, header.Get("Retry-After"), int(window/time.Second))
	}
}

// TestThrottleAccountFailures checks that after the wrong passwords allowed
// on an account, even the right one waits, and only on that account.
func TestThrottleAccountFailures(t *testing.T) {
	t.Parallel()
	const window = 15 * time.Minute
	a := start(t, map[string]string{"LIMIT_ACCOUNT_FAILURES": "3/15m"})
	const email, password = "marie@exemple.fr", "une phrase facile à retenir"
	a.register(t, dupont, email, password)
	a.register(t, lefevre, "celine@exemple.fr", "le mot de passe de la voisine")
	session, _ := a.login(t, email, password)

	inOneWindow(t, window, 10*time.Second)
	for i := 1; i <= 3; i++ {
		status, _, body := a.loginRefused(t, email, "pas le bon mot de passe")
		wantProblem(t, "wrong password #"+strconv.Itoa(i), status, body, http.StatusUnauthorized, "invalid_credentials")
	}
	for _, pw := range []string{password, "pas le bon mot de passe"} {
		status, header, body := a.loginRefused(t, email, pw)
		wantThrottled(t, "login after 3 wrong passwords", status, header, body, window)
	}

	a.login(t, "celine@exemple.fr", "le mot de passe de la voisine") // another account
	a.me(t, bearer(session))                                         // sessions already open

	// An unknown email must not stand out by never being throttled: that
	// would tell which emails have an account.
	t.Run("unknown email looks alike", func(t *testing.T) {
		inOneWindow(t, window, 10*time.Second)
		for i := 1; i <= 3; i++ {
			status, _, body := a.loginRefused(t, "inconnue@exemple.fr", "pas le bon mot de passe")
			wantProblem(t, "unknown email #"+strconv.Itoa(i), status, body, http.StatusUnauthorized, "invalid_credentials")
		}
		status, header, body := a.loginRefused(t, "inconnue@exemple.fr", "pas le bon mot de passe")
		wantThrottled(t, "unknown email #4", status, header, body, window)
	})
}

// TestThrottlePerAddress checks the per-address limit, shared by every
// route: the sixth attempt of a minute waits.
func TestThrottlePerAddress(t *testing.T) {
	t.Parallel()
	const window = time.Minute
	a := start(t, map[string]string{"LIMIT_PER_ADDRESS": "5/1m"})

	inOneWindow(t, window, 5*time.Second)
	before := a.mailCount()
	for i := 1; i <= 5; i++ {
		status, _, body := a.do(t, "POST", "/api/v1/password/forgot", obj{"email": "inconnue@exemple.fr"}, nil)
		wantStatus(t, "forgot #"+strconv.Itoa(i), status, http.StatusAccepted, body)
	}
	status, header, body := a.do(t, "POST", "/api/v1/password/forgot", obj{"email": "inconnue@exemple.fr"}, nil)
	wantThrottled(t, "forgot #6", status, header, body, window)
	status, header, body = a.do(t, "POST", "/api/v1/sessions", obj{"email": "inconnue@exemple.fr", "password": "peu importe ici"}, nil)
	wantThrottled(t, "login after 6 forgot", status, header, body, window)
	status, header, body = a.do(t, "POST", "/api/v1/signup", signUpBody(dupont, "marie@exemple.fr", "une phrase facile à retenir"), nil)
	wantThrottled(t, "sign-up after 6 forgot", status, header, body, window)
	a.noMail(t, before, "throttled requests")
}

// TestThrottleLeaseFailures checks that after the identity mismatches
// allowed on a lease, even the right identity waits, and only on that lease.
func TestThrottleLeaseFailures(t *testing.T) {
	t.Parallel()
	const window = 15 * time.Minute
	a := start(t, map[string]string{"LIMIT_LEASE_FAILURES": "3/15m"})
	const email, password = "marie@exemple.fr", "une phrase facile à retenir"

	inOneWindow(t, window, 10*time.Second)
	before := a.mailCount()
	for _, dob := range []string{"1978-04-13", "1978-12-04", "1987-04-12"} {
		body := signUpBody(dupont, email, password)
		body["dateOfBirth"] = dob
		status, _, resp := a.do(t, "POST", "/api/v1/signup", body, nil)
		wantProblem(t, "sign-up born "+dob, status, resp, http.StatusUnprocessableEntity, "identity_mismatch")
	}
	status, header, body := a.do(t, "POST", "/api/v1/signup", signUpBody(dupont, email, password), nil)
	wantThrottled(t, "the right identity after 3 mismatches", status, header, body, window)
	// The reference in another form is the same lease.
	right := signUpBody(dupont, email, password)
	right["reference"] = "L/0008889999-99966899+3"
	status, header, body = a.do(t, "POST", "/api/v1/signup", right, nil)
	wantThrottled(t, "the printed reference after 3 mismatches", status, header, body, window)
	a.noMail(t, before, "throttled sign-ups")
	status, _, body = a.loginRefused(t, email, password)
	wantProblem(t, "login after throttled sign-ups", status, body, http.StatusUnauthorized, "invalid_credentials")

	a.signUp(t, lefevre, "celine@exemple.fr", "le mot de passe de la voisine") // another lease
}

// TestThrottleMailsLooksAlike checks that the per-account mail limit does
// not tell, on the routes that promise to say nothing, which emails have an
// account.
func TestThrottleMailsLooksAlike(t *testing.T) {
	t.Parallel()
	const window = time.Hour
	a := start(t, map[string]string{"LIMIT_MAILS_PER_ACCOUNT": "2/1h"})
	a.register(t, dupont, "marie@exemple.fr", "une phrase facile à retenir")   // one mail
	a.signUp(t, lefevre, "celine@exemple.fr", "le mot de passe de la voisine") // one mail, pending

	inOneWindow(t, window, 10*time.Second)
	for _, tt := range []struct{ path, email string }{
		{"/api/v1/password/forgot", "marie@exemple.fr"},
		{"/api/v1/activation/resend", "celine@exemple.fr"},
	} {
		t.Run(tt.path, func(t *testing.T) {
			var statuses, unknown []int
			for range 3 {
				status, _, _ := a.do(t, "POST", tt.path, obj{"email": tt.email}, nil)
				statuses = append(statuses, status)
				status, _, _ = a.do(t, "POST", tt.path, obj{"email": "inconnue@exemple.fr"}, nil)
				unknown = append(unknown, status)
			}
			for i, s := range unknown {
				if s != http.StatusAccepted {
					t.Fatalf("unknown email, attempt %d: status %d, want 202", i+1, s)
				}
			}
			if !slices.Equal(statuses, unknown) {
				t.Errorf("statuses %v for an account's email, %v for an unknown one", statuses, unknown)
			}
		})
	}
}
