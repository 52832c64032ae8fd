package insurance

import (
	"reflect"
	"testing"

	"github.com/citejardins/extranet/shared/tenancy"
)

// Due mails what Next says once its day has come, and passes over an
// ending reminder the cover's end has overtaken (a run missed, no account
// at the time): "your cover ends soon" is not sent after it ended.
func TestDueOnTheDayAndPastAStaleEnding(t *testing.T) {
	end := d(2027, 1, 31)
	for _, tt := range []struct {
		name       string
		s          State
		day        string
		want       Reminder
		wantPassed []string
		wantNone   bool
	}{
		{"not yet", State{End: end}, "2026-12-31", Reminder{}, nil, true},
		{"ending on its day", State{End: end}, "2027-01-01", Reminder{Ending, end}, nil, false},
		{"ending late but before the end", State{End: end}, "2027-01-31", Reminder{Ending, end}, nil, false},
		{"ended overtakes ending", State{End: end}, "2027-02-01", Reminder{Ended, end}, []string{"ending:2027-01-31"}, false},
		{"ended once", State{End: end, Reminded: []string{"ending:2027-01-31", "ended:2027-01-31"}}, "2027-03-01", Reminder{}, nil, true},
		{"missing from its day on", State{Required: true}, "2026-11-30", Reminder{Threshold: Missing}, nil, false},
	} {
		day := parse(t, tt.day)
		got, passed, ok := tt.s.Due(day)
		if ok == tt.wantNone || got != tt.want || !reflect.DeepEqual(passed, tt.wantPassed) {
			t.Errorf("%s: Due(%s) = %v, %v, %v; want %v, %v, %v", tt.name, tt.day, got, passed, ok, tt.want, tt.wantPassed, !tt.wantNone)
		}
	}
	// Due does not change the state it reads.
	s := State{End: end}
	s.Due(parse(t, "2027-02-01"))
	if len(s.Reminded) != 0 {
		t.Errorf("Due changed the state: %v", s.Reminded)
	}
}

func TestRefusalKeyIsOnePerDecision(t *testing.T) {
	a, b := RefusalKey("c-1", d(2026, 11, 30)), RefusalKey("c-1", d(2026, 12, 1))
	if a != "refused:c-1:2026-11-30" || a == b {
		t.Errorf("keys %q and %q; want one per certificate and day", a, b)
	}
	if !(State{Reminded: []string{a}}).Mailed(a) || (State{Reminded: []string{a}}).Mailed(b) {
		t.Error("Mailed does not find exactly the keys recorded")
	}
}

func parse(t *testing.T, s string) tenancy.Date {
	t.Helper()
	v, err := tenancy.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
