package insurance

import (
	"context"
	"errors"
	"time"

	"github.com/citejardins/extranet/shared/tenancy"
	"github.com/citejardins/extranet/shared/tenant"
)

// The tenant's side of the certificate: the browser sends the file straight
// to S3 with a presigned POST (NewUpload), then the tenant confirms it with
// the cover's details (Submit): the portal checks the file as it landed,
// keeps it and tells the ERP, or puts it in quarantine and says why.

// Upload is one presigned upload of a lease: what the tenant declared, the
// S3 key the POST's policy pins, and what became of it.
type Upload struct {
	ID          string // 128 random bits, 32 lower-case hex digits
	Reference   string
	FileName    string // as declared, for the history
	ContentType string // PDF, JPEG or PNG, as declared
	SizeBytes   int64  // as declared; the policy bounds the real one
	Key         string // UploadKey(ID)
	CreatedAt   time.Time
	// ExpiresAt is when the upload can no longer be confirmed: the POST's
	// policy expires UploadTTL after CreatedAt, and a file sent just before
	// may take as long again to arrive, so 2 × UploadTTL.
	ExpiresAt time.Time
	// UsedAt is when it was confirmed, with its outcome: Reason for a file
	// refused by the checks, else the certificate (whose id is the
	// upload's).
	UsedAt time.Time
	Reason Reason
	// Claim names the confirmation that works on it until ClaimedUntil, so
	// that parallel confirmations check the file once.
	Claim        string
	ClaimedUntil time.Time
}

// UploadKey is where the presigned POST puts an upload's file in the
// documents bucket (DESIGN.md).
func UploadKey(id string) string { return "insurance/uploads/" + id }

// CertificateKey is where a checked file is kept: by lease and certificate,
// with the extension of its type.
func CertificateKey(ref, id, contentType string) string {
	return "insurance/certificates/" + ref + "/" + id + "." + Extension(contentType)
}

// QuarantineKey is where a file refused by the checks is kept, for the
// landlord to look at if the tenant asks.
func QuarantineKey(ref, id string) string { return "insurance/quarantine/" + ref + "/" + id }

// Extension is the file extension of a certificate's content type.
func Extension(contentType string) string {
	switch contentType {
	case JPEG:
		return "jpg"
	case PNG:
		return "png"
	}
	return "pdf"
}

// Reason is why a file was refused: its value is the problem's code
// (fault.FileTooLarge and the rest).
type Reason string

// Reasons.
const (
	TooLarge      Reason = "file_too_large"
	TypeMismatch  Reason = "file_type_mismatch"
	Unreadable    Reason = "file_unreadable"
	Encrypted     Reason = "file_encrypted"
	JavaScript    Reason = "file_javascript"
	LaunchAction  Reason = "file_launch_action"
	EmbeddedFile  Reason = "file_embedded_file"
	ImageTooLarge Reason = "image_too_large"
)

// Refusal is a file the checks refuse, and why.
type Refusal struct {
	Reason Reason
	// Detail says, in English, for tests and the quarantine's log line,
	// what was found (never shown to the tenant).
	Detail string
}

func (r *Refusal) Error() string { return string(r.Reason) + ": " + r.Detail }

// FileChecker checks a file as it landed, against the content type the
// tenant declared: nil when it may be kept, a *Refusal when not, another
// error when it could not be checked. data is the whole file (at most
// MaxBytes). The adapter is shared/filecheck, linked only into the
// functions that check files.
type FileChecker interface {
	Check(ctx context.Context, contentType string, data []byte) error
}

// Presigned is an upload's presigned POST: the browser posts a form to URL
// with Fields, in any order, and the file last (field "file").
type Presigned struct {
	URL       string
	Fields    map[string]string
	ExpiresAt time.Time
}

// ErrNoFile is returned by Files.ReadUpload when nothing is at the key.
var ErrNoFile = errors.New("no file at the upload's key")

// Files is the documents bucket as the certificate needs it.
type Files interface {
	// PresignUpload signs a POST of one file to key, whose policy pins the
	// key, the content type and a size of 1 to maxBytes, until ttl from now.
	PresignUpload(ctx context.Context, key, contentType string, maxBytes int64, ttl time.Duration) (Presigned, error)
	// ReadUpload reads at most max bytes of the object at key, and its
	// whole size; ErrNoFile when there is none.
	ReadUpload(ctx context.Context, key string, max int64) (data []byte, size int64, err error)
	// Keep writes data at key, of the content type.
	Keep(ctx context.Context, key, contentType string, data []byte) error
	// Delete removes the object at key (none there is no error).
	Delete(ctx context.Context, key string) error
}

// Store errors.
var (
	ErrNotFound = errors.New("not found")
	ErrConflict = errors.New("conflict")
)

// Record is what the portal keeps of a lease's insurance: the state item and
// every certificate, in no order.
type Record struct {
	State        State
	Current      string       // the state's current certificate id
	RemindOn     tenancy.Date // the next reminder's day; zero when none
	Certificates []Certificate
}

// Submission is what one accepted file writes at once: the upload used, the
// certificate, the lease's state pointing at it with its next reminder,
// and the event for the ERP.
type Submission struct {
	Upload      Upload // ID and Claim
	Certificate Certificate
	// Next is the next reminder of the new state and its day (ok false:
	// none; the state then keeps what it had).
	RemindOn tenancy.Date
	Remind   bool
	Event    tenant.Event
	At       time.Time
}

// Store keeps uploads and certificates; every method takes the lease, so
// no call reaches another lease's items.
type Store interface {
	// PutUpload saves a new upload; ErrConflict if the id is taken.
	PutUpload(ctx context.Context, u Upload) error
	// Upload reads one upload of the lease by id; ErrNotFound when the
	// lease has none of that id.
	Upload(ctx context.Context, ref, id string) (Upload, error)
	// ClaimUpload gives the upload to one confirmation (claim) until until,
	// if it is not used nor claimed by another past now; ErrConflict
	// otherwise.
	ClaimUpload(ctx context.Context, ref, id, claim string, now, until time.Time) error
	// ReleaseUpload ends claim's hold on the upload early (a confirmation
	// that found no file, or failed), so that the next one need not wait.
	ReleaseUpload(ctx context.Context, ref, id, claim string) error
	// RefuseUpload marks the upload used, with the reason, if claim still
	// holds it; ErrConflict otherwise.
	RefuseUpload(ctx context.Context, ref, id, claim string, reason Reason, at time.Time) error
	// SubmitCertificate writes the submission in one transaction, if the
	// upload is not used and claim holds it; ErrConflict otherwise.
	SubmitCertificate(ctx context.Context, ref string, s Submission) error
	// InsuranceRecord reads the state and the certificates of the lease
	// (one Query).
	InsuranceRecord(ctx context.Context, ref string) (Record, error)
}
