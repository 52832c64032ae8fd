package account_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/citejardins/extranet/shared/account"
	"github.com/citejardins/extranet/shared/fault"
	"github.com/citejardins/extranet/shared/password"
)

// TestIdleTimeoutEndsCookieSessions checks that a web (cookie) session ends
// after SessionIdleTimeout without a request, that requests keep it open up
// to the absolute SessionTTL, and that a bearer session (the mobile app) has
// no idle timeout.
func TestIdleTimeoutEndsCookieSessions(t *testing.T) {
	ctx := context.Background()
	f := setup(t, account.Config{}) // defaults: 12 h absolute, 30 min idle
	activeMarie(t, f)
	web, _, err := f.svc.Login(ctx, account.Credentials{Email: marie.Email, Password: pw}, "203.0.113.1")
	mustOK(t, err)
	idle, _, err := f.svc.Login(ctx, account.Credentials{Email: marie.Email, Password: pw}, "203.0.113.1")
	mustOK(t, err)
	phone, _, err := f.svc.Login(ctx, account.Credentials{Email: marie.Email, Password: pw, Bearer: true}, "203.0.113.1")
	mustOK(t, err)

	// A request every 29 minutes keeps the web session open for hours.
	for i := 0; i < 20; i++ {
		f.clock.Advance(29 * time.Minute)
		if _, err := f.svc.Authenticate(ctx, web); err != nil {
			t.Fatalf("web session after %d idle periods of 29 min: %v", i+1, err)
		}
	}
	// The one left alone ended 30 minutes after login.
	_, err = f.svc.Authenticate(ctx, idle)
	wantCode(t, err, fault.Unauthenticated)
	// The phone's, left alone as long, is still open.
	if _, err := f.svc.Authenticate(ctx, phone); err != nil {
		t.Fatalf("bearer session after 9 h 40 without a request: %v", err)
	}

	// 30 minutes without a request end the web session.
	f.clock.Advance(30 * time.Minute)
	_, err = f.svc.Authenticate(ctx, web)
	wantCode(t, err, fault.Unauthenticated)
	// And the absolute timeout still ends the phone's.
	f.clock.Advance(12*time.Hour - 20*29*time.Minute - 30*time.Minute)
	_, err = f.svc.Authenticate(ctx, phone)
	wantCode(t, err, fault.Unauthenticated)
}

// TestIdleTimeoutExactBoundary checks the boundary with a setting other than
// the default: open just before SessionIdleTimeout, over at it.
func TestIdleTimeoutExactBoundary(t *testing.T) {
	ctx := context.Background()
	f := setup(t, account.Config{SessionIdleTimeout: 10 * time.Minute})
	activeMarie(t, f)
	tok, _, err := f.svc.Login(ctx, account.Credentials{Email: marie.Email, Password: pw}, "203.0.113.1")
	mustOK(t, err)
	f.clock.Advance(10*time.Minute - time.Second)
	if _, err := f.svc.Authenticate(ctx, tok); err != nil {
		t.Fatalf("just before the idle timeout: %v", err)
	}
	f.clock.Advance(10 * time.Minute)
	_, err = f.svc.Authenticate(ctx, tok)
	wantCode(t, err, fault.Unauthenticated)
}

// TestLastSeenIsWrittenAtMostOncePerMinute checks that requests do not each
// write the session: its last-seen time moves only when it is a minute old,
// once however many requests arrive together.
func TestLastSeenIsWrittenAtMostOncePerMinute(t *testing.T) {
	ctx := context.Background()
	f := setup(t, account.Config{})
	activeMarie(t, f)
	tok, sess, err := f.svc.Login(ctx, account.Credentials{Email: marie.Email, Password: pw}, "203.0.113.1")
	mustOK(t, err)
	login := f.clock.Now()
	lastSeen := func() time.Time {
		t.Helper()
		s, err := f.store.Session(ctx, sess.Hash)
		mustOK(t, err)
		return s.LastSeen
	}
	if got := lastSeen(); !got.Equal(login) {
		t.Fatalf("last seen at login = %v, want %v", got, login)
	}
	f.clock.Advance(59 * time.Second)
	for range 5 {
		if _, err := f.svc.Authenticate(ctx, tok); err != nil {
			t.Fatal(err)
		}
	}
	if got := lastSeen(); !got.Equal(login) {
		t.Errorf("last seen after requests within a minute = %v, want unchanged %v", got, login)
	}

	f.clock.Advance(2 * time.Second)
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for range 40 {
		wg.Go(func() {
			if _, err := f.svc.Authenticate(ctx, tok); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("parallel request: %v", err)
	}
	if got, want := lastSeen(), f.clock.Now(); !got.Equal(want) {
		t.Errorf("last seen after a minute = %v, want %v", got, want)
	}
}

func changeFor(t *testing.T, f fixture, tok string) account.Principal {
	t.Helper()
	p, err := f.svc.Authenticate(context.Background(), tok)
	mustOK(t, err)
	return p
}

// TestChangePassword checks the change: the current password is required,
// the other sessions end, this one stays, and the account's address is told.
func TestChangePassword(t *testing.T) {
	ctx := context.Background()
	f := setup(t, account.Config{})
	activeMarie(t, f)
	creds := account.Credentials{Email: marie.Email, Password: pw}
	here, _, err := f.svc.Login(ctx, creds, "203.0.113.1")
	mustOK(t, err)
	other, _, err := f.svc.Login(ctx, creds, "198.51.100.7")
	mustOK(t, err)
	phone, _, err := f.svc.Login(ctx, account.Credentials{Email: marie.Email, Password: pw, Bearer: true}, "198.51.100.7")
	mustOK(t, err)

	const fresh = "un tout nouveau mot de passe"
	p := changeFor(t, f, here)
	err = f.svc.ChangePassword(ctx, p, account.PasswordChange{Current: "pas le bon mot de passe", New: fresh}, "203.0.113.1")
	wantField(t, err, "currentPassword", "pas votre mot de passe actuel")
	err = f.svc.ChangePassword(ctx, p, account.PasswordChange{Current: pw, New: pw}, "203.0.113.1")
	wantField(t, err, "newPassword", "différent de l’actuel")
	err = f.svc.ChangePassword(ctx, p, account.PasswordChange{Current: pw, New: "Marie-1978-04-12"}, "203.0.113.1")
	wantField(t, err, "newPassword", "votre date de naissance")
	err = f.svc.ChangePassword(ctx, p, account.PasswordChange{New: fresh}, "203.0.113.1")
	wantField(t, err, "currentPassword", "Saisissez votre mot de passe actuel")
	for _, tok := range []string{here, other, phone} {
		if _, err := f.svc.Authenticate(ctx, tok); err != nil {
			t.Fatalf("a refused change ended a session: %v", err)
		}
	}

	before := f.mail.count(t)
	mustOK(t, f.svc.ChangePassword(ctx, p, account.PasswordChange{Current: pw, New: fresh}, "203.0.113.1"))
	if _, err := f.svc.Authenticate(ctx, here); err != nil {
		t.Errorf("the session that changed the password ended: %v", err)
	}
	for _, tok := range []string{other, phone} {
		_, err := f.svc.Authenticate(ctx, tok)
		wantCode(t, err, fault.Unauthenticated)
	}
	_, _, err = f.svc.Login(ctx, creds, "203.0.113.1")
	wantCode(t, err, fault.InvalidCredentials)
	_, _, err = f.svc.Login(ctx, account.Credentials{Email: marie.Email, Password: fresh}, "203.0.113.1")
	mustOK(t, err)

	if got := f.mail.count(t); got != before+1 {
		t.Fatalf("%d mails after the change, want 1", got-before)
	}
	m := f.mail.mails[before]
	if m.To != marie.Email || m.Subject != "Votre mot de passe Extranet Locataire a été modifié" {
		t.Errorf("mail to %q, subject %q", m.To, m.Subject)
	}
	for name, body := range map[string]string{"text": m.Text, "html": m.HTML} {
		if strings.Contains(body, "token=") || strings.Contains(body, fresh) || strings.Contains(body, pw) {
			t.Errorf("%s body holds a secret:\n%s", name, body)
		}
		if !strings.Contains(body, "2 novembre 2026") || !strings.Contains(body, "Mot de passe oublié") || !strings.Contains(body, "https://extranet.example/mot-de-passe-oublie") {
			t.Errorf("%s body lacks the date or what to do:\n%s", name, body)
		}
	}

	// The session kept is still bound to the new generation: a reset ends it.
	mustOK(t, f.svc.Forgot(ctx, marie.Email, "203.0.113.1"))
	mustOK(t, f.svc.ResetPassword(ctx, f.mail.lastToken(t, marie.Email), "encore une autre phrase", "203.0.113.1"))
	_, err = f.svc.Authenticate(ctx, here)
	wantCode(t, err, fault.Unauthenticated)
}

// TestChangePasswordBurstChecksAtMostTheLimit sends 40 wrong current
// passwords at once: at most the account's limit of them are checked, the
// others answer 429, and the right one then waits too.
func TestChangePasswordBurstChecksAtMostTheLimit(t *testing.T) {
	ctx := context.Background()
	f := setup(t, account.Config{AccountFailures: account.Limit{Max: 5, Window: 15 * time.Minute}})
	activeMarie(t, f)
	tok, _, err := f.svc.Login(ctx, account.Credentials{Email: marie.Email, Password: pw}, "203.0.113.1")
	mustOK(t, err)
	p := changeFor(t, f, tok)
	var mu sync.Mutex
	codes := map[fault.Code]int{}
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Go(func() {
			err := f.svc.ChangePassword(ctx, p, account.PasswordChange{Current: "mauvais essai numéro " + string(rune('A'+i)), New: "un tout nouveau mot de passe"}, "203.0.113.1")
			mu.Lock()
			defer mu.Unlock()
			codes[fault.CodeOf(err)]++
		})
	}
	wg.Wait()
	if checked := codes[fault.Invalid]; checked > 5 || checked+codes[fault.TooManyRequests] != 40 {
		t.Errorf("40 parallel wrong current passwords: %v; want at most 5 checked (validation_failed), the rest too_many_requests", codes)
	}
	t.Logf("40 parallel wrong current passwords: %d checked, %d refused unchecked", codes[fault.Invalid], codes[fault.TooManyRequests])
	// Wrong passwords at login and at a change share the allowance.
	_, _, err = f.svc.Login(ctx, account.Credentials{Email: marie.Email, Password: pw}, "203.0.113.1")
	wantCode(t, err, fault.TooManyRequests)
	err = f.svc.ChangePassword(ctx, p, account.PasswordChange{Current: pw, New: "un tout nouveau mot de passe"}, "203.0.113.1")
	wantCode(t, err, fault.TooManyRequests)
}

// TestLogoutEverywhere checks that every session of the account ends, the
// one asking included, and that logging in again works.
func TestLogoutEverywhere(t *testing.T) {
	ctx := context.Background()
	f := setup(t, account.Config{})
	activeMarie(t, f)
	var toks []string
	for _, bearer := range []bool{false, false, true} {
		tok, _, err := f.svc.Login(ctx, account.Credentials{Email: marie.Email, Password: pw, Bearer: bearer}, "203.0.113.1")
		mustOK(t, err)
		toks = append(toks, tok)
	}
	mustOK(t, f.svc.LogoutEverywhere(ctx, changeFor(t, f, toks[0])))
	for _, tok := range toks {
		_, err := f.svc.Authenticate(ctx, tok)
		wantCode(t, err, fault.Unauthenticated)
	}
	tok, _, err := f.svc.Login(ctx, account.Credentials{Email: marie.Email, Password: pw}, "203.0.113.1")
	mustOK(t, err)
	if _, err := f.svc.Authenticate(ctx, tok); err != nil {
		t.Fatalf("a new session after logging out everywhere: %v", err)
	}
}

func wantField(t *testing.T, err error, field, says string) {
	t.Helper()
	fe, ok := err.(*fault.Error)
	if !ok || fe.Code != fault.Invalid {
		t.Fatalf("got %v; want validation_failed on %s", err, field)
	}
	if msg := fe.Fields[field]; !strings.Contains(msg, says) {
		t.Errorf("error on %s = %q (fields %v); want it to say %q", field, msg, fe.Fields, says)
	}
}

// The reasons of the password package are those the account service reads.
func TestWeaknessReasons(t *testing.T) {
	for got, want := range map[string]string{password.Blank: account.WeakBlank, password.Common: account.WeakCommon, password.Repeated: account.WeakRepeated} {
		if got != want {
			t.Errorf("password reason %q, account reads %q", got, want)
		}
	}
}
