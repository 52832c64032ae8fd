package httpapi_test

import (
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/citejardins/extranet/shared/tenancy"
)

// termsDupont are the terms of the main tenant's lease (rent and charges
// stay the demo's): 120 € housing benefit, due on the 5th.
var termsDupont = terms{start: "2019-09-01", dwellingType: "T3", floor: "3", housingBenefit: 12000,
	method: tenancy.DirectDebit, dueDay: 5}

type paymentJSON struct {
	Date        string `json:"date"`
	AmountCents int64  `json:"amountCents"`
}

type summaryJSON struct {
	BalanceCents   int64         `json:"balanceCents"`
	LastPayment    *paymentJSON  `json:"lastPayment"`
	NextDue        paymentJSON   `json:"nextDue"`
	FirstEntryDate *string       `json:"firstEntryDate"`
	LastEntryDate  *string       `json:"lastEntryDate"`
	Transfer       *transferJSON `json:"transfer"`
}

// nextDueOn is the first day on or after from that is the due day of the
// month.
func nextDueOn(from tenancy.Date, dueDay int) string {
	d := from.Time()
	for d.Day() != dueDay {
		d = d.AddDate(0, 0, 1)
	}
	return tenancy.DateOf(d).String()
}

// TestTenantAccount checks the account summary and the statement of a
// tenant with 13 months of history.
func TestTenantAccount(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	s := seedTenancy(t, a, dupont, residenceR1(), termsDupont)
	me := a.loginTenant(t, dupont, "marie.dupont@exemple.fr")
	all := s.expectedEntries("", "")
	if len(all) < 30 {
		t.Fatalf("seeded %d entries, want 13 months of them", len(all))
	}

	t.Run("summary", func(t *testing.T) {
		for name, h := range map[string]map[string]string{"bearer": me.bearer, "cookie": withCookie(me.cookie)} {
			before := today()
			sum := as[summaryJSON](t, a.get(t, "/api/v1/account", h))
			after := today()
			if want := s.balance(); sum.BalanceCents != want || sum.BalanceCents != s.lease.BalanceCents {
				t.Errorf("%s: balanceCents = %d, want %d (the entries' sum; the store holds %d)", name, sum.BalanceCents, want, s.lease.BalanceCents)
			}
			if sum.BalanceCents <= 0 {
				t.Errorf("%s: balanceCents = %d; the seeded history leaves 100 € owed (plus the settlement)", name, sum.BalanceCents)
			}
			last := s.lastPayment()
			if want := (paymentJSON{last.Date.String(), last.CreditCents}); sum.LastPayment == nil || *sum.LastPayment != want {
				t.Errorf("%s: lastPayment = %+v, want %+v", name, sum.LastPayment, want)
			}
			wantAmount := s.lease.RentCents + s.lease.ChargesCents - termsDupont.housingBenefit
			if sum.NextDue.AmountCents != wantAmount || wantAmount <= 0 {
				t.Errorf("%s: nextDue.amountCents = %d, want rent + charges - housing benefit = %d", name, sum.NextDue.AmountCents, wantAmount)
			}
			if d := sum.NextDue.Date; d != nextDueOn(before, termsDupont.dueDay) && d != nextDueOn(after, termsDupont.dueDay) {
				t.Errorf("%s: nextDue.date = %s, want %s (the first 5th from today %s)", name, d, nextDueOn(before, termsDupont.dueDay), before)
			}
			oldest, newest := all[0].Date, all[0].Date
			for _, e := range all {
				oldest, newest = min(oldest, e.Date), max(newest, e.Date)
			}
			if sum.FirstEntryDate == nil || *sum.FirstEntryDate != oldest || sum.LastEntryDate == nil || *sum.LastEntryDate != newest {
				t.Errorf("%s: statement from %v to %v, want %s to %s", name, sum.FirstEntryDate, sum.LastEntryDate, oldest, newest)
			}
			if sum.NextDue.Date < before.String() {
				t.Errorf("%s: nextDue.date %s is before today %s", name, sum.NextDue.Date, before)
			}
		}
	})

	t.Run("no payment yet", func(t *testing.T) {
		// Another tenant, whose lease has no entry: no last payment, the
		// demo's balance, and the due day the ERP gave.
		o := seedTenancy(t, a, ndiaye, residenceR1(), terms{start: "2024-02-01", method: tenancy.Transfer, dueDay: 28})
		if _, err := a.stack.Store().SyncEntries(t.Context(), ndiaye.ref, nil, true); err != nil {
			t.Fatal(err)
		}
		other := a.loginTenant(t, ndiaye, "abdou.ndiaye@exemple.fr")
		sum := as[summaryJSON](t, a.get(t, "/api/v1/account", other.bearer))
		if sum.FirstEntryDate != nil || sum.LastEntryDate != nil {
			t.Errorf("empty statement from %v to %v; want null dates", sum.FirstEntryDate, sum.LastEntryDate)
		}
		if sum.LastPayment != nil || sum.BalanceCents != o.initial {
			t.Errorf("summary = %+v, want no last payment and the opening balance %d", sum, o.initial)
		}
		if want := nextDueOn(today(), 28); sum.NextDue.Date != want || sum.NextDue.AmountCents != o.lease.RentCents+o.lease.ChargesCents {
			t.Errorf("nextDue = %+v, want %s %d", sum.NextDue, want, o.lease.RentCents+o.lease.ChargesCents)
		}
		page := a.get(t, "/api/v1/account/entries", other.bearer)
		if es, ok := page["entries"].([]any); !ok || len(es) != 0 || page["nextCursor"] != nil {
			t.Errorf("entries of a lease without any: %v, want an empty list", page)
		}
	})

	t.Run("first page", func(t *testing.T) {
		page := a.get(t, "/api/v1/account/entries", me.bearer)
		got := as[[]entryJSON](t, page["entries"])
		if !reflect.DeepEqual(got, all[:20]) {
			t.Errorf("first page:\n got %+v\nwant %+v", got, all[:20])
		}
		if c, _ := page["nextCursor"].(string); c == "" {
			t.Errorf("first page of %d entries: nextCursor = %#v, want a cursor", len(all), page["nextCursor"])
		}
	})

	t.Run("pages", func(t *testing.T) {
		for _, limit := range []int{1, 7, 20, len(all), 100} {
			q := "limit=" + strconv.Itoa(limit)
			got, pages := a.allEntries(t, q, me.bearer)
			if !reflect.DeepEqual(got, all) {
				t.Errorf("%s: the pages hold\n %+v\nwant\n %+v", q, got, all)
			}
			if full := (len(all) + limit - 1) / limit; pages != full && pages != full+1 {
				t.Errorf("%s: %d pages for %d entries", q, pages, len(all))
			}
			checkRunningBalance(t, q, got)
		}
		if all[0].BalanceAfterCents != s.balance() {
			t.Errorf("newest entry: balanceAfterCents = %d, want the balance %d", all[0].BalanceAfterCents, s.balance())
		}
		oldest := all[len(all)-1]
		if got := oldest.BalanceAfterCents - (oldest.DebitCents - oldest.CreditCents); got != s.initial {
			t.Errorf("balance before the oldest entry = %d, want %d", got, s.initial)
		}
	})

	t.Run("by cookie", func(t *testing.T) {
		got, _ := a.allEntries(t, "limit=50", withCookie(me.cookie))
		if !reflect.DeepEqual(got, all) {
			t.Errorf("entries by cookie differ from the seeded ones")
		}
	})

	t.Run("date filters", func(t *testing.T) {
		for _, tt := range []struct{ from, to string }{
			{"2025-01-01", "2025-12-31"},
			{"2026-01-01", ""},
			{"", "2025-06-30"},
			{"2026-01-01", "2026-01-01"},
			{"2030-01-01", ""},
			{"", "2000-01-01"},
		} {
			q := url.Values{}
			if tt.from != "" {
				q.Set("from", tt.from)
			}
			if tt.to != "" {
				q.Set("to", tt.to)
			}
			want := s.expectedEntries(tt.from, tt.to)
			for _, limit := range []string{"3", "100"} {
				q.Set("limit", limit)
				got, _ := a.allEntries(t, q.Encode(), me.bearer)
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s:\n got %+v\nwant %+v", q.Encode(), got, want)
				}
				checkRunningBalance(t, q.Encode(), got)
			}
		}

		// The year 2025: its entries only, the edges included.
		got, _ := a.allEntries(t, "from=2025-01-01&to=2025-12-31&limit=4", me.bearer)
		var ids []string
		for _, e := range got {
			if !strings.HasPrefix(e.Date, "2025-") {
				t.Errorf("2025 filter returns %s of %s", e.ID, e.Date)
			}
			ids = append(ids, e.ID)
		}
		for _, id := range []string{"8889999-X-2025-01-01", "8889999-X-2025-12-31"} {
			if !slices.Contains(ids, id) {
				t.Errorf("2025 filter leaves out %s", id)
			}
		}

		// An empty range is an empty list, not null.
		page := a.get(t, "/api/v1/account/entries?from=2030-01-01", me.bearer)
		if e, ok := page["entries"].([]any); !ok || len(e) != 0 || page["nextCursor"] != nil {
			t.Errorf("empty range: %v, want no entries and a null cursor", page)
		}
	})

	t.Run("bad query", func(t *testing.T) {
		long := strings.Repeat("A", 513)
		// A cursor of the 2025 statement does not page the 2026 one.
		first := a.get(t, "/api/v1/account/entries?from=2025-01-01&to=2025-12-31&limit=2", me.bearer)
		cursor2025, _ := first["nextCursor"].(string)
		if cursor2025 == "" {
			t.Fatalf("2025, 2 a page: no nextCursor in %v", first)
		}
		for _, tt := range []struct {
			query       string
			fields      []string
			specRejects bool
		}{
			{"from=2025-13-01", []string{"from"}, true},
			{"from=2025-02-30", []string{"from"}, true},
			{"to=31/12/2025", []string{"to"}, true},
			{"from=2025-12-31&to=2025-01-01", []string{"to"}, false},
			{"limit=0", []string{"limit"}, true},
			{"limit=101", []string{"limit"}, true},
			{"limit=-1", []string{"limit"}, true},
			{"limit=abc", []string{"limit"}, true},
			{"limit=2.5", []string{"limit"}, true},
			{"cursor=garbage", []string{"cursor"}, false},
			{"cursor=" + long, []string{"cursor"}, true},
			{"from=2026-01-01&cursor=" + url.QueryEscape(cursor2025), []string{"cursor"}, false},
			{"from=2025-13-01&limit=0", []string{"from", "limit"}, true},
		} {
			send := a.do
			if tt.specRejects {
				send = a.doInvalid
			}
			status, _, body := send(t, "GET", "/api/v1/account/entries?"+tt.query, nil, me.bearer)
			wantProblem(t, "GET entries?"+abbreviate([]byte(tt.query)), status, body, http.StatusBadRequest, "validation_failed")
			if got := fieldErrors(body); !slices.Equal(got, tt.fields) {
				t.Errorf("entries?%s: errors on %v, want %v", abbreviate([]byte(tt.query)), got, tt.fields)
			}
		}
	})
}

// checkRunningBalance checks that each entry's balance after is the next
// newer one's less that one's amount.
func checkRunningBalance(t *testing.T, what string, es []entryJSON) {
	t.Helper()
	for i := 1; i < len(es); i++ {
		newer := es[i-1]
		if want := newer.BalanceAfterCents - (newer.DebitCents - newer.CreditCents); es[i].BalanceAfterCents != want {
			t.Errorf("%s: %s has balanceAfterCents %d, want %d (%s's %d less its amount)", what, es[i].ID,
				es[i].BalanceAfterCents, want, newer.ID, newer.BalanceAfterCents)
			return
		}
		if es[i].Date > newer.Date {
			t.Errorf("%s: %s (%s) comes after %s (%s): not newest first", what, es[i].ID, es[i].Date, newer.ID, newer.Date)
		}
	}
}

// TestTenantEntriesLastFullPage checks that a page that ends the statement
// says so, even when it is full: a cursor to an empty page would show the
// tenant a "more" link to nothing.
func TestTenantEntriesLastFullPage(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	s := seedTenancy(t, a, dupont, residenceR1(), termsDupont)
	me := a.loginTenant(t, dupont, "marie.dupont@exemple.fr")
	all := s.expectedEntries("", "")
	year := s.expectedEntries("2025-01-01", "2025-12-31")
	for _, tt := range []struct {
		query string
		want  []entryJSON
	}{
		{"limit=" + strconv.Itoa(len(all)), all},
		{"from=2025-01-01&to=2025-12-31&limit=" + strconv.Itoa(len(year)), year},
	} {
		page := a.get(t, "/api/v1/account/entries?"+tt.query, me.bearer)
		if got := as[[]entryJSON](t, page["entries"]); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: entries differ from the seeded ones", tt.query)
		}
		if page["nextCursor"] != nil {
			t.Errorf("%s: all %d entries on the page, but nextCursor = %v; want null", tt.query, len(tt.want), page["nextCursor"])
		}
	}
	// The same at the end of a walk through the pages.
	if _, pages := a.allEntries(t, "limit="+strconv.Itoa(len(all)/2), me.bearer); len(all)%2 == 0 && pages != 2 {
		t.Errorf("%d entries, %d a page: %d pages, want 2", len(all), len(all)/2, pages)
	}
}
