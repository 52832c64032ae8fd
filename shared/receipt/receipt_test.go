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

// PRODUCT.md: "a month is fully paid only when everything due before it
// is" (a quittance for a month lets the earlier terms be presumed paid).
// Every credit, the housing benefit included, goes to the oldest debt: a
// CAF back payment (rappel d'APL) dated in November settles September and
// October first, and November gets no quittance while they are short.
func TestRule_NoQuittanceWhileAnOlderMonthIsUnpaid(t *testing.T) {
	l := receipt.Impute([]tenancy.Entry{
		debit("AV09", "2026-09-01", tenancy.Notice, 45000), // September and October: nothing paid
		debit("AV10", "2026-10-01", tenancy.Notice, 45000),
		debit("AV11", "2026-11-01", tenancy.Notice, 45000),
		// The APL of September to November paid at once, 3 × 180,00 €.
		credit("AP11", "2026-11-06", tenancy.HousingBenefit, 54000),
	})
	status(t, l, "2026-09", receipt.Paid, 45000, 45000)
	status(t, l, "2026-10", receipt.Partial, 45000, 9000)
	status(t, l, "2026-11", receipt.Unpaid, 45000, 0)

	// A month's APL does not jump an older debt either: October is 250,00 €
	// short, November's APL and cheque settle October first.
	l = receipt.Impute([]tenancy.Entry{
		debit("AV10", "2026-10-01", tenancy.Notice, 45000),
		credit("CH10", "2026-10-09", tenancy.PaymentReceived, 20000),
		debit("AV11", "2026-11-01", tenancy.Notice, 45000),
		credit("AP11", "2026-11-06", tenancy.HousingBenefit, 18000),
		credit("CH11", "2026-11-09", tenancy.PaymentReceived, 27000),
	})
	status(t, l, "2026-10", receipt.Paid, 45000, 45000)
	status(t, l, "2026-11", receipt.Partial, 45000, 20000)
	r, ok := receipt.Build(l, period("2026-11"), receipt.Terms{Lease: lease}, landlord)
	if !ok || r.Kind != document.PaymentReceipt || r.HousingBenefitCents != 0 || len(r.Earlier) != 2 {
		t.Errorf("november: %s, housing benefit %d, earlier %+v; want a reçu saying the APL and the cheque went to october first",
			r.Kind, r.HousingBenefitCents, r.Earlier)
	}
}

// MonthOf answers paid only when every older debt is settled, whatever
// imputed the ledger (a guard against a quittance that would presume the
// earlier terms paid).
func TestMonthOfIsPaidOnlyWhenEveryOlderDebtIsSettled(t *testing.T) {
	full := func(id, date string, cents int64) receipt.Debt {
		e := debit(id, date, tenancy.Notice, cents)
		return receipt.Debt{Entry: e, Period: notice.PeriodOf(e.Date), AmountCents: cents,
			Imputations: []receipt.Imputation{{Credit: credit("C"+id, date, tenancy.HousingBenefit, cents), On: e.Date, AmountCents: cents}}}
	}
	older := full("AV10", "2026-10-01", 45000)
	older.Imputations = nil
	l := receipt.Ledger{Debts: []receipt.Debt{older, full("AV11", "2026-11-01", 45000)}}
	status(t, l, "2026-11", receipt.Partial, 45000, 45000)
	if _, ok := receipt.Build(l, period("2026-11"), receipt.Terms{Lease: lease}, landlord); !ok {
		t.Error("no reçu for november")
	} else if r, _ := receipt.Build(l, period("2026-11"), receipt.Terms{Lease: lease}, landlord); r.Kind == document.RentReceipt {
		t.Error("a quittance for november while october is unpaid")
	}
	l.Debts[0] = full("AV10", "2026-10-01", 45000)
	status(t, l, "2026-11", receipt.Paid, 45000, 45000)
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

// The ERP's notice lines may carry an RLS (réduction de loyer de
// solidarité, a credit on the rent), an SLS (supplément de loyer de
// solidarité, on the rent) and the APL deducted (tiers payant): the RLS and
// SLS count as rent, the APL is housing benefit shown as such, and rent,
// charges and APL add up to the total due.
func TestRule_RentNetOfRLSAndHousingBenefitFromNoticeLines(t *testing.T) {
	lines := []notice.Line{
		{Label: "Loyer", Kind: notice.Rent, AmountCents: 43000},
		{Label: "Réduction de loyer de solidarité", Kind: notice.RLS, AmountCents: -5000},
		{Label: "Supplément de loyer de solidarité", Kind: notice.SLS, AmountCents: 1000},
		{Label: "Provisions pour charges", Kind: notice.Charges, AmountCents: 7000},
		{Label: "Aide au logement (APL) versée au bailleur", Kind: notice.HousingBenefit, AmountCents: -18000},
	}
	l := receipt.Impute([]tenancy.Entry{
		debit("AV11", "2026-11-01", tenancy.Notice, 28000),
		credit("VI11", "2026-11-08", tenancy.PaymentReceived, 28000),
	})
	r, ok := receipt.Build(l, period("2026-11"), receipt.Terms{Lease: lease, NoticeLines: lines}, landlord)
	if !ok {
		t.Fatal("no receipt")
	}
	if r.RentCents != 43000-5000+1000 || r.ChargesCents != 7000 || r.OtherCents != 0 {
		t.Errorf("rent %d, charges %d, other %d; want 39000 (loyer, RLS and SLS), 7000, 0", r.RentCents, r.ChargesCents, r.OtherCents)
	}
	if r.HousingBenefitCents != 18000 || r.NoticeHousingBenefitCents != 18000 {
		t.Errorf("housing benefit %d (on the notice %d), want 18000", r.HousingBenefitCents, r.NoticeHousingBenefitCents)
	}
	if r.Lines[4].Kind != receipt.HousingBenefitLine {
		t.Errorf("the apl line is %s", r.Lines[4].Kind)
	}
	if sum := r.RentCents + r.ChargesCents + r.OtherCents - r.NoticeHousingBenefitCents; sum != r.DueCents {
		t.Errorf("rent + charges + other − APL = %d, total due %d", sum, r.DueCents)
	}
}
