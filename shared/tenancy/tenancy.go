// Package tenancy holds what the landlord's ERP knows of a lease: its
// reference, the dwelling, the signatories, and the rules for matching what a
// tenant types against them.
package tenancy

import (
	"errors"
	"strings"
	"time"
)

// ErrNotFound is returned by stores when no lease has the reference.
var ErrNotFound = errors.New("lease not found")

// Lease is a rental contract as the ERP exports it. Money is in cents.
type Lease struct {
	Reference   string // canonical: digits, no leading zeros
	ResidenceID string
	Start       Date
	End         Date // zero while the lease runs
	Address     Address
	// DwellingType is the ERP's type ("T3", "studio"...); Floor as printed.
	DwellingType string
	Floor        string
	RentCents    int64
	ChargesCents int64 // monthly provisions
	// HousingBenefitCents is the monthly housing benefit (APL) paid to the
	// landlord on the tenant's behalf.
	HousingBenefitCents int64
	PaymentMethod       PaymentMethod
	DueDay              int // day of the month the rent is due (1..28)
	// InsuranceRequired: the ERP says the lease needs a home-insurance
	// certificate (law 89-462 art. 7 g), so the portal reminds the tenant
	// while none is current.
	InsuranceRequired bool
	// BalanceCents is positive when the tenant owes, negative for a credit:
	// the sum of the ledger's entries, kept current on each ledger write.
	BalanceCents int64
	LastPayment  *Payment
	// FirstEntry and LastEntry are the dates of the oldest and newest
	// ledger entries; zero when the ledger is empty.
	FirstEntry  Date
	LastEntry   Date
	Signatories []Signatory
}

// PaymentMethod is how the tenant pays the rent.
type PaymentMethod string

// Payment methods.
const (
	DirectDebit PaymentMethod = "direct_debit"
	Transfer    PaymentMethod = "transfer"
	Cheque      PaymentMethod = "cheque"
	Card        PaymentMethod = "card"
	Cash        PaymentMethod = "cash"
	TIP         PaymentMethod = "tip" // titre interbancaire de paiement
)

// Payment is a payment received.
type Payment struct {
	Date        Date
	AmountCents int64
}

// MonthlyDueCents is what the tenant pays each month: rent and charges less
// the housing benefit the landlord receives directly.
func (l Lease) MonthlyDueCents() int64 {
	return l.RentCents + l.ChargesCents - l.HousingBenefitCents
}

// NextDue is the next due date on or after today and its amount.
func (l Lease) NextDue(today Date) Payment {
	day := l.DueDay
	if day < 1 || day > 28 {
		day = 1
	}
	due := Date{Year: today.Year, Month: today.Month, Day: day}
	if due.Before(today) {
		due = DateOf(due.Time().AddDate(0, 1, 0))
	}
	return Payment{Date: due, AmountCents: l.MonthlyDueCents()}
}

// Residence is a group of buildings with its contacts.
type Residence struct {
	ID         string
	Name       string
	Street     string
	PostalCode string
	City       string
}

// ContactRole says who a contact is for the tenant.
type ContactRole string

// Contact roles, in the order tenants need them in an emergency.
const (
	Emergency        ContactRole = "emergency"         // emergency technical service
	TerritoryManager ContactRole = "territory_manager" // gestionnaire de territoire
	Landlord         ContactRole = "landlord"          // the landlord's agency
)

// Contact is someone tenants of a residence can call.
type Contact struct {
	Role  ContactRole
	Name  string
	Phone string
	Email string
	Hours string
}

// Address is the dwelling's postal address.
type Address struct {
	Street     string
	Complement string
	PostalCode string
	City       string
}

// Signatory is a person who signed the lease.
type Signatory struct {
	ID          string // the ERP's id
	Main        bool
	LastName    string
	FirstName   string
	DateOfBirth Date
	Email       string // the email the landlord has on file
}

// MainSignatory returns the lease's main signatory, the one whose surname and
// date of birth open the account.
func (l Lease) MainSignatory() (Signatory, bool) {
	for _, s := range l.Signatories {
		if s.Main {
			return s, true
		}
	}
	return Signatory{}, false
}

// Date is a civil date (no time zone): birthdays and rent periods are days on
// a French calendar, not instants.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ParseDate reads an ISO 8601 calendar date (YYYY-MM-DD) and rejects
// impossible days such as 2023-02-30.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
	if err != nil {
		return Date{}, errors.New("date is not YYYY-MM-DD")
	}
	return Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}, nil
}

// String formats the date as YYYY-MM-DD.
func (d Date) String() string {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
}

// IsZero reports whether the date is unset.
func (d Date) IsZero() bool { return d == Date{} }
