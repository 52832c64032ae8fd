package insurance

import (
	"errors"
	"fmt"

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
	// Order places the decision among the landlord's decisions on the
	// certificate (DecisionOrder); empty: by its day alone.
	Order string
}

// DecisionOrder is the place of a decision among the landlord's decisions
// on one certificate: by the day it was made, then the export date of the
// file that carries it (from the file's name), then its line in the file,
// so that of two same-day decisions the one the ERP exported last wins,
// whatever the order the files are imported in. The strings compare as
// the decisions do: "2026-11-30|2026-12-01|000000002".
func DecisionOrder(on, fileDate tenancy.Date, line int) string {
	return fmt.Sprintf("%s|%s|%09d", on, fileDate, line)
}

// OrderOf is d's place (d.Order, else its day alone, which comes before
// every place of that day given by a file).
func (d Decision) OrderOf() string {
	if d.Order != "" {
		return d.Order
	}
	return d.On.String()
}

// Errors of a decision the store cannot apply.
var (
	// ErrUnknownCertificate: the lease has no certificate with that id.
	ErrUnknownCertificate = errors.New("unknown insurance certificate")
	// ErrOlderDecision: the certificate holds a decision placed after this
	// one (DecisionOrder: an older file imported again); the newer one
	// stays.
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

// RefusalReplaced reports whether the refusal key is about a certificate
// that a newer submission replaced (another certificate sent at or after
// it, to the second): the tenant already sent another one, so the refusal
// is not mailed.
func RefusalReplaced(certs []Certificate, key string) bool {
	for _, c := range certs {
		if c.Status != Refused || RefusalKey(c.ID, c.DecidedOn) != key {
			continue
		}
		for _, n := range certs {
			if n.ID != c.ID && !n.SubmittedAt.Before(c.SubmittedAt) {
				return true
			}
		}
	}
	return false
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
