package httpapi_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/citejardins/extranet/infra/localstack"
	"github.com/citejardins/extranet/infra/sesemu"
	"github.com/citejardins/extranet/shared/portal"
)

// Issue 11's "existing accounts still log in after the migration", end to
// end: the accounts table written by the previous version
// (shared/dynamo/testdata, written by infra/migrationfixture at 0b523d3)
// is loaded into a running stack of this version, the migrate function
// runs, and the fixture's tenants go on as if nothing happened.
//
// It proves the migration against the code of one account per signatory;
// dynamo's TestMigrateAccounts* prove the layout itself.

// fixtureCredentials is shared/dynamo/testdata/accounts-v0b523d3.credentials.json.
type fixtureCredentials struct {
	GeneratedAt int64 `json:"generatedAt"`
	Dupont      struct {
		Email, Password string
	} `json:"dupont"`
	Lefevre struct {
		Email, Password string
	} `json:"lefevre"`
	Ndiaye struct {
		Email, Password string
	} `json:"ndiaye"`
	LefevreSession      string `json:"lefevreSession"`
	DupontCookie        string `json:"dupontCookie"`
	DupontReset         string `json:"dupontReset"`
	NdiayeActivation    string `json:"ndiayeActivation"`
	LefevrePendingEmail string `json:"lefevrePendingEmail"`
}

// movedTimes are the attributes holding unix seconds in the previous
// version's items: the copy moves them all by the same span, so that links
// and sessions are as fresh as they were when the fixture was written.
var movedTimes = []string{"createdAt", "expiresAt", "lastSeen", "usedAt", "activatedAt", "pendingEmailAt",
	"pendingEmailExpires", "paperlessSince", "submittedAt"}

func TestPreviousVersionAccountsStillLogInAfterMigration(t *testing.T) {
	ctx := context.Background()
	root, err := localstack.FindRoot()
	if err != nil {
		t.Fatal(err)
	}
	testdata := filepath.Join(root, "shared", "dynamo", "testdata")
	raw, err := os.ReadFile(filepath.Join(testdata, "accounts-v0b523d3.credentials.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cred fixtureCredentials
	if err := json.Unmarshal(raw, &cred); err != nil {
		t.Fatal(err)
	}
	dump, err := os.ReadFile(filepath.Join(testdata, "accounts-v0b523d3.json"))
	if err != nil {
		t.Fatal(err)
	}
	items, err := localstack.ParseDump(dump)
	if err != nil {
		t.Fatal(err)
	}

	// The stack, its mails function run by hand: the fixture's waiting mail
	// jobs must wait for the migration.
	a, runMails := startWithoutMails(t)
	db := a.stack.DynamoDBClient()
	span := time.Now().Unix() - cred.GeneratedAt
	for _, it := range items {
		if !strings.HasPrefix(itemS(it, "PK"), "COUNT#") { // counters: past windows, left as they were
			for _, name := range movedTimes {
				if n, ok := it[name].(*types.AttributeValueMemberN); ok && n.Value != "0" {
					v, _ := strconv.ParseInt(n.Value, 10, 64)
					it[name] = &types.AttributeValueMemberN{Value: strconv.FormatInt(v+span, 10)}
				}
			}
		}
		if _, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(localstack.LocalTables.Accounts), Item: it}); err != nil {
			t.Fatal(err)
		}
	}

	rep, err := a.stack.RunMigrate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Accounts.Moved != 3 || rep.Accounts.Left != 0 || rep.Sessions.Moved != 2 || rep.Tokens.Moved != 6 {
		t.Fatalf("migration report %+v: want the fixture's 3 accounts, 2 sessions and 6 tokens moved", rep)
	}

	// The old bearer session (Céline, the app) and the old cookie session
	// (DUPONT, the web) still authenticate.
	me := a.me(t, bearer(cred.LefevreSession))
	if me["reference"] != "1234567" {
		t.Errorf("Céline's old session answers /me %v, want lease 1234567", me)
	}
	if me := a.me(t, withCookie(cred.DupontCookie)); me["reference"] != "8889999" {
		t.Errorf("DUPONT's old cookie answers /me %v, want lease 8889999", me)
	}
	// Céline logs in with the password she chose in the previous version.
	fresh := a.loginToken(t, cred.Lefevre.Email, cred.Lefevre.Password)
	a.me(t, bearer(fresh))

	// Her preferences came through: paperless, the confirmed notification
	// email, and the pending one, whose link still confirms it.
	status, _, prefs := a.do(t, "GET", "/api/v1/preferences", nil, bearer(fresh))
	wantStatus(t, "GET /api/v1/preferences", status, http.StatusOK, prefs)
	if prefs["paperless"] != true || prefs["notificationEmail"] != "celine.avis@example.fr" {
		t.Errorf("Céline's preferences after the migration: %v; want paperless and celine.avis@example.fr", prefs)
	}
	status, _, body := a.do(t, "POST", "/api/v1/preferences/notification-email/confirmation", obj{"token": cred.LefevrePendingEmail}, nil)
	wantStatus(t, "confirm the pending notification email", status, http.StatusOK, body)
	status, _, prefs = a.do(t, "GET", "/api/v1/preferences", nil, bearer(fresh))
	wantStatus(t, "GET /api/v1/preferences", status, http.StatusOK, prefs)
	if prefs["notificationEmail"] != "c.lefevre.travail@example.fr" {
		t.Errorf("after its old link, the notification email is %v, want c.lefevre.travail@example.fr", prefs["notificationEmail"])
	}
	// Her change request is still the lease's.
	if got := a.changeRequests(t, bearer(fresh)); len(got) != 1 {
		t.Errorf("Céline's change requests after the migration: %v; want the one she made", got)
	}

	// DUPONT's old reset link still sets a password, which then logs in.
	status, _, body = a.do(t, "POST", "/api/v1/password/reset", obj{"token": cred.DupontReset, "password": "Glycine sur la fenêtre 2031"}, nil)
	wantStatus(t, "reset with the previous version's link", status, http.StatusOK, body)
	a.me(t, bearer(a.loginToken(t, cred.Dupont.Email, "Glycine sur la fenêtre 2031")))

	// N'DIAYE's pending sign-up can still be activated, then logs in.
	a.activate(t, cred.NdiayeActivation)
	a.me(t, bearer(a.loginToken(t, cred.Ndiaye.Email, cred.Ndiaye.Password)))

	// The mail jobs the previous version left run under this one: Céline's
	// forgotten password mails her a reset link.
	before := len(a.stack.Mail.Messages())
	if _, err := runMails(ctx); err != nil {
		t.Fatalf("the previous version's mail jobs: %v", err)
	}
	re := regexp.MustCompile(`/nouveau-mot-de-passe\?token=[A-Za-z0-9_-]+`)
	if !slices.ContainsFunc(a.stack.Mail.Messages()[before:], func(m sesemu.Message) bool {
		return slices.Equal(m.To, []string{cred.Lefevre.Email}) && re.MatchString(m.Text)
	}) {
		t.Errorf("no reset link mailed to Céline from the previous version's waiting job")
	}
}

// startWithoutMails is start with the mails function run by the test
// (runMails) instead of the stack.
func startWithoutMails(t *testing.T) (*api, func(context.Context) (int, error)) {
	t.Helper()
	log := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	st, err := localstack.Start(context.Background(), localstack.Options{Addr: "127.0.0.1:0", DataDir: t.TempDir(),
		Env: maps.Clone(relaxed), Log: log, Skip: []string{"mails"}})
	if err != nil {
		t.Fatalf("start the local stack: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	env, err := st.FunctionEnv("mails")
	if err != nil {
		t.Fatal(err)
	}
	getenv := func(k string) string { return env[k] }
	runMails, err := portal.MailsHandler(portal.AWSConfig(getenv), getenv, log)
	if err != nil {
		t.Fatal(err)
	}
	doc := loadSpec(t)
	doc.Servers = openapi3.Servers{{URL: st.URL}}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	return &api{stack: st, base: st.URL, doc: doc, router: router,
		opts: &openapi3filter.Options{AuthenticationFunc: authenticate, IncludeResponseStatus: true,
			SchemaValidationOptions: []openapi3.SchemaValidationOption{openapi3.WithStringFormatValidator("email", openapi3.NewCallbackValidator(plainEmail))}},
		client: &http.Client{Timeout: 20 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
	}, runMails
}

func itemS(it map[string]types.AttributeValue, name string) string {
	if v, ok := it[name].(*types.AttributeValueMemberS); ok {
		return v.Value
	}
	return ""
}
