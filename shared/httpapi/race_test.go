package httpapi_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"
)

// reply is one answer of a burst.
type reply struct {
	status int
	header http.Header
	body   obj
}

// burst sends the requests all at once, each from its own goroutine, and
// returns the answers in the requests' order. The request at index last
// (none if out of range) goes last: once another one was throttled (429),
// or all others answered. That is the attacker's best case for a right
// guess sent last: the others still being checked, if they ever are.
func (a *api) burst(t *testing.T, method, path string, bodies []obj, last int) []reply {
	t.Helper()
	out := make([]reply, len(bodies))
	start := make(chan struct{})
	var once sync.Once
	throttled := make(chan struct{})
	var others, all sync.WaitGroup
	for i, b := range bodies {
		if i == last {
			continue
		}
		others.Add(1)
		all.Go(func() {
			defer others.Done()
			<-start
			status, header, body := a.do(t, method, path, b, nil)
			out[i] = reply{status, header, body}
			if status == http.StatusTooManyRequests {
				once.Do(func() { close(throttled) })
			}
		})
	}
	if last >= 0 && last < len(bodies) {
		all.Go(func() {
			<-start
			done := make(chan struct{})
			go func() { others.Wait(); close(done) }()
			select {
			case <-throttled:
			case <-done:
			}
			status, header, body := a.do(t, method, path, bodies[last], nil)
			out[last] = reply{status, header, body}
		})
	}
	time.Sleep(50 * time.Millisecond) // let every goroutine reach the gate
	close(start)
	all.Wait()
	return out
}

// tally counts the statuses of a burst and checks that each refusal is a
// throttle with an honest Retry-After.
func tally(t *testing.T, what string, replies []reply, window time.Duration) map[int]int {
	t.Helper()
	n := map[int]int{}
	for i, r := range replies {
		n[r.status]++
		if r.status == http.StatusTooManyRequests {
			wantThrottled(t, fmt.Sprintf("%s #%d", what, i+1), r.status, r.header, r.body, window)
		}
	}
	return n
}

// TestLoginBurstChecksAtMostTheLimit replays the field report: 45 parallel
// logins on one email, 44 wrong passwords and the right one last, at the
// default 5 failures in 15 minutes. The failure limit used to be read before
// the password check and counted after it, so all 45 were checked (44×401,
// 1×200). Now each takes its unit before the check. (Sent truly at once,
// the right password would be checked only if it took one of the 5 units:
// 5 guesses, as the limit allows.)
func TestLoginBurstChecksAtMostTheLimit(t *testing.T) {
	t.Parallel()
	const window = 15 * time.Minute
	a := start(t, map[string]string{"LIMIT_ACCOUNT_FAILURES": "5/15m"})
	const email, password = "marie@exemple.fr", "une phrase facile à retenir"
	a.register(t, dupont, email, password)

	var bodies []obj
	for i := range 44 {
		bodies = append(bodies, obj{"email": email, "password": fmt.Sprintf("mauvais mot de passe %02d", i)})
	}
	bodies = append(bodies, obj{"email": email, "password": password})
	replies := a.burst(t, "POST", "/api/v1/sessions", bodies, 44)
	n := tally(t, "login burst", replies, window)
	t.Logf("guesses checked per burst of 45: %d (%d×401, %d×200, %d×429)",
		n[http.StatusUnauthorized]+n[http.StatusOK], n[http.StatusUnauthorized], n[http.StatusOK], n[http.StatusTooManyRequests])

	// Five wrong passwords checked, not one more: the right one, sent while
	// the others were still being checked, waits like them.
	if n[http.StatusUnauthorized] != 5 || n[http.StatusTooManyRequests] != 40 {
		t.Errorf("45 parallel logins: %v; want 5×401 and 40×429", n)
	}
	if s := replies[44].status; s != http.StatusTooManyRequests {
		t.Errorf("the right password, sent last: %d; want 429", s)
	}
	// The five failures stand.
	status, header, body := a.loginRefused(t, email, password)
	wantThrottled(t, "the right password after the burst", status, header, body, window)
}

// TestSignUpBurstChecksAtMostTheLimit replays the field report: 40 parallel
// sign-ups on lease 7654321 with surname NDIAYE and the dates of birth
// 1990-01-01 to 1990-02-09, one of which is right. All 40 used to be checked
// (39×422, 1×202): the lease was taken over. The right date goes last, as
// in TestLoginBurstChecksAtMostTheLimit.
func TestSignUpBurstChecksAtMostTheLimit(t *testing.T) {
	t.Parallel()
	a := start(t, map[string]string{"LIMIT_LEASE_FAILURES": "5/15m"})
	first := time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)
	var bodies []obj
	for i := range 40 {
		bodies = append(bodies, obj{"reference": ndiaye.ref, "lastName": "NDIAYE",
			"dateOfBirth": first.AddDate(0, 0, i).Format(time.DateOnly),
			"email":       "attaquant@exemple.fr", "password": "une phrase facile à retenir"})
	}
	if bodies[39]["dateOfBirth"] != "1990-02-09" || bodies[29]["dateOfBirth"] != ndiaye.dob {
		t.Fatal("the dates of birth are not those of the report")
	}
	replies := a.burst(t, "POST", "/api/v1/signup", bodies, 29)
	// The lease is then locked out for 15 minutes: Retry-After within them.
	n := tally(t, "sign-up burst", replies, 15*time.Minute)
	t.Logf("guesses checked per burst of 40: %d (%d×422, %d×202, %d×429)",
		n[http.StatusUnprocessableEntity]+n[http.StatusAccepted], n[http.StatusUnprocessableEntity], n[http.StatusAccepted], n[http.StatusTooManyRequests])
	if n[http.StatusUnprocessableEntity] != 5 || n[http.StatusTooManyRequests] != 35 {
		t.Errorf("40 parallel sign-ups: %v; want 5×422 and 35×429", n)
	}
	if s := replies[29].status; s != http.StatusTooManyRequests {
		t.Errorf("the right date of birth, sent while the others were checked: %d; want 429", s)
	}
	// The refusals locked the lease out, whatever the date.
	status, header, body := a.do(t, "POST", "/api/v1/signup", bodies[29], nil)
	wantThrottled(t, "the right date after the burst", status, header, body, 15*time.Minute)
}

// TestSignUpReferenceAloneLocksNobodyOut checks that wrong surnames on a
// lease, which anyone who saw the reference on a notice can send, do not
// use up the lease's budget of date-of-birth guesses: the tenant who types
// their own identity still signs up. (They counted per lease: six requests
// with the reference alone locked the lease's sign-up for 15 minutes, then
// 1 hour, then 24 hours.)
func TestSignUpReferenceAloneLocksNobodyOut(t *testing.T) {
	t.Parallel()
	a := start(t, map[string]string{"LIMIT_LEASE_FAILURES": "5/15m"})
	stranger := dupont
	stranger.lastName = "MARTIN"
	for i := range 6 {
		stranger.dob = fmt.Sprintf("2000-01-%02d", i+1)
		status, _, body := a.do(t, "POST", "/api/v1/signup", signUpBody(stranger, "inconnu@exemple.fr", "trois pommes et un radis"), nil)
		want := http.StatusUnprocessableEntity
		if i == 5 {
			want = http.StatusTooManyRequests // the stranger's own budget, per address
		}
		wantStatus(t, fmt.Sprintf("wrong surname %d", i+1), status, want, body)
	}
	a.signUp(t, dupont, "marie.dupont@exemple.fr", "une phrase facile à retenir")
}
