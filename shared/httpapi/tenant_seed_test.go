package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/citejardins/extranet/shared/dynamo"
	"github.com/citejardins/extranet/shared/tenancy"
)

// What the tenant tests seed through the stack's store, as the ERP import
// will: a residence with its contacts, the lease's terms pointing to it, and
// 13 months of ledger entries.

const tenantPassword = "une phrase facile à retenir"

// residenceSeed is a residence and its contacts.
type residenceSeed struct {
	residence tenancy.Residence
	contacts  []tenancy.Contact
}

// residenceR1 is the residence of the tests' main tenant. The contacts are
// listed in no particular order; the API puts the emergency service first.
func residenceR1() residenceSeed {
	return residenceSeed{
		residence: tenancy.Residence{ID: "R1", Name: "Les Jardins de la Plaine", Street: "12 rue des Jardins", PostalCode: "93200", City: "Saint-Denis"},
		contacts: []tenancy.Contact{
			{Role: tenancy.Landlord, Name: "Agence Cité Jardins Saint-Denis", Phone: "01 48 00 00 01", Email: "agence.saint-denis@citejardins.example", Hours: "Du lundi au vendredi, 9 h - 12 h 30 et 14 h - 17 h"},
			{Role: tenancy.TerritoryManager, Name: "Sophie MARTIN", Phone: "06 12 34 56 78", Email: "sophie.martin@citejardins.example", Hours: "Sur rendez-vous"},
			{Role: tenancy.Emergency, Name: "Astreinte technique", Phone: "01 48 00 00 99", Hours: "24 h/24, 7 j/7"},
		},
	}
}

// residenceR2 is another residence, with other contacts, for the other
// tenant of the isolation tests.
func residenceR2() residenceSeed {
	return residenceSeed{
		residence: tenancy.Residence{ID: "R2", Name: "Résidence des Tilleuls", Street: "4 allée des Tilleuls", PostalCode: "92230", City: "Gennevilliers"},
		contacts: []tenancy.Contact{
			{Role: tenancy.Emergency, Name: "Urgences Tilleuls", Phone: "01 47 00 00 99", Email: "urgences.tilleuls@citejardins.example", Hours: "24 h/24"},
			{Role: tenancy.TerritoryManager, Name: "Karim BENALI", Phone: "06 98 76 54 32", Email: "karim.benali@citejardins.example", Hours: "Mardi et jeudi"},
			{Role: tenancy.Landlord, Name: "Agence Cité Jardins Gennevilliers", Phone: "01 47 00 00 01", Email: "agence.gennevilliers@citejardins.example", Hours: "En semaine"},
		},
	}
}

// seeded is what a test seeded for one lease.
type seeded struct {
	lease     tenancy.Lease   // as the store reads it back
	initial   int64           // the opening balance, before any entry
	entries   []tenancy.Entry // as seeded, without running balances
	residence residenceSeed
}

// terms are the lease terms the tests give a demo lease.
type terms struct {
	start, end     string
	dwellingType   string
	floor          string
	housingBenefit int64
	method         tenancy.PaymentMethod
	dueDay         int
}

// today is the civil date in France, as the API computes due dates.
func today() tenancy.Date { return tenancy.ParisDate(time.Now()) }

// seedTenancy gives a demo lease terms, a residence with contacts and its
// history, through the store, and returns what it seeded.
func seedTenancy(t *testing.T, a *api, l lease, res residenceSeed, tm terms) seeded {
	t.Helper()
	ctx := context.Background()
	st := a.stack.Store()
	if _, err := st.UpsertResidences(ctx, []tenancy.Residence{res.residence}); err != nil {
		t.Fatalf("seed residence %s: %v", res.residence.ID, err)
	}
	cs := make([]dynamo.ContactOf, len(res.contacts))
	for i, c := range res.contacts {
		cs[i] = dynamo.ContactOf{ResidenceID: res.residence.ID, Contact: c}
	}
	if _, err := st.UpsertContacts(ctx, cs); err != nil {
		t.Fatalf("seed contacts of %s: %v", res.residence.ID, err)
	}

	// Whatever history the demo gave the lease goes: the balance left is
	// the opening one, from before any entry.
	if _, err := st.SyncEntries(ctx, l.ref, nil, true); err != nil {
		t.Fatalf("clear the entries of %s: %v", l.ref, err)
	}
	ls, err := st.Lease(ctx, l.ref)
	if err != nil {
		t.Fatalf("read demo lease %s: %v", l.ref, err)
	}
	initial := ls.BalanceCents
	ls.ResidenceID = res.residence.ID
	ls.Start, ls.End = mustDate(t, tm.start), tenancy.Date{}
	if tm.end != "" {
		ls.End = mustDate(t, tm.end)
	}
	ls.DwellingType, ls.Floor = tm.dwellingType, tm.floor
	ls.HousingBenefitCents, ls.PaymentMethod, ls.DueDay = tm.housingBenefit, tm.method, tm.dueDay
	if _, err := st.UpsertLeases(ctx, []tenancy.Lease{ls}); err != nil {
		t.Fatalf("seed lease %s: %v", l.ref, err)
	}

	entries := history(ls, today())
	if _, err := st.SyncEntries(ctx, l.ref, entries, true); err != nil {
		t.Fatalf("seed entries of %s: %v", l.ref, err)
	}
	stored, err := st.Lease(ctx, l.ref)
	if err != nil {
		t.Fatalf("read seeded lease %s: %v", l.ref, err)
	}
	return seeded{lease: stored, initial: initial, entries: entries, residence: res}
}

func mustDate(t *testing.T, s string) tenancy.Date {
	t.Helper()
	d, err := tenancy.ParseDate(s)
	if err != nil {
		t.Fatalf("date %q: %v", s, err)
	}
	return d
}

var moisFR = [...]string{"", "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}

// history makes 13 months of a lease's ledger, up to today: each month a
// notice on the 1st (rent and charges), the housing benefit on the 5th, the
// tenant's payment of the rest on the 8th (short of 100 € six months ago), a
// settlement of charges three months ago; and four entries on the edges of
// 2025, so that a 2025 filter has something to leave out on both sides.
// Entry ids start with the lease reference: an id of another lease in a
// response is a leak.
func history(l tenancy.Lease, today tenancy.Date) []tenancy.Entry {
	var es []tenancy.Entry
	add := func(e tenancy.Entry) {
		if !today.Before(e.Date) {
			es = append(es, e)
		}
	}
	id := func(kind string, d tenancy.Date) string { return fmt.Sprintf("%s-%s-%s", l.Reference, kind, d) }
	first := tenancy.Date{Year: today.Year, Month: today.Month, Day: 1}
	for back := 12; back >= 0; back-- {
		m := tenancy.DateOf(first.Time().AddDate(0, -back, 0))
		period := fmt.Sprintf("%s %d", moisFR[m.Month], m.Year)
		day := func(n int) tenancy.Date { return tenancy.Date{Year: m.Year, Month: m.Month, Day: n} }
		add(tenancy.Entry{ID: id("N", m), Date: m, Label: "Avis d'échéance " + period, Kind: tenancy.Notice,
			DebitCents: l.RentCents + l.ChargesCents})
		if l.HousingBenefitCents > 0 {
			add(tenancy.Entry{ID: id("A", day(5)), Date: day(5), Label: "APL " + period, Kind: tenancy.HousingBenefit,
				CreditCents: l.HousingBenefitCents})
		}
		paid := l.MonthlyDueCents()
		if back == 6 {
			paid -= 10000
		}
		add(tenancy.Entry{ID: id("P", day(8)), Date: day(8), Label: "Prélèvement " + period, Kind: tenancy.PaymentReceived,
			CreditCents: paid})
		if back == 3 {
			add(tenancy.Entry{ID: id("R", day(20)), Date: day(20), Label: "Régularisation des charges", Kind: tenancy.ChargesSettlement,
				DebitCents: 4321})
		}
	}
	for _, e := range []struct {
		date   string
		debit  int64
		credit int64
	}{{"2024-12-31", 1500, 0}, {"2025-01-01", 0, 2500}, {"2025-12-31", 3500, 0}, {"2026-01-01", 0, 4500}} {
		d, _ := tenancy.ParseDate(e.date)
		add(tenancy.Entry{ID: id("X", d), Date: d, Label: "Opération diverse", Kind: tenancy.OtherEntry, DebitCents: e.debit, CreditCents: e.credit})
	}
	return es
}

// entryJSON is an entry as the API sends it.
type entryJSON struct {
	ID                string `json:"id"`
	Date              string `json:"date"`
	Label             string `json:"label"`
	Kind              string `json:"kind"`
	DebitCents        int64  `json:"debitCents"`
	CreditCents       int64  `json:"creditCents"`
	BalanceAfterCents int64  `json:"balanceAfterCents"`
}

// expectedEntries returns the seeded entries dated from..to ("" for no
// bound) as the API must list them: newest first (by date, then by id, the
// order of the store's keys), each with the balance after it.
func (s seeded) expectedEntries(from, to string) []entryJSON {
	all := slices.Clone(s.entries)
	key := func(e tenancy.Entry) string { return e.Date.String() + "#" + e.ID }
	slices.SortFunc(all, func(a, b tenancy.Entry) int { return strings.Compare(key(a), key(b)) })
	balance := s.initial
	var out []entryJSON
	for _, e := range all {
		balance += e.DebitCents - e.CreditCents
		d := e.Date.String()
		if (from != "" && d < from) || (to != "" && d > to) {
			continue
		}
		out = append(out, entryJSON{ID: e.ID, Date: d, Label: e.Label, Kind: string(e.Kind),
			DebitCents: e.DebitCents, CreditCents: e.CreditCents, BalanceAfterCents: balance})
	}
	slices.Reverse(out)
	return out
}

// balance is the initial balance plus every seeded entry.
func (s seeded) balance() int64 {
	b := s.initial
	for _, e := range s.entries {
		b += e.DebitCents - e.CreditCents
	}
	return b
}

// lastPayment is the newest payment seeded.
func (s seeded) lastPayment() tenancy.Entry {
	var last tenancy.Entry
	for _, e := range s.entries {
		if e.Kind == tenancy.PaymentReceived && (last.ID == "" || last.Date.Before(e.Date)) {
			last = e
		}
	}
	return last
}

// tenantSession is a logged-in tenant: the headers of their Bearer token
// and of their cookie.
type tenantSession struct {
	email  string
	bearer map[string]string
	cookie string // the cookie's token
}

// loginTenant registers a demo lease's account and logs in.
func (a *api) loginTenant(t *testing.T, l lease, email string) tenantSession {
	t.Helper()
	a.register(t, l, email, tenantPassword)
	token, c := a.login(t, email, tenantPassword)
	return tenantSession{email: email, bearer: bearer(token), cookie: c.Value}
}

// get sends a GET that must answer 200 and returns its body.
func (a *api) get(t *testing.T, path string, headers map[string]string) obj {
	t.Helper()
	status, _, body := a.do(t, "GET", path, nil, headers)
	wantStatus(t, "GET "+path, status, http.StatusOK, body)
	return body
}

// as converts a decoded JSON value into a Go value.
func as[T any](t *testing.T, v any) T {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out T
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&out); err != nil {
		t.Fatalf("decode %s as %T: %v", b, out, err)
	}
	return out
}

// allEntries follows nextCursor from the first page of query until it is
// null and returns every entry, failing on a page that repeats an entry.
func (a *api) allEntries(t *testing.T, query string, headers map[string]string) (entries []entryJSON, pages int) {
	t.Helper()
	seen := map[string]bool{}
	cursor := ""
	for {
		path := "/api/v1/account/entries?" + query
		if cursor != "" {
			path += "&cursor=" + url.QueryEscape(cursor)
		}
		page := as[struct {
			Entries    []entryJSON `json:"entries"`
			NextCursor *string     `json:"nextCursor"`
		}](t, a.get(t, path, headers))
		pages++
		for _, e := range page.Entries {
			if seen[e.ID] {
				t.Fatalf("entry %s comes again on page %d of %s", e.ID, pages, query)
			}
			seen[e.ID] = true
		}
		entries = append(entries, page.Entries...)
		if page.NextCursor == nil {
			return entries, pages
		}
		if *page.NextCursor == "" {
			t.Fatalf("page %d of %s: nextCursor is an empty string, want null or a cursor", pages, query)
		}
		if pages > 200 {
			t.Fatalf("%s: more than 200 pages", query)
		}
		cursor = *page.NextCursor
	}
}
