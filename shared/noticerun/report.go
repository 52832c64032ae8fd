package noticerun

import (
	"context"
	"fmt"

	"github.com/citejardins/extranet/shared/notice"
)

// Report counts what one attempt of a period's run did, from the run items
// (each records the attempt that issued and mailed it) and the print
// batches (each records the attempt it was made under). The JSON is the
// answer of POST /_dev/notices.
type Report struct {
	Period  string `json:"period"`
	Attempt string `json:"attempt"`
	// Leases is how many running leases the attempt queued.
	Leases int `json:"leases"`
	// Issued: notices this attempt issued; AlreadyIssued: the run's other
	// notices (issued by an earlier attempt).
	Issued        int `json:"issued"`
	AlreadyIssued int `json:"alreadyIssued"`
	// Mailed: mails this attempt sent; Failed: mails refused for good
	// under it (their notices go to print).
	Mailed int `json:"mailed"`
	Failed int `json:"failed"`
	// Printed: notices in the print batches made under this attempt;
	// PrintBatch the newest of those batches' PDF key, null when none.
	Printed    int     `json:"printed"`
	PrintBatch *string `json:"printBatch"`
}

// Reports computes run reports.
type Reports struct {
	Prints Prints
	Shards int
}

// Report counts the given attempt of the period's run, the last one when
// attempt is empty. A period that never ran has an empty report.
// Leases is known only for the last attempt (the run item keeps its
// count); it is 0 for an earlier one.
func (rp *Reports) Report(ctx context.Context, p notice.Period, attempt string) (Report, error) {
	rep := Report{Period: p.String(), Attempt: attempt}
	run, found, err := rp.Prints.Run(ctx, p)
	if err != nil {
		return rep, err
	}
	if found && (attempt == "" || attempt == run.LastAttempt) {
		rep.Attempt, rep.Leases = run.LastAttempt, max(run.Planned, 0)
	}
	batches, err := rp.Prints.PrintBatches(ctx, p)
	if err != nil {
		return rep, err
	}
	ours := map[string]bool{}
	for _, b := range batches {
		if b.Attempt == rep.Attempt {
			ours[b.ID] = true
			if b.Count == 0 {
				continue
			}
			key := PrintPrefix(p, b.ID) + "avis.pdf"
			rep.PrintBatch = &key
		}
	}
	for i := range rp.Shards {
		err := rp.Prints.RunLeases(ctx, p, fmt.Sprintf("%02d", i), func(rs []LeaseRun) error {
			for _, r := range rs {
				if r.Attempt == rep.Attempt {
					rep.Issued++
				} else {
					rep.AlreadyIssued++
				}
				if r.MailAttempt == rep.Attempt {
					switch r.Mail {
					case MailSent:
						rep.Mailed++
					case MailFailed:
						rep.Failed++
					}
				}
				if r.PrintBatch != "" && ours[r.PrintBatch] {
					rep.Printed++
				}
			}
			return nil
		})
		if err != nil {
			return rep, err
		}
	}
	return rep, nil
}
