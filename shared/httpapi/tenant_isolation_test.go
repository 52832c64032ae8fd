package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/citejardins/extranet/shared/tenancy"
	"github.com/citejardins/extranet/shared/tenant"
)

// tenantRoutes are the routes of the logged-in tenant, each with a request
// the document allows.
var tenantRoutes = []struct {
	method, path string
	body         any
}{
	{"GET", "/api/v1/account", nil},
	{"GET", "/api/v1/account/entries", nil},
	{"GET", "/api/v1/account/entries?from=2025-01-01&to=2025-12-31&limit=5", nil},
	{"GET", "/api/v1/contract", nil},
	{"GET", "/api/v1/contacts", nil},
	{"GET", "/api/v1/preferences", nil},
	{"PUT", "/api/v1/preferences", obj{"paperless": true}},
	{"GET", "/api/v1/change-requests", nil},
	{"POST", "/api/v1/change-requests", obj{"kind": "other", "text": "Bonjour"}},
	{"GET", "/api/v1/change-requests/20261125-7K3Q9D", nil},
}

// TestTenantIsolation checks that a tenant reads and changes their own
// lease's data only, whatever they send.
func TestTenantIsolation(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	ctx := context.Background()
	sa := seedTenancy(t, a, dupont, residenceR1(), termsDupont)
	sb := seedTenancy(t, a, lefevre, residenceR2(), terms{start: "2021-03-15", end: "2027-03-14", dwellingType: "T2",
		floor: "1", housingBenefit: 9000, method: tenancy.Transfer, dueDay: 10})
	const emailA, emailB = "marie.dupont@exemple.fr", "celine.lefevre@exemple.fr"
	ma := a.loginTenant(t, dupont, emailA)
	mb := a.loginTenant(t, lefevre, emailB)

	// What B has that A must never see.
	const secret = "Julien et moi nous séparons ; je reste seule dans le logement."
	reqB := a.submit(t, mb.bearer, "family_situation", secret)
	a.put(t, mb.bearer, obj{"paperless": true, "notificationEmail": "celine.avis@exemple.fr"})
	pageB := a.get(t, "/api/v1/account/entries?limit=5", mb.bearer)
	cursorB, _ := pageB["nextCursor"].(string)
	if cursorB == "" {
		t.Fatalf("B's first page of 5 has no cursor: %v", pageB)
	}
	marksOfB := []string{lefevre.ref, "LEFÈVRE", "Céline", emailB, "celine.avis", reqB.ID, secret,
		sb.residence.residence.Name, "Tilleuls", "Karim", "Gennevilliers"}
	for _, c := range sb.residence.contacts {
		marksOfB = append(marksOfB, c.Name, c.Phone, c.Email)
	}
	noneOfB := func(t *testing.T, what string, body obj) {
		t.Helper()
		raw, _ := json.Marshal(body)
		s := string(raw)
		for _, m := range marksOfB {
			if m != "" && strings.Contains(s, m) {
				t.Errorf("%s shows %q, of the other tenant's lease: %s", what, m, abbreviate(raw))
			}
		}
	}

	for name, h := range map[string]map[string]string{"bearer": ma.bearer, "cookie": withCookie(ma.cookie)} {
		t.Run("another's change request, by "+name, func(t *testing.T) {
			status, _, body := a.do(t, "GET", "/api/v1/change-requests/"+reqB.ID, nil, h)
			wantProblem(t, "A reads B's request", status, body, http.StatusNotFound, "not_found")
			noneOfB(t, "A's GET of B's request", body)
			// Exactly what a request that does not exist answers.
			status, _, missing := a.do(t, "GET", "/api/v1/change-requests/"+strings.Replace(reqB.ID, reqB.ID[9:], "ZZZZZZ", 1), nil, h)
			wantProblem(t, "A reads a missing request", status, missing, http.StatusNotFound, "not_found")
			if !reflect.DeepEqual(body, missing) {
				t.Errorf("B's request answers %v, a missing one %v: the difference tells that it exists", body, missing)
			}
			for _, r := range a.changeRequests(t, h) {
				if r.ID == reqB.ID {
					t.Errorf("A's list holds B's request %+v", r)
				}
			}
			noneOfB(t, "A's list of requests", a.get(t, "/api/v1/change-requests", h))
		})

		t.Run("own data only, by "+name, func(t *testing.T) {
			sum := as[summaryJSON](t, a.get(t, "/api/v1/account", h))
			if sum.BalanceCents != sa.balance() {
				t.Errorf("A's balance = %d, want A's %d (B's is %d)", sum.BalanceCents, sa.balance(), sb.balance())
			}
			entries, _ := a.allEntries(t, "limit=100", h)
			if !reflect.DeepEqual(entries, sa.expectedEntries("", "")) {
				t.Errorf("A's entries are not A's seeded ones")
			}
			for _, e := range entries {
				if !strings.HasPrefix(e.ID, dupont.ref+"-") {
					t.Errorf("A's statement holds entry %s", e.ID)
				}
			}
			for _, p := range []string{"/api/v1/account", "/api/v1/account/entries?limit=100", "/api/v1/contract", "/api/v1/contacts",
				"/api/v1/preferences", "/api/v1/change-requests", "/api/v1/me"} {
				noneOfB(t, "A's "+p, a.get(t, p, h))
			}
			c := as[contractJSON](t, a.get(t, "/api/v1/contract", h))
			if c.Reference != dupont.ref || c.Dwelling.ResidenceID != "R1" || c.EndDate != nil {
				t.Errorf("A's contract: %+v", c)
			}
			p := as[preferencesJSON](t, a.get(t, "/api/v1/preferences", h))
			if p.Paperless || p.NotificationEmail != emailA {
				t.Errorf("A's preferences: %+v, want A's defaults", p)
			}
		})
	}

	t.Run("another's cursor", func(t *testing.T) {
		// A cursor is not a key to another lease: with B's, A gets A's
		// entries or a refusal, never B's.
		status, _, body := a.do(t, "GET", "/api/v1/account/entries?limit=5&cursor="+url.QueryEscape(cursorB), nil, ma.bearer)
		if status != http.StatusOK && status != http.StatusBadRequest {
			t.Errorf("A with B's cursor: status %d %v", status, body)
		}
		noneOfB(t, "A's page at B's cursor", body)
		if status == http.StatusOK {
			for _, e := range as[[]entryJSON](t, body["entries"]) {
				if !strings.HasPrefix(e.ID, dupont.ref+"-") {
					t.Errorf("A's page at B's cursor holds entry %s", e.ID)
				}
			}
		}
	})

	t.Run("the landlord's progress on another lease's request", func(t *testing.T) {
		if _, err := a.stack.Store().SetRequestStatus(ctx, dupont.ref, reqB.ID, tenant.Done, today()); err == nil {
			t.Errorf("setting B's request through A's lease succeeded")
		}
		if got := a.changeRequest(t, mb.bearer, reqB.ID); got.Status != "submitted" {
			t.Errorf("B's request after a write through A's lease: %+v", got)
		}
	})

	t.Run("changes stay on one's own lease", func(t *testing.T) {
		before := as[preferencesJSON](t, a.get(t, "/api/v1/preferences", mb.bearer))
		beforeList := a.changeRequests(t, mb.bearer)
		a.put(t, ma.bearer, obj{"paperless": true, "notificationEmail": "marie.avis@exemple.fr"})
		reqA := a.submit(t, ma.bearer, "income", "Nouvel emploi depuis le 1er novembre.")
		if after := as[preferencesJSON](t, a.get(t, "/api/v1/preferences", mb.bearer)); !reflect.DeepEqual(after, before) {
			t.Errorf("A's change moved B's preferences from %+v to %+v", before, after)
		}
		if after := a.changeRequests(t, mb.bearer); !reflect.DeepEqual(after, beforeList) {
			t.Errorf("A's request changed B's list: %+v", after)
		}
		status, _, body := a.do(t, "GET", "/api/v1/change-requests/"+reqA.ID, nil, mb.bearer)
		wantProblem(t, "B reads A's request", status, body, http.StatusNotFound, "not_found")
	})

	t.Run("B's own data", func(t *testing.T) {
		c := as[contractJSON](t, a.get(t, "/api/v1/contract", mb.bearer))
		if c.Reference != lefevre.ref || c.EndDate == nil || *c.EndDate != "2027-03-14" || c.Dwelling.ResidenceName != "Résidence des Tilleuls" {
			t.Errorf("B's contract: %+v", c)
		}
		got := as[struct {
			Contacts []contactJSON `json:"contacts"`
		}](t, a.get(t, "/api/v1/contacts", mb.bearer))
		if want := contactsJSON(sb.residence.contacts...); !reflect.DeepEqual(got.Contacts, want) {
			t.Errorf("B's contacts %+v, want %+v", got.Contacts, want)
		}
		if entries, _ := a.allEntries(t, "limit=100", mb.bearer); !reflect.DeepEqual(entries, sb.expectedEntries("", "")) {
			t.Errorf("B's entries are not B's seeded ones")
		}
	})
}

// put sends a PUT /api/v1/preferences that must succeed.
func (a *api) put(t *testing.T, headers map[string]string, body obj) {
	t.Helper()
	status, _, resp := a.do(t, "PUT", "/api/v1/preferences", body, headers)
	wantStatus(t, "PUT /api/v1/preferences", status, http.StatusOK, resp)
}

// TestTenantRoutesNeedASession checks that every tenant route answers 401
// without a valid session, and changes nothing.
func TestTenantRoutesNeedASession(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	seedTenancy(t, a, dupont, residenceR1(), termsDupont)
	me := a.loginTenant(t, dupont, "marie.dupont@exemple.fr")
	ended, _ := a.login(t, me.email, tenantPassword)
	status, _, body := a.do(t, "DELETE", "/api/v1/sessions/current", nil, bearer(ended))
	wantStatus(t, "logout", status, http.StatusNoContent, body)

	for _, cred := range []struct {
		name        string
		headers     map[string]string
		specRejects bool
	}{
		{"no credentials", nil, true},
		{"another cookie", map[string]string{"Cookie": "session=" + me.cookie}, true},
		{"Basic", map[string]string{"Authorization": "Basic bWFyaWU6c2VjcmV0"}, true},
		{"unknown token", bearer("q0s4n6b2Zxg5kH3PvX1c9yT8uW7rJm2LpA4dE6fG8hI"), false},
		{"ended session", bearer(ended), false},
		{"ended session's cookie, same origin", withCookie(ended, "Origin", a.base), false},
	} {
		for _, r := range tenantRoutes {
			send := a.do
			if cred.specRejects {
				send = a.doInvalid
			}
			status, header, body := send(t, r.method, r.path, r.body, cred.headers)
			wantProblem(t, r.method+" "+r.path+" with "+cred.name, status, body, http.StatusUnauthorized, "unauthenticated")
			if strings.Contains(cred.name, "cookie,") {
				if c := sessionCookie(t, header); c == nil || c.MaxAge >= 0 {
					t.Errorf("%s %s with a dead cookie: Set-Cookie %q, want it cleared", r.method, r.path, header.Values("Set-Cookie"))
				}
			}
		}
	}
	// Nothing was changed nor recorded.
	p := as[preferencesJSON](t, a.get(t, "/api/v1/preferences", me.bearer))
	if p.Paperless || p.PaperlessSince != nil {
		t.Errorf("preferences after unauthenticated PUTs: %+v", p)
	}
	if rs := a.changeRequests(t, me.bearer); len(rs) != 0 {
		t.Errorf("requests after unauthenticated POSTs: %+v", rs)
	}

	// The session itself opens every route.
	for _, r := range tenantRoutes {
		status, _, body := a.do(t, r.method, r.path, r.body, me.bearer)
		want := map[string]int{"PUT": http.StatusOK, "POST": http.StatusCreated}[r.method]
		if want == 0 {
			want = http.StatusOK
			if strings.HasPrefix(r.path, "/api/v1/change-requests/") {
				want = http.StatusNotFound
			}
		}
		wantStatus(t, r.method+" "+r.path, status, want, body)
	}
}

// TestTenantRouting checks that other methods on the tenant routes' paths,
// and paths near them, get API Gateway's 404 even with a session: no
// function sees them (send checks the answer).
func TestTenantRouting(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	seedTenancy(t, a, dupont, residenceR1(), termsDupont)
	me := a.loginTenant(t, dupont, "marie.dupont@exemple.fr")
	for _, tt := range []struct{ method, path string }{
		{"POST", "/api/v1/account"},
		{"DELETE", "/api/v1/account/entries"},
		{"PUT", "/api/v1/contract"},
		{"POST", "/api/v1/contacts"},
		{"DELETE", "/api/v1/preferences"},
		{"PATCH", "/api/v1/preferences"},
		{"HEAD", "/api/v1/preferences"},
		{"DELETE", "/api/v1/change-requests"},
		{"PUT", "/api/v1/change-requests/20261125-7K3Q9D"},
		{"HEAD", "/api/v1/change-requests/20261125-7K3Q9D"},
		{"GET", "/api/v1/account/entries/2025"},
		{"GET", "/api/v1/contracts"},
		{"GET", "/api/v1/change-requests/20261125-7K3Q9D/history"},
	} {
		a.doInvalid(t, tt.method, tt.path, nil, me.bearer)
	}
}

// TestTenantDemoData checks that the local stack's own demo leases, as the
// ERP import loaded them, read through the API as openapi.yaml says.
func TestTenantDemoData(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	for _, l := range []lease{dupont, lefevre, ndiaye} {
		me := a.loginTenant(t, l, "locataire."+l.ref+"@exemple.fr")
		for _, r := range tenantRoutes {
			if r.method != "GET" || strings.HasPrefix(r.path, "/api/v1/change-requests/") {
				continue
			}
			a.get(t, r.path, me.bearer)
		}
		if _, pages := a.allEntries(t, "limit=7", me.bearer); pages == 0 {
			t.Errorf("%s: no statement", l.ref)
		}
	}
}
