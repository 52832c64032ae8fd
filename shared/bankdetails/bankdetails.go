// Package bankdetails is "Mes coordonnées bancaires": the account a tenant
// gives the landlord (refunds, and the direct-debit mandate of package
// directdebit), read back masked, changed only with the account's password,
// announced by email to the account's address and exported to the ERP.
//
// The checks of the IBAN, the BIC and the holder are package bankaccount's.
package bankdetails

import (
	"context"
	"errors"
	"time"

	"github.com/citejardins/extranet/shared/account"
	"github.com/citejardins/extranet/shared/bankaccount"
	"github.com/citejardins/extranet/shared/tenant"
)

// Details are a lease's bank details as stored (item LEASE#<ref> / BANK,
// shared/dynamo/DESIGN.md).
type Details struct {
	IBAN      bankaccount.IBAN // electronic form
	BIC       bankaccount.BIC
	Holder    string // as typed, spaces normalised (bankaccount.ParseHolder)
	UpdatedAt time.Time
	// Version counts the changes: 1 for the first details, +1 at each
	// change; every write is conditioned on the version read.
	Version int64
}

// Change is what the tenant sends to set the bank details: the fields as
// typed, and the account's current password.
type Change struct {
	IBAN     string
	BIC      string
	Holder   string
	Password string
}

// EventChanged is the type of the ERP event a change writes to the outbox,
// with EventData as its data.
const EventChanged = "bank_details_changed"

// EventData is the data of EventChanged: the new details in full (the ERP
// needs the whole IBAN to pay refunds and to debit), the IBAN in electronic
// form and the holder as typed.
type EventData struct {
	IBAN   string `json:"iban"`
	BIC    string `json:"bic"`
	Holder string `json:"holder"`
}

// Store errors.
var (
	ErrNotFound = errors.New("no bank details")
	ErrConflict = errors.New("bank details changed meanwhile")
)

// Store keeps the bank details. Every method takes the lease reference, so
// no call can reach another lease.
type Store interface {
	// BankDetails reads the lease's details, strongly; ErrNotFound when none.
	BankDetails(ctx context.Context, ref string) (Details, error)
	// SetBankDetails saves d (whose Version is the stored one + 1; 1 when
	// none is stored) and the event, in one transaction; ErrConflict when the
	// stored version is no longer d.Version − 1.
	SetBankDetails(ctx context.Context, ref string, d Details, e tenant.Event) error
}

// Passwords checks the account's password before the change (the account
// service, with its failure limits: account.Service.ConfirmPassword).
type Passwords interface {
	ConfirmPassword(ctx context.Context, p account.Principal, password, client string) error
}

// Counter takes units of a limit atomically before the work they guard
// (shared/dynamo's counters), as tenant.Counter.
type Counter = tenant.Counter

var _ Passwords = (*account.Service)(nil)
