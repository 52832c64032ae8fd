package httpapi_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
)

// TestEmailAddressesNoPublicMailbox checks the addresses the security review
// found accepted after issue 7, which SES would refuse or which cannot be a
// public mailbox: a local part over 64 octets (RFC 5321 §4.5.3.1.1), an IP
// address written without brackets, a top-level label of digits (RFC 3696
// §2). Every route that takes an address answers 400 with a French field
// error that says what to fix, and sends nothing.
func TestEmailAddressesNoPublicMailbox(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	seedTenancy(t, a, dupont, residenceR1(), termsDupont)
	me := a.loginTenant(t, dupont, "marie.dupont@exemple.fr")

	for _, tc := range []struct{ email, says string }{
		{strings.Repeat("a", 65) + "@exemple.fr", "64 caractères au maximum"},
		{"celine@127.0.0.1", "pas une adresse IP"},
		{"celine@example.123", "une extension comme .fr ou .com"},
	} {
		for _, route := range []struct {
			method, path, field string
			body                obj
			auth                map[string]string
		}{
			{"POST", "/api/v1/signup", "email", signUpBody(ndiaye, tc.email, tenantPassword), nil},
			{"POST", "/api/v1/activation/resend", "email", obj{"email": tc.email}, nil},
			{"POST", "/api/v1/password/forgot", "email", obj{"email": tc.email}, nil},
			{"PUT", "/api/v1/preferences", "notificationEmail", obj{"notificationEmail": tc.email}, me.bearer},
		} {
			what := route.method + " " + route.path + " with " + tc.email
			before := a.mailCount()
			status, _, body := a.do(t, route.method, route.path, route.body, route.auth)
			wantProblem(t, what, status, body, http.StatusBadRequest, "validation_failed")
			if got := fieldErrors(body); !slices.Equal(got, []string{route.field}) {
				t.Errorf("%s: errors on %v, want [%s]", what, got, route.field)
			}
			if msg, _ := body["errors"].(map[string]any)[route.field].(string); !strings.Contains(msg, tc.says) {
				t.Errorf("%s: %s error %q, want it to say %q", what, route.field, msg, tc.says)
			}
			a.noMail(t, before, what)
		}
	}
	if got := as[preferencesJSON](t, a.get(t, "/api/v1/preferences", me.bearer)); got.NotificationEmail != "marie.dupont@exemple.fr" || got.PendingNotificationEmail != nil {
		t.Errorf("refused addresses changed the notification email: %+v", got)
	}
}
