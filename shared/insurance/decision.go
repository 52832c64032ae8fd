package insurance

import (
	"errors"

	"github.com/citejardins/extranet/shared/tenancy"
)

// Decision is the landlord's decision on a certificate, as the ERP's
// `assurances` file sends it: Accepted or Refused, the day it was made
// and, for a refusal, the reason the tenant reads (at most 200 characters).
type Decision struct {
	ID     string // the certificate's id (id_attestation)
	Status Status // Accepted or Refused
	On     tenancy.Date
	Reason string // empty for an acceptance
}

// Errors of a decision the store cannot apply.
var (
	// ErrUnknownCertificate: the lease has no certificate with that id.
	ErrUnknownCertificate = errors.New("unknown insurance certificate")
	// ErrOlderDecision: the certificate holds a decision made after this
	// one (an older file imported again); the newer one stays.
	ErrOlderDecision = errors.New("decision older than the stored one")
)

// RefusalNotice is the mail that tells the tenant the landlord refused a
// certificate; its key (RefusalKey) is recorded in State.Reminded like a
// reminder's, so that each decision is mailed once.
const RefusalNotice Threshold = "refused"

// RefusalKey names the refusal mail of one decision:
// "refused:<certificate id>:2026-11-30". A later refusal of the same
// certificate on another day is another decision, mailed again.
func RefusalKey(id string, on tenancy.Date) string {
	return string(RefusalNotice) + ":" + id + ":" + on.String()
}

// Mailed reports whether the reminder or refusal key is in s.Reminded.
func (s State) Mailed(key string) bool {
	for _, k := range s.Reminded {
		if k == key {
			return true
		}
	}
	return false
}

// Due is the reminder the daily run mails on day, if any, and the keys of
// the reminders it passes over without mailing: an Ending reminder not yet
// mailed when the cover has already ended (no tenant needs "your cover ends
// soon" after it ended; the Ended one says it). The passed-over keys are
// recorded as done with the mail, so Next moves past them.
func (s State) Due(day tenancy.Date) (r Reminder, passed []string, ok bool) {
	st := s
	st.Reminded = append([]string(nil), s.Reminded...)
	for range 3 {
		r, on, ok := st.Next(day)
		if !ok || day.Before(on) {
			return Reminder{}, nil, false
		}
		if r.Threshold == Ending && st.End.Before(day) {
			passed = append(passed, r.Key())
			st.Reminded = append(st.Reminded, r.Key())
			continue
		}
		return r, passed, true
	}
	return Reminder{}, nil, false
}
