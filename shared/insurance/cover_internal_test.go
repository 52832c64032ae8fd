package insurance

import (
	"errors"
	"testing"

	"github.com/citejardins/extranet/shared/fault"
	"github.com/citejardins/extranet/shared/tenancy"
)

// TestCoverPlausible: a cover's start is within a year of today and its end
// at most 13 months after its start. A cover of 0001-01-01 to 9999-12-31
// is no home-insurance certificate (a year, renewed yearly): accepted, it
// would move the lease's next reminder to 9999-12-01 while the certificate
// is pending. Each field refused says why, in French.
func TestCoverPlausible(t *testing.T) {
	today, _ := tenancy.ParseDate("2026-11-30")
	for _, c := range []struct {
		start, end string
		field      string // "" when accepted
	}{
		{"0001-01-01", "9999-12-31", "startDate"},
		{"2026-10-01", "2040-09-30", "endDate"},
		{"2035-01-01", "2035-12-31", "startDate"},
		{"2025-11-29", "2026-11-30", "startDate"}, // a year and a day ago
		{"2026-01-01", "2027-02-02", "endDate"},   // 13 months and a day
		{"2026-01-01", "2026-12-31", ""},
		{"2025-11-30", "2026-11-30", ""},        // started a year ago today, ends today
		{"2027-11-30", "2028-11-29", ""},        // renewal a year ahead
		{"2026-01-31", "2027-02-28", ""},        // 13 months, end of month
		{"2026-12-01", "2027-11-30", ""},        // the renewal, sent early
		{"2025-10-01", "2026-09-30", "endDate"}, // already over
	} {
		_, _, _, _, err := coverOf(SubmitRequest{Insurer: "MAIF", PolicyNumber: "P1", StartDate: c.start, EndDate: c.end}, today)
		var fe *fault.Error
		switch {
		case c.field == "" && err != nil:
			t.Errorf("cover %s to %s: %v, want accepted", c.start, c.end, err)
		case c.field == "":
		case !errors.As(err, &fe) || fe.Code != fault.Invalid:
			t.Errorf("cover %s to %s: %v, want %s refused", c.start, c.end, err, c.field)
		case fe.Fields[c.field] == "":
			t.Errorf("cover %s to %s: fields %v, want a message for %s", c.start, c.end, fe.Fields, c.field)
		}
	}
}
