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
)

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
	// For a notice: the amount to pay and its due date, for the home page.
	AmountDueCents *int64
	DueDate        *tenancy.Date
}
