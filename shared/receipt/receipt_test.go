package receipt_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/citejardins/extranet/shared/document"
	"github.com/citejardins/extranet/shared/notice"
	"github.com/citejardins/extranet/shared/receipt"
	"github.com/citejardins/extranet/shared/tenancy"
)

func day(s string) tenancy.Date {
	d, err := tenancy.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func period(s string) notice.Period {
	p, err := notice.ParsePeriod(s)
	if err != nil {
		panic(err)
	}
	return p
}

func debit(id, date string, kind tenancy.EntryKind, cents int64) tenancy.Entry {
	return tenancy.Entry{ID: id, Date: day(date), Label: string(kind) + " " + id, Kind: kind, DebitCents: cents}
}

func credit(id, date string, kind tenancy.EntryKind, cents int64) tenancy.Entry {
	return tenancy.Entry{ID: id, Date: day(date), Label: string(kind) + " " + id, Kind: kind, CreditCents: cents}
}

// monthly is a 500,00 € notice on the 1st of each month from..to, each paid
// in full on the 8th, as LEFÈVRE's ledger until October.
func monthly(from, to string) []tenancy.Entry {
	var out []tenancy.Entry
	for p := period(from); !period(to).First().Before(p.First()); p = p.Next() {
		out = append(out,
			debit("AV"+p.String(), p.String()+"-01", tenancy.Notice, 50000),
			credit("VI"+p.String(), p.String()+"-08", tenancy.PaymentReceived, 50000))
	}
	return out
}

var lease = tenancy.Lease{Reference: "1234567", Start: day("2019-03-15"), RentCents: 43000, ChargesCents: 7000,
	Address:     tenancy.Address{Street: "4 allée des Tilleuls", Complement: "Appartement 11", PostalCode: "92230", City: "Gennevilliers"},
	Signatories: []tenancy.Signatory{{ID: "S1", Main: true, LastName: "LEFÈVRE", FirstName: "Céline"}}}

var landlord = notice.Landlord{Name: "Cité Jardins Habitat", AddressLines: []string{"8 rue de la République", "93200 Saint-Denis"}}

func status(t *testing.T, l receipt.Ledger, p string, want receipt.Status, due, paid int64) {
	t.Helper()
	m := l.MonthOf(period(p))
	if m.Status != want || m.DueCents != due || m.PaidCents != paid {
		t.Errorf("%s: %s due %d paid %d, want %s due %d paid %d", p, m.Status, m.DueCents, m.PaidCents, want, due, paid)
	}
}

func TestRule_RentReceiptOnlyWhenFullyPaid(t *testing.T) {
	entries := append(monthly("2026-01", "2026-02"),
		debit("AV2026-03", "2026-03-01", tenancy.Notice, 50000),
		credit("VI2026-03", "2026-03-08", tenancy.PaymentReceived, 49999)) // one cent short
	l := receipt.Impute(entries)
	status(t, l, "2026-02", receipt.Paid, 50000, 50000)
	status(t, l, "2026-03", receipt.Partial, 50000, 49999)
	if k := l.MonthOf(period("2026-02")).Status.Kind(); k != document.RentReceipt {
		t.Errorf("a paid month's kind: %q, want rent_receipt", k)
	}
	r, ok := receipt.Build(l, period("2026-03"), receipt.Terms{Lease: lease}, landlord)
	if !ok || r.Kind != document.PaymentReceipt {
		t.Fatalf("a month one cent short: %v %q, want a payment receipt, never a quittance", ok, r.Kind)
	}
	// Paying the cent makes it a quittance, dated the day it became paid.
	l = receipt.Impute(append(entries, credit("VI2026-03b", "2026-03-20", tenancy.PaymentReceived, 1)))
	r, ok = receipt.Build(l, period("2026-03"), receipt.Terms{Lease: lease}, landlord)
	if !ok || r.Kind != document.RentReceipt || r.Date != day("2026-03-20") {
		t.Errorf("paid on 20/03: %v %q dated %s, want a rent receipt dated 2026-03-20", ok, r.Kind, r.Date)
	}
	// A month with nothing paid, or nothing due, gets no document.
	l = receipt.Impute(append(monthly("2026-01", "2026-01"), debit("AV2026-02", "2026-02-01", tenancy.Notice, 50000)))
	status(t, l, "2026-02", receipt.Unpaid, 50000, 0)
	status(t, l, "2026-03", receipt.NotDue, 0, 0)
	for _, p := range []string{"2026-02", "2026-03"} {
		if _, ok := receipt.Build(l, period(p), receipt.Terms{Lease: lease}, landlord); ok {
			t.Errorf("%s: a receipt for a month with nothing imputed", p)
		}
		if k := l.MonthOf(period(p)).Status.Kind(); k != "" {
			t.Errorf("%s: kind %q, want none", p, k)
		}
	}
}

func TestRule_PartlyPaidMonthGetsPaymentReceiptForWhatWasPaid(t *testing.T) {
	entries := append(monthly("2026-09", "2026-10"),
		debit("AV2026-11", "2026-11-01", tenancy.Notice, 50000),
		credit("VI2026-11", "2026-11-10", tenancy.PaymentReceived, 27000))
	l := receipt.Impute(entries)
	r, ok := receipt.Build(l, period("2026-11"), receipt.Terms{Lease: lease}, landlord)
	if !ok || r.Kind != document.PaymentReceipt {
		t.Fatalf("got %v %q, want a payment receipt", ok, r.Kind)
	}
	if r.DueCents != 50000 || r.PaidCents != 27000 || len(r.Payments) != 1 || r.Payments[0].ImputedCents != 27000 ||
		r.Payments[0].Date != day("2026-11-10") || r.Date != day("2026-11-10") {
		t.Errorf("receipt: due %d paid %d payments %+v date %s; want 50000, 27000, the 270,00 € of 10/11 dated 2026-11-10",
			r.DueCents, r.PaidCents, r.Payments, r.Date)
	}
}

// LEFÈVRE's case: a 120,00 € charges settlement in April is paid by May's
// transfer, which leaves May short, and so on until November.
func TestRule_PaymentsImputedOldestFirst(t *testing.T) {
	entries := append(monthly("2026-01", "2026-10"),
		debit("RG2026-04", "2026-04-15", tenancy.ChargesSettlement, 12000),
		debit("AV2026-11", "2026-11-01", tenancy.Notice, 50000),
		credit("VI2026-11", "2026-11-10", tenancy.PaymentReceived, 27000))
	l := receipt.Impute(entries)
	// April's settlement was paid by May's transfer, on 08/05.
	status(t, l, "2026-04", receipt.Paid, 62000, 62000)
	for p := period("2026-05"); p != period("2026-11"); p = p.Next() {
		status(t, l, p.String(), receipt.Paid, 50000, 50000)
		r, _ := receipt.Build(l, p, receipt.Terms{Lease: lease}, landlord)
		// Each month is completed by the next month's transfer.
		want := p.Next().String() + "-08"
		if p == period("2026-10") {
			want = "2026-11-10" // November's partial transfer
		}
		if r.Date != day(want) {
			t.Errorf("%s became paid on %s, want %s", p, r.Date, want)
		}
	}
	status(t, l, "2026-11", receipt.Partial, 50000, 15000)
	r, _ := receipt.Build(l, period("2026-11"), receipt.Terms{Lease: lease}, landlord)
	want := []receipt.Earlier{{Date: day("2026-11-10"), Label: "payment VI2026-11", AmountCents: 27000, Period: period("2026-10"), PartCents: 12000}}
	if fmt.Sprint(r.Earlier) != fmt.Sprint(want) {
		t.Errorf("November's payment went first to:\n%+v\nwant\n%+v", r.Earlier, want)
	}

	// Before November, October was short by what May's rule moved.
	l = receipt.Impute(entries[:len(entries)-2])
	status(t, l, "2026-10", receipt.Partial, 50000, 38000)

	// An advance waits for the next debt and is imputed on its date.
	l = receipt.Impute([]tenancy.Entry{
		credit("C1", "2026-01-20", tenancy.PaymentReceived, 60000),
		debit("AV1", "2026-02-01", tenancy.Notice, 50000),
		debit("AV2", "2026-03-01", tenancy.Notice, 50000),
	})
	status(t, l, "2026-02", receipt.Paid, 50000, 50000)
	status(t, l, "2026-03", receipt.Partial, 50000, 10000)
	if im := l.Debts[1].Imputations; len(im) != 1 || im[0].On != day("2026-03-01") {
		t.Errorf("the advance's imputation to March: %+v, want on 2026-03-01", im)
	}

	// On one day, the day's debt is due before the day's payment; among
	// debts, the ERP id orders a same day.
	l = receipt.Impute([]tenancy.Entry{
		debit("B", "2026-05-01", tenancy.OtherEntry, 100),
		debit("A", "2026-05-01", tenancy.Notice, 100),
		credit("P", "2026-05-01", tenancy.PaymentReceived, 100),
	})
	if l.Debts[0].Entry.ID != "A" || !l.Debts[0].Settled() || l.Debts[1].Settled() {
		t.Errorf("same-day debts: %+v, want A paid first", l.Debts)
	}
}

// N'DIAYE's case: the CAF's APL pays its own month first, even when the
// tenant owes an older month.
func TestRule_HousingBenefitPaysItsOwnMonthFirst(t *testing.T) {
	l := receipt.Impute([]tenancy.Entry{
		debit("AV10", "2026-10-01", tenancy.Notice, 45000),
		credit("CH10", "2026-10-09", tenancy.PaymentReceived, 20000), // 250,00 € short
		debit("AV11", "2026-11-01", tenancy.Notice, 45000),
		credit("AP11", "2026-11-06", tenancy.HousingBenefit, 18000),
		credit("CH11", "2026-11-09", tenancy.PaymentReceived, 27000),
	})
	// The APL goes to November; the cheque to October's 250,00 € first.
	status(t, l, "2026-10", receipt.Paid, 45000, 45000)
	status(t, l, "2026-11", receipt.Partial, 45000, 18000+2000)
	r, _ := receipt.Build(l, period("2026-11"), receipt.Terms{Lease: lease}, landlord)
	if r.HousingBenefitCents != 18000 {
		t.Errorf("housing benefit shown: %d, want 18000", r.HousingBenefitCents)
	}
}

func TestRule_RentAndChargesShownApartWithHousingBenefitAndPaymentDates(t *testing.T) {
	entries := []tenancy.Entry{
		debit("AV", "2026-11-01", tenancy.Notice, 45000),
		credit("AP", "2026-11-06", tenancy.HousingBenefit, 18000),
		credit("CH", "2026-11-09", tenancy.PaymentReceived, 27000),
	}
	ndiaye := tenancy.Lease{Reference: "7654321", RentCents: 38990, ChargesCents: 6010, HousingBenefitCents: 18000}
	l := receipt.Impute(entries)
	r, ok := receipt.Build(l, period("2026-11"), receipt.Terms{Lease: ndiaye}, landlord)
	if !ok || r.Kind != document.RentReceipt {
		t.Fatalf("got %v %q", ok, r.Kind)
	}
	if r.RentCents != 38990 || r.ChargesCents != 6010 || len(r.Lines) != 2 || r.Undivided {
		t.Errorf("from the lease's terms: rent %d charges %d lines %+v", r.RentCents, r.ChargesCents, r.Lines)
	}
	if len(r.Payments) != 2 || !r.Payments[0].HousingBenefit || r.Payments[0].Date != day("2026-11-06") ||
		r.Payments[1].Date != day("2026-11-09") || r.Payments[1].ImputedCents != 27000 || r.HousingBenefitCents != 18000 {
		t.Errorf("payments: %+v, housing benefit %d", r.Payments, r.HousingBenefitCents)
	}
	if r.Date != day("2026-11-09") {
		t.Errorf("paid on %s, want 2026-11-09", r.Date)
	}

	// The ERP's lines win when they add up to the debit.
	erp := []notice.Line{{Label: "Loyer principal", Kind: notice.Rent, AmountCents: 40000},
		{Label: "Provisions pour charges", Kind: notice.Charges, AmountCents: 5000}}
	r, _ = receipt.Build(l, period("2026-11"), receipt.Terms{Lease: ndiaye, NoticeLines: erp}, landlord)
	if r.RentCents != 40000 || r.ChargesCents != 5000 || r.Lines[0].Label != "Loyer principal" {
		t.Errorf("from the ERP's lines: rent %d charges %d lines %+v", r.RentCents, r.ChargesCents, r.Lines)
	}
	// Neither adds up: one undivided line, said so.
	other := ndiaye
	other.RentCents = 40000
	r, _ = receipt.Build(l, period("2026-11"), receipt.Terms{Lease: other, NoticeLines: erp[:1]}, landlord)
	if !r.Undivided || len(r.Lines) != 1 || r.Lines[0].Kind != receipt.UndividedLine || r.Lines[0].AmountCents != 45000 {
		t.Errorf("undivided: %+v", r.Lines)
	}
	// A settlement is shown as charges.
	l = receipt.Impute(append(entries, debit("RG", "2026-11-15", tenancy.ChargesSettlement, 12000),
		credit("VI", "2026-11-20", tenancy.PaymentReceived, 12000)))
	r, _ = receipt.Build(l, period("2026-11"), receipt.Terms{Lease: ndiaye}, landlord)
	if r.ChargesCents != 6010+12000 || r.Lines[2].Kind != receipt.SettlementLine {
		t.Errorf("with a settlement: charges %d lines %+v", r.ChargesCents, r.Lines)
	}
}

func TestReceiptVersionIsTheFacts(t *testing.T) {
	entries := monthly("2026-10", "2026-11")
	l := receipt.Impute(entries)
	a, _ := receipt.Build(l, period("2026-11"), receipt.Terms{Lease: lease}, landlord)
	b, _ := receipt.Build(receipt.Impute(entries), period("2026-11"), receipt.Terms{Lease: lease}, landlord)
	if a.Version != b.Version || len(a.Version) < 16 || strings.Trim(a.Version, "0123456789abcdef") != "" {
		t.Fatalf("versions %q and %q: want the same 16+ hex", a.Version, b.Version)
	}
	other := lease
	other.Address.Street = "5 allée des Tilleuls"
	c, _ := receipt.Build(l, period("2026-11"), receipt.Terms{Lease: other}, landlord)
	// A payment after the month is paid is an advance: November's facts,
	// and its version, stay.
	d, _ := receipt.Build(receipt.Impute(append(entries, credit("X", "2026-11-20", tenancy.PaymentReceived, 100))),
		period("2026-11"), receipt.Terms{Lease: lease}, landlord)
	// November paid in two parts is another fact.
	split := append(monthly("2026-10", "2026-10"), debit("AV2026-11", "2026-11-01", tenancy.Notice, 50000),
		credit("P1", "2026-11-08", tenancy.PaymentReceived, 20000), credit("P2", "2026-11-09", tenancy.PaymentReceived, 30000))
	e, _ := receipt.Build(receipt.Impute(split), period("2026-11"), receipt.Terms{Lease: lease}, landlord)
	if c.Version == a.Version || e.Version == a.Version || d.Version != a.Version {
		t.Errorf("versions: %q; another address %q, paid in two parts %q (both want another); an advance after %q (want the same)",
			a.Version, c.Version, e.Version, d.Version)
	}
}
