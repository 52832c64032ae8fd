package document

import (
	"encoding/base64"
	"testing"

	"github.com/citejardins/extranet/shared/tenancy"
)

func TestCursorRoundTrip(t *testing.T) {
	for _, d := range []Document{
		{Date: tenancy.Date{Year: 2026, Month: 11, Day: 20}, Period: "2026-12", ID: LeaseDocumentID("1", Notice, "2026-12")},
		{Date: tenancy.Date{Year: 2026, Month: 11, Day: 30}, ID: LandlordID("landlord/all/guide.pdf")},
	} {
		got, err := parseCursor(cursorOf(d))
		if err != nil || got != d {
			t.Errorf("parseCursor(cursorOf(%+v)) = %+v, %v", d, got, err)
		}
	}
	for _, c := range []string{"", "x", "!!!!", "MjAyNi0xMS0yMHwyMDI2LTEyfA", // no id
		base64.RawURLEncoding.EncodeToString([]byte("2026-02-30||" + LandlordID("a"))), // no such day
		base64.RawURLEncoding.EncodeToString([]byte("2026-02-03||" + LandlordID("a") + "|x")),
		cursorOf(Document{Date: tenancy.Date{Year: 2026, Month: 2, Day: 3}, Period: "2026-13", ID: LandlordID("a")}),
		cursorOf(Document{Date: tenancy.Date{Year: 2026, Month: 2, Day: 3}, ID: "notice-2026-12-zz"}),
	} {
		if d, err := parseCursor(c); err == nil {
			t.Errorf("parseCursor(%q) = %+v; want refused", c, d)
		}
	}
}

// FuzzParseCursor: whatever a client sends as a cursor, a cursor accepted
// names a real position (a date, a period or none, an id), which writes
// back to a cursor naming the same one.
func FuzzParseCursor(f *testing.F) {
	f.Add(cursorOf(Document{Date: tenancy.Date{Year: 2026, Month: 11, Day: 20}, Period: "2026-12", ID: LeaseDocumentID("1", Notice, "2026-12")}))
	f.Add(cursorOf(Document{Date: tenancy.Date{Year: 2026, Month: 11, Day: 30}, ID: LandlordID("x")}))
	f.Add("not a cursor")
	f.Fuzz(func(t *testing.T, c string) {
		d, err := parseCursor(c)
		if err != nil {
			return
		}
		if _, ok := ParseID(d.ID); !ok || d.Date.IsZero() {
			t.Fatalf("parseCursor(%q) = %+v", c, d)
		}
		again, err := parseCursor(cursorOf(d))
		if err != nil || again != d {
			t.Fatalf("cursor %q: %+v, then %+v, %v", c, d, again, err)
		}
	})
}
