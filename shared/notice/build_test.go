package notice_test

import (
	"reflect"
	"testing"

	"github.com/citejardins/extranet/shared/notice"
	"github.com/citejardins/extranet/shared/tenancy"
)

var (
	december = notice.Period{Year: 2026, Month: 12}
	issued   = tenancy.Date{Year: 2026, Month: 11, Day: 25}
	landlord = notice.Landlord{Name: "Cité Jardins Habitat", AddressLines: []string{"8 rue de la République", "93200 Saint-Denis"}}
)

func lease(method tenancy.PaymentMethod, rent, charges, apl int64, dueDay int) tenancy.Lease {
	return tenancy.Lease{
		Reference: "7654321", RentCents: rent, ChargesCents: charges, HousingBenefitCents: apl,
		PaymentMethod: method, DueDay: dueDay,
		Address: tenancy.Address{Street: "27 avenue Jean Jaurès", PostalCode: "93300", City: "Aubervilliers"},
		Signatories: []tenancy.Signatory{
			{LastName: "N'DIAYE", FirstName: "Awa"},
			{LastName: "N'DIAYE", FirstName: "Abdou", Main: true},
			{LastName: "SOW"},
		},
	}
}

func TestBuild(t *testing.T) {
	settlement := []notice.Line{
		{Label: "Loyer", Kind: notice.Rent, AmountCents: 40000},
		{Label: "Réduction de loyer de solidarité", Kind: notice.RLS, AmountCents: -3500},
		{Label: "Régularisation des charges 2025", Kind: notice.Settlement, AmountCents: -12000},
	}
	tests := []struct {
		name      string
		lease     tenancy.Lease
		erp       []notice.Line
		previous  int64
		lines     []notice.Line
		period    int64
		due       int64
		dueDate   tenancy.Date
		debit     *notice.DirectDebit
		recipient []string
	}{
		{
			name: "derived lines with housing benefit as a credit, credit balance", lease: lease(tenancy.Cheque, 38990, 6010, 18000, 1),
			previous: -2550,
			lines: []notice.Line{
				{Label: "Loyer", Kind: notice.Rent, AmountCents: 38990},
				{Label: "Provisions pour charges", Kind: notice.Charges, AmountCents: 6010},
				{Label: "Aide au logement (APL) versée au bailleur", Kind: notice.HousingBenefit, AmountCents: -18000},
			},
			period: 27000, due: 24450, dueDate: tenancy.Date{Year: 2026, Month: 12, Day: 1},
			recipient: []string{"Abdou N'DIAYE", "Awa N'DIAYE", "SOW"},
		},
		{
			name: "no housing benefit: two lines; owed balance added", lease: lease(tenancy.Transfer, 43000, 7000, 0, 1),
			previous: 35000,
			lines: []notice.Line{
				{Label: "Loyer", Kind: notice.Rent, AmountCents: 43000},
				{Label: "Provisions pour charges", Kind: notice.Charges, AmountCents: 7000},
			},
			period: 50000, due: 85000, dueDate: tenancy.Date{Year: 2026, Month: 12, Day: 1},
			recipient: []string{"Abdou N'DIAYE", "Awa N'DIAYE", "SOW"},
		},
		{
			name: "the ERP's lines replace the derived ones", lease: lease(tenancy.Transfer, 43000, 7000, 18000, 10),
			erp: settlement, lines: settlement,
			period: 24500, due: 24500, dueDate: tenancy.Date{Year: 2026, Month: 12, Day: 10},
			recipient: []string{"Abdou N'DIAYE", "Awa N'DIAYE", "SOW"},
		},
		{
			name: "direct debit: the pre-notification carries the due date and the amount", lease: lease(tenancy.DirectDebit, 51234, 8766, 0, 5),
			previous: 1000,
			lines: []notice.Line{
				{Label: "Loyer", Kind: notice.Rent, AmountCents: 51234},
				{Label: "Provisions pour charges", Kind: notice.Charges, AmountCents: 8766},
			},
			period: 60000, due: 61000, dueDate: tenancy.Date{Year: 2026, Month: 12, Day: 5},
			debit:     &notice.DirectDebit{Date: tenancy.Date{Year: 2026, Month: 12, Day: 5}, AmountCents: 61000},
			recipient: []string{"Abdou N'DIAYE", "Awa N'DIAYE", "SOW"},
		},
		{
			name: "a larger credit is carried: nothing to pay, nothing debited", lease: lease(tenancy.DirectDebit, 51234, 8766, 0, 5),
			previous: -70000,
			lines: []notice.Line{
				{Label: "Loyer", Kind: notice.Rent, AmountCents: 51234},
				{Label: "Provisions pour charges", Kind: notice.Charges, AmountCents: 8766},
			},
			period: 60000, due: 0, dueDate: tenancy.Date{Year: 2026, Month: 12, Day: 5},
			debit:     &notice.DirectDebit{Date: tenancy.Date{Year: 2026, Month: 12, Day: 5}},
			recipient: []string{"Abdou N'DIAYE", "Awa N'DIAYE", "SOW"},
		},
		{
			name: "a due day out of 1..28 falls on the 1st", lease: lease(tenancy.Cheque, 100, 0, 0, 31),
			lines: []notice.Line{
				{Label: "Loyer", Kind: notice.Rent, AmountCents: 100},
				{Label: "Provisions pour charges", Kind: notice.Charges, AmountCents: 0},
			},
			period: 100, due: 100, dueDate: tenancy.Date{Year: 2026, Month: 12, Day: 1},
			recipient: []string{"Abdou N'DIAYE", "Awa N'DIAYE", "SOW"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := notice.Build(tt.lease, december, tt.erp, tt.previous, landlord, issued)
			if !reflect.DeepEqual(n.Lines, tt.lines) {
				t.Errorf("lines = %+v, want %+v", n.Lines, tt.lines)
			}
			if n.PeriodCents != tt.period || n.AmountDueCents != tt.due || n.PreviousBalanceCents != tt.previous {
				t.Errorf("period %d, due %d, previous %d; want %d, %d, %d", n.PeriodCents, n.AmountDueCents,
					n.PreviousBalanceCents, tt.period, tt.due, tt.previous)
			}
			if n.DueDate != tt.dueDate {
				t.Errorf("due date %v, want %v", n.DueDate, tt.dueDate)
			}
			if !reflect.DeepEqual(n.DirectDebit, tt.debit) {
				t.Errorf("direct debit %+v, want %+v", n.DirectDebit, tt.debit)
			}
			if !reflect.DeepEqual(n.Recipients, tt.recipient) {
				t.Errorf("recipients %q, want %q (main first)", n.Recipients, tt.recipient)
			}
			if n.Reference != "7654321" || n.Period != december || n.IssueDate != issued || n.PaymentMethod != tt.lease.PaymentMethod ||
				n.Address != tt.lease.Address || n.Landlord.Name != landlord.Name {
				t.Errorf("notice %+v does not carry the lease's and the run's facts", n)
			}
		})
	}
}

func TestPrintedReferenceAndFileName(t *testing.T) {
	for ref, want := range map[string]string{"8889999": "L/0008889999", "123": "L/0000000123", "12345678": "L/00012345678"} {
		if got := notice.PrintedReference(ref); got != want {
			t.Errorf("PrintedReference(%q) = %q, want %q", ref, got, want)
		}
	}
	if got := notice.FileName(december); got != "avis-echeance-2026-12.pdf" {
		t.Errorf("FileName = %q", got)
	}
}

func TestPeriods(t *testing.T) {
	tests := []struct {
		in          string
		ok          bool
		last        tenancy.Date
		next        string
		comingAfter tenancy.Date
	}{
		{"2026-12", true, tenancy.Date{Year: 2026, Month: 12, Day: 31}, "2027-01", tenancy.Date{Year: 2026, Month: 11, Day: 25}},
		{"2028-02", true, tenancy.Date{Year: 2028, Month: 2, Day: 29}, "2028-03", tenancy.Date{Year: 2028, Month: 1, Day: 31}},
		{"2026-2", false, tenancy.Date{}, "", tenancy.Date{}},
		{"1999-12", false, tenancy.Date{}, "", tenancy.Date{}},
		{"2026-13", false, tenancy.Date{}, "", tenancy.Date{}},
	}
	for _, tt := range tests {
		p, err := notice.ParsePeriod(tt.in)
		if (err == nil) != tt.ok {
			t.Errorf("ParsePeriod(%q): %v", tt.in, err)
			continue
		}
		if !tt.ok {
			continue
		}
		if p.String() != tt.in || p.Last() != tt.last || p.Next().String() != tt.next || p.First().Day != 1 {
			t.Errorf("%s: last %v, next %v", tt.in, p.Last(), p.Next())
		}
		if c := notice.Coming(tt.comingAfter); c != p {
			t.Errorf("Coming(%v) = %v, want %v", tt.comingAfter, c, p)
		}
	}
}
