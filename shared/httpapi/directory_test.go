package httpapi_test

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

type emergencyJSON struct {
	Residence string `json:"residence"`
	Address   struct {
		PostalCode string `json:"postalCode"`
		City       string `json:"city"`
	} `json:"address"`
	Name  string `json:"name"`
	Phone string `json:"phone"`
	Hours string `json:"hours"`
}

type emergencyListJSON struct {
	Results []emergencyJSON `json:"results"`
	More    bool            `json:"more"`
}

func emergencyPath(q string) string {
	return "/api/v1/emergency-contacts?q=" + url.QueryEscape(q)
}

// residences lists "residence, postal code city" of each result.
func residences(l emergencyListJSON) []string {
	var out []string
	for _, e := range l.Results {
		out = append(out, e.Residence+", "+e.Address.PostalCode+" "+e.Address.City)
	}
	return out
}

// TestEmergencyContactsWithoutAccount checks that anyone finds the
// emergency service of a demo residence, as the ERP import loaded it, by
// town, postal code or name, in any case and with or without accents and
// hyphens; and, without a query, the whole directory.
func TestEmergencyContactsWithoutAccount(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	jardins := "Résidence Les Jardins, 93200 Saint-Denis"
	cedres := "Résidence Les Cèdres, 93300 Aubervilliers"
	tilleuls := "Résidence Les Tilleuls, 92230 Gennevilliers"
	for _, tt := range []struct {
		q    string
		want []string
	}{
		{"Saint-Denis", []string{jardins}},
		{"saint denis", []string{jardins}},
		{"SAINT DENIS ", []string{jardins}},
		{"denis", []string{jardins}},
		{"93200", []string{jardins}},
		{"93", []string{cedres, jardins}},
		{"jardins", []string{jardins}},
		{"Résidence les Jardins", []string{jardins}},
		{"CEDRES", []string{cedres}},
		{"cèdres", []string{cedres}},
		{"gennevilliers", []string{tilleuls}},
		{"Résidence", []string{cedres, tilleuls, jardins}},
		{"Paris", nil},
		{"75001", nil},
	} {
		got := as[emergencyListJSON](t, a.get(t, emergencyPath(tt.q), nil))
		if strings.Join(residences(got), "|") != strings.Join(tt.want, "|") || got.More {
			t.Errorf("q=%q: %q (more %v); want %q", tt.q, residences(got), got.More, tt.want)
		}
	}
	got := as[emergencyListJSON](t, a.get(t, emergencyPath("saint-denis"), nil))
	want := emergencyJSON{Residence: "Résidence Les Jardins", Name: "Service d'urgence technique", Phone: "01 99 00 99 99",
		Hours: "7j/7 et 24h/24 (fuite d'eau, panne de chauffage, porte bloquée)"}
	want.Address.PostalCode, want.Address.City = "93200", "Saint-Denis"
	if len(got.Results) != 1 || got.Results[0] != want {
		t.Errorf("saint-denis: %+v; want %+v", got.Results, want)
	}

	all := as[emergencyListJSON](t, a.get(t, "/api/v1/emergency-contacts", nil))
	if strings.Join(residences(all), "|") != strings.Join([]string{cedres, tilleuls, jardins}, "|") || all.More {
		t.Errorf("whole directory: %q; want the 3 demo residences by town", residences(all))
	}
	// Never the territory manager's nor the agency's line, nor an email.
	for _, e := range all.Results {
		if e.Phone != "01 99 00 99 99" || e.Name != "Service d'urgence technique" {
			t.Errorf("entry %+v: not the emergency service", e)
		}
	}
}

// TestEmergencyContactsBadQueries checks that a query too short or too long
// is a 400 problem with a French message, for the field q.
func TestEmergencyContactsBadQueries(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	for _, tt := range []struct {
		q, says string
		spec    bool // openapi.yaml allows the request
	}{
		{"", "au moins 2 lettres", true},
		{"a", "au moins 2 lettres", true},
		{"É", "au moins 2 lettres", true},
		{" - ' ", "au moins 2 lettres", true},
		{"ab\x00", "lettres et chiffres", true},
		{strings.Repeat("saint-denis ", 9), "trop longue", false},
	} {
		send := a.do
		if !tt.spec {
			send = a.doInvalid
		}
		status, _, body := send(t, "GET", emergencyPath(tt.q), nil, nil)
		wantProblem(t, "q="+tt.q, status, body, http.StatusBadRequest, "validation_failed")
		errs, _ := body["errors"].(map[string]any)
		if msg, _ := errs["q"].(string); !strings.Contains(msg, tt.says) {
			t.Errorf("q=%q: errors %v; want q: «…%s…»", tt.q, body["errors"], tt.says)
		}
	}
	// Query strings that do not parse are refused as on every route, not
	// read as "no q" (the whole directory) nor as their first value.
	for _, tt := range []struct{ raw, says string }{
		{"q=ab&q=ab", "deux fois"},
		{"q=a&q=saint-denis", "deux fois"},
		{"q=%zz", "mal encodée"},
		{"q=saint%ff", "mal encodée"},
	} {
		status, _, body := a.do(t, "GET", "/api/v1/emergency-contacts?"+tt.raw, nil, nil)
		wantProblem(t, tt.raw, status, body, http.StatusBadRequest, "validation_failed")
		errs, _ := body["errors"].(map[string]any)
		if msg, _ := errs["q"].(string); !strings.Contains(msg, tt.says) {
			t.Errorf("%s: errors %v; want q: «…%s…»", tt.raw, body["errors"], tt.says)
		}
	}
}

// TestEmergencyContactsThrottle checks that the directory is throttled per
// client address, atomically (40 parallel requests, 5 allowed), and apart
// from the login attempts of the same address.
func TestEmergencyContactsThrottle(t *testing.T) {
	t.Parallel()
	const window = time.Hour
	a := start(t, map[string]string{"LIMIT_PER_ADDRESS": "5/1h"})
	inOneWindow(t, window, 30*time.Second)
	var wg sync.WaitGroup
	var mu sync.Mutex
	counts := map[int]int{}
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			path := emergencyPath("saint-denis")
			if i%2 == 1 {
				path = "/api/v1/emergency-contacts"
			}
			status, header, body := a.do(t, "GET", path, nil, nil)
			if status == http.StatusTooManyRequests {
				wantThrottled(t, "directory past the limit", status, header, body, window)
			}
			mu.Lock()
			counts[status]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if counts[http.StatusOK] != 5 || counts[http.StatusTooManyRequests] != 35 {
		t.Errorf("40 parallel searches at 5 an hour: %v; want 5×200 and 35×429", counts)
	}
	// The same address can still log in: the login attempts count apart.
	status, _, body := a.loginRefused(t, "inconnue@exemple.fr", "pas le bon mot de passe")
	wantProblem(t, "login after the directory's limit", status, body, http.StatusUnauthorized, "invalid_credentials")
}
