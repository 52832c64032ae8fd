// Package document describes what a tenant finds in "Mes documents": the
// rent notices issued for the lease, the landlord's useful documents and,
// later, receipts, certificates and the direct-debit mandate.
package document

import (
	"errors"

	"github.com/citejardins/extranet/shared/tenancy"
)

// Kind is what a document is; the API's `kind`.
type Kind string

// Document kinds.
const (
	Notice   Kind = "notice"   // avis d'échéance
	Landlord Kind = "landlord" // useful documents: Guide Eco'Loc, charte, règlement
	// Made on the tenant's request (Issued reports true): a document
	// states facts of the ledger at the time it is made, so the same
	// period may get a new one when the facts change.
	RentReceipt        Kind = "rent_receipt"        // quittance de loyer (law 89-462 art. 21)
	PaymentReceipt     Kind = "payment_receipt"     // reçu: a month partly paid
	TenancyCertificate Kind = "tenancy_certificate" // attestation de situation locative
	// SepaMandate is a SEPA direct-debit mandate the tenant signed in the
	// portal (shared/directdebit): made once per mandate, its version the
	// mandate's fingerprint.
	SepaMandate Kind = "sepa_mandate"
)

// Issued reports whether documents of kind k are made on the tenant's
// request, several per period possible (one per version of their facts),
// rather than once per period by the monthly run.
func (k Kind) Issued() bool {
	switch k {
	case RentReceipt, PaymentReceipt, TenancyCertificate, SepaMandate:
		return true
	}
	return false
}

// LeaseKinds are the kinds of a lease's own documents.
var LeaseKinds = []Kind{Notice, RentReceipt, PaymentReceipt, TenancyCertificate, SepaMandate}

// ErrNotFound is returned for a document that is not the tenant's, or
// does not exist: the two are never told apart.
var ErrNotFound = errors.New("document not found")

// Document is one file of a tenant's "Mes documents".
type Document struct {
	// ID is opaque to clients and stable; it names the document only
	// within its lease (or its residence, or all tenants).
	ID     string
	Kind   Kind
	Title  string
	Period string // AAAA-MM, or empty
	Date   tenancy.Date
	// ContentType is the file's media type (application/pdf).
	ContentType string
	SizeBytes   int64
	// FileName is what the tenant's download is called
	// (avis-echeance-2026-12.pdf).
	FileName string
	// Key is the object's key in the documents bucket; never shown.
	Key string
	// Version is, for a document made on request (Kind.Issued), a
	// fingerprint of the facts it states (16 hex or more): the same
	// facts give the same id, so asking twice stores one document.
	// Empty for a notice.
	Version string
	// For a notice: the amount to pay and its due date, for the home page.
	AmountDueCents *int64
	DueDate        *tenancy.Date
}
