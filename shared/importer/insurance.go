package importer

import (
	"errors"
	"fmt"

	"github.com/citejardins/extranet/shared/dynamo"
	"github.com/citejardins/extranet/shared/erp"
	"github.com/citejardins/extranet/shared/insurance"
	"github.com/citejardins/extranet/shared/tenancy"
)

// syncInsuranceRequired keeps the leases' insurance states true to the
// baux file's assurance_obligatoire, after their leases are written: a
// lease that requires a certificate and has no state gets one, with its
// Missing reminder due on the import's day; a lease that ended (its
// date_fin past on the import's day) requires none. Writes to the states are not
// counted as lines (the lease's line is counted once, by its upsert).
func (r *run) syncInsuranceRequired(ls []tenancy.Lease) error {
	rs := make([]dynamo.LeaseRequirement, len(ls))
	for i, l := range ls {
		// A lease that ended requires nothing more: its former tenant is
		// not asked for a certificate.
		running := l.End.IsZero() || !l.End.Before(r.today)
		rs[i] = dynamo.LeaseRequirement{Reference: l.Reference, Required: l.InsuranceRequired && running}
	}
	if _, err := r.st.SyncInsuranceRequired(r.ctx, rs, r.today); err != nil {
		return fmt.Errorf("insurance required: %w", err)
	}
	return nil
}

// decisions applies an assurances file: the landlord's decision on each
// certificate. The file is small (a few decisions a day), so it is read
// whole first; then the leases are written at once, each lease's lines in
// the file's order, so that of two decisions on one certificate the later
// line wins when both bear the same date (a later date always wins).
type decisions struct {
	*run
	byLease map[string][]withParent[erp.InsuranceDecision]
	order   []string
}

func newDecisions(r *run) writer {
	return &decisions{run: r, byLease: map[string][]withParent[erp.InsuranceDecision]{}}
}

func (w *decisions) add(line int, rec erp.Record, _ int) bool {
	d := rec.(erp.InsuranceDecision)
	if _, ok := w.byLease[d.Reference]; !ok {
		w.order = append(w.order, d.Reference)
	}
	w.byLease[d.Reference] = append(w.byLease[d.Reference], withParent[erp.InsuranceDecision]{line: line, parent: d.Reference, rec: d})
	return false
}

func (w *decisions) flush() {}

func (w *decisions) finish() error {
	for _, ref := range w.order {
		lines := w.byLease[ref]
		w.goWrite(func() error {
			for _, x := range lines {
				d := x.rec
				changed, err := w.st.DecideInsurance(w.ctx, ref, insurance.Decision{ID: d.CertificateID, Status: d.Status,
					On: d.Date, Reason: d.Reason}, w.today)
				switch {
				case errors.Is(err, dynamo.ErrUnknownLease):
					w.reject(x.line, "bail inconnu : "+ref)
				case errors.Is(err, insurance.ErrUnknownCertificate):
					w.reject(x.line, "attestation inconnue pour ce bail : "+d.CertificateID)
				case errors.Is(err, insurance.ErrOlderDecision):
					w.reject(x.line, "décision antérieure à celle déjà enregistrée pour l'attestation "+d.CertificateID+
						" : ignorée")
				case err != nil:
					return fmt.Errorf("insurance decision of %s: %w", ref, err)
				case changed:
					w.count(dynamo.UpsertStats{Written: 1})
				default:
					w.count(dynamo.UpsertStats{Unchanged: 1})
				}
			}
			return nil
		})
	}
	w.wait()
	return w.failed()
}
