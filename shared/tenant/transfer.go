package tenant

import (
	"strings"

	"github.com/citejardins/extranet/shared/notice"
	"github.com/citejardins/extranet/shared/tenancy"
)

// Payee is the landlord's bank account tenants pay by transfer into: the
// settings LANDLORD_IBAN, LANDLORD_BIC and LANDLORD_NAME (the holder),
// the same the notices print. The zero value (no IBAN) gives no transfer
// details.
type Payee struct {
	IBAN, BIC, Holder string
}

// Transfer is what a tenant needs to pay by transfer: the landlord's
// account and the wording to write on the transfer so that the ERP
// matches the payment to the lease.
type Transfer struct {
	IBAN   string // in groups of four characters, as printed on a RIB
	BIC    string
	Holder string
	// Wording is the transfer's unstructured remittance information: the
	// printed lease reference and the main signatory's surname, in the
	// SEPA Latin character set, at most WordingMax characters.
	Wording string
}

// WordingMax is the length of a SEPA transfer's unstructured remittance
// information (ISO 20022 pain.001, RmtInf/Ustrd: 140 characters).
const WordingMax = 140

// WithPayee makes the summary give the transfer details to p's account.
func (s *Service) WithPayee(p Payee) *Service {
	s.payee = p
	return s
}

// transfer is the lease's transfer details; nil when no IBAN is set.
func (s *Service) transfer(l tenancy.Lease) *Transfer {
	iban := strings.ToUpper(strings.Join(strings.Fields(s.payee.IBAN), ""))
	if iban == "" {
		return nil
	}
	wording := notice.PrintedReference(l.Reference)
	if sig, ok := l.MainSignatory(); ok {
		wording += " " + strings.ToUpper(sig.LastName)
	}
	return &Transfer{IBAN: ibanGroups(iban), BIC: strings.ToUpper(strings.TrimSpace(s.payee.BIC)),
		Holder: strings.TrimSpace(s.payee.Holder), Wording: tenancy.SEPAText(wording, WordingMax)}
}

// ibanGroups writes a compact IBAN in groups of four characters.
func ibanGroups(iban string) string {
	var b strings.Builder
	for i, r := range iban {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}
