package insurance

import (
	"testing"
	"time"

	"github.com/citejardins/extranet/shared/tenancy"
)

func d(y int, m time.Month, day int) tenancy.Date { return tenancy.Date{Year: y, Month: m, Day: day} }

// Each threshold comes once per cover: ending 30 days before the end, ended
// the day after, and missing only for a lease that requires a certificate
// and has none.
func TestRemindersComeOncePerThreshold(t *testing.T) {
	end := d(2027, 1, 31)
	for _, tt := range []struct {
		name     string
		s        State
		want     Reminder
		on       tenancy.Date
		wantNone bool
	}{
		{"ending first", State{End: end}, Reminder{Ending, end}, d(2027, 1, 1), false},
		{"then ended", State{End: end, Reminded: []string{"ending:2027-01-31"}}, Reminder{Ended, end}, d(2027, 2, 1), false},
		{"then nothing", State{End: end, Required: true, Reminded: []string{"ending:2027-01-31", "ended:2027-01-31"}}, Reminder{}, tenancy.Date{}, true},
		{"a new cover starts again", State{End: d(2028, 1, 31), Reminded: []string{"ending:2027-01-31", "ended:2027-01-31"}}, Reminder{Ending, d(2028, 1, 31)}, d(2028, 1, 1), false},
		{"missing when required", State{Required: true}, Reminder{Threshold: Missing}, d(2026, 12, 1), false},
		{"missing once", State{Required: true, Reminded: []string{"missing"}}, Reminder{}, tenancy.Date{}, true},
		{"not required", State{}, Reminder{}, tenancy.Date{}, true},
	} {
		r, on, ok := tt.s.Next(d(2026, 12, 1))
		if ok == tt.wantNone || r != tt.want || on != tt.on {
			t.Errorf("%s: Next = %+v on %s, %v; want %+v on %s", tt.name, r, on, ok, tt.want, tt.on)
		}
	}
}

func TestStatusOn(t *testing.T) {
	c := Certificate{Status: Accepted, End: d(2026, 11, 30)}
	if c.StatusOn(d(2026, 11, 30)) != Accepted || c.StatusOn(d(2026, 12, 1)) != Expired {
		t.Error("a cover is valid through its end date and expired the day after")
	}
	c.Status = Refused
	if c.StatusOn(d(2027, 1, 1)) != Refused {
		t.Error("a refused certificate stays refused")
	}
}
