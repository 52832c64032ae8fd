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
	Reference    string // canonical: digits, no leading zeros
	Address      Address
	RentCents    int64
	ChargesCents int64
	// BalanceCents is positive when the tenant owes, negative for a credit.
	BalanceCents int64
	Signatories  []Signatory
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
	Main        bool
	LastName    string
	FirstName   string
	DateOfBirth Date
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
