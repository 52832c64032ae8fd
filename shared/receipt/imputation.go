// Package receipt makes rent receipts on the tenant's request (law 89-462 of
// 6 July 1989, art. 21): a quittance for a month whose rent and charges are
// fully paid, a reçu (payment receipt) for a month partly paid, never a
// quittance for it. Both are free, made on request, from the ERP's ledger
// only (tenancy.Entry, the whole history of the lease).
//
// # Imputation (Code civil art. 1342-10)
//
// Which month a payment pays is decided by imputing the ledger:
//
//   - A month's debt is the debits dated in that month (the notice, a
//     charges settlement, any other debit); each debit is a separate debt,
//     ordered by date, then by the ERP's id.
//   - The tenant's payments (and any other credit) go to the debts already
//     due on the payment's date, oldest first, as art. 1342-10 al. 2 does
//     when the debtor said nothing. A credit beyond every due debt waits as
//     an advance and goes to the next debts as they fall due.
//   - Housing benefit paid to the landlord (APL, kind housing_benefit) is
//     imputed the same way, oldest first: the ledger does not say which
//     month the CAF paid for (it pays month M's APL in M+1, and a back
//     payment covers several months), so no credit is taken as designated.
//
// Hence a month is paid only when every debt due before it is (PRODUCT.md,
// "Rules of French law"): a quittance for a month would otherwise let the
// earlier terms be presumed paid while they are not.
//
// The consequence for a tenant with older arrears: a payment meant for this
// month first settles the older debt, so this month may stay short and get a
// reçu, not a quittance, until the arrears are paid. The reçu says so, e.g.
// "Votre paiement de 270,00 € du 10/11/2026 a d’abord réglé 120,00 € restant
// dus sur octobre 2026 (article 1342-10 du Code civil)."
//
// Amounts are integer cents; dates are civil dates (Europe/Paris).
package receipt

import (
	"sort"

	"github.com/citejardins/extranet/shared/notice"
	"github.com/citejardins/extranet/shared/tenancy"
)

// Debt is one debit of the ledger: an amount the tenant owes from its date.
type Debt struct {
	Entry       tenancy.Entry
	Period      notice.Period // the month of its date
	AmountCents int64
	// Imputations are the parts of credits that paid it, in the order they
	// were imputed.
	Imputations []Imputation
}

// Imputation is the part of one credit imputed to one debt.
type Imputation struct {
	Credit tenancy.Entry
	// On is when the part was imputed: the credit's date, or the debt's
	// date for an advance that waited for the debt to fall due.
	On          tenancy.Date
	AmountCents int64
}

// PaidCents is the part of the debt paid.
func (d Debt) PaidCents() int64 {
	var n int64
	for _, im := range d.Imputations {
		n += im.AmountCents
	}
	return n
}

// Settled reports whether the debt is fully paid.
func (d Debt) Settled() bool { return d.PaidCents() >= d.AmountCents }

// Ledger is a lease's ledger once imputed.
type Ledger struct {
	// Debts are every debit, oldest first (date, then ERP id).
	Debts []Debt
	// AdvanceCents is what credits hold beyond every debt: the advance
	// that waits for the next debt.
	AdvanceCents int64
}

// HistoryFrom is the month of the ledger's oldest debt: the first month
// its history covers (the ERP sent no older entries); zero when it has no
// debt.
func (l Ledger) HistoryFrom() notice.Period {
	if len(l.Debts) == 0 {
		return notice.Period{}
	}
	return l.Debts[0].Period
}

// Impute imputes the credits of entries (in any order) to their debits by
// the rules of the package doc. An entry whose debit exceeds its credit is
// a debt of the difference; one whose credit exceeds its debit, a credit of
// the difference; a zero entry is ignored.
func Impute(entries []tenancy.Entry) Ledger {
	var debts []Debt
	var credits []tenancy.Entry
	for _, e := range entries {
		switch a := e.AmountCents(); {
		case a > 0:
			debts = append(debts, Debt{Entry: e, Period: notice.PeriodOf(e.Date), AmountCents: a})
		case a < 0:
			credits = append(credits, e)
		}
	}
	byDate := func(a, b tenancy.Entry) bool {
		if a.Date != b.Date {
			return a.Date.Before(b.Date)
		}
		return a.ID < b.ID
	}
	sort.SliceStable(debts, func(i, j int) bool { return byDate(debts[i].Entry, debts[j].Entry) })
	sort.SliceStable(credits, func(i, j int) bool { return byDate(credits[i], credits[j]) })

	im := imputer{debts: debts}
	c := 0
	for d := range debts {
		// Credits dated before this debt are imputed first: on a same day,
		// the debt is due before the day's payments.
		for ; c < len(credits) && credits[c].Date.Before(debts[d].Entry.Date); c++ {
			im.credit(credits[c], d)
		}
		im.fallDue(d)
	}
	for ; c < len(credits); c++ {
		im.credit(credits[c], len(debts))
	}
	l := Ledger{Debts: im.debts}
	for _, a := range im.advance {
		l.AdvanceCents += a.left
	}
	return l
}

// waiting is the rest of a credit kept as an advance.
type waiting struct {
	credit tenancy.Entry
	left   int64
}

type imputer struct {
	debts   []Debt
	advance []waiting // oldest credit first
}

// fallDue makes debt d due: the advance, if any, pays it first.
func (im *imputer) fallDue(d int) {
	for len(im.advance) > 0 && !im.debts[d].Settled() {
		w := &im.advance[0]
		w.left = im.pay(d, w.credit, w.left, im.debts[d].Entry.Date)
		if w.left == 0 {
			im.advance = im.advance[1:]
		}
	}
}

// credit imputes credit c when the debts before index due are due.
func (im *imputer) credit(c tenancy.Entry, due int) {
	left := -c.AmountCents()
	for d := 0; d < due && left > 0; d++ {
		left = im.pay(d, c, left, c.Date)
	}
	if left > 0 {
		im.advance = append(im.advance, waiting{credit: c, left: left})
	}
}

// pay imputes up to left cents of credit c to debt d on day on (or the
// debt's date, if later) and returns what is left of them.
func (im *imputer) pay(d int, c tenancy.Entry, left int64, on tenancy.Date) int64 {
	debt := &im.debts[d]
	part := min(left, debt.AmountCents-debt.PaidCents())
	if part <= 0 {
		return left
	}
	if on.Before(debt.Entry.Date) {
		on = debt.Entry.Date
	}
	debt.Imputations = append(debt.Imputations, Imputation{Credit: c, On: on, AmountCents: part})
	return left - part
}
