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
	// PaymentID is the portal's id of the online payment the entry books
	// (32 lower-case hex digits), empty for any other entry: on an ERP
	// entry, its id_paiement; on a provisional entry, its payment.
	PaymentID string
	// BalanceAfterCents is the balance once this entry (and every earlier
	// one) is counted.
	BalanceAfterCents int64
}

// ProvisionalEntryPrefix starts the id of the portal's provisional entries
// of an online payment (portal-<payment id>, portal-<payment id>-refund),
// which the ERP's line of the payment replaces. No ERP id may start with it.
const ProvisionalEntryPrefix = "portal-"

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
