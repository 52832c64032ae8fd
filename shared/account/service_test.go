package account_test

import (
	"context"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/citejardins/extranet/infra/localstack"
	"github.com/citejardins/extranet/shared/account"
	"github.com/citejardins/extranet/shared/dynamo"
	"github.com/citejardins/extranet/shared/fault"
	"github.com/citejardins/extranet/shared/password"
	"github.com/citejardins/extranet/shared/tenancy"
)

// These tests run the service on the DynamoDB emulator with a fake clock,
// for what the API tests cannot reach in real time: expiry and windows.

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type outbox struct {
	mu    sync.Mutex
	mails []account.Mail
	// run runs the mail jobs waiting, as the mails function does: the
	// service mails from there, after the request answered.
	run func() error
	// fail, when set, is what every Send returns (the mail service down).
	fail error
}

// settle runs the mail jobs waiting.
func (o *outbox) settle(t *testing.T) {
	t.Helper()
	if err := o.run(); err != nil {
		t.Fatalf("mail jobs: %v", err)
	}
}

func (o *outbox) Send(_ context.Context, m account.Mail) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.fail != nil {
		return o.fail
	}
	o.mails = append(o.mails, m)
	return nil
}

var tokenRE = regexp.MustCompile(`token=([A-Za-z0-9_-]+)`)

// lastToken returns the token of the last mail sent to the address.
func (o *outbox) lastToken(t *testing.T, to string) string {
	t.Helper()
	o.settle(t)
	o.mu.Lock()
	defer o.mu.Unlock()
	for i := len(o.mails) - 1; i >= 0; i-- {
		if o.mails[i].To == to {
			m := tokenRE.FindStringSubmatch(o.mails[i].Text)
			if m == nil {
				t.Fatalf("mail to %s has no link: %q", to, o.mails[i].Text)
			}
			return m[1]
		}
	}
	t.Fatalf("no mail to %s", to)
	return ""
}

func (o *outbox) count(t *testing.T) int {
	t.Helper()
	o.settle(t)
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.mails)
}

type fixture struct {
	svc   *account.Service
	store *dynamo.Store
	clock *clock
	mail  *outbox
	ops   *opLog // the DynamoDB operations the store sends
}

var fastHash = password.Hasher{Params: password.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}}

func setup(t *testing.T, cfg account.Config) fixture {
	t.Helper()
	ctx := context.Background()
	db, err := localstack.StartDynamoDB(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	ops := &opLog{}
	store := dynamo.New(ops.client(db.URL), localstack.LocalTables)
	for _, l := range []tenancy.Lease{
		{Reference: "8889999", Address: tenancy.Address{Street: "12 rue des Jardins", PostalCode: "93200", City: "Saint-Denis"},
			Signatories: []tenancy.Signatory{{ID: "S8889999-1", Main: true, LastName: "DUPONT", FirstName: "Marie", DateOfBirth: tenancy.Date{Year: 1978, Month: 4, Day: 12}}}},
		{Reference: "1234567", Address: tenancy.Address{Street: "4 allée des Tilleuls", PostalCode: "92230", City: "Gennevilliers"},
			Signatories: []tenancy.Signatory{{ID: "S1234567-1", Main: true, LastName: "LEFÈVRE", FirstName: "Céline", DateOfBirth: tenancy.Date{Year: 1985, Month: 11, Day: 3}},
				{ID: "S1234567-2", LastName: "LEFÈVRE", FirstName: "Julien", DateOfBirth: tenancy.Date{Year: 1983, Month: 6, Day: 21}}}},
	} {
		if err := store.PutLease(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	c := &clock{t: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)}
	o := &outbox{}
	cfg.PublicURL = "https://extranet.example"
	svc := account.NewService(account.Deps{Store: store, Counter: store, Passwords: fastHash, Mailer: o, Jobs: store, Now: c.Now}, cfg)
	o.run = func() error { _, err := svc.RunMailJobs(ctx); return err }
	return fixture{svc: svc, store: store, clock: c, mail: o, ops: ops}
}

const pw = "une phrase assez longue"

var marie = account.SignUpRequest{Reference: "8889999", LastName: "dupont", DateOfBirth: "1978-04-12", Email: "marie@example.fr", Password: pw}

func wantCode(t *testing.T, err error, code fault.Code) {
	t.Helper()
	if got := fault.CodeOf(err); err == nil || got != code {
		t.Fatalf("got error %v (code %s); want code %s", err, got, code)
	}
}

func mustOK(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestActivationLinkValidFor48Hours(t *testing.T) {
	ctx := context.Background()
	f := setup(t, account.Config{})
	mustOK(t, f.svc.SignUp(ctx, marie, "203.0.113.1"))
	celine := account.SignUpRequest{Reference: "1234567", LastName: "lefevre", DateOfBirth: "1985-11-03", Email: "celine@example.fr", Password: pw}
	mustOK(t, f.svc.SignUp(ctx, celine, "203.0.113.1"))
	f.mail.settle(t) // the links leave now

	f.clock.Advance(48*time.Hour - time.Second)
	if _, err := f.svc.Activate(ctx, f.mail.lastToken(t, "marie@example.fr"), "203.0.113.1"); err != nil {
		t.Fatalf("activation just before 48 h: %v", err)
	}
	f.clock.Advance(time.Second)
	_, err := f.svc.Activate(ctx, f.mail.lastToken(t, "celine@example.fr"), "203.0.113.1")
	wantCode(t, err, fault.TokenExpired)
	// Nothing changed: the account is still pending.
	_, _, err = f.svc.Login(ctx, account.Credentials{Email: "celine@example.fr", Password: pw}, "203.0.113.1")
	wantCode(t, err, fault.NotActivated)
	// And a new link works.
	mustOK(t, f.svc.ResendActivation(ctx, "celine@example.fr", "203.0.113.1"))
	if _, err := f.svc.Activate(ctx, f.mail.lastToken(t, "celine@example.fr"), "203.0.113.1"); err != nil {
		t.Fatalf("activation with a new link: %v", err)
	}
}

func activeMarie(t *testing.T, f fixture) {
	t.Helper()
	ctx := context.Background()
	mustOK(t, f.svc.SignUp(ctx, marie, "203.0.113.1"))
	if _, err := f.svc.Activate(ctx, f.mail.lastToken(t, marie.Email), "203.0.113.1"); err != nil {
		t.Fatal(err)
	}
}

func TestReusedActivationLinkSaysTheAccountIsActive(t *testing.T) {
	ctx := context.Background()
	f := setup(t, account.Config{})
	activeMarie(t, f)
	_, err := f.svc.Activate(ctx, f.mail.lastToken(t, marie.Email), "203.0.113.1")
	wantCode(t, err, fault.AlreadyActive)
	if msg := err.(*fault.Error).Message; !strings.Contains(msg, "Votre compte est déjà actif") {
		t.Errorf("message %q does not say the account is active", msg)
	}
}

func TestResetLinkAndSessions(t *testing.T) {
	ctx := context.Background()
	f := setup(t, account.Config{})
	activeMarie(t, f)
	creds := account.Credentials{Email: "Marie@Example.fr", Password: pw}
	tok1, _, err := f.svc.Login(ctx, creds, "203.0.113.1")
	mustOK(t, err)
	tok2, _, err := f.svc.Login(ctx, creds, "198.51.100.7")
	mustOK(t, err)

	mustOK(t, f.svc.Forgot(ctx, marie.Email, "203.0.113.1"))
	expired := f.mail.lastToken(t, marie.Email)
	f.clock.Advance(2 * time.Hour)
	wantCode(t, f.svc.ResetPassword(ctx, expired, "un tout nouveau mot de passe", "203.0.113.1"), fault.TokenExpired)

	mustOK(t, f.svc.Forgot(ctx, marie.Email, "203.0.113.1"))
	fresh := f.mail.lastToken(t, marie.Email)
	mustOK(t, f.svc.ResetPassword(ctx, fresh, "un tout nouveau mot de passe", "203.0.113.1"))
	for _, tok := range []string{tok1, tok2} {
		_, err := f.svc.Authenticate(ctx, tok)
		wantCode(t, err, fault.Unauthenticated)
	}
	wantCode(t, f.svc.ResetPassword(ctx, fresh, "encore un autre mot de passe", "203.0.113.1"), fault.TokenInvalid)
	_, _, err = f.svc.Login(ctx, creds, "203.0.113.1")
	wantCode(t, err, fault.InvalidCredentials)
	_, _, err = f.svc.Login(ctx, account.Credentials{Email: marie.Email, Password: "un tout nouveau mot de passe"}, "203.0.113.1")
	mustOK(t, err)
}

func TestSessionExpires(t *testing.T) {
	ctx := context.Background()
	f := setup(t, account.Config{SessionTTL: time.Hour})
	activeMarie(t, f)
	// A bearer session, which has no idle timeout: only the absolute one.
	tok, sess, err := f.svc.Login(ctx, account.Credentials{Email: marie.Email, Password: pw, Bearer: true}, "203.0.113.1")
	mustOK(t, err)
	if got := sess.ExpiresAt.Sub(f.clock.Now()); got != time.Hour {
		t.Errorf("session lasts %v; want 1h", got)
	}
	f.clock.Advance(time.Hour - time.Second)
	if _, err := f.svc.Authenticate(ctx, tok); err != nil {
		t.Fatalf("session before expiry: %v", err)
	}
	f.clock.Advance(time.Second)
	_, err = f.svc.Authenticate(ctx, tok)
	wantCode(t, err, fault.Unauthenticated)
}

func TestAccountFailuresSlowDownButNeverLock(t *testing.T) {
	ctx := context.Background()
	f := setup(t, account.Config{AccountFailures: account.Limit{Max: 3, Window: 15 * time.Minute}})
	activeMarie(t, f)
	bad := account.Credentials{Email: marie.Email, Password: "pas le bon mot de passe"}
	for i := 0; i < 3; i++ {
		_, _, err := f.svc.Login(ctx, bad, "203.0.113.1")
		wantCode(t, err, fault.InvalidCredentials)
	}
	_, _, err := f.svc.Login(ctx, account.Credentials{Email: marie.Email, Password: pw}, "203.0.113.1")
	wantCode(t, err, fault.TooManyRequests)
	if wait := err.(*fault.Error).RetryAfter; wait <= 0 || wait > 15*time.Minute {
		t.Errorf("RetryAfter = %v; want within the window", wait)
	}
	f.clock.Advance(15 * time.Minute)
	if _, _, err := f.svc.Login(ctx, account.Credentials{Email: marie.Email, Password: pw}, "203.0.113.1"); err != nil {
		t.Fatalf("login after the window: %v", err)
	}
}

func TestMailsPerAccountAreBounded(t *testing.T) {
	ctx := context.Background()
	f := setup(t, account.Config{MailsPerAccount: account.Limit{Max: 2, Window: time.Hour}})
	mustOK(t, f.svc.SignUp(ctx, marie, "203.0.113.1"))
	f.mail.settle(t) // jobs of one clock instant run in any order
	mustOK(t, f.svc.ResendActivation(ctx, marie.Email, "203.0.113.1"))
	// Past the limit: the same answer as for an unknown email, and no mail.
	mustOK(t, f.svc.ResendActivation(ctx, marie.Email, "203.0.113.1"))
	mustOK(t, f.svc.Forgot(ctx, marie.Email, "203.0.113.1"))
	if got := f.mail.count(t); got != 2 {
		t.Errorf("%d mails sent; want 2", got)
	}
}

func TestActivationMail(t *testing.T) {
	ctx := context.Background()
	f := setup(t, account.Config{})
	mustOK(t, f.svc.SignUp(ctx, marie, "203.0.113.1"))
	f.mail.settle(t)
	m := f.mail.mails[0]
	if m.To != marie.Email || !strings.Contains(m.Subject, "Activez votre compte") {
		t.Errorf("mail to %q subject %q", m.To, m.Subject)
	}
	link := "https://extranet.example/activation?token=" + f.mail.lastToken(t, marie.Email)
	for name, body := range map[string]string{"text": m.Text, "html": m.HTML} {
		if !strings.Contains(body, link) || !strings.Contains(body, "Bonjour Marie") || !strings.Contains(body, "48 heures") {
			t.Errorf("%s body lacks the link, greeting or validity:\n%s", name, body)
		}
	}
	if !strings.Contains(m.HTML, `lang="fr"`) || !strings.Contains(m.HTML, "Pour l’activer") {
		t.Errorf("html body is not escaped French HTML:\n%s", m.HTML)
	}
}
