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

// Threshold is a moment the tenant is reminded of their certificate; each is
// mailed at most once for a given cover (Reminder.Key).
type Threshold string

// Thresholds.
const (
	// Ending: the cover ends within EndingNotice days.
	Ending Threshold = "ending"
	// Ended: the cover's end date is past and no newer certificate came.
	Ended Threshold = "ended"
	// Missing: the ERP says a certificate is required and none was ever
	// sent (or every one sent was refused).
	Missing Threshold = "missing"
)

// EndingNotice is how many days before the cover ends the tenant is
// reminded.
const EndingNotice = 30

// State is a lease's insurance as the reminders see it.
type State struct {
	// End is the end of the current certificate's cover (the newest
	// one not refused); zero when there is none.
	End tenancy.Date
	// Required: the ERP says the lease needs a certificate.
	Required bool
	// Reminded holds the keys (Reminder.Key) of the reminders already
	// mailed.
	Reminded []string
	// Ended: the lease ended (its date_fin past, as the ERP's baux file
	// said on its import): no reminder is to come, the former tenant
	// insures a home they left no more.
	Ended bool
}

// Reminder is one reminder to mail: its threshold and, for Ending and
// Ended, the end of the cover it is about.
type Reminder struct {
	Threshold Threshold
	End       tenancy.Date
}

// Key names the reminder once per cover: "ending:2027-01-31",
// "ended:2027-01-31", "missing".
func (r Reminder) Key() string {
	if r.Threshold == Missing {
		return string(Missing)
	}
	return string(r.Threshold) + ":" + r.End.String()
}

// Next is the next reminder of the state not yet mailed, and the day it is
// due (from which the daily schedule mails it); false when none is to
// come (always false on an Ended lease). With a current cover ending on E: Ending on E − EndingNotice days,
// then Ended on E + 1 day. Without one, on a lease that requires it:
// Missing, due on since (the day the lease was found without a
// certificate).
func (s State) Next(since tenancy.Date) (Reminder, tenancy.Date, bool) {
	if s.Ended {
		return Reminder{}, tenancy.Date{}, false
	}
	done := func(r Reminder) bool {
		for _, k := range s.Reminded {
			if k == r.Key() {
				return true
			}
		}
		return false
	}
	if !s.End.IsZero() {
		end := s.End.Time()
		for _, c := range []struct {
			r  Reminder
			on time.Time
		}{
			{Reminder{Ending, s.End}, end.AddDate(0, 0, -EndingNotice)},
			{Reminder{Ended, s.End}, end.AddDate(0, 0, 1)},
		} {
			if !done(c.r) {
				return c.r, tenancy.DateOf(c.on), true
			}
		}
		return Reminder{}, tenancy.Date{}, false
	}
	if r := (Reminder{Threshold: Missing}); s.Required && !done(r) {
		return r, since, true
	}
	return Reminder{}, tenancy.Date{}, false
}
