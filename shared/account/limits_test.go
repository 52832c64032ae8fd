package account_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/citejardins/extranet/shared/account"
	"github.com/citejardins/extranet/shared/fault"
)

// wantWait checks a throttled answer: its Retry-After and the French words
// that tell the tenant how long to wait.
func wantWait(t *testing.T, what string, err error, wait time.Duration, words string) {
	t.Helper()
	wantCode(t, err, fault.TooManyRequests)
	fe := err.(*fault.Error)
	if fe.RetryAfter != wait {
		t.Errorf("%s: RetryAfter = %v, want %v", what, fe.RetryAfter, wait)
	}
	if !strings.Contains(fe.Message, "patientez "+words+" avant") {
		t.Errorf("%s: message %q does not say to wait %s", what, fe.Message, words)
	}
}

// TestFailuresSlideAcrossTheWindowEdge checks that failures are bounded in
// every span of one window, not per clock-aligned window: with counters
// aligned on quarter hours, five wrong passwords at 09:14:59 and five more at
// 09:15:01 were all checked.
func TestFailuresSlideAcrossTheWindowEdge(t *testing.T) {
	ctx := context.Background()
	const window = 15 * time.Minute
	f := setup(t, account.Config{AccountFailures: account.Limit{Max: 5, Window: window}})
	activeMarie(t, f)
	bad := account.Credentials{Email: marie.Email, Password: "pas le bon mot de passe"}

	var checked []time.Time // when a wrong password was checked (401)
	attempt := func() error {
		t.Helper()
		_, _, err := f.svc.Login(ctx, bad, "203.0.113.1")
		switch fault.CodeOf(err) {
		case fault.InvalidCredentials:
			checked = append(checked, f.clock.Now())
		case fault.TooManyRequests:
		default:
			t.Fatalf("login at %v: %v", f.clock.Now(), err)
		}
		return err
	}

	f.clock.Advance(window - time.Second) // 09:14:59, a second before a quarter hour
	for range 5 {
		attempt()
	}
	f.clock.Advance(2 * time.Second) // 09:15:01
	var err error
	for range 5 {
		err = attempt()
	}
	if len(checked) != 5 {
		t.Fatalf("%d wrong passwords checked within 2 s across 09:15; want 5", len(checked))
	}
	// Honest Retry-After: refused until then, checked from then.
	wantWait(t, "after 5 failures at 09:14:59", err, window-2*time.Second, "15 minutes")
	f.clock.Advance(window - 3*time.Second)
	wantCode(t, attempt(), fault.TooManyRequests)
	f.clock.Advance(time.Second)
	wantCode(t, attempt(), fault.InvalidCredentials)

	// A steady stream for three quarters of an hour, one try every 7 s.
	for range 400 {
		f.clock.Advance(7 * time.Second)
		attempt()
	}
	for i := 0; i+5 < len(checked); i++ {
		if span := checked[i+5].Sub(checked[i]); span < window {
			t.Errorf("6 wrong passwords checked within %v (from %v)", span, checked[i].Format(time.TimeOnly))
		}
	}
	if len(checked) < 5+1+15 {
		t.Errorf("%d wrong passwords checked in 61 minutes; the limit allows 5 per 15 minutes, so at least 21", len(checked))
	}
}

// TestLeaseLockoutsEscalate checks that a lease that keeps reaching its
// sign-up mismatch limit waits longer each time (15 min, 1 h, then 24 h),
// even with the right identity, and that the ladder restarts once the lease
// has been quiet for a day after its last lock-out.
func TestLeaseLockoutsEscalate(t *testing.T) {
	ctx := context.Background()
	f := setup(t, account.Config{LeaseFailures: account.Limit{Max: 3, Window: 15 * time.Minute}})
	wrong := marie
	wrong.DateOfBirth = "1978-04-13"
	miss3 := func(step string) {
		t.Helper()
		for range 3 {
			wantCode(t, f.svc.SignUp(ctx, wrong, "203.0.113.1"), fault.IdentityMismatch)
		}
	}
	locked := func(step string, wait time.Duration, words string) {
		t.Helper()
		wantWait(t, step+", the right identity", f.svc.SignUp(ctx, marie, "203.0.113.1"), wait, words)
		wantWait(t, step+", a wrong one", f.svc.SignUp(ctx, wrong, "203.0.113.1"), wait, words)
	}

	miss3("first")
	locked("first lock-out", 15*time.Minute, "15 minutes")
	f.clock.Advance(15*time.Minute - time.Second)
	locked("its last second", time.Second, "une minute")
	f.clock.Advance(time.Second)

	miss3("second")
	locked("second lock-out", time.Hour, "une heure")
	f.clock.Advance(time.Hour)
	miss3("third")
	locked("third lock-out", 24*time.Hour, "24 heures")
	f.clock.Advance(24 * time.Hour)
	miss3("fourth")
	locked("fourth lock-out", 24*time.Hour, "24 heures")

	// Another lease is not concerned.
	celine := account.SignUpRequest{Reference: "1234567", LastName: "lefevre", DateOfBirth: "1985-11-03", Email: "celine@example.fr", Password: pw}
	mustOK(t, f.svc.SignUp(ctx, celine, "203.0.113.1"))

	// A day after the last lock-out ended, the ladder starts again.
	f.clock.Advance(24*time.Hour + 24*time.Hour) // the lock-out, then account.StrikeMemory
	miss3("after a quiet day")
	locked("after a quiet day", 15*time.Minute, "15 minutes")
	f.clock.Advance(15 * time.Minute)
	mustOK(t, f.svc.SignUp(ctx, marie, "203.0.113.1"))
}

// TestRightPasswordIsGivenBack checks that a right password does not use up
// the failures allowed (its unit, taken before the check, is given back),
// while a burst of wrong ones is checked only as far as the limit allows.
func TestRightPasswordIsGivenBack(t *testing.T) {
	ctx := context.Background()
	f := setup(t, account.Config{AccountFailures: account.Limit{Max: 3, Window: 15 * time.Minute}})
	activeMarie(t, f)
	right := account.Credentials{Email: marie.Email, Password: pw}
	bad := account.Credentials{Email: marie.Email, Password: "pas le bon mot de passe"}
	for i := range 10 {
		if _, _, err := f.svc.Login(ctx, right, "203.0.113.1"); err != nil {
			t.Fatalf("right password #%d: %v", i+1, err)
		}
	}
	for range 2 {
		_, _, err := f.svc.Login(ctx, bad, "203.0.113.1")
		wantCode(t, err, fault.InvalidCredentials)
	}
	if _, _, err := f.svc.Login(ctx, right, "203.0.113.1"); err != nil {
		t.Fatalf("right password after 2 failures: %v", err)
	}

	// One failure is left: 40 parallel wrong passwords get one check.
	var mu sync.Mutex
	codes := map[fault.Code]int{}
	var wg sync.WaitGroup
	for range 40 {
		wg.Go(func() {
			_, _, err := f.svc.Login(ctx, bad, "203.0.113.1")
			mu.Lock()
			defer mu.Unlock()
			codes[fault.CodeOf(err)]++
		})
	}
	wg.Wait()
	if codes[fault.InvalidCredentials] != 1 || codes[fault.TooManyRequests] != 39 {
		t.Errorf("40 parallel wrong passwords with one failure left: %v; want 1 invalid_credentials, 39 too_many_requests", codes)
	}
	_, _, err := f.svc.Login(ctx, right, "203.0.113.1")
	wantCode(t, err, fault.TooManyRequests)
}
