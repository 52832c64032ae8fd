package httpapi_test

import (
	"context"
	"net/http"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/citejardins/extranet/shared/tenancy"
	"github.com/citejardins/extranet/shared/tenant"
)

type changeRequestJSON struct {
	ID          string `json:"id"`
	Kind        string `json:"kind"`
	Text        string `json:"text"`
	Status      string `json:"status"`
	SubmittedAt string `json:"submittedAt"`
	SubmittedBy *struct {
		FirstName string `json:"firstName"`
		LastName  string `json:"lastName"`
	} `json:"submittedBy"`
	SubmittedByYou bool    `json:"submittedByYou"`
	StartedAt      *string `json:"startedAt"`
	DoneAt         *string `json:"doneAt"`
}

var requestID = regexp.MustCompile(`^[0-9]{8}-[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{6}$`)

// submit posts a change request that must be recorded, and returns it.
func (a *api) submit(t *testing.T, headers map[string]string, kind, text string) changeRequestJSON {
	t.Helper()
	before := time.Now().Truncate(time.Second)
	status, header, body := a.do(t, "POST", "/api/v1/change-requests", obj{"kind": kind, "text": text}, headers)
	wantStatus(t, "POST /api/v1/change-requests", status, http.StatusCreated, body)
	after := time.Now()
	r := as[changeRequestJSON](t, body)
	if !requestID.MatchString(r.ID) {
		t.Errorf("request id %q is not YYYYMMDD-XXXXXX", r.ID)
	}
	if day := strings.ReplaceAll(today().String(), "-", ""); !strings.HasPrefix(r.ID, day) &&
		!strings.HasPrefix(r.ID, strings.ReplaceAll(tenancy.ParisDate(before).String(), "-", "")) {
		t.Errorf("request id %q does not start with today's date %s (Paris)", r.ID, day)
	}
	if loc := header.Get("Location"); loc != "/api/v1/change-requests/"+r.ID {
		t.Errorf("Location = %q, want /api/v1/change-requests/%s", loc, r.ID)
	}
	at, err := time.Parse(time.RFC3339, r.SubmittedAt)
	if err != nil || at.Before(before) || at.After(after) || !strings.HasSuffix(r.SubmittedAt, "Z") {
		t.Errorf("submittedAt = %q, want a UTC time between %v and %v", r.SubmittedAt, before, after)
	}
	if r.SubmittedBy == nil || r.SubmittedBy.FirstName == "" || r.SubmittedBy.LastName == "" || !r.SubmittedByYou {
		t.Errorf("submitted request: submittedBy %+v, submittedByYou %v; want the sender's name, and true", r.SubmittedBy, r.SubmittedByYou)
	}
	if want := (changeRequestJSON{ID: r.ID, Kind: kind, Text: strings.TrimSpace(text), Status: "submitted", SubmittedAt: r.SubmittedAt,
		SubmittedBy: r.SubmittedBy, SubmittedByYou: true}); !reflect.DeepEqual(r, want) {
		t.Errorf("submitted request = %+v, want %+v", r, want)
	}
	return r
}

func (a *api) changeRequests(t *testing.T, headers map[string]string) []changeRequestJSON {
	t.Helper()
	return as[struct {
		ChangeRequests []changeRequestJSON `json:"changeRequests"`
	}](t, a.get(t, "/api/v1/change-requests", headers)).ChangeRequests
}

func (a *api) changeRequest(t *testing.T, headers map[string]string, id string) changeRequestJSON {
	t.Helper()
	return as[changeRequestJSON](t, a.get(t, "/api/v1/change-requests/"+id, headers))
}

// TestTenantChangeRequests checks that a tenant sends change requests, reads
// them and follows the landlord's progress on them.
func TestTenantChangeRequests(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	ctx := context.Background()
	seedTenancy(t, a, dupont, residenceR1(), termsDupont)
	me := a.loginTenant(t, dupont, "marie.dupont@exemple.fr")

	if got := a.changeRequests(t, me.bearer); len(got) != 0 {
		t.Fatalf("a new tenant has requests: %+v", got)
	}
	body := a.get(t, "/api/v1/change-requests", me.bearer)
	if rs, ok := body["changeRequests"].([]any); !ok || len(rs) != 0 {
		t.Errorf("no request: %v, want an empty list", body)
	}

	first := a.submit(t, me.bearer, "household", "  Ma fille Léa est née le 2 novembre ; nous sommes maintenant quatre.\n")

	t.Run("read back", func(t *testing.T) {
		if got := a.changeRequests(t, me.bearer); !reflect.DeepEqual(got, []changeRequestJSON{first}) {
			t.Errorf("list = %+v, want [%+v]", got, first)
		}
		for name, h := range map[string]map[string]string{"bearer": me.bearer, "cookie": withCookie(me.cookie)} {
			if got := a.changeRequest(t, h, first.ID); !reflect.DeepEqual(got, first) {
				t.Errorf("by %s: GET %s = %+v, want %+v", name, first.ID, got, first)
			}
		}
	})

	t.Run("landlord's progress", func(t *testing.T) {
		st := a.stack.Store()
		started, done := mustDate(t, "2026-11-27"), mustDate(t, "2026-12-03")
		if ok, err := st.SetRequestStatus(ctx, dupont.ref, first.ID, tenant.InProgress, started); err != nil || !ok {
			t.Fatalf("set in progress: %v %v", ok, err)
		}
		got := a.changeRequest(t, me.bearer, first.ID)
		if got.Status != "in_progress" || got.StartedAt == nil || *got.StartedAt != "2026-11-27" || got.DoneAt != nil {
			t.Errorf("in progress: %+v, want in_progress started 2026-11-27", got)
		}
		if list := a.changeRequests(t, me.bearer); len(list) != 1 || !reflect.DeepEqual(list[0], got) {
			t.Errorf("list = %+v, want [%+v]", list, got)
		}
		if got.Text != first.Text || got.Kind != first.Kind || got.SubmittedAt != first.SubmittedAt {
			t.Errorf("progress changed the request itself: %+v, was %+v", got, first)
		}

		if ok, err := st.SetRequestStatus(ctx, dupont.ref, first.ID, tenant.Done, done); err != nil || !ok {
			t.Fatalf("set done: %v %v", ok, err)
		}
		got = a.changeRequest(t, me.bearer, first.ID)
		if got.Status != "done" || got.StartedAt == nil || *got.StartedAt != "2026-11-27" || got.DoneAt == nil || *got.DoneAt != "2026-12-03" {
			t.Errorf("done: %+v, want done 2026-12-03, started 2026-11-27", got)
		}
		// A late "in progress" does not undo it.
		if ok, err := st.SetRequestStatus(ctx, dupont.ref, first.ID, tenant.InProgress, done); err != nil || ok {
			t.Errorf("in progress after done: changed %v, err %v; want nothing changed", ok, err)
		}
		if again := a.changeRequest(t, me.bearer, first.ID); !reflect.DeepEqual(again, got) {
			t.Errorf("after a late in progress: %+v, want %+v", again, got)
		}
	})

	var second changeRequestJSON
	t.Run("newest first", func(t *testing.T) {
		nextSecond()
		// The longest text: 4000 characters, of two bytes each.
		second = a.submit(t, me.bearer, "income", strings.Repeat("é", 4000))
		list := a.changeRequests(t, me.bearer)
		if len(list) != 2 || list[0].ID != second.ID || list[1].ID != first.ID {
			t.Errorf("list = %+v, want %s then %s", list, second.ID, first.ID)
		}
		for _, kind := range []string{"contact_details", "family_situation", "other"} {
			a.submit(t, withCookie(me.cookie, "Origin", a.base), kind, "Changement : "+kind)
		}
		if n := len(a.changeRequests(t, me.bearer)); n != 5 {
			t.Errorf("%d requests, want 5", n)
		}
	})

	t.Run("refused", func(t *testing.T) {
		before := a.changeRequests(t, me.bearer)
		for _, tt := range []struct {
			name        string
			body        any
			fields      []string
			specRejects bool
		}{
			{"unknown kind", obj{"kind": "address", "text": "Nouvelle adresse email"}, []string{"kind"}, true},
			{"kind in another case", obj{"kind": "Income", "text": "Nouvel emploi"}, []string{"kind"}, true},
			{"empty text", obj{"kind": "income", "text": ""}, []string{"text"}, true},
			{"blank text", obj{"kind": "income", "text": " \n\t "}, []string{"text"}, false},
			{"4001 characters", obj{"kind": "income", "text": strings.Repeat("é", 4001)}, []string{"text"}, true},
			{"no kind", obj{"text": "Nouvel emploi"}, []string{"kind"}, true},
			{"no text", obj{"kind": "other"}, []string{"text"}, true},
			{"nothing", obj{}, []string{"kind", "text"}, true},
		} {
			send := a.do
			if tt.specRejects {
				send = a.doInvalid
			}
			status, _, body := send(t, "POST", "/api/v1/change-requests", tt.body, me.bearer)
			wantProblem(t, "POST change-requests, "+tt.name, status, body, http.StatusBadRequest, "validation_failed")
			if got := fieldErrors(body); !reflect.DeepEqual(got, tt.fields) {
				t.Errorf("%s: errors on %v, want %v", tt.name, got, tt.fields)
			}
		}
		for _, tt := range []struct {
			name, body string
			headers    map[string]string
			status     int
			code       string
		}{
			{"unknown field", `{"kind":"other","text":"x","status":"done"}`, nil, 400, "malformed_body"},
			{"number for text", `{"kind":"other","text":42}`, nil, 400, "malformed_body"},
			{"not JSON", `kind=other&text=x`, nil, 400, "malformed_body"},
			{"text/plain", `{"kind":"other","text":"x"}`, map[string]string{"Content-Type": "text/plain"}, 415, "unsupported_media_type"},
			{"over 16 KiB", `{"kind":"other","text":"` + strings.Repeat("x", 17<<10) + `"}`, nil, 413, "body_too_large"},
		} {
			h := map[string]string{"Authorization": me.bearer["Authorization"]}
			for k, v := range tt.headers {
				h[k] = v
			}
			status, _, body := a.doInvalid(t, "POST", "/api/v1/change-requests", tt.body, h)
			wantProblem(t, "POST change-requests, "+tt.name, status, body, tt.status, tt.code)
		}
		for _, h := range []map[string]string{
			withCookie(me.cookie, "Origin", "https://malveillant.example"),
			withCookie(me.cookie, "Sec-Fetch-Site", "cross-site"),
		} {
			status, _, body := a.do(t, "POST", "/api/v1/change-requests", obj{"kind": "other", "text": "Envoyé depuis un autre site"}, h)
			wantProblem(t, "cross-site POST change-requests", status, body, http.StatusForbidden, "forbidden")
		}
		if after := a.changeRequests(t, me.bearer); !reflect.DeepEqual(after, before) {
			t.Errorf("refused requests changed the list from %d to %d requests", len(before), len(after))
		}
	})

	t.Run("unknown id", func(t *testing.T) {
		var first obj
		for _, id := range []string{"20261125-ZZZZZZ", strings.ToLower(second.ID), second.ID + "X", "x", "REQUEST%23" + second.ID, "%23"} {
			status, _, body := a.do(t, "GET", "/api/v1/change-requests/"+id, nil, me.bearer)
			wantProblem(t, "GET change-requests/"+id, status, body, http.StatusNotFound, "not_found")
			if first == nil {
				first = body
			} else if !reflect.DeepEqual(body, first) {
				t.Errorf("GET %s: %v, want the same answer as for any unknown id %v", id, body, first)
			}
		}
		status, _, body := a.doInvalid(t, "GET", "/api/v1/change-requests/"+strings.Repeat("9", 65), nil, me.bearer)
		wantProblem(t, "GET change-requests/<65 characters>", status, body, http.StatusNotFound, "not_found")
	})
}
