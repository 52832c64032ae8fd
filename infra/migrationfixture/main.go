// Command migrationfixture writes the fixture of data written by the
// portal's version before one account per signatory (main at commit
// 0b523d3): it starts the local stack of the checked-out code, drives the
// real API as tenants do, and dumps the accounts table (every item, every
// attribute) and the demo leases' LEASE and SIGNATORY# items of the tenancy
// table to shared/dynamo/testdata. The credentials the tests reuse
// (passwords, the session token, the raw links' tokens) go beside them.
//
// The committed files are the fixture; tests never regenerate them. This
// program only makes sense on that earlier version:
//
//	git worktree add /tmp/v0 0b523d3
//	cp infra/migrationfixture/main.go /tmp/v0/infra/migrationfixture/ # with infra/localstack/tablejson.go
//	cd /tmp/v0 && go run ./infra/migrationfixture -out <this repo>/shared/dynamo/testdata
//
// (shared/dynamo/testdata/README.md says the same, with what the data hold.)
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/citejardins/extranet/infra/localstack"
	"github.com/citejardins/extranet/shared/portal"
)

// Version names the fixture's files: the commit whose code wrote them.
const Version = "v0b523d3"

// Credentials are what the tests need to act as the fixture's tenants.
type Credentials struct {
	Version     string `json:"version"`
	GeneratedAt int64  `json:"generatedAt"` // unix seconds: the tests move the data's times by now − this
	Dupont      Tenant `json:"dupont"`
	Lefevre     Tenant `json:"lefevre"`
	Ndiaye      Tenant `json:"ndiaye"`
	// LefevreSession is Céline's bearer session token (login as the app).
	LefevreSession string `json:"lefevreSession"`
	// DupontCookie is DUPONT's web session (the cookie's value).
	DupontCookie string `json:"dupontCookie"`
	// DupontReset is the raw token of the reset link mailed to DUPONT (not used).
	DupontReset string `json:"dupontReset"`
	// NdiayeActivation is the raw token of N'DIAYE's activation link (pending sign-up).
	NdiayeActivation string `json:"ndiayeActivation"`
	// LefevrePendingEmail is the raw token of the link confirming Céline's
	// pending notification email (not used).
	LefevrePendingEmail string `json:"lefevrePendingEmail"`
}

// Tenant is one signatory's sign-up.
type Tenant struct {
	Reference   string `json:"reference"`
	Signatory   string `json:"signatory"` // the ERP's id of the main signatory (infra/demo/erp)
	LastName    string `json:"lastName"`
	DateOfBirth string `json:"dateOfBirth"`
	Email       string `json:"email"`
	Password    string `json:"password"`
}

var (
	dupont = Tenant{"8889999", "S8889999-1", "DUPONT", "1978-04-12", "marie.dupont@example.fr", "Tulipes-violettes-au-balcon-7"}
	// The reference as printed on the notice, the surname as typed.
	lefevre = Tenant{"1234567", "S1234567-1", "LEFÈVRE", "1985-11-03", "celine.lefevre@example.fr", "Le lilas du square fleurit en mai"}
	ndiaye  = Tenant{"7654321", "S7654321-1", "N'DIAYE", "1990-01-30", "abdou.ndiaye@example.fr", "Un baobab pousse dans la cour 90"}
)

func main() {
	out := flag.String("out", "shared/dynamo/testdata", "folder of the fixture's files")
	flag.Parse()
	if err := run(context.Background(), *out); err != nil {
		fmt.Fprintln(os.Stderr, "migrationfixture:", err)
		os.Exit(1)
	}
}

type client struct {
	st   *localstack.Stack
	http *http.Client
	mail func(context.Context) (int, error)
}

func run(ctx context.Context, out string) error {
	dir, err := os.MkdirTemp("", "migrationfixture")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	// The mails and exports functions are run by hand (mails) or not at all
	// (exports), so that a mail job and the outbox's events stay in the dump.
	st, err := localstack.Start(ctx, localstack.Options{Addr: "127.0.0.1:0", DataDir: dir, Log: log,
		Skip: []string{"mails", "exports"}, Env: map[string]string{
			"LIMIT_PER_ADDRESS": "100000/1m", "LIMIT_ACCOUNT_FAILURES": "1000/15m",
			"LIMIT_LEASE_FAILURES": "1000/15m", "LIMIT_MAILS_PER_ACCOUNT": "1000/1h"}})
	if err != nil {
		return err
	}
	defer st.Close()
	env, err := st.FunctionEnv("mails")
	if err != nil {
		return err
	}
	getenv := func(k string) string { return env[k] }
	mails, err := portal.MailsHandler(portal.AWSConfig(getenv), getenv, log)
	if err != nil {
		return err
	}
	c := &client{st: st, http: &http.Client{Timeout: 20 * time.Second}, mail: mails}
	cred := Credentials{Version: Version, GeneratedAt: time.Now().Unix(), Dupont: dupont, Lefevre: lefevre, Ndiaye: ndiaye}

	// DUPONT and LEFÈVRE (Céline, main signatory) sign up and activate.
	for _, tn := range []Tenant{dupont, lefevre} {
		tok, err := c.signUp(ctx, tn)
		if err != nil {
			return err
		}
		if _, err := c.call(ctx, "POST", "/api/v1/activation", map[string]any{"token": tok}, "", 200); err != nil {
			return err
		}
	}
	// Céline logs in as the app; DUPONT as the web app.
	body, err := c.call(ctx, "POST", "/api/v1/sessions", map[string]any{"email": lefevre.Email, "password": lefevre.Password, "tokenRequested": true}, "", 200)
	if err != nil {
		return err
	}
	cred.LefevreSession, _ = body["token"].(string)
	if cred.DupontCookie, err = c.loginCookie(ctx, dupont); err != nil {
		return err
	}
	auth := "Bearer " + cred.LefevreSession
	// Paperless, then a notification email confirmed, then another pending.
	if _, err := c.call(ctx, "PUT", "/api/v1/preferences", map[string]any{"paperless": true}, auth, 200); err != nil {
		return err
	}
	if _, err := c.call(ctx, "PUT", "/api/v1/preferences", map[string]any{"notificationEmail": "celine.avis@example.fr"}, auth, 200); err != nil {
		return err
	}
	tok, err := c.mailedToken(ctx, "celine.avis@example.fr", "/confirmation-email")
	if err != nil {
		return err
	}
	if _, err := c.call(ctx, "POST", "/api/v1/preferences/notification-email/confirmation", map[string]any{"token": tok}, "", 200); err != nil {
		return err
	}
	if _, err := c.call(ctx, "PUT", "/api/v1/preferences", map[string]any{"notificationEmail": "c.lefevre.travail@example.fr"}, auth, 200); err != nil {
		return err
	}
	if cred.LefevrePendingEmail, err = c.mailedToken(ctx, "c.lefevre.travail@example.fr", "/confirmation-email"); err != nil {
		return err
	}
	// A change request (and its event, left in the outbox).
	if _, err := c.call(ctx, "POST", "/api/v1/change-requests", map[string]any{"kind": "contact_details",
		"text": "Mon numéro de téléphone change : 06 12 34 56 78 à partir du 1er décembre."}, auth, 201); err != nil {
		return err
	}
	// DUPONT asks for a reset link, and does not use it.
	if _, err := c.call(ctx, "POST", "/api/v1/password/forgot", map[string]any{"email": dupont.Email}, "", 202); err != nil {
		return err
	}
	if cred.DupontReset, err = c.mailedToken(ctx, dupont.Email, "/nouveau-mot-de-passe"); err != nil {
		return err
	}
	// N'DIAYE signs up and does not activate.
	if cred.NdiayeActivation, err = c.signUp(ctx, ndiaye); err != nil {
		return err
	}
	// Two mail jobs left waiting: DUPONT's identity signing up again with
	// another address (a job naming the lease), and a forgotten password of
	// Céline's (a job naming only an address).
	again := dupont
	again.Email = "marie.d@example.fr"
	if _, err := c.call(ctx, "POST", "/api/v1/signup", signUpBody(again), "", 202); err != nil {
		return err
	}
	if _, err := c.call(ctx, "POST", "/api/v1/password/forgot", map[string]any{"email": lefevre.Email}, "", 202); err != nil {
		return err
	}

	db := st.DynamoDBClient()
	accounts, err := localstack.DumpItems(ctx, db, localstack.LocalTables.Accounts, nil)
	if err != nil {
		return err
	}
	tenancy, err := localstack.DumpItems(ctx, db, localstack.LocalTables.Tenancy, func(pk, sk string) bool {
		return strings.HasPrefix(pk, "LEASE#") && (sk == "LEASE" || strings.HasPrefix(sk, "SIGNATORY#"))
	})
	if err != nil {
		return err
	}
	creds, err := json.MarshalIndent(cred, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	for name, data := range map[string][]byte{
		"accounts-" + Version + ".json":             accounts,
		"tenancy-" + Version + ".json":              tenancy,
		"accounts-" + Version + ".credentials.json": append(creds, '\n'),
	} {
		if err := os.WriteFile(filepath.Join(out, name), data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

func signUpBody(tn Tenant) map[string]any {
	return map[string]any{"reference": tn.Reference, "lastName": tn.LastName, "dateOfBirth": tn.DateOfBirth,
		"email": tn.Email, "password": tn.Password}
}

// signUp signs up and returns the activation link's token.
func (c *client) signUp(ctx context.Context, tn Tenant) (string, error) {
	if _, err := c.call(ctx, "POST", "/api/v1/signup", signUpBody(tn), "", 202); err != nil {
		return "", err
	}
	return c.mailedToken(ctx, tn.Email, "/activation")
}

// mailedToken runs the mail jobs, then finds the newest mail to the
// address with a link to path and returns its token.
func (c *client) mailedToken(ctx context.Context, to, path string) (string, error) {
	if _, err := c.mail(ctx); err != nil {
		return "", fmt.Errorf("mail jobs: %w", err)
	}
	re := regexp.MustCompile(regexp.QuoteMeta(path) + `\?token=([A-Za-z0-9_-]+)`)
	msgs := c.st.Mail.Messages()
	for i := len(msgs) - 1; i >= 0; i-- {
		if len(msgs[i].To) == 1 && msgs[i].To[0] == to {
			if m := re.FindStringSubmatch(msgs[i].Text); m != nil {
				return m[1], nil
			}
		}
	}
	return "", fmt.Errorf("no mail to %s with a %s link", to, path)
}

func (c *client) loginCookie(ctx context.Context, tn Tenant) (string, error) {
	b, _ := json.Marshal(map[string]any{"email": tn.Email, "password": tn.Password})
	req, _ := http.NewRequestWithContext(ctx, "POST", c.st.URL+"/api/v1/sessions", bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	res, err := c.http.Do(req)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	for _, ck := range res.Cookies() {
		if ck.Name == "el_session" {
			return ck.Value, nil
		}
	}
	return "", errors.New("login as the web app: no session cookie")
}

// call sends a JSON request and checks the status.
func (c *client) call(ctx context.Context, method, path string, body any, auth string, want int) (map[string]any, error) {
	b, _ := json.Marshal(body)
	req, err := http.NewRequestWithContext(ctx, method, c.st.URL+path, bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	res, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		return nil, fmt.Errorf("%s %s: %d %s, want %d", method, path, res.StatusCode, raw, want)
	}
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	return out, nil
}
