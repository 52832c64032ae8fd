package httpapi_test

import (
	"net/http"
	"testing"
)

// A thief's session asks for the tenant's notices at the thief's address
// and gets the confirmation link. Whatever the owner does to end the
// thief's session (a password change, a logout everywhere, a reset by
// emailed link) voids that link too: the owner's address stays.
func TestDefencesVoidAThiefsNotificationEmail(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	const password, fresh = "une phrase facile à retenir", "la glycine du balcon fleurit"
	const thiefs = "attacker@evil.example"

	for _, tt := range []struct {
		name    string
		l       lease
		login   string
		defence func(t *testing.T, owner tenantSession) tenantSession // returns a session of the owner after it
	}{
		{"password change", dupont, "marie.dupont@exemple.fr", func(t *testing.T, owner tenantSession) tenantSession {
			status, _, body := a.do(t, "POST", "/api/v1/password/change", obj{"currentPassword": password, "newPassword": fresh}, owner.bearer)
			wantStatus(t, "password change", status, http.StatusOK, body)
			return owner
		}},
		{"logout everywhere", lefevre, "celine.lefevre@exemple.fr", func(t *testing.T, owner tenantSession) tenantSession {
			status, _, body := a.do(t, "DELETE", "/api/v1/sessions", nil, owner.bearer)
			wantStatus(t, "logout everywhere", status, http.StatusNoContent, body)
			return tenantSession{email: owner.email, bearer: bearer(a.loginToken(t, owner.email, password))}
		}},
		{"reset by emailed link", ndiaye, "abdou.ndiaye@exemple.fr", func(t *testing.T, owner tenantSession) tenantSession {
			before := a.mailCount()
			status, _, body := a.do(t, "POST", "/api/v1/password/forgot", obj{"email": owner.email}, nil)
			wantStatus(t, "forgot", status, http.StatusAccepted, body)
			token := a.mailedToken(t, before, owner.email, "/nouveau-mot-de-passe")
			status, _, body = a.do(t, "POST", "/api/v1/password/reset", obj{"token": token, "password": fresh}, nil)
			wantStatus(t, "reset", status, http.StatusOK, body)
			return tenantSession{email: owner.email, bearer: bearer(a.loginToken(t, owner.email, fresh))}
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			owner := a.loginTenant(t, tt.l, tt.login)
			thief := tenantSession{email: tt.login, bearer: bearer(a.loginToken(t, tt.login, password))}
			link := a.askEmail(t, thief, thiefs, tt.login)

			owner = tt.defence(t, owner)
			a.meRefused(t, thief.bearer)
			status, body := a.confirmEmail(t, link, nil)
			wantProblem(t, "the thief's link after the "+tt.name, status, body, http.StatusGone, "token_invalid")
			if got := a.prefs(t, owner); got.NotificationEmail != tt.login || got.PendingNotificationEmail != nil {
				t.Errorf("preferences after the %s and the thief's link: %+v; want %s in use, nothing pending", tt.name, got, tt.login)
			}
			if got := exportedEmails(a.exported(t, tt.l.ref)); len(got) != 0 {
				t.Errorf("the ERP learnt notification emails %q", got)
			}
		})
	}
}
