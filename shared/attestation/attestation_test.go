package attestation_test

import (
	"time"

	"testing"

	"github.com/citejardins/extranet/shared/attestation"
	"github.com/citejardins/extranet/shared/tenancy"
)

func d(y, m, day int) tenancy.Date { return tenancy.Date{Year: y, Month: time.Month(m), Day: day} }

func TestDueDateIsTheLeasesDueDayOnOrAfterTheDebit(t *testing.T) {
	tests := []struct {
		debit  tenancy.Date
		dueDay int
		want   tenancy.Date
	}{
		{d(2026, 12, 1), 5, d(2026, 12, 5)},    // debited on the 1st, due on the 5th
		{d(2026, 12, 1), 1, d(2026, 12, 1)},    // due the day it is debited
		{d(2026, 11, 20), 5, d(2026, 12, 5)},   // debited late in the month before
		{d(2026, 12, 20), 5, d(2027, 1, 5)},    // across a year
		{d(2027, 1, 31), 5, d(2027, 2, 5)},     // from a 31st
		{d(2026, 12, 1), 0, d(2026, 12, 1)},    // no due day known: due at once
		{d(2026, 12, 1), 31, d(2026, 12, 1)},   // an impossible due day: due at once
		{d(2026, 12, 10), 10, d(2026, 12, 10)}, // on the day
	}
	for _, tt := range tests {
		if got := attestation.DueDate(tt.debit, tt.dueDay); got != tt.want {
			t.Errorf("DueDate(%s, %d) = %s, want %s", tt.debit, tt.dueDay, got, tt.want)
		}
	}
}

// ledger is entries oldest first, returned newest first with their
// running balances, as the store gives them.
func ledger(es ...tenancy.Entry) []tenancy.Entry {
	var bal int64
	for i := range es {
		bal += es[i].DebitCents - es[i].CreditCents
		es[i].BalanceAfterCents = bal
	}
	out := make([]tenancy.Entry, len(es))
	for i, e := range es {
		out[len(es)-1-i] = e
	}
	return out
}

func notice(day tenancy.Date, cents int64) tenancy.Entry {
	return tenancy.Entry{Date: day, Kind: tenancy.Notice, DebitCents: cents}
}

func paid(day tenancy.Date, cents int64) tenancy.Entry {
	return tenancy.Entry{Date: day, Kind: tenancy.PaymentReceived, CreditCents: cents}
}

func TestOwedCountsOnlyWhatIsDue(t *testing.T) {
	// DUPONT-like: 600 € debited on the 1st, due (and debited from her
	// bank) on the 5th.
	dupont := ledger(notice(d(2026, 11, 1), 60000), paid(d(2026, 11, 5), 60000), notice(d(2026, 12, 1), 60000))
	// LEFÈVRE-like: due on the 1st, 270 € of 500 € paid in November.
	lefevre := ledger(notice(d(2026, 10, 1), 50000), paid(d(2026, 10, 8), 50000),
		tenancy.Entry{Date: d(2026, 4, 30), Kind: tenancy.ChargesSettlement, DebitCents: 12000},
		notice(d(2026, 11, 1), 50000), paid(d(2026, 11, 10), 27000))
	tests := []struct {
		name   string
		es     []tenancy.Entry
		dueDay int
		day    tenancy.Date
		want   int64
	}{
		{"a notice debited on the 1st is not owed before its due day", dupont, 5, d(2026, 12, 3), 0},
		{"it is owed on its due day", dupont, 5, d(2026, 12, 5), 60000},
		{"and after", dupont, 5, d(2026, 12, 20), 60000},
		{"entries after the day are ignored", dupont, 5, d(2026, 11, 30), 0},
		{"a partial payment leaves the rest owed", lefevre, 1, d(2026, 11, 30), 35000},
		{"a charges settlement is owed from its date", ledger(tenancy.Entry{Date: d(2026, 4, 30), Kind: tenancy.ChargesSettlement, DebitCents: 12000}), 5, d(2026, 4, 30), 12000},
		{"a credit is no debt", ledger(paid(d(2026, 11, 1), 2550)), 1, d(2026, 11, 30), 0},
		{"a credit does not hide a notice not yet due", ledger(paid(d(2026, 11, 20), 10000), notice(d(2026, 12, 1), 60000)), 5, d(2026, 12, 2), 0},
		{"an old debt stays owed while the new notice is not due", ledger(notice(d(2026, 11, 1), 60000), notice(d(2026, 12, 1), 60000)), 5, d(2026, 12, 2), 60000},
		{"no entry", nil, 5, d(2026, 12, 2), 0},
	}
	for _, tt := range tests {
		if got := attestation.OwedOn(tt.es, tt.dueDay, tt.day); got != tt.want {
			t.Errorf("%s: OwedOn(%s) = %d, want %d", tt.name, tt.day, got, tt.want)
		}
	}
}

func facts() attestation.Facts {
	return attestation.Facts{Reference: "1234567", Names: []string{"Céline LEFÈVRE"}, DwellingType: "T2",
		Address: tenancy.Address{Street: "4 allée des Tilleuls", PostalCode: "92230", City: "Gennevilliers"},
		Start:   d(2019, 3, 15), AsOf: d(2026, 11, 30)}
}

func TestVersionIsAFingerprintOfTheFacts(t *testing.T) {
	base := facts()
	v := base.Version()
	if len(v) != 16 || base.Version() != v {
		t.Fatalf("version %q: want 16 hex, stable", v)
	}
	changes := map[string]func(*attestation.Facts){
		"another day":       func(f *attestation.Facts) { f.AsOf = d(2026, 12, 1) },
		"an amount owed":    func(f *attestation.Facts) { f.OwedCents = 1 },
		"an end":            func(f *attestation.Facts) { f.End = d(2026, 11, 1) },
		"another signatory": func(f *attestation.Facts) { f.Names = append(f.Names, "Julien LEFÈVRE") },
		"another landlord":  func(f *attestation.Facts) { f.Landlord.Name = "Autre" },
		"another street":    func(f *attestation.Facts) { f.Address.Street = "5 allée des Tilleuls" },
		"another type":      func(f *attestation.Facts) { f.DwellingType = "T3" },
	}
	for name, change := range changes {
		f := facts()
		f.Names = append([]string(nil), f.Names...)
		change(&f)
		if f.Version() == v {
			t.Errorf("%s: same version", name)
		}
	}
	if got := base.Period(); got != "2026-11" {
		t.Errorf("period %q, want the month of issue 2026-11", got)
	}
	if got := base.FileName(); got != "attestation-situation-locative-2026-11-30.pdf" {
		t.Errorf("file name %q", got)
	}
}

func TestWording(t *testing.T) {
	f := facts()
	want := func(got, want string) {
		t.Helper()
		if got != want {
			t.Errorf("got  %q\nwant %q", got, want)
		}
	}
	want(f.Situation(), "Céline LEFÈVRE est à jour de ses loyers et charges au 30/11/2026.")
	f.OwedCents = 123456
	want(f.Situation(), "Céline LEFÈVRE reste redevable de 1\u202F234,56\u202F€ au 30/11/2026.")
	want(f.Tenancy(), "Céline LEFÈVRE est locataire depuis le 15/03/2019 d’un logement de type T2 situé 4 allée des Tilleuls, 92230 Gennevilliers, au titre du contrat de location référence L/0001234567.")
	f.End = d(2026, 8, 31)
	want(f.Tenancy()[:len("Céline LEFÈVRE a été locataire du 15/03/2019 au 31/08/2026")], "Céline LEFÈVRE a été locataire du 15/03/2019 au 31/08/2026")
	f.End = d(2026, 12, 31) // ends after the day: still a tenant
	want(f.Tenancy()[:len("Céline LEFÈVRE est locataire depuis")], "Céline LEFÈVRE est locataire depuis")
	f.Names = []string{"Céline LEFÈVRE", "Julien LEFÈVRE"}
	want(f.Situation(), "Céline LEFÈVRE et Julien LEFÈVRE restent redevables de 1\u202F234,56\u202F€ au 30/11/2026.")
	f.OwedCents = 0
	want(f.Situation(), "Céline LEFÈVRE et Julien LEFÈVRE sont à jour de leurs loyers et charges au 30/11/2026.")
	f.End = d(2026, 1, 31)
	want(f.Tenancy()[:len("Céline LEFÈVRE et Julien LEFÈVRE ont été locataires du 15/03/2019 au 31/01/2026")], "Céline LEFÈVRE et Julien LEFÈVRE ont été locataires du 15/03/2019 au 31/01/2026")
}

func TestNamesOfPutsTheMainSignatoryFirst(t *testing.T) {
	l := tenancy.Lease{Signatories: []tenancy.Signatory{{FirstName: "Julien", LastName: "LEFÈVRE"}, {Main: true, FirstName: "Céline", LastName: "LEFÈVRE"}, {}}}
	got := attestation.NamesOf(l)
	if len(got) != 2 || got[0] != "Céline LEFÈVRE" || got[1] != "Julien LEFÈVRE" {
		t.Errorf("NamesOf = %q", got)
	}
}
