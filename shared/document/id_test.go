package document

import (
	"strings"
	"testing"
)

func TestIDsAreBoundToTheLeaseAndParseBack(t *testing.T) {
	a := LeaseDocumentID("0001234", Notice, "2026-12")
	b := LeaseDocumentID("0001235", Notice, "2026-12")
	if a == b || a != LeaseDocumentID("0001234", Notice, "2026-12") {
		t.Fatalf("ids %s, %s: want stable and different per lease", a, b)
	}
	if !strings.HasPrefix(a, "notice-2026-12-") || len(a) != len("notice-2026-12-")+12 {
		t.Fatalf("id %s: want notice-2026-12-<12 hex>", a)
	}
	if p, ok := ParseID(a); !ok || p != (ParsedID{Kind: Notice, Period: "2026-12"}) {
		t.Fatalf("ParseID(%s) = %+v, %v", a, p, ok)
	}
	l := LandlordID("landlord/all/guide.pdf")
	if l == LandlordID("landlord/residences/SD01/guide.pdf") {
		t.Fatal("two keys share a landlord id")
	}
	if p, ok := ParseID(l); !ok || p != (ParsedID{Kind: Landlord}) {
		t.Fatalf("ParseID(%s) = %+v, %v", l, p, ok)
	}
}

func TestParseIDRefusesWhatIsNotAnID(t *testing.T) {
	for _, id := range []string{"", "-", "notice", "notice-", "notice-2026-12", "notice-2026-12-", "notice-2026-13-0123456789ab",
		"notice-1999-12-0123456789ab", "notice-2026-12-0123456789aB", "notice-2026-12-0123456789abc", "notice+2026-12-0123456789ab",
		"landlord-0123456789abcde", "landlord-0123456789abcdeg", "receipt-2026-12-0123456789ab", "../etc/passwd",
		"notice-2026-12-0123456789ab\n", strings.Repeat("a", 65)} {
		if p, ok := ParseID(id); ok {
			t.Errorf("ParseID(%q) = %+v; want refused", id, p)
		}
	}
}

func FuzzParseID(f *testing.F) {
	f.Add(LeaseDocumentID("1", Notice, "2026-12"))
	f.Add(LandlordID("landlord/all/a.pdf"))
	f.Fuzz(func(t *testing.T, id string) {
		p, ok := ParseID(id)
		if !ok {
			return
		}
		if p.Kind == Notice && !strings.HasPrefix(id, "notice-"+p.Period+"-") {
			t.Fatalf("ParseID(%q) = %+v", id, p)
		}
	})
}
