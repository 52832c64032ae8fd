// Package notice holds the monthly rent notice (avis d'échéance): its
// period, its lines and the amounts printed on it, computed from what the
// ERP knows of a lease. It is the domain of the monthly run; rendering it
// (a PDF) and storing it are adapters' work.
//
// A notice is a call for rent, never a receipt: it must not say that it
// "tient lieu de quittance" (Cass. 3e civ., 24 March 2004), and issuing it
// writes no ledger entry, the ERP staying the system of record.
package notice

import (
	"errors"
	"fmt"
	"time"

	"github.com/citejardins/extranet/shared/tenancy"
)

// Period is a rent period: a calendar month, written AAAA-MM.
type Period struct {
	Year  int
	Month time.Month
}

// ErrBadPeriod is returned for a period that is not AAAA-MM.
var ErrBadPeriod = errors.New("period is not AAAA-MM")

// ParsePeriod reads AAAA-MM (2026-12), years 2000 to 2099.
func ParsePeriod(s string) (Period, error) {
	t, err := time.Parse("2006-01", s)
	if err != nil || len(s) != 7 || t.Year() < 2000 || t.Year() > 2099 {
		return Period{}, ErrBadPeriod
	}
	return Period{Year: t.Year(), Month: t.Month()}, nil
}

// String formats the period as AAAA-MM.
func (p Period) String() string { return fmt.Sprintf("%04d-%02d", p.Year, int(p.Month)) }

// IsZero reports whether the period is unset.
func (p Period) IsZero() bool { return p == Period{} }

// First is the period's first day.
func (p Period) First() tenancy.Date { return tenancy.Date{Year: p.Year, Month: p.Month, Day: 1} }

// Last is the period's last day.
func (p Period) Last() tenancy.Date {
	return tenancy.DateOf(time.Date(p.Year, p.Month+1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -1))
}

// Next is the following month.
func (p Period) Next() Period {
	t := time.Date(p.Year, p.Month+1, 1, 0, 0, 0, 0, time.UTC)
	return Period{Year: t.Year(), Month: t.Month()}
}

// PeriodOf is the period a civil date falls in.
func PeriodOf(d tenancy.Date) Period { return Period{Year: d.Year, Month: d.Month} }

// Coming is the period the monthly run issues on a day: the next month.
func Coming(today tenancy.Date) Period { return PeriodOf(today).Next() }

// LineKind says what a notice line is; the values are the ERP's
// (lignes_avis `type`, shared/erp/FORMAT.md).
type LineKind string

// Line kinds.
const (
	Rent           LineKind = "loyer"          // loyer principal
	Charges        LineKind = "charges"        // provisions pour charges
	HousingBenefit LineKind = "apl"            // aide au logement versée au bailleur (tiers payant): a credit
	RLS            LineKind = "rls"            // réduction de loyer de solidarité: a credit
	SLS            LineKind = "sls"            // supplément de loyer de solidarité
	Settlement     LineKind = "regularisation" // régularisation des charges, either sign
	Other          LineKind = "autre"
)

// Valid reports whether k is one of the kinds above.
func (k LineKind) Valid() bool {
	switch k {
	case Rent, Charges, HousingBenefit, RLS, SLS, Settlement, Other:
		return true
	}
	return false
}

// Line is one line of a notice. AmountCents is what it adds to the amount
// to pay: negative for a credit (housing benefit, RLS, a refund).
type Line struct {
	Label       string
	Kind        LineKind
	AmountCents int64
}

// Landlord is who issues the notices: its name, its postal address (lines,
// as printed) and how tenants pay it. From settings.
type Landlord struct {
	Name         string
	AddressLines []string
	Phone        string
	// IBAN and BIC are printed for tenants who pay by transfer; empty
	// leaves the paragraph out.
	IBAN, BIC string
	// ICS is the SEPA creditor identifier, printed with the mandate's RUM on
	// a direct-debit tenant's pre-notification once direct debit exists.
	ICS string
}

// DirectDebit is the SEPA pre-notification a notice carries for a tenant who
// pays by direct debit: the debit's date and amount (the SEPA rulebook asks
// for it 14 days ahead unless agreed otherwise).
type DirectDebit struct {
	Date        tenancy.Date
	AmountCents int64
	// RUM is the mandate's unique reference: set (with ICS) for a mandate
	// signed in the portal (shared/directdebit, noticerun.PreNotify),
	// empty for a direct debit the ERP alone knows.
	RUM string
	// ICS is the creditor identifier of that mandate; empty: the
	// landlord's (Landlord.ICS).
	ICS string `json:",omitempty"`
}

// Notice is one lease's rent notice for one period, with every amount
// printed on it. Amounts are integer cents.
type Notice struct {
	Reference string // canonical lease reference (digits, no leading zeros)
	Period    Period
	IssueDate tenancy.Date // printed "Date d'émission"; fixes the PDF's bytes
	DueDate   tenancy.Date
	Landlord  Landlord
	// Recipients are the signatories' names as printed ("Mme Céline
	// LEFÈVRE" is the ERP's business; here "Céline LEFÈVRE"), main first.
	Recipients []string
	Address    tenancy.Address
	Lines      []Line
	// PeriodCents is the sum of Lines.
	PeriodCents int64
	// PreviousBalanceCents is the balance before the period: positive owed,
	// negative a credit. It is the account as known on IssueDate, without
	// the entries dated in the period or after, so the notice dates it with
	// IssueDate (or the period's eve for a notice issued late), not with the
	// period's eve.
	PreviousBalanceCents int64
	// AmountDueCents is what to pay by DueDate: previous balance plus the
	// period, never below zero (a larger credit is carried, not refunded).
	AmountDueCents int64
	PaymentMethod  tenancy.PaymentMethod
	DirectDebit    *DirectDebit // for a direct-debit lease only
}

// PrintedReference is the reference as today's paper notices print it:
// L/000 followed by the reference padded to seven digits. The account
// digits and key that follow on the ERP's notices are not exported to the
// portal, so they are left out.
func PrintedReference(ref string) string {
	for len(ref) < 7 {
		ref = "0" + ref
	}
	return "L/000" + ref
}

// FileName is the French file name a tenant downloads the notice as.
func FileName(p Period) string { return "avis-echeance-" + p.String() + ".pdf" }

// DerivedLines are the lines of a period from the lease's terms, used when
// the ERP sent none for that lease and period: rent, charges, and the
// housing benefit as a credit.
func DerivedLines(l tenancy.Lease) []Line {
	lines := []Line{
		{Label: "Loyer", Kind: Rent, AmountCents: l.RentCents},
		{Label: "Provisions pour charges", Kind: Charges, AmountCents: l.ChargesCents},
	}
	if l.HousingBenefitCents != 0 {
		lines = append(lines, Line{Label: "Aide au logement (APL) versée au bailleur", Kind: HousingBenefit, AmountCents: -l.HousingBenefitCents})
	}
	return lines
}

// Build computes a lease's notice for a period. erpLines are the lines the
// ERP sent for that lease and period (lignes_avis); when there are any they
// replace the lines derived from the lease's terms. previousBalanceCents is
// the lease's balance before the period's first day.
func Build(l tenancy.Lease, p Period, erpLines []Line, previousBalanceCents int64, landlord Landlord, issued tenancy.Date) Notice {
	lines := erpLines
	if len(lines) == 0 {
		lines = DerivedLines(l)
	}
	n := Notice{Reference: l.Reference, Period: p, IssueDate: issued, DueDate: dueDate(l, p), Landlord: landlord,
		Address: l.Address, Lines: lines, PreviousBalanceCents: previousBalanceCents, PaymentMethod: l.PaymentMethod}
	if m, ok := l.MainSignatory(); ok {
		n.Recipients = append(n.Recipients, name(m))
	}
	for _, s := range l.Signatories {
		if !s.Main {
			n.Recipients = append(n.Recipients, name(s))
		}
	}
	for _, x := range lines {
		n.PeriodCents += x.AmountCents
	}
	n.AmountDueCents = max(0, previousBalanceCents+n.PeriodCents)
	if l.PaymentMethod == tenancy.DirectDebit {
		n.DirectDebit = &DirectDebit{Date: n.DueDate, AmountCents: n.AmountDueCents}
	}
	return n
}

func name(s tenancy.Signatory) string {
	if s.FirstName == "" {
		return s.LastName
	}
	return s.FirstName + " " + s.LastName
}

func dueDate(l tenancy.Lease, p Period) tenancy.Date {
	day := l.DueDay
	if day < 1 || day > 28 {
		day = 1
	}
	return tenancy.Date{Year: p.Year, Month: p.Month, Day: day}
}

// Renderer turns notices into PDF documents. Rendering is deterministic:
// the same notice gives the same bytes, so a re-run that rewrites a stored
// notice rewrites it identically.
type Renderer interface {
	// Render returns one notice as a one-page A4 PDF.
	Render(n Notice) ([]byte, error)
	// RenderBatch returns the notices as one PDF, one page each in the order
	// given (the print batch, in postal order).
	RenderBatch(ns []Notice) ([]byte, error)
}
