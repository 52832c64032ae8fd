package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/citejardins/extranet/infra/localstack"
	"github.com/citejardins/extranet/shared/emailaddr"
)

// "Mon profil" (issue 11, part 3): the login email's change, the export of
// the tenant's data and the deletion of the account.

const (
	loginEmailPath        = "/api/v1/me/login-email"
	loginEmailConfirmPath = "/api/v1/me/login-email/confirmation"
	exportPath            = "/api/v1/me/export"
	deletionPath          = "/api/v1/me/deletion"
)

// rawDB is a client of the stack's DynamoDB, to read items as stored.
func (a *api) rawDB() *dynamodb.Client {
	return dynamodb.NewFromConfig(aws.Config{Region: localstack.Region,
		Credentials: credentials.NewStaticCredentialsProvider(localstack.AccessKey, localstack.SecretKey, "")},
		func(o *dynamodb.Options) { o.BaseEndpoint = aws.String(a.stack.Endpoints["DYNAMODB"]) })
}

// rawItem reads an item of the accounts table, nil when there is none.
func (a *api) rawItem(t *testing.T, pk, sk string) map[string]ddbtypes.AttributeValue {
	t.Helper()
	out, err := a.rawDB().GetItem(context.Background(), &dynamodb.GetItemInput{TableName: &localstack.LocalTables.Accounts,
		Key:            map[string]ddbtypes.AttributeValue{"PK": &ddbtypes.AttributeValueMemberS{Value: pk}, "SK": &ddbtypes.AttributeValueMemberS{Value: sk}},
		ConsistentRead: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	return out.Item
}

// accountItems scans the accounts table (a test's small table) for the
// sessions and tokens whose reference is ref, and returns their PKs.
func (a *api) sessionsAndTokens(t *testing.T, ref string) []string {
	t.Helper()
	var pks []string
	p := dynamodb.NewScanPaginator(a.rawDB(), &dynamodb.ScanInput{TableName: &localstack.LocalTables.Accounts, ConsistentRead: aws.Bool(true)})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range page.Items {
			pk := it["PK"].(*ddbtypes.AttributeValueMemberS).Value
			r, _ := it["reference"].(*ddbtypes.AttributeValueMemberS)
			if r != nil && r.Value == ref && (strings.HasPrefix(pk, "SESSION#") || strings.HasPrefix(pk, "TOKEN#")) {
				pks = append(pks, pk)
			}
		}
	}
	return pks
}

func claimPK(email string) string { return "EMAIL#" + emailaddr.Key(email) }

// accountSK reads the sort key of the account that holds email
// (ACCOUNT#<signatory id>), through its claim as stored.
func (a *api) accountSK(t *testing.T, email string) string {
	t.Helper()
	claim := a.rawItem(t, claimPK(email), "EMAIL")
	sig, _ := claim["signatory"].(*ddbtypes.AttributeValueMemberS)
	if sig == nil || sig.Value == "" {
		t.Fatalf("the claim of %s names no signatory: %v", email, claim)
	}
	if a.rawItem(t, "ACCOUNT#"+claim["reference"].(*ddbtypes.AttributeValueMemberS).Value, "ACCOUNT#"+sig.Value) == nil {
		t.Fatalf("no account item ACCOUNT#%s for %s", sig.Value, email)
	}
	return "ACCOUNT#" + sig.Value
}

type exportFile struct {
	Guide      []struct{ Field, Meaning string } `json:"guide"`
	Format     string                            `json:"format"`
	ExportedAt string                            `json:"exportedAt"`
	Account    struct {
		Reference         string  `json:"reference"`
		LoginEmail        string  `json:"loginEmail"`
		NotificationEmail string  `json:"notificationEmail"`
		Status            string  `json:"status"`
		CreatedAt         string  `json:"createdAt"`
		ActivatedAt       *string `json:"activatedAt"`
	} `json:"account"`
	Preferences    preferencesJSON  `json:"preferences"`
	ChangeRequests []map[string]any `json:"changeRequests"`
	Documents      []map[string]any `json:"documents"`
	Sessions       []struct {
		Kind      string `json:"kind"`
		Current   bool   `json:"current"`
		CreatedAt string `json:"createdAt"`
		LastSeen  string `json:"lastSeen"`
		ExpiresAt string `json:"expiresAt"`
	} `json:"sessions"`
	Payments    []map[string]any `json:"payments"`
	BankDetails map[string]any   `json:"bankDetails"`
	Lease       map[string]any   `json:"lease"`
	Retention   []map[string]any `json:"retention"`
}

// export downloads the tenant's data and returns the file and its raw text.
func (a *api) export(t *testing.T, headers map[string]string) (exportFile, string) {
	t.Helper()
	status, h, body := a.do(t, "GET", exportPath, nil, headers)
	wantStatus(t, "export", status, http.StatusOK, body)
	if cd := h.Get("Content-Disposition"); !regexp.MustCompile(`^attachment; filename="mes-donnees-extranet-locataire-\d{4}-\d{2}-\d{2}\.json"$`).MatchString(cd) {
		t.Errorf("Content-Disposition %q", cd)
	}
	if cc := h.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
		t.Errorf("Cache-Control %q, want no-store", cc)
	}
	raw, _ := json.Marshal(body)
	return as[exportFile](t, body), string(raw)
}

func TestExportHoldsTheTenantsDataOnly(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	marie := a.loginTenant(t, dupont, "marie.dupont@exemple.fr")
	celine := a.loginTenant(t, lefevre, "celine.lefevre@exemple.fr")
	status, _, body := a.do(t, "POST", "/api/v1/change-requests", obj{"kind": "household", "text": "Naissance de Léa en octobre"}, marie.bearer)
	wantStatus(t, "Marie's change request", status, http.StatusCreated, body)
	status, _, body = a.do(t, "POST", "/api/v1/change-requests", obj{"kind": "income", "text": "Secret de Céline"}, celine.bearer)
	wantStatus(t, "Céline's change request", status, http.StatusCreated, body)
	status, _, body = a.do(t, "PUT", "/api/v1/preferences", obj{"paperless": true}, marie.bearer)
	wantStatus(t, "paperless", status, http.StatusOK, body)
	seedNotices(t, a, dupont.ref, "2026-09", "2026-10")

	f, raw := a.export(t, withCookie(marie.cookie))
	if f.Format != "extranet-locataire/1" || f.Account.Reference != dupont.ref || f.Account.LoginEmail != "marie.dupont@exemple.fr" ||
		f.Account.NotificationEmail != "marie.dupont@exemple.fr" || f.Account.Status != "active" || f.Account.ActivatedAt == nil {
		t.Errorf("account %+v", f.Account)
	}
	if !f.Preferences.Paperless {
		t.Errorf("preferences %+v, want paperless", f.Preferences)
	}
	if len(f.ChangeRequests) != 1 || f.ChangeRequests[0]["text"] != "Naissance de Léa en octobre" {
		t.Errorf("change requests %v", f.ChangeRequests)
	}
	kinds := 0
	for _, d := range f.Documents {
		if d["kind"] == "notice" {
			kinds++
		}
		if _, ok := d["key"]; ok {
			t.Errorf("a document's storage key in the export: %v", d)
		}
	}
	if kinds != 2 {
		t.Errorf("%d notices in the documents %v, want 2", kinds, f.Documents)
	}
	// Two sessions (bearer and cookie), the one asking marked.
	current := 0
	for _, s := range f.Sessions {
		if s.Current {
			current++
			if s.Kind != "web" {
				t.Errorf("the current session is %q, want web", s.Kind)
			}
		}
	}
	if len(f.Sessions) != 2 || current != 1 {
		t.Errorf("sessions %+v, want 2 with 1 current", f.Sessions)
	}
	if f.Lease["reference"] != dupont.ref || len(f.Retention) == 0 {
		t.Errorf("lease %v, retention %v", f.Lease, f.Retention)
	}
	// Nothing of another tenant, no secret.
	for _, not := range []string{"Secret de Céline", "celine.lefevre", lefevre.ref, "passwordHash", "argon2", "$argon", "hash", "token"} {
		if strings.Contains(strings.ToLower(raw), strings.ToLower(not)) {
			t.Errorf("the export holds %q:\n%s", not, raw)
		}
	}
	// Another tenant's session reads their own data only.
	g, _ := a.export(t, celine.bearer)
	if g.Account.Reference != lefevre.ref || len(g.ChangeRequests) != 1 || g.ChangeRequests[0]["text"] != "Secret de Céline" {
		t.Errorf("Céline's export: %+v", g)
	}
	// Not without a session; not from another site by cookie.
	status, _, body = a.doInvalid(t, "GET", exportPath, nil, nil)
	wantProblem(t, "export without a session", status, body, http.StatusUnauthorized, "unauthenticated")
	status, _, body = a.do(t, "GET", exportPath, nil, withCookie(marie.cookie, "Sec-Fetch-Site", "cross-site"))
	wantProblem(t, "export from another site", status, body, http.StatusForbidden, "forbidden")
}

func TestExportIsLimitedPerAccount(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	marie := a.loginTenant(t, dupont, "marie.dupont@exemple.fr")
	celine := a.loginTenant(t, lefevre, "celine.lefevre@exemple.fr")
	for range 10 {
		a.export(t, marie.bearer)
	}
	status, h, body := a.do(t, "GET", exportPath, nil, marie.bearer)
	wantProblem(t, "the 11th export in an hour", status, body, http.StatusTooManyRequests, "too_many_requests")
	if h.Get("Retry-After") == "" {
		t.Errorf("no Retry-After")
	}
	a.export(t, celine.bearer) // another account's allowance is its own
}

// TestAccountDeletionEndToEnd deletes an account and checks what is left.
func TestAccountDeletionEndToEnd(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	const email = "marie.dupont@exemple.fr"
	me := a.loginTenant(t, dupont, email)
	celine := a.loginTenant(t, lefevre, "celine.lefevre@exemple.fr")
	status, _, body := a.do(t, "POST", "/api/v1/change-requests", obj{"kind": "household", "text": "Départ de Paul"}, me.bearer)
	wantStatus(t, "a change request", status, http.StatusCreated, body)
	// A reset link asked before the deletion.
	before := a.mailCount()
	status, _, body = a.do(t, "POST", "/api/v1/password/forgot", obj{"email": email}, nil)
	wantStatus(t, "forgot", status, http.StatusAccepted, body)
	reset := a.mailedToken(t, before, email, "/nouveau-mot-de-passe")
	sk := a.accountSK(t, email)
	if len(a.sessionsAndTokens(t, dupont.ref)) < 3 {
		t.Fatalf("before the deletion: sessions and tokens %v", a.sessionsAndTokens(t, dupont.ref))
	}

	// Refused without the password or the confirmation: nothing changes.
	status, _, body = a.do(t, "POST", deletionPath, obj{"password": "pas le bon mot de passe", "confirm": true}, me.bearer)
	wantProblem(t, "a wrong password", status, body, http.StatusBadRequest, "validation_failed")
	if got := fieldErrors(body); !slices.Equal(got, []string{"password"}) {
		t.Errorf("errors on %v, want [password]", got)
	}
	status, _, body = a.do(t, "POST", deletionPath, obj{"password": tenantPassword, "confirm": false}, me.bearer)
	wantProblem(t, "no confirmation", status, body, http.StatusBadRequest, "validation_failed")
	if got := fieldErrors(body); !slices.Equal(got, []string{"confirm"}) {
		t.Errorf("errors on %v, want [confirm]", got)
	}
	status, _, body = a.doInvalid(t, "POST", deletionPath, obj{"password": tenantPassword}, me.bearer)
	wantProblem(t, "the confirmation missing", status, body, http.StatusBadRequest, "validation_failed")
	a.me(t, me.bearer)

	// By cookie, from the app's origin.
	before = a.mailCount()
	status, h, body := a.do(t, "POST", deletionPath, obj{"password": tenantPassword, "confirm": true},
		withCookie(me.cookie, "Origin", a.base))
	wantStatus(t, "delete", status, http.StatusOK, body)
	if body["status"] != "deleted" {
		t.Errorf("body %v", body)
	}
	if c := sessionCookie(t, h); c == nil || c.MaxAge >= 0 || c.Value != "" {
		t.Errorf("the session cookie is not cleared: %q", h.Values("Set-Cookie"))
	}

	// As stored: the account, its claim, its sessions and tokens are gone;
	// the lease's change request stays the landlord's.
	if it := a.rawItem(t, "ACCOUNT#"+dupont.ref, sk); it != nil {
		t.Errorf("the account item is still there: %v", it)
	}
	if it := a.rawItem(t, claimPK(email), "EMAIL"); it != nil {
		t.Errorf("the email claim is still there: %v", it)
	}
	if left := a.sessionsAndTokens(t, dupont.ref); len(left) != 0 {
		t.Errorf("sessions and tokens left: %v", left)
	}
	if reqs, err := a.stack.Store().ChangeRequests(context.Background(), dupont.ref); err != nil || len(reqs) != 1 {
		t.Errorf("the lease's change requests: %v, %v; want the one kept", reqs, err)
	}
	// Another tenant is untouched.
	a.me(t, celine.bearer)

	// The old session and the old reset link are refused.
	a.meRefused(t, me.bearer)
	a.meRefused(t, withCookie(me.cookie))
	status, _, body = a.do(t, "POST", "/api/v1/password/reset", obj{"token": reset, "password": "un tout nouveau mot de passe"}, nil)
	wantProblem(t, "the old reset link", status, body, http.StatusGone, "token_invalid")
	status, _, body = a.loginRefused(t, email, tenantPassword)
	wantProblem(t, "login after the deletion", status, body, http.StatusUnauthorized, "invalid_credentials")

	// The last mail, and the ERP's event.
	last := a.mailsTo(t, before, email)
	if len(last) != 1 || !strings.Contains(last[0].Subject, "supprimé") || strings.Contains(last[0].Text, "token=") {
		t.Errorf("mails after the deletion: %+v", last)
	}
	evs := a.exportedEvents(t, dupont.ref, "account_deleted")
	if len(evs) != 1 || evs[0].Data["deletedAt"] == nil || evs[0].Data["signatory"] != strings.TrimPrefix(sk, "ACCOUNT#") {
		t.Errorf("account_deleted events %+v, want one", evs)
	}

	// The address signs up again at once, and activates; the old session
	// and reset link still open nothing of the new account.
	a.register(t, dupont, email, "une autre phrase pour le nouveau compte")
	again := a.loginToken(t, email, "une autre phrase pour le nouveau compte")
	a.me(t, bearer(again))
	a.meRefused(t, me.bearer)
	status, _, body = a.do(t, "POST", "/api/v1/password/reset", obj{"token": reset, "password": "un tout nouveau mot de passe"}, nil)
	wantProblem(t, "the old reset link on the new account", status, body, http.StatusGone, "token_invalid")
}

// TestAccountDeletionUnderRace sends 40 deletions of one account at once.
func TestAccountDeletionUnderRace(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	const email = "marie.dupont@exemple.fr"
	me := a.loginTenant(t, dupont, email)
	sk := a.accountSK(t, email)
	before := a.mailCount()
	const n = 40
	statuses := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i], _, _ = a.do(t, "POST", deletionPath, obj{"password": tenantPassword, "confirm": true}, me.bearer)
		}()
	}
	wg.Wait()
	deleted := 0
	for _, s := range statuses {
		switch s {
		case http.StatusOK:
			deleted++
		case http.StatusUnauthorized:
		default:
			t.Errorf("status %d, want 200 or 401", s)
		}
	}
	if deleted == 0 {
		t.Errorf("no deletion answered 200: %v", statuses)
	}
	if it := a.rawItem(t, "ACCOUNT#"+dupont.ref, sk); it != nil {
		t.Errorf("the account is still there")
	}
	if it := a.rawItem(t, claimPK(email), "EMAIL"); it != nil {
		t.Errorf("the claim is still there")
	}
	if left := a.sessionsAndTokens(t, dupont.ref); len(left) != 0 {
		t.Errorf("sessions and tokens left: %v", left)
	}
	if evs := a.exportedEvents(t, dupont.ref, "account_deleted"); len(evs) != 1 {
		t.Errorf("%d account_deleted events, want 1", len(evs))
	}
	if got := a.mailsTo(t, before, email); len(got) != 1 {
		t.Errorf("%d last mails, want 1", len(got))
	}
}

// signatoryItems lists the PKs of the sessions and tokens of one signatory's
// account, as stored.
func (a *api) signatoryItems(t *testing.T, ref, sig string) []string {
	t.Helper()
	var pks []string
	p := dynamodb.NewScanPaginator(a.rawDB(), &dynamodb.ScanInput{TableName: &localstack.LocalTables.Accounts, ConsistentRead: aws.Bool(true)})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range page.Items {
			pk := it["PK"].(*ddbtypes.AttributeValueMemberS).Value
			r, _ := it["reference"].(*ddbtypes.AttributeValueMemberS)
			sg, _ := it["signatory"].(*ddbtypes.AttributeValueMemberS)
			if r != nil && sg != nil && r.Value == ref && sg.Value == sig && (strings.HasPrefix(pk, "SESSION#") || strings.HasPrefix(pk, "TOKEN#")) {
				pks = append(pks, pk)
			}
		}
	}
	return pks
}

// TestProfileOfOneSignatoryLeavesTheOther: Céline and Julien LEFÈVRE each
// have their own account on one lease. Julien's export holds his account
// and devices, not Céline's; his deletion leaves hers whole.
func TestProfileOfOneSignatoryLeavesTheOther(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	const celineEmail, julienEmail = "celine.lefevre@exemple.fr", "julien.lefevre@exemple.fr"
	celine := a.loginTenant(t, lefevre, celineEmail)
	julien := a.loginTenant(t, lease{lefevre.ref, "LEFÈVRE", "Julien", "1983-06-21"}, julienEmail)
	celineSK, julienSK := a.accountSK(t, celineEmail), a.accountSK(t, julienEmail)
	if celineSK == julienSK {
		t.Fatalf("one account for both: %s", celineSK)
	}

	f, raw := a.export(t, julien.bearer)
	if f.Account.LoginEmail != julienEmail || f.Lease["firstName"] != "Julien" || len(f.Sessions) != 2 {
		t.Errorf("Julien's export: account %+v, lease %v, %d sessions (want his 2)", f.Account, f.Lease, len(f.Sessions))
	}
	if strings.Contains(raw, "celine") {
		t.Errorf("Julien's export holds Céline's address:\n%s", raw)
	}

	status, _, body := a.do(t, "POST", deletionPath, obj{"password": tenantPassword, "confirm": true}, julien.bearer)
	wantStatus(t, "Julien deletes his account", status, http.StatusOK, body)
	if a.rawItem(t, "ACCOUNT#"+lefevre.ref, julienSK) != nil || a.rawItem(t, claimPK(julienEmail), "EMAIL") != nil {
		t.Errorf("Julien's account or claim is still there")
	}
	if left := a.signatoryItems(t, lefevre.ref, strings.TrimPrefix(julienSK, "ACCOUNT#")); len(left) != 0 {
		t.Errorf("Julien's sessions and tokens left: %v", left)
	}
	// Céline's account, claim, sessions and login stay.
	if a.rawItem(t, "ACCOUNT#"+lefevre.ref, celineSK) == nil || a.rawItem(t, claimPK(celineEmail), "EMAIL") == nil {
		t.Errorf("Céline's account or claim went with Julien's")
	}
	if got := a.signatoryItems(t, lefevre.ref, strings.TrimPrefix(celineSK, "ACCOUNT#")); len(got) < 2 {
		t.Errorf("Céline's sessions and tokens: %v", got)
	}
	a.me(t, celine.bearer)
	a.me(t, withCookie(celine.cookie))
	a.meRefused(t, julien.bearer)
	a.loginToken(t, celineEmail, tenantPassword)
}
