package insurance

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/citejardins/extranet/shared/fault"
	"github.com/citejardins/extranet/shared/tenancy"
)

// FuzzCover: whatever the tenant types, the cover's fields are either
// refused field by field (validation_failed, a sentence for each of the
// four fields) or kept
// trimmed, bounded, without control characters, the end after the start
// and not past.
func FuzzCover(f *testing.F) {
	f.Add("MAIF", "HAB-4471902", "2026-10-01", "2027-09-30")
	f.Add(" Groupama ", "12 34", "2026-02-29", "2026-02-28")
	f.Add("=cmd", "a\nb", "01/10/2026", "")
	f.Add("\u202eFIAM", strings.Repeat("9", 61), " 2026-10-01", "2027-09-30 ")
	today := tenancy.Date{Year: 2026, Month: 11, Day: 30}
	f.Fuzz(func(t *testing.T, insurer, policy, startDate, endDate string) {
		r := SubmitRequest{Insurer: insurer, PolicyNumber: policy, StartDate: startDate, EndDate: endDate}
		ins, pol, start, end, err := coverOf(r, today)
		if err != nil {
			fe, ok := err.(*fault.Error)
			if !ok || fe.Code != fault.Invalid || len(fe.Fields) == 0 {
				t.Fatalf("coverOf(%q) = %v, want validation_failed with fields", r, err)
			}
			for k, m := range fe.Fields {
				if k != "insurer" && k != "policyNumber" && k != "startDate" && k != "endDate" || !strings.HasSuffix(m, ".") {
					t.Fatalf("field %q, message %q", k, m)
				}
			}
			return
		}
		for _, s := range []struct {
			v   string
			max int
		}{{ins, MaxInsurer}, {pol, MaxPolicyNumber}} {
			if s.v == "" || s.v != strings.TrimSpace(s.v) || utf8.RuneCountInString(s.v) > s.max || !utf8.ValidString(s.v) ||
				strings.ContainsFunc(s.v, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
				t.Fatalf("kept %q", s.v)
			}
		}
		if !start.Before(end) || end.Before(today) || start.String() != startDate || end.String() != endDate {
			t.Fatalf("kept the cover %s to %s from %q, %q", start, end, startDate, endDate)
		}
	})
}
