package account_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/citejardins/extranet/shared/account"
	"github.com/citejardins/extranet/shared/fault"
)

// Céline (main signatory, born 1985-11-03) and Julien (co-titulaire, born
// 1983-06-21) LEFÈVRE share lease 1234567 and a surname: the date of birth
// picks which of them signs up.
var (
	celine = account.SignUpRequest{Reference: "1234567", LastName: "Lefèvre", DateOfBirth: "1985-11-03", Email: "celine@example.fr", Password: pw}
	julien = account.SignUpRequest{Reference: "1234567", LastName: "LEFEVRE", DateOfBirth: "1983-06-21", Email: "julien@example.fr", Password: pw}
)

// signUpActive signs req up, activates the account from its mail and logs
// in; it returns the session's principal.
func signUpActive(t *testing.T, f fixture, req account.SignUpRequest) (string, account.Principal) {
	t.Helper()
	ctx := context.Background()
	mustOK(t, f.svc.SignUp(ctx, req, "203.0.113.1"))
	if _, err := f.svc.Activate(ctx, f.mail.lastToken(t, req.Email), "203.0.113.1"); err != nil {
		t.Fatalf("activate %s: %v", req.Email, err)
	}
	tok, _, err := f.svc.Login(ctx, account.Credentials{Email: req.Email, Password: req.Password}, "203.0.113.1")
	mustOK(t, err)
	p, err := f.svc.Authenticate(ctx, tok)
	mustOK(t, err)
	return tok, p
}

// TestEachSignatoryHasTheirOwnAccount: both signatories of one lease sign
// up with their own surname and date of birth, each gets an account named
// by their signatory id, and what one does to their sessions leaves the
// other's alone.
func TestEachSignatoryHasTheirOwnAccount(t *testing.T) {
	ctx := context.Background()
	f := setup(t, account.Config{})

	// Julien with Céline's date of birth is Céline, not Julien: with
	// Julien's address and a date that matches Céline only, the account
	// made is Céline's; with a date that matches nobody, nothing.
	wrong := julien
	wrong.DateOfBirth = "1983-06-22"
	wantCode(t, f.svc.SignUp(ctx, wrong, "203.0.113.1"), fault.IdentityMismatch)

	celTok, cel := signUpActive(t, f, celine)
	julTok, jul := signUpActive(t, f, julien)
	if cel.Account.Key() != (account.Key{Reference: "1234567", Signatory: "S1234567-1"}) {
		t.Errorf("Céline's account is %v", cel.Account.Key())
	}
	if jul.Account.Key() != (account.Key{Reference: "1234567", Signatory: "S1234567-2"}) {
		t.Errorf("Julien's account is %v", jul.Account.Key())
	}
	accs, err := f.store.AccountsOf(ctx, "1234567")
	mustOK(t, err)
	if len(accs) != 2 || accs[0].Email != celine.Email || accs[1].Email != julien.Email {
		t.Fatalf("accounts of the lease: %+v", accs)
	}
	me, err := f.svc.Me(ctx, jul)
	mustOK(t, err)
	if me.Signatory.FirstName != "Julien" || me.Main.FirstName != "Céline" {
		t.Errorf("Julien's profile names %q (main %q)", me.Signatory.FirstName, me.Main.FirstName)
	}

	// Julien changes his password: his other session ends, Céline's stays;
	// only his address is told.
	julOther, _, err := f.svc.Login(ctx, account.Credentials{Email: julien.Email, Password: pw}, "198.51.100.7")
	mustOK(t, err)
	before := len(f.mail.mails)
	mustOK(t, f.svc.ChangePassword(ctx, jul, account.PasswordChange{Current: pw, New: "un autre mot de passe tout neuf"}, "203.0.113.1"))
	if _, err := f.svc.Authenticate(ctx, julOther); fault.CodeOf(err) != fault.Unauthenticated {
		t.Errorf("Julien's other session after his password change: %v", err)
	}
	if _, err := f.svc.Authenticate(ctx, celTok); err != nil {
		t.Errorf("Céline's session after Julien's password change: %v", err)
	}
	if _, err := f.svc.Authenticate(ctx, julTok); err != nil {
		t.Errorf("Julien's own session after his password change: %v", err)
	}
	sent := f.mail.mails[before:]
	if len(sent) != 1 || sent[0].To != julien.Email || !strings.Contains(sent[0].Text, "Bonjour Julien,") {
		t.Errorf("mails of the password change: %+v", sent)
	}
	// Céline still logs in with her own password, Julien no longer with the old one.
	if _, _, err := f.svc.Login(ctx, account.Credentials{Email: celine.Email, Password: pw}, "203.0.113.1"); err != nil {
		t.Errorf("Céline's login after Julien's change: %v", err)
	}

	// Julien's surname with Céline's date of birth is Céline's identity,
	// not Julien's (the form asks no first name): it never makes or touches
	// an account of Julien's; Céline, who has one, is told, and the address
	// typed gets only the masked hint.
	before = len(f.mail.mails)
	withHers := julien
	withHers.Email, withHers.DateOfBirth = "julien.pro@example.fr", celine.DateOfBirth
	mustOK(t, f.svc.SignUp(ctx, withHers, "203.0.113.1"))
	f.mail.settle(t)
	accs, err = f.store.AccountsOf(ctx, "1234567")
	mustOK(t, err)
	if len(accs) != 2 || accs[0].Email != celine.Email || accs[1].Email != julien.Email {
		t.Fatalf("accounts after Julien typed Céline's date of birth: %+v", accs)
	}
	sent = f.mail.mails[before:]
	if len(sent) != 2 || sent[0].To != withHers.Email || !strings.Contains(sent[0].Text, "c•••@e•••.fr") || sent[1].To != celine.Email {
		t.Errorf("mails after Julien typed Céline's date of birth: %+v", sent)
	}

	// Céline logs out everywhere: Julien's session stays.
	mustOK(t, f.svc.LogoutEverywhere(ctx, cel))
	if _, err := f.svc.Authenticate(ctx, celTok); fault.CodeOf(err) != fault.Unauthenticated {
		t.Errorf("Céline's session after her logout everywhere: %v", err)
	}
	if _, err := f.svc.Authenticate(ctx, julTok); err != nil {
		t.Errorf("Julien's session after Céline's logout everywhere: %v", err)
	}
}

// TestExistingAccountHintGoesByMail: signing up again for a signatory who
// has an active account, with another address, answers as any sign-up
// does; the address typed gets a masked hint of the account's address,
// and the account's own address is told, as before.
func TestExistingAccountHintGoesByMail(t *testing.T) {
	ctx := context.Background()
	f := setup(t, account.Config{})
	signUpActive(t, f, julien)
	before := len(f.mail.mails)

	again := julien
	again.Email = "jlefevre@autre.example.org"
	if err := f.svc.SignUp(ctx, again, "203.0.113.1"); err != nil {
		t.Fatalf("a sign-up for a signatory with an account answers as any: %v", err)
	}
	f.mail.settle(t)
	sent := f.mail.mails[before:]
	if len(sent) != 2 {
		t.Fatalf("mails: %+v; want the hint and the notice", sent)
	}
	hint, notice := sent[0], sent[1]
	if hint.To != again.Email || !strings.Contains(hint.Text, "j•••@e•••.fr") || strings.Contains(hint.Text, julien.Email) ||
		strings.Contains(hint.HTML, julien.Email) || strings.Contains(hint.Text, "token=") || !strings.Contains(hint.Text, "Mot de passe oublié") {
		t.Errorf("hint mail to %s: %s", hint.To, hint.Text)
	}
	if strings.Contains(hint.Text, "Julien") {
		t.Errorf("the hint greets the signatory by name, to an address that may not be theirs: %s", hint.Text)
	}
	if notice.To != julien.Email || !strings.Contains(notice.Subject, "déjà un compte") {
		t.Errorf("notice to the account's address: %+v", notice)
	}
	accs, err := f.store.AccountsOf(ctx, "1234567")
	mustOK(t, err)
	if len(accs) != 1 || accs[0].Email != julien.Email {
		t.Errorf("accounts after the second sign-up: %+v", accs)
	}
}

// TestParallelSignUpsOfOneSignatoryMakeOneAccount: 40 sign-ups of Julien at
// once, with 40 addresses, and their jobs run by 4 workers at once, end
// with one account for him, holding one of the addresses, and one claim.
func TestParallelSignUpsOfOneSignatoryMakeOneAccount(t *testing.T) {
	ctx := context.Background()
	f := setup(t, account.Config{LeaseFailures: account.Limit{Max: 1000, Window: time.Hour},
		PerAddress: account.Limit{Max: 1000, Window: time.Hour}, MailsPerAccount: account.Limit{Max: 1000, Window: time.Hour}})
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req := julien
			req.Email = "julien" + string(rune('a'+i%26)) + string(rune('a'+i/26)) + "@example.fr"
			errs <- f.svc.SignUp(ctx, req, "203.0.113.1")
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		mustOK(t, err)
	}
	var runs sync.WaitGroup
	for range 4 {
		runs.Add(1)
		go func() { defer runs.Done(); _, _ = f.svc.RunMailJobs(ctx) }()
	}
	runs.Wait()
	for range 10 { // the jobs that lost a race run again
		f.clock.Advance(3 * time.Minute)
		if _, err := f.svc.RunMailJobs(ctx); err == nil {
			break
		}
	}
	accs, err := f.store.AccountsOf(ctx, "1234567")
	mustOK(t, err)
	if len(accs) != 1 || accs[0].Signatory != "S1234567-2" || accs[0].Status != account.Pending {
		t.Fatalf("accounts after 40 parallel sign-ups: %+v", accs)
	}
	owner, err := f.store.AccountByEmail(ctx, accs[0].Email)
	if err != nil || owner.Key() != accs[0].Key() {
		t.Errorf("the account's address is claimed by %v (%v)", owner.Key(), err)
	}
	// Its link, the last mailed to its address, activates it.
	if _, err := f.svc.Activate(ctx, f.mail.lastToken(t, accs[0].Email), "203.0.113.1"); err != nil {
		t.Errorf("activate the one account: %v", err)
	}
}

// rawToken makes a token as the service does (32 random bytes, base64url)
// and the hash the store keeps of it.
func rawToken(seed byte) (raw, hash string) {
	b := bytes.Repeat([]byte{seed}, 32)
	sum := sha256.Sum256(b)
	return base64.RawURLEncoding.EncodeToString(b), hex.EncodeToString(sum[:])
}

// TestOldLinksAndSessionsServeNoNewAccount: a session or a reset link of
// an account's key made before the account was created (an account deleted
// and signed up again under the same key) is not honoured, though all else
// matches; the same made after is.
func TestOldLinksAndSessionsServeNoNewAccount(t *testing.T) {
	ctx := context.Background()
	f := setup(t, account.Config{})
	_, jul := signUpActive(t, f, julien)
	k := jul.Account.Key()
	for _, c := range []struct {
		seed  byte
		made  time.Time
		valid bool
	}{{1, jul.Account.CreatedAt.Add(-time.Second), false}, {2, jul.Account.CreatedAt, true}} {
		raw, hash := rawToken(c.seed)
		mustOK(t, f.store.PutSession(ctx, account.Session{Hash: hash, Reference: k.Reference, Signatory: k.Signatory,
			Generation: jul.Account.SessionGeneration, Bearer: true, CreatedAt: c.made, ExpiresAt: f.clock.Now().Add(time.Hour)}))
		if _, err := f.svc.Authenticate(ctx, raw); (err == nil) != c.valid {
			t.Errorf("session made at %v (account created %v): %v", c.made, jul.Account.CreatedAt, err)
		}
		// The same session named for Céline's account, which does not exist,
		// is not even stored, and serves nobody.
		raw, hash = rawToken(c.seed + 10)
		if err := f.store.PutSession(ctx, account.Session{Hash: hash, Reference: k.Reference, Signatory: "S1234567-1",
			Generation: jul.Account.SessionGeneration, Bearer: true, CreatedAt: c.made, ExpiresAt: f.clock.Now().Add(time.Hour)}); !errors.Is(err, account.ErrNotFound) {
			t.Errorf("a session of an account that does not exist stored: %v; want ErrNotFound", err)
		}
		if _, err := f.svc.Authenticate(ctx, raw); fault.CodeOf(err) != fault.Unauthenticated {
			t.Errorf("a session of an account that does not exist: %v", err)
		}
	}
	raw, hash := rawToken(3)
	mustOK(t, f.store.PutToken(ctx, account.Token{Hash: hash, Purpose: account.Reset, Reference: k.Reference, Signatory: k.Signatory,
		Generation: jul.Account.SessionGeneration, CreatedAt: jul.Account.CreatedAt.Add(-time.Second), ExpiresAt: f.clock.Now().Add(time.Hour)}))
	wantCode(t, f.svc.ResetPassword(ctx, raw, "un tout nouveau mot de passe", "203.0.113.1"), fault.TokenInvalid)
	raw, hash = rawToken(4)
	mustOK(t, f.store.PutToken(ctx, account.Token{Hash: hash, Purpose: account.Reset, Reference: k.Reference, Signatory: k.Signatory,
		Generation: jul.Account.SessionGeneration, CreatedAt: f.clock.Now(), ExpiresAt: f.clock.Now().Add(time.Hour)}))
	mustOK(t, f.svc.ResetPassword(ctx, raw, "un tout nouveau mot de passe", "203.0.113.1"))
}

// TestPaymentConfirmationGoesToEveryAccount: an online payment of the
// lease is confirmed to each active account, at its notice address, once
// per address; a pending account gets none.
func TestPaymentConfirmationGoesToEveryAccount(t *testing.T) {
	ctx := context.Background()
	f := setup(t, account.Config{})
	signUpActive(t, f, celine)
	signUpActive(t, f, julien)
	before := len(f.mail.mails)
	mustOK(t, f.store.PutMailJob(ctx, account.MailJob{ID: "pay1", Kind: account.JobPaymentReceived, Reference: "1234567",
		AmountCents: 35000, CreatedAt: f.clock.Now()}))
	f.mail.settle(t)
	var to []string
	for _, m := range f.mail.mails[before:] {
		to = append(to, m.To)
		if !strings.Contains(m.Subject, "350,00") {
			t.Errorf("confirmation %q", m.Subject)
		}
	}
	if strings.Join(to, " ") != celine.Email+" "+julien.Email {
		t.Errorf("payment confirmations to %v; want Céline's and Julien's", to)
	}
}

// TestAccountIsCreatedWhenSaved: a signed-up account's CreatedAt is when
// the mail worker saved it, not when the sign-up was asked. A sign-up asked
// while the signatory's earlier account still existed, saved once that one
// was deleted, must not honour a session or reset link the earlier account
// made in between (they were made before the new account, though after the
// request).
func TestAccountIsCreatedWhenSaved(t *testing.T) {
	ctx := context.Background()
	f := setup(t, account.Config{})
	k := account.Key{Reference: "1234567", Signatory: "S1234567-2"}
	before := julien
	before.Email = "julien.avant@example.fr"
	signUpActive(t, f, before)
	earlier, err := f.store.Account(ctx, k)
	mustOK(t, err)
	f.clock.Advance(2 * time.Second)
	asked := f.clock.Now()
	mustOK(t, f.svc.SignUp(ctx, julien, "203.0.113.1")) // the job waits
	f.clock.Advance(2 * time.Second)
	// The earlier account's session and reset link, made after the request;
	// then the earlier account is deleted, its session and link left behind
	// (as the index, eventually consistent, may leave them).
	rawSess, hash := rawToken(21)
	mustOK(t, f.store.PutSession(ctx, account.Session{Hash: hash, Reference: k.Reference, Signatory: k.Signatory,
		Bearer: true, CreatedAt: f.clock.Now(), ExpiresAt: f.clock.Now().Add(time.Hour)}))
	rawReset, hash := rawToken(22)
	mustOK(t, f.store.PutToken(ctx, account.Token{Hash: hash, Purpose: account.Reset, Reference: k.Reference, Signatory: k.Signatory,
		CreatedAt: f.clock.Now(), ExpiresAt: f.clock.Now().Add(time.Hour)}))
	mustOK(t, f.store.DeleteAccount(ctx, earlier, account.ProfileEvent{}))
	f.clock.Advance(2 * time.Second)
	saved := f.clock.Now()
	if _, err := f.svc.Activate(ctx, f.mail.lastToken(t, julien.Email), "203.0.113.1"); err != nil { // the job runs now
		t.Fatal(err)
	}
	acc, err := f.store.Account(ctx, k)
	mustOK(t, err)
	if !acc.CreatedAt.Equal(saved) {
		t.Errorf("account created %v; want when saved, %v (asked %v)", acc.CreatedAt, saved, asked)
	}
	if _, err := f.svc.Authenticate(ctx, rawSess); fault.CodeOf(err) != fault.Unauthenticated {
		t.Errorf("the earlier account's session: %v; want unauthenticated", err)
	}
	wantCode(t, f.svc.ResetPassword(ctx, rawReset, "un tout nouveau mot de passe", "203.0.113.1"), fault.TokenInvalid)
}
