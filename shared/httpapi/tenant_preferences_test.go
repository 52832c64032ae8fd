package httpapi_test

import (
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

type preferencesJSON struct {
	Paperless      bool    `json:"paperless"`
	PaperlessSince *string `json:"paperlessSince"`
	PaperlessBy    *struct {
		FirstName string `json:"firstName"`
		LastName  string `json:"lastName"`
	} `json:"paperlessBy"`
	NotificationEmail        string       `json:"notificationEmail"`
	PendingNotificationEmail *pendingJSON `json:"pendingNotificationEmail"`
}

// nextSecond sleeps until the clock is in a new second: consent dates are
// kept to the second.
func nextSecond() {
	now := time.Now()
	time.Sleep(now.Truncate(time.Second).Add(time.Second + 20*time.Millisecond).Sub(now))
}

// TestTenantPreferences checks the paperless consent and its date, and the
// notification email.
func TestTenantPreferences(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	seedTenancy(t, a, dupont, residenceR1(), termsDupont)
	const email = "marie.dupont@exemple.fr"
	me := a.loginTenant(t, dupont, email)

	prefs := func(t *testing.T) preferencesJSON {
		t.Helper()
		return as[preferencesJSON](t, a.get(t, "/api/v1/preferences", me.bearer))
	}
	put := func(t *testing.T, body any, headers map[string]string) preferencesJSON {
		t.Helper()
		status, _, resp := a.do(t, "PUT", "/api/v1/preferences", body, headers)
		wantStatus(t, "PUT /api/v1/preferences", status, http.StatusOK, resp)
		got := as[preferencesJSON](t, resp)
		if again := prefs(t); !reflect.DeepEqual(again, got) {
			t.Errorf("PUT answered %+v, but GET then reads %+v", got, again)
		}
		return got
	}
	refused := func(t *testing.T, body any, fields ...string) {
		t.Helper()
		before := prefs(t)
		status, _, resp := a.doInvalid(t, "PUT", "/api/v1/preferences", body, me.bearer)
		wantProblem(t, "PUT /api/v1/preferences", status, resp, http.StatusBadRequest, "validation_failed")
		if got := fieldErrors(resp); !slices.Equal(got, fields) {
			t.Errorf("errors on %v, want %v", got, fields)
		}
		if after := prefs(t); !reflect.DeepEqual(after, before) {
			t.Errorf("a refused change changed the preferences from %+v to %+v", before, after)
		}
	}
	sinceOf := func(t *testing.T, p preferencesJSON) time.Time {
		t.Helper()
		if p.PaperlessSince == nil {
			t.Fatalf("paperlessSince is null in %+v", p)
		}
		at, err := time.Parse(time.RFC3339, *p.PaperlessSince)
		if err != nil {
			t.Fatalf("paperlessSince %q: %v", *p.PaperlessSince, err)
		}
		return at
	}

	t.Run("default", func(t *testing.T) {
		for name, h := range map[string]map[string]string{"bearer": me.bearer, "cookie": withCookie(me.cookie)} {
			got := as[preferencesJSON](t, a.get(t, "/api/v1/preferences", h))
			if want := (preferencesJSON{Paperless: false, PaperlessSince: nil, NotificationEmail: email}); !reflect.DeepEqual(got, want) {
				t.Errorf("%s: preferences %+v, want %+v", name, got, want)
			}
		}
	})

	var since time.Time
	t.Run("paperless consent", func(t *testing.T) {
		before := time.Now().Truncate(time.Second)
		got := put(t, obj{"paperless": true}, me.bearer)
		after := time.Now()
		since = sinceOf(t, got)
		if !got.Paperless || since.Before(before) || since.After(after) || got.NotificationEmail != email {
			t.Errorf("after consent: %+v, want paperless since between %v and %v", got, before, after)
		}
		if m := a.me(t, me.bearer); m["paperless"] != true || m["paperlessSince"] != *got.PaperlessSince {
			t.Errorf("GET /me after consent: paperless %v since %v, want true since %s", m["paperless"], m["paperlessSince"], *got.PaperlessSince)
		}

		// The same choice again keeps the date of the consent.
		nextSecond()
		again := put(t, obj{"paperless": true}, me.bearer)
		if !again.Paperless || !sinceOf(t, again).Equal(since) {
			t.Errorf("consent given again: %+v, want the first date %v kept", again, since)
		}

		// Withdrawing it records when.
		nextSecond()
		withdrawn := put(t, obj{"paperless": false}, me.bearer)
		if withdrawn.Paperless || !sinceOf(t, withdrawn).After(since) {
			t.Errorf("consent withdrawn: %+v, want paperless false since after %v", withdrawn, since)
		}
		since = sinceOf(t, withdrawn)
	})

	t.Run("notification email", func(t *testing.T) {
		// A new address waits for its emailed link (TestNotificationEmailWaitsForItsLink).
		got := put(t, obj{"notificationEmail": "marie.avis@exemple.fr"}, me.bearer)
		if got.NotificationEmail != email || got.PendingNotificationEmail == nil || got.PendingNotificationEmail.Email != "marie.avis@exemple.fr" ||
			got.Paperless || !sinceOf(t, got).Equal(since) {
			t.Errorf("email asked: %+v, want the login email in use, the new one pending and the consent untouched", got)
		}
		if m := a.me(t, me.bearer); m["email"] != email {
			t.Errorf("the notification email changed the login email to %v", m["email"])
		}
		a.login(t, email, tenantPassword) // still the login
	})

	t.Run("back to the login email", func(t *testing.T) {
		put(t, obj{"notificationEmail": "marie.avis@exemple.fr"}, me.bearer)
		if got := put(t, obj{"notificationEmail": ""}, me.bearer); got.NotificationEmail != email || got.PendingNotificationEmail != nil {
			t.Errorf("an empty notification email gives %+v; want the login email %q and nothing pending", got, email)
		}
		if got := prefs(t); got.NotificationEmail != email {
			t.Errorf("read back: %q; want the login email %q", got.NotificationEmail, email)
		}
	})

	t.Run("refused", func(t *testing.T) {
		refused(t, obj{}, "paperless")
		for _, bad := range []string{"pas-une-adresse", "marie@", "@exemple.fr", "marie@exemple", "Marie <marie@exemple.fr>"} {
			refused(t, obj{"notificationEmail": bad}, "notificationEmail")
			// Nothing of a refused request is kept, the valid part included.
			refused(t, obj{"paperless": true, "notificationEmail": bad}, "notificationEmail")
		}
	})

	t.Run("malformed", func(t *testing.T) {
		before := prefs(t)
		for _, tt := range []struct {
			name, body string
			headers    map[string]string
			status     int
			code       string
		}{
			{"string for a boolean", `{"paperless":"true"}`, nil, 400, "malformed_body"},
			{"null", `{"paperless":null}`, nil, 400, "validation_failed"},
			{"unknown field", `{"paperless":true,"paperlessSince":"2020-01-01T00:00:00Z"}`, nil, 400, "malformed_body"},
			{"field in another case", `{"Paperless":true}`, nil, 400, "malformed_body"},
			{"array", `[{"paperless":true}]`, nil, 400, "malformed_body"},
			{"trailing data", `{"paperless":true} {}`, nil, 400, "malformed_body"},
			{"text/plain", `{"paperless":true}`, map[string]string{"Content-Type": "text/plain"}, 415, "unsupported_media_type"},
			{"over 16 KiB", `{"notificationEmail":"` + strings.Repeat("m", 17<<10) + `@exemple.fr"}`, nil, 413, "body_too_large"},
		} {
			h := map[string]string{"Authorization": me.bearer["Authorization"]}
			for k, v := range tt.headers {
				h[k] = v
			}
			status, _, body := a.doInvalid(t, "PUT", "/api/v1/preferences", tt.body, h)
			wantProblem(t, "PUT preferences, "+tt.name, status, body, tt.status, tt.code)
		}
		if after := prefs(t); !reflect.DeepEqual(after, before) {
			t.Errorf("malformed requests changed the preferences from %+v to %+v", before, after)
		}
	})

	t.Run("cross-site", func(t *testing.T) {
		before := prefs(t)
		for _, h := range []map[string]string{
			withCookie(me.cookie, "Origin", "https://malveillant.example"),
			withCookie(me.cookie, "Origin", "null"),
			withCookie(me.cookie, "Sec-Fetch-Site", "cross-site"),
			withCookie(me.cookie),
		} {
			status, _, body := a.do(t, "PUT", "/api/v1/preferences", obj{"paperless": true, "notificationEmail": "pirate@malveillant.example"}, h)
			wantProblem(t, "cross-site PUT /api/v1/preferences", status, body, http.StatusForbidden, "forbidden")
		}
		if after := prefs(t); !reflect.DeepEqual(after, before) {
			t.Errorf("cross-site requests changed the preferences from %+v to %+v", before, after)
		}

		// From the portal's own origin, the cookie does.
		got := put(t, obj{"paperless": true}, withCookie(me.cookie, "Origin", a.base))
		if !got.Paperless {
			t.Errorf("same-origin PUT by cookie: %+v, want paperless", got)
		}
		got = put(t, obj{"paperless": false}, withCookie(me.cookie, "Sec-Fetch-Site", "same-origin"))
		if got.Paperless {
			t.Errorf("same-origin fetch by cookie: %+v, want paperless false", got)
		}
	})
}
