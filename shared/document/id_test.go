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
	if p, ok := ParseID(a); !ok || p != (ParsedID{Kind: Notice, Period: "2026-12", Hash: a[len(a)-12:]}) {
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

// A document made on request is bound to its lease, kind, period and
// version: the same facts give the same id, any change another.
func TestIssuedIDsAreBoundToTheirVersion(t *testing.T) {
	a := IssuedDocumentID("1234567", RentReceipt, "2026-11", "v1")
	for _, other := range []string{
		IssuedDocumentID("1234568", RentReceipt, "2026-11", "v1"),
		IssuedDocumentID("1234567", PaymentReceipt, "2026-11", "v1"),
		IssuedDocumentID("1234567", RentReceipt, "2026-10", "v1"),
		IssuedDocumentID("1234567", RentReceipt, "2026-11", "v2"),
	} {
		if other == a {
			t.Fatalf("id %s shared by two documents", a)
		}
	}
	if a != IssuedDocumentID("1234567", RentReceipt, "2026-11", "v1") || !strings.HasPrefix(a, "rent_receipt-2026-11-") {
		t.Fatalf("id %s: want stable rent_receipt-2026-11-<12 hex>", a)
	}
	for _, k := range []Kind{RentReceipt, PaymentReceipt, TenancyCertificate} {
		id := IssuedDocumentID("1", k, "2026-11", "v")
		if p, ok := ParseID(id); !ok || p != (ParsedID{Kind: k, Period: "2026-11", Hash: id[len(id)-12:]}) || !k.Issued() {
			t.Errorf("ParseID(%s) = %+v, %v", id, p, ok)
		}
	}
	if Notice.Issued() || Landlord.Issued() {
		t.Error("notices and landlord files are not made on request")
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
	f.Add(IssuedDocumentID("1", RentReceipt, "2026-11", "v"))
	f.Fuzz(func(t *testing.T, id string) {
		p, ok := ParseID(id)
		if !ok {
			return
		}
		if p.Kind != Landlord && (!strings.HasPrefix(id, string(p.Kind)+"-"+p.Period+"-") || !strings.HasSuffix(id, "-"+p.Hash)) {
			t.Fatalf("ParseID(%q) = %+v", id, p)
		}
	})
}
