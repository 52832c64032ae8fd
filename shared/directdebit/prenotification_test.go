package directdebit

import (
	"testing"
	"time"

	"github.com/citejardins/extranet/shared/tenancy"
)

// Notices issued on NoticeDay (the default 20, and the extremes 1 and 28)
// of every month of two years, for the next month, debit days 1 to 28:
// the date announced is never less than 14 days after the issue, never
// before the mandate's day, and is the mandate's day whenever that leaves
// 14 days. March with NoticeDay 20 and day 5 (13 days after 20 February)
// moves to 6 March.
func TestRule_PreNotificationAtLeast14DaysBeforeTheDebit(t *testing.T) {
	for _, noticeDay := range []int{1, 20, 28} {
		for m := 0; m < 24; m++ {
			issued := tenancy.DateOf(time.Date(2027, time.January, noticeDay, 0, 0, 0, 0, time.UTC).AddDate(0, m, 0))
			p := issued.Time().AddDate(0, 1, 0)
			for debitDay := 1; debitDay <= 28; debitDay++ {
				got := PreNotifiedDate(p.Year(), p.Month(), debitDay, issued)
				days := int(got.Time().Sub(issued.Time()).Hours() / 24)
				want := DebitDate(p.Year(), p.Month(), debitDay)
				switch {
				case days < PreNotificationDays:
					t.Errorf("issued %s, day %d: debit %s only %d days later", issued, debitDay, got, days)
				case got.Before(want):
					t.Errorf("issued %s, day %d: debit %s before the mandate's day %s", issued, debitDay, got, want)
				case got != want && int(want.Time().Sub(issued.Time()).Hours()/24) >= PreNotificationDays:
					t.Errorf("issued %s, day %d: debit %s, want the mandate's day %s", issued, debitDay, got, want)
				case got != want && days != PreNotificationDays:
					t.Errorf("issued %s, day %d: debit %s, want the 14th day after issue", issued, debitDay, got)
				}
			}
		}
	}
	if got := PreNotifiedDate(2027, time.March, 5, day("2027-02-20")); got != day("2027-03-06") {
		t.Errorf("March, notice of 20 February, day 5: %s, want 2027-03-06", got)
	}
	if got := PreNotifiedDate(2027, time.April, 5, day("2027-03-20")); got != day("2027-04-05") {
		t.Errorf("April, notice of 20 March, day 5: %s, want 2027-04-05", got)
	}
}

// A mandate's first debit is the one the first notice issued after its
// signature announces: signed before the 20th, next month's; on or after
// it, the month after next; never less than 14 days after the notice.
func TestRule_FirstDebitIsTheFirstPreNotifiedOne(t *testing.T) {
	for _, c := range []struct {
		signed         string
		debitDay, nday int
		want           string
	}{
		{"2026-11-30", 5, 20, "2027-01-05"},
		{"2026-11-20", 5, 20, "2027-01-05"}, // the day's run may be past
		{"2026-11-19", 10, 20, "2026-12-10"},
		{"2027-02-19", 5, 20, "2027-03-06"},  // 20 Feb + 14 days
		{"2027-02-19", 5, 0, "2027-03-06"},   // 0: the default NoticeDay
		{"2026-12-31", 10, 28, "2027-02-11"}, // 28 Jan + 14 days
		{"2026-12-01", 5, 1, "2027-02-05"},
	} {
		got := FirstDebit(day(c.signed), c.debitDay, c.nday)
		if got != day(c.want) {
			t.Errorf("FirstDebit(%s, day %d, NoticeDay %d) = %s, want %s", c.signed, c.debitDay, c.nday, got, c.want)
		}
		if d := got.Time().Sub(day(c.signed).Time()).Hours() / 24; d < PreNotificationDays {
			t.Errorf("signed %s: first debit %s only %v days later", c.signed, got, d)
		}
	}
}
