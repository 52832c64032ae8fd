// Package insurance is the tenant's home-insurance certificate (attestation
// d'assurance habitation): a tenant must insure the dwelling against the
// risks they answer for and prove it to the landlord when the keys are
// handed over and then every year on request (law 89-462 of 6 July 1989,
// art. 7 g). The tenant uploads the insurer's certificate; the portal
// checks the file, keeps it and sends it to the ERP; the landlord accepts
// or refuses it there, and the decision comes back in the ERP's
// `assurances` file. A daily schedule reminds the tenant before and when the
// cover ends, and when no certificate ever arrived while the ERP says one
// is required.
package insurance

import (
	"time"

	"github.com/citejardins/extranet/shared/tenancy"
)

// Status is where a certificate stands; the API's `status`.
type Status string

// Statuses.
const (
	Pending  Status = "pending"  // sent, awaiting the landlord's review
	Accepted Status = "accepted" // the landlord accepted it
	Refused  Status = "refused"  // the landlord refused it (Reason says why)
	Expired  Status = "expired"  // accepted or pending, and its end date is past
)

// Content types a certificate may have, and its largest size.
const (
	PDF      = "application/pdf"
	JPEG     = "image/jpeg"
	PNG      = "image/png"
	MaxBytes = 10 << 20 // 10 MiB
)

// UploadTTL is how long a presigned upload stays usable (at most 10
// minutes, the rule).
const UploadTTL = 10 * time.Minute

// Certificate is one certificate the tenant sent, with the landlord's
// decision once it comes back.
type Certificate struct {
	// ID is the portal's id of the certificate (the ERP's id_attestation),
	// opaque to clients; it names the certificate only within its lease.
	ID           string
	Insurer      string
	PolicyNumber string
	Start, End   tenancy.Date // the cover, as the tenant typed it
	Status       Status       // as stored: pending, accepted or refused
	Reason       string       // the landlord's, for a refusal
	DecidedOn    tenancy.Date // the ERP's decision date; zero while pending
	SubmittedAt  time.Time
	// The file, as checked: its key in the documents bucket (never shown),
	// media type, size and the name the tenant gave it.
	Key         string
	ContentType string
	SizeBytes   int64
	FileName    string
}

// StatusOn is the certificate's status on day: Expired once its End is
// past (for a pending or accepted one), else its stored status.
func (c Certificate) StatusOn(day tenancy.Date) Status {
	if c.Status != Refused && !c.End.IsZero() && c.End.Before(day) {
		return Expired
	}
	return c.Status
}
