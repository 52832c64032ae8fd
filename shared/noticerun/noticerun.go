// Package noticerun holds the rules of the monthly run that issues every
// running lease's rent notice (shared/notice) exactly once: the planner that
// enumerates the leases shard by shard and queues them in batches, the
// worker that issues, stores and records each lease's notice and queues a
// paperless tenant's mail on its own queue, the mail sender that sends
// those mails at the configured rate, the print step that gathers the
// notices to post, and the run's report.
//
// Exactly once rests on the store, not on the queue (SQS delivers at least
// once): a lease's notice is recorded by one transaction that puts the
// document and the lease's run item, both only if absent; its mail moves
// pending → sending (a claim with a deadline) → sent by conditional writes;
// a lease joins a print batch by a conditional mark before the batch's file
// is written. Every step can run again after a crash, and a re-run of the
// period picks up what is left.
//
// The package speaks through small interfaces declared where they are used
// (Leases, Queue, Runs, Tenancy, Recipients, Files, Mailer, Prints) and
// imports only the standard library and the notice and tenancy domains.
package noticerun

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/citejardins/extranet/shared/notice"
	"github.com/citejardins/extranet/shared/tenancy"
)

// Step names, passed to a Hook at each step boundary of a lease's work.
const (
	StepRendered = "rendered" // the PDF is rendered, nothing stored yet
	StepStored   = "stored"   // the PDF is in S3, the run knows nothing of it
	StepRecorded = "recorded" // the document and run item are written (one transaction)
	StepMailed   = "mailed"   // SES accepted the mail, its state is not yet recorded
)

// Hook is called by the worker after each step of a lease (StepRendered,
// StepStored, StepRecorded), and by the mail sender after SES accepted its
// mail (StepMailed), with the lease's reference. An error fails the
// lease's message (or the mail's) at that point, as a crash would: nothing
// after the step runs and the message is redelivered. Nil in production;
// the fault tests inject it.
type Hook func(step, ref string) error

// MailState is where a lease's mail is in a run.
type MailState string

// Mail states. A paperless tenant's mail is pending once the notice is
// issued; a mail sender claims it (sending, until a deadline), sends it and
// records it sent with the SES message id. A permanent refusal makes it
// failed, and the notice goes to print.
const (
	MailNone    MailState = "none" // not paperless, or no address: printed
	MailPending MailState = "pending"
	MailSending MailState = "sending"
	MailSent    MailState = "sent"
	MailFailed  MailState = "failed"
)

// Errors the adapters return.
var (
	// ErrAlreadyIssued: the lease's notice for the period is already
	// recorded (the issue transaction's conditions failed).
	ErrAlreadyIssued = errors.New("notice already issued")
	// ErrMailRefused: the mail service refused the message for good (SES
	// MessageRejected); sending it again would fail again.
	ErrMailRefused = errors.New("mail refused")
	// ErrClaimLost: a conditional write on a claim failed because the claim
	// is no longer the caller's (it ended and another worker took it).
	ErrClaimLost = errors.New("claim lost")
	// ErrMailBusy: another sender holds the lease's mail claim; the
	// message is delivered again after the claim ends.
	ErrMailBusy = errors.New("mail claimed by another sender")
	// ErrMailDeferred: the sender's send rate has no slot for the mail
	// before the invocation's deadline; the message comes back for it.
	ErrMailDeferred = errors.New("mail deferred: no send slot before the deadline")
	// ErrPrintBusy: another print step of the period holds its claim.
	ErrPrintBusy = errors.New("another print step is running")
	// ErrBadBatch: a queue message that is no batch of this package.
	ErrBadBatch = errors.New("bad batch message")
)

// LeaseRef names a lease in a run: its canonical reference and the shard
// its run item lives in (the shard the planner read it from).
type LeaseRef struct {
	Ref   string `json:"ref"`
	Shard string `json:"shard"`
}

// Batch is one queue message: leases of one period to work, the planner's
// attempt and the run's issue date (the same for every attempt of a
// period, so a notice rendered twice has the same bytes).
type Batch struct {
	Period  notice.Period
	Attempt string
	Issued  tenancy.Date
	Leases  []LeaseRef
}

type batchJSON struct {
	Period  string     `json:"period"`
	Attempt string     `json:"attempt"`
	Issued  string     `json:"issued"`
	Leases  []LeaseRef `json:"leases"`
}

// Encode is the batch as a queue message body (JSON, a few dozen bytes a
// lease).
func (b Batch) Encode() string {
	raw, _ := json.Marshal(batchJSON{Period: b.Period.String(), Attempt: b.Attempt, Issued: b.Issued.String(), Leases: b.Leases})
	return string(raw)
}

// DecodeBatch reads a message body written by Encode; ErrBadBatch when it
// is not one (wrong JSON, bad period or date, a reference that is not
// canonical digits, a shard that is not two digits).
func DecodeBatch(body string) (Batch, error) {
	var j batchJSON
	dec := json.NewDecoder(strings.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&j); err != nil {
		return Batch{}, fmt.Errorf("%w: %v", ErrBadBatch, err)
	}
	p, err := notice.ParsePeriod(j.Period)
	if err != nil {
		return Batch{}, fmt.Errorf("%w: period %q", ErrBadBatch, j.Period)
	}
	issued, err := tenancy.ParseDate(j.Issued)
	if err != nil {
		return Batch{}, fmt.Errorf("%w: issued %q", ErrBadBatch, j.Issued)
	}
	if j.Attempt == "" || len(j.Leases) == 0 {
		return Batch{}, fmt.Errorf("%w: no attempt or no lease", ErrBadBatch)
	}
	for _, l := range j.Leases {
		if ref, err := tenancy.NormalizeReference(l.Ref); err != nil || ref != l.Ref || !twoDigits(l.Shard) {
			return Batch{}, fmt.Errorf("%w: lease %q in shard %q", ErrBadBatch, l.Ref, l.Shard)
		}
	}
	return Batch{Period: p, Attempt: j.Attempt, Issued: issued, Leases: j.Leases}, nil
}

func twoDigits(s string) bool {
	return len(s) == 2 && s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9'
}

// NoticeKey is where a lease's notice for a period is stored in the
// documents bucket: notices/<2 hex of sha256(ref)>/<ref>/<AAAA-MM>.pdf. The
// key depends only on the lease and the period, so storing it again
// overwrites it; the hashed prefix spreads the run's writes over 256 S3
// prefixes (3,500 PUT/s each).
func NoticeKey(ref string, p notice.Period) string {
	sum := sha256.Sum256([]byte(ref))
	return "notices/" + hex.EncodeToString(sum[:1]) + "/" + ref + "/" + p.String() + ".pdf"
}

// PrintPrefix is the folder of a print batch: print/<AAAA-MM>/<batch>/, with
// avis.pdf (the notices in postal order) and manifest.csv.
func PrintPrefix(p notice.Period, batch string) string {
	return "print/" + p.String() + "/" + batch + "/"
}

// LeaseRun is a lease's run item: what the run did for it.
type LeaseRun struct {
	Period notice.Period
	Shard  string
	Ref    string
	// Attempt is the planner attempt whose worker issued the notice;
	// IssuedAt when.
	Attempt  string
	IssuedAt time.Time
	Mail     MailState
	// ClaimedUntil ends the claim of a mail being sent (MailSending).
	ClaimedUntil time.Time
	// MailAttempt is the attempt whose mail message sent (or failed) the mail;
	// MessageID the SES message id of a sent mail.
	MailAttempt string
	MessageID   string
	// Printable: the notice goes to print (MailNone, or MailFailed).
	// PrintBatch is the batch it was marked for, empty until then.
	Printable  bool
	PrintBatch string
	// Postal sorts the print batch: postal code, city, street, reference.
	Postal string
}

// Issue is what the issue transaction writes: the notice's document (the
// adapter derives its item from the notice, the key and the size) and the
// lease's run item.
type Issue struct {
	Notice    notice.Notice
	Key       string // NoticeKey
	SizeBytes int64
	Run       LeaseRun
}

// PostalOrder is the sort key of a notice in a print batch: postal code,
// city, street, then reference, so that the printer's bundles follow the
// postal sorting and equal addresses stay in a stable order.
func PostalOrder(a tenancy.Address, ref string) string {
	return strings.Join([]string{a.PostalCode, tenancy.FoldName(a.City), tenancy.FoldName(a.Street), fmt.Sprintf("%012s", ref)}, "|")
}

// Running reports whether a lease runs during at least one day of the
// period: started on or before its last day, not ended before its first.
// A lease that does not run gets no notice.
func Running(l tenancy.Lease, p notice.Period) bool {
	if !l.Start.IsZero() && p.Last().Before(l.Start) {
		return false
	}
	return l.End.IsZero() || !l.End.Before(p.First())
}
