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
// date_fin past on the import's day) requires none, and its state keeps
// that it ended, so that no reminder of its cover's end follows. Writes to the states are not
// counted as lines (the lease's line is counted once, by its upsert).
func (r *run) syncInsuranceRequired(ls []tenancy.Lease) error {
	rs := make([]dynamo.LeaseRequirement, len(ls))
	for i, l := range ls {
		// A lease that ended requires nothing more: its former tenant is
		// not asked for a certificate.
		running := l.End.IsZero() || !l.End.Before(r.today)
		rs[i] = dynamo.LeaseRequirement{Reference: l.Reference, Required: l.InsuranceRequired && running, Ended: !running}
	}
	if _, err := r.st.SyncInsuranceRequired(r.ctx, rs, r.today); err != nil {
		return fmt.Errorf("insurance required: %w", err)
	}
	return nil
}

// decisions applies an assurances file: the landlord's decision on each
// certificate. The file is small (a few decisions a day), so it is read
// whole first; each certificate's lines are collapsed to the last one
// (insurance.DecisionOrder: the later date, then the later line; the
// others change nothing and are counted unchanged), then the leases are
// written at once. Each decision carries its place (its date, the file's
// export date, its line), which the store keeps: a decision placed before
// the stored one, from whichever file, changes nothing.
type decisions struct {
	*run
	fileDate tenancy.Date // the export date in the file's name
	byLease  map[string][]withParent[erp.InsuranceDecision]
	order    []string
}

func newDecisions(r *run, fileDate tenancy.Date) writer {
	return &decisions{run: r, fileDate: fileDate, byLease: map[string][]withParent[erp.InsuranceDecision]{}}
}

// last keeps, of the lines on each certificate, the one placed last; it
// reports how many it dropped.
func (w *decisions) last(lines []withParent[erp.InsuranceDecision]) ([]withParent[erp.InsuranceDecision], int) {
	kept := make([]withParent[erp.InsuranceDecision], 0, len(lines))
	at := map[string]int{}
	for _, x := range lines {
		i, seen := at[x.rec.CertificateID]
		if !seen {
			at[x.rec.CertificateID] = len(kept)
			kept = append(kept, x)
			continue
		}
		if w.orderOf(x) > w.orderOf(kept[i]) {
			kept[i] = x
		}
	}
	return kept, len(lines) - len(kept)
}

func (w *decisions) orderOf(x withParent[erp.InsuranceDecision]) string {
	return insurance.DecisionOrder(x.rec.Date, w.fileDate, x.line)
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
		lines, dropped := w.last(w.byLease[ref])
		w.count(dynamo.UpsertStats{Unchanged: dropped})
		w.goWrite(func() error {
			for _, x := range lines {
				d := x.rec
				changed, err := w.st.DecideInsurance(w.ctx, ref, insurance.Decision{ID: d.CertificateID, Status: d.Status,
					On: d.Date, Reason: d.Reason, Order: w.orderOf(x)}, w.today)
				switch {
				case errors.Is(err, dynamo.ErrUnknownLease):
					w.reject(x.line, "bail inconnu\u00a0: "+ref)
				case errors.Is(err, insurance.ErrUnknownCertificate):
					w.reject(x.line, "attestation inconnue pour ce bail\u00a0: "+d.CertificateID)
				case errors.Is(err, insurance.ErrOlderDecision):
					w.reject(x.line, "décision antérieure à celle déjà enregistrée pour l’attestation "+d.CertificateID+
						"\u00a0: ignorée")
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
