package receipt

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"sort"

	"github.com/citejardins/extranet/shared/document"
	"github.com/citejardins/extranet/shared/notice"
	"github.com/citejardins/extranet/shared/tenancy"
)

// Status is how far a month's debts are paid.
type Status string

// Month statuses.
const (
	Paid    Status = "paid"    // every debt of the month fully imputed: a quittance
	Partial Status = "partial" // some of it: a reçu for what was paid
	Unpaid  Status = "unpaid"  // none of it: no receipt
	NotDue  Status = "not_due" // no debit in the month yet (a future month)
)

// Kind is the document a month of this status gets: document.RentReceipt
// for a paid month, document.PaymentReceipt for a partly paid one, empty
// otherwise.
func (s Status) Kind() document.Kind {
	switch s {
	case Paid:
		return document.RentReceipt
	case Partial:
		return document.PaymentReceipt
	}
	return ""
}

// Month is the state of one month of the lease.
type Month struct {
	Period    notice.Period
	Status    Status
	DueCents  int64 // the month's debits
	PaidCents int64 // what was imputed to them
}

// MonthOf is the state of period p in the imputed ledger l: NotDue when it
// has no debit.
func (l Ledger) MonthOf(p notice.Period) Month {
	m := Month{Period: p}
	settled := true
	for _, d := range l.Debts {
		if d.Period != p {
			continue
		}
		m.DueCents += d.AmountCents
		m.PaidCents += d.PaidCents()
		settled = settled && d.Settled()
	}
	switch {
	case m.DueCents == 0:
		m.Status = NotDue
	case settled:
		m.Status = Paid
	case m.PaidCents > 0:
		m.Status = Partial
	default:
		m.Status = Unpaid
	}
	return m
}

// LineKind says what a line of a receipt's dues is.
type LineKind string

// Line kinds.
const (
	RentLine       LineKind = "rent"       // loyer
	ChargesLine    LineKind = "charges"    // provisions pour charges
	SettlementLine LineKind = "settlement" // régularisation des charges
	// UndividedLine is a notice's debit whose rent and charges could not
	// be told apart (neither the ERP's lines nor the lease's terms add up
	// to it): the receipt says so.
	UndividedLine LineKind = "undivided"
	OtherLine     LineKind = "other" // any other debit, or an ERP line of another kind
)

// Line is one line of what the month owed, in cents (a credit line of the
// ERP's notice lines is negative).
type Line struct {
	Date        tenancy.Date // the debit's date
	Label       string
	Kind        LineKind
	AmountCents int64
}

// Payment is a credit imputed, in part or whole, to the month.
type Payment struct {
	Date           tenancy.Date
	Label          string
	HousingBenefit bool  // APL paid by the CAF
	AmountCents    int64 // the whole credit
	ImputedCents   int64 // the part imputed to the month
	// On is the date of its last part imputed to the month.
	On tenancy.Date
}

// Earlier is a part of a payment imputed to an earlier month's debt rather
// than to this one, as the oldest-first rule does.
type Earlier struct {
	Date        tenancy.Date // the payment's
	Label       string
	AmountCents int64 // the whole payment
	Period      notice.Period
	PartCents   int64 // what it settled of that month
}

// Receipt is what a rent receipt or payment receipt states; the PDF
// prints it. It holds no date of generation, so that the same facts give
// the same Version and the same bytes.
type Receipt struct {
	Kind      document.Kind // RentReceipt or PaymentReceipt
	Reference string
	Period    notice.Period
	Landlord  notice.Landlord
	// Tenants are the signatories' names, main first.
	Tenants []string
	Address tenancy.Address
	Lines   []Line
	// RentCents and ChargesCents total the rent and the charges of Lines
	// (settlements count as charges); undivided lines are in neither.
	RentCents, ChargesCents int64
	// Undivided is true when a line is UndividedLine.
	Undivided bool
	Payments  []Payment
	// HousingBenefitCents is the housing benefit imputed to the month.
	HousingBenefitCents int64
	Earlier             []Earlier
	DueCents, PaidCents int64
	// Date is the day the month became paid (a quittance) or the last
	// imputation's day (a reçu): the receipt's printed date.
	Date tenancy.Date
	// Version is the fingerprint of all the above (32 hex).
	Version string
}

// Terms are what splits a notice's debit into rent and charges: the ERP's
// notice lines of the period, if any, and the lease.
type Terms struct {
	Lease tenancy.Lease
	// NoticeLines are the ERP's lines of the period's notice (lignes_avis),
	// nil if it sent none.
	NoticeLines []notice.Line
}

// Build states the receipt of period p of lease t.Lease from the imputed
// ledger, for a month whose status is Paid or Partial; ok is false for any
// other month. The split of a notice's debit into rent and charges comes
// from t.NoticeLines when they add up to it, else from the lease's rent and
// charges when they add up to it, else it is one undivided line.
func Build(l Ledger, p notice.Period, t Terms, landlord notice.Landlord) (Receipt, bool) {
	m := l.MonthOf(p)
	kind := m.Status.Kind()
	if kind == "" {
		return Receipt{}, false
	}
	r := Receipt{Kind: kind, Reference: t.Lease.Reference, Period: p, Landlord: landlord, Tenants: Tenants(t.Lease),
		Address: t.Lease.Address, DueCents: m.DueCents, PaidCents: m.PaidCents}
	byCredit := map[string]int{} // credit id → index in Payments
	for _, d := range l.Debts {
		if d.Period != p {
			continue
		}
		r.Lines = append(r.Lines, split(d, t)...)
		for _, im := range d.Imputations {
			i, seen := byCredit[im.Credit.ID]
			if !seen {
				i = len(r.Payments)
				byCredit[im.Credit.ID] = i
				r.Payments = append(r.Payments, Payment{Date: im.Credit.Date, Label: im.Credit.Label,
					HousingBenefit: im.Credit.Kind == tenancy.HousingBenefit, AmountCents: -im.Credit.AmountCents()})
			}
			r.Payments[i].ImputedCents += im.AmountCents
			if r.Payments[i].On.Before(im.On) {
				r.Payments[i].On = im.On
			}
			if r.Date.Before(im.On) {
				r.Date = im.On
			}
			if im.Credit.Kind == tenancy.HousingBenefit {
				r.HousingBenefitCents += im.AmountCents
			}
		}
	}
	sort.SliceStable(r.Payments, func(i, j int) bool {
		if r.Payments[i].Date != r.Payments[j].Date {
			return r.Payments[i].Date.Before(r.Payments[j].Date)
		}
		return r.Payments[i].Label < r.Payments[j].Label
	})
	for _, x := range r.Lines {
		switch x.Kind {
		case RentLine:
			r.RentCents += x.AmountCents
		case ChargesLine, SettlementLine:
			r.ChargesCents += x.AmountCents
		case UndividedLine:
			r.Undivided = true
		}
	}
	r.Earlier = earlier(l, p)
	r.Version = version(r)
	return r, true
}

// earlier lists the parts of the month's payments (those imputed to it, and
// those dated in it) that went to older months' debts.
func earlier(l Ledger, p notice.Period) []Earlier {
	mine := map[string]bool{}
	for _, d := range l.Debts {
		for _, im := range d.Imputations {
			if d.Period == p || notice.PeriodOf(im.Credit.Date) == p {
				mine[im.Credit.ID] = true
			}
		}
	}
	var out []Earlier
	for _, d := range l.Debts {
		if !d.Period.First().Before(p.First()) {
			continue
		}
		for _, im := range d.Imputations {
			if !mine[im.Credit.ID] || notice.PeriodOf(im.Credit.Date) == d.Period {
				continue // a payment of that month, for that month
			}
			if n := len(out); n > 0 && out[n-1].Period == d.Period && out[n-1].Date == im.Credit.Date && out[n-1].Label == im.Credit.Label {
				out[n-1].PartCents += im.AmountCents
				continue
			}
			out = append(out, Earlier{Date: im.Credit.Date, Label: im.Credit.Label, AmountCents: -im.Credit.AmountCents(),
				Period: d.Period, PartCents: im.AmountCents})
		}
	}
	return out
}

// split is the lines of debt d: a notice's rent and charges, a settlement,
// or another debit.
func split(d Debt, t Terms) []Line {
	e := d.Entry
	one := func(k LineKind) []Line {
		return []Line{{Date: e.Date, Label: e.Label, Kind: k, AmountCents: d.AmountCents}}
	}
	switch e.Kind {
	case tenancy.ChargesSettlement:
		return one(SettlementLine)
	case tenancy.Notice:
	default:
		return one(OtherLine)
	}
	if len(t.NoticeLines) > 0 && notice.PeriodOf(e.Date) == d.Period {
		var sum int64
		for _, x := range t.NoticeLines {
			sum += x.AmountCents
		}
		if sum == d.AmountCents {
			out := make([]Line, len(t.NoticeLines))
			for i, x := range t.NoticeLines {
				out[i] = Line{Date: e.Date, Label: x.Label, Kind: lineKindOf(x.Kind), AmountCents: x.AmountCents}
			}
			return out
		}
	}
	if l := t.Lease; l.RentCents+l.ChargesCents == d.AmountCents && l.RentCents > 0 {
		return []Line{
			{Date: e.Date, Label: "Loyer", Kind: RentLine, AmountCents: l.RentCents},
			{Date: e.Date, Label: "Provisions pour charges", Kind: ChargesLine, AmountCents: l.ChargesCents},
		}
	}
	return one(UndividedLine)
}

func lineKindOf(k notice.LineKind) LineKind {
	switch k {
	case notice.Rent:
		return RentLine
	case notice.Charges:
		return ChargesLine
	case notice.Settlement:
		return SettlementLine
	}
	return OtherLine
}

// Tenants are the lease's signatories' names as printed, main first.
func Tenants(l tenancy.Lease) []string {
	var out []string
	name := func(s tenancy.Signatory) string {
		if s.FirstName == "" {
			return s.LastName
		}
		return s.FirstName + " " + s.LastName
	}
	if m, ok := l.MainSignatory(); ok {
		out = append(out, name(m))
	}
	for _, s := range l.Signatories {
		if !s.Main {
			out = append(out, name(s))
		}
	}
	return out
}

// version is a fingerprint of every fact r states: 32 hex of a SHA-256 of
// their JSON (struct fields in a fixed order, so the same facts give the
// same bytes).
func version(r Receipt) string {
	r.Version = ""
	b, err := json.Marshal(r)
	if err != nil { // only plain values: cannot fail
		panic(err)
	}
	sum := sha256.Sum256(append([]byte("receipt-v1\x00"), b...))
	return hex.EncodeToString(sum[:16])
}
