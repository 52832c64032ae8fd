package tenancy

import "errors"

// EntryKind says what a ledger entry is.
type EntryKind string

// Entry kinds.
const (
	Notice            EntryKind = "notice"             // monthly call for rent (avis d'échéance)
	PaymentReceived   EntryKind = "payment"            // the tenant paid
	HousingBenefit    EntryKind = "housing_benefit"    // APL received by the landlord
	ChargesSettlement EntryKind = "charges_settlement" // yearly régularisation des charges
	OtherEntry        EntryKind = "other"
)

// Entry is a line of the lease's account statement. A debit is what the
// tenant owes, a credit what was paid or granted.
type Entry struct {
	ID          string // the ERP's id
	Date        Date
	Label       string
	Kind        EntryKind
	DebitCents  int64
	CreditCents int64
	// BalanceAfterCents is the balance once this entry (and every earlier
	// one) is counted.
	BalanceAfterCents int64
}

// AmountCents is the entry's effect on the balance.
func (e Entry) AmountCents() int64 { return e.DebitCents - e.CreditCents }

// EntryPage is one page of a lease's account statement, newest first.
type EntryPage struct {
	Entries []Entry
	// Next is the opaque cursor of the following page; empty on the last.
	Next string
}

// ErrBadCursor is returned for a page cursor the store did not make.
var ErrBadCursor = errors.New("bad cursor")
