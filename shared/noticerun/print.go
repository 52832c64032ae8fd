package noticerun

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/citejardins/extranet/shared/notice"
	"github.com/citejardins/extranet/shared/safetext"
	"github.com/citejardins/extranet/shared/tenancy"
)

// RunInfo is a period's run item.
type RunInfo struct {
	Period notice.Period
	// Issued is the notices' issue date, fixed by the run's first attempt.
	Issued      tenancy.Date
	LastAttempt string
	// Planned is how many leases the last attempt queued (-1 while it
	// plans).
	Planned int
}

// PrintBatch is one print batch of a period: its id (three digits, in
// creation order), the run attempt it was made under, and whether its
// files are written.
type PrintBatch struct {
	ID      string
	Attempt string
	Written bool
	Count   int
}

// Prints keeps what the print step and the report read and write.
type Prints interface {
	// Run reads the period's run item; false when the period never ran.
	Run(ctx context.Context, p notice.Period) (RunInfo, bool, error)
	// RunLeases calls page with the run items of one shard, strongly
	// consistent, page by page.
	RunLeases(ctx context.Context, p notice.Period, shard string, page func([]LeaseRun) error) error
	// ClaimPrint takes the period's print step until the given time, if no
	// other holds it; ReleasePrint gives it back.
	ClaimPrint(ctx context.Context, p notice.Period, now, until time.Time) (bool, error)
	ReleasePrint(ctx context.Context, p notice.Period, until time.Time) error
	// PrintBatches lists the period's batches in id order.
	PrintBatches(ctx context.Context, p notice.Period) ([]PrintBatch, error)
	// NewPrintBatch creates a batch, only if its id is free.
	NewPrintBatch(ctx context.Context, p notice.Period, b PrintBatch) error
	// MarkPrint puts a printable lease in a batch, only if it is in none
	// (or already in that one); false when it is in another.
	MarkPrint(ctx context.Context, r LeaseRun, batch string) (bool, error)
	// BatchWritten records that a batch's files are written.
	BatchWritten(ctx context.Context, p notice.Period, batch string, count int) error
	// Notices reads the issued notices of leases (from their documents),
	// in any order.
	Notices(ctx context.Context, p notice.Period, refs []string) ([]notice.Notice, error)
}

// Printer is the print step: it gathers the run's notices to post (tenants
// not paperless, mails refused) into batches, each one PDF in postal order
// with a CSV manifest, under print/<AAAA-MM>/<batch>/.
//
// A lease is marked with its batch (a conditional write) before the
// batch's files are written, and the files list only marked leases: a
// crash between the two leaves the batch open, and the next print step
// writes that same batch again (same leases, same files) before opening a
// new one. So no lease is printed twice, and none is left out.
type Printer struct {
	Prints   Prints
	Files    Files
	Renderer notice.Renderer
	Shards   int
	// BatchSize bounds the notices of one batch (default 5,000: one PDF a
	// printer takes, rendered in seconds).
	BatchSize int
	// Claim is how long the step holds the period (default 20 minutes,
	// more than a Lambda runs).
	Claim time.Duration
	// Mails is the mail queue. A paperless tenant's mail still waiting for
	// a sender (pending, or a claim that ended) MailStale after its notice
	// was issued (default DefaultMailStale) lost its message (dead-lettered
	// after five receives, or never queued): the print step queues it
	// again. Nil leaves such mails alone.
	Mails     Queue
	MailStale time.Duration
	Now       func() time.Time
}

// DefaultMailStale is how long after its notice's issue a mail still
// waiting is taken for lost: longer than the mail queue takes to send a
// whole run at the template's default rate (333,000 mails at 10/s, 9 h 15,
// from 06:00) would make the 18:00 print step queue mails merely late
// again, which is harmless (the claim sends one) but wasted; 6 h catches
// the lost ones of a run that went well on its first evening.
const DefaultMailStale = 6 * time.Hour

// Printed is what a print step did: the batches it wrote and how many
// notices they hold.
type Printed struct {
	Batches []string
	Notices int
	// Remailed is how many stale mails the step queued again.
	Remailed int
}

func (pr *Printer) now() time.Time {
	if pr.Now != nil {
		return pr.Now()
	}
	return time.Now()
}

// ManifestHeader is the first line of a batch's manifest.csv (Manifest
// says the format).
var ManifestHeader = []string{"ordre", "reference", "reference_imprimee", "destinataires", "adresse", "complement", "code_postal", "ville"}

// ErrPrintUnfinished: the print step stopped a minute before its deadline
// with notices left to print; running it again goes on (in Lambda, the
// asynchronous invocation's retries do).
var ErrPrintUnfinished = errors.New("print step stopped before its deadline, notices left")

// Print runs the print step of a period: it finishes a batch a crashed
// step left open, then makes new batches until no printable lease is left
// out. ErrPrintBusy when another step holds the period; ErrPrintUnfinished
// when ctx's deadline came within a minute with notices left (what is done
// is kept, and the next step goes on).
func (pr *Printer) Print(ctx context.Context, p notice.Period) (Printed, error) {
	var out Printed
	claim := pr.Claim
	if claim <= 0 {
		claim = 20 * time.Minute
	}
	now := pr.now()
	until := now.Add(claim)
	ok, err := pr.Prints.ClaimPrint(ctx, p, now, until)
	if err != nil {
		return out, err
	}
	if !ok {
		return out, ErrPrintBusy
	}
	defer pr.Prints.ReleasePrint(context.WithoutCancel(ctx), p, until)

	run, found, err := pr.Prints.Run(ctx, p)
	if err != nil || !found {
		return out, err
	}
	if out.Remailed, err = pr.remail(ctx, p, run.LastAttempt); err != nil {
		return out, err
	}
	batches, err := pr.Prints.PrintBatches(ctx, p)
	if err != nil {
		return out, err
	}
	for _, b := range batches {
		if !b.Written {
			// A crashed step's batch: the same leases, the same files.
			n, err := pr.write(ctx, p, b.ID, nil)
			if err != nil {
				return out, err
			}
			out.Batches, out.Notices = append(out.Batches, b.ID), out.Notices+n
		}
	}
	size := pr.BatchSize
	if size <= 0 {
		size = 5000
	}
	seq := len(batches) + 1
	for {
		// One read of the run items gives up to twenty batches.
		todo, err := pr.leases(ctx, p, func(r LeaseRun) bool { return r.Printable && r.PrintBatch == "" }, 20*size)
		if err != nil || len(todo) == 0 {
			return out, err
		}
		for len(todo) > 0 {
			if d, ok := ctx.Deadline(); ok && time.Until(d) < time.Minute {
				return out, ErrPrintUnfinished
			}
			chunk := todo[:min(size, len(todo))]
			todo = todo[len(chunk):]
			id := fmt.Sprintf("%03d", seq)
			seq++
			if err := pr.Prints.NewPrintBatch(ctx, p, PrintBatch{ID: id, Attempt: run.LastAttempt}); err != nil {
				return out, err
			}
			marked, err := pr.mark(ctx, chunk, id)
			if err != nil {
				return out, err
			}
			n, err := pr.write(ctx, p, id, marked)
			if err != nil {
				return out, err
			}
			out.Batches, out.Notices = append(out.Batches, id), out.Notices+n
		}
	}
}

// remail queues again the mails of the period still waiting for a sender
// MailStale after their notice's issue, under the run's last attempt. A
// paperless tenant is not printed for a mail merely lost on its way: the
// mail is sent (its claim makes a copy of a message that was not lost
// harmless), and one the mail service refuses is printed by a later step.
func (pr *Printer) remail(ctx context.Context, p notice.Period, attempt string) (int, error) {
	if pr.Mails == nil {
		return 0, nil
	}
	stale := pr.MailStale
	if stale <= 0 {
		stale = DefaultMailStale
	}
	now := pr.now()
	lost, err := pr.leases(ctx, p, func(r LeaseRun) bool { return mailDue(r, now) && !r.IssuedAt.After(now.Add(-stale)) }, 0)
	if err != nil || len(lost) == 0 {
		return 0, err
	}
	bodies := make([]string, len(lost))
	for i, r := range lost {
		bodies[i] = mailMessageOf(r, attempt)
	}
	if err := pr.Mails.Send(ctx, bodies); err != nil {
		return 0, fmt.Errorf("queue %d stale mails again: %w", len(bodies), err)
	}
	return len(bodies), nil
}

// mark puts the leases in the batch, sixteen writes at a time, and
// returns those it marked (a lease marked meanwhile for another batch is
// left to it).
func (pr *Printer) mark(ctx context.Context, rs []LeaseRun, batch string) ([]LeaseRun, error) {
	ok := make([]bool, len(rs))
	errs := make([]error, len(rs))
	sem := make(chan struct{}, 16)
	var wg sync.WaitGroup
	for i, r := range rs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			ok[i], errs[i] = pr.Prints.MarkPrint(ctx, r, batch)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	marked := make([]LeaseRun, 0, len(rs))
	for i, r := range rs {
		if ok[i] {
			r.PrintBatch = batch
			marked = append(marked, r)
		}
	}
	return marked, nil
}

// leases reads the run items that keep, across shards, up to limit (0: all).
func (pr *Printer) leases(ctx context.Context, p notice.Period, keep func(LeaseRun) bool, limit int) ([]LeaseRun, error) {
	var out []LeaseRun
	errFull := errors.New("full")
	for i := range pr.Shards {
		err := pr.Prints.RunLeases(ctx, p, fmt.Sprintf("%02d", i), func(rs []LeaseRun) error {
			for _, r := range rs {
				if keep(r) {
					out = append(out, r)
					if limit > 0 && len(out) >= limit {
						return errFull
					}
				}
			}
			return nil
		})
		if errors.Is(err, errFull) {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// write writes a batch's files for the leases marked with it, in postal
// order, and records it written. marked are those leases when the caller
// just marked them, nil to read them (a batch left open). Writing it again
// writes the same files.
func (pr *Printer) write(ctx context.Context, p notice.Period, batch string, marked []LeaseRun) (int, error) {
	if marked == nil {
		var err error
		if marked, err = pr.leases(ctx, p, func(r LeaseRun) bool { return r.PrintBatch == batch }, 0); err != nil {
			return 0, err
		}
	}
	slices.SortFunc(marked, func(a, b LeaseRun) int { return strings.Compare(a.Postal, b.Postal) })
	refs := make([]string, len(marked))
	for i, r := range marked {
		refs[i] = r.Ref
	}
	ns, err := pr.Prints.Notices(ctx, p, refs)
	if err != nil {
		return 0, err
	}
	byRef := make(map[string]notice.Notice, len(ns))
	for _, n := range ns {
		byRef[n.Reference] = n
	}
	ordered := make([]notice.Notice, 0, len(refs))
	for _, ref := range refs {
		n, ok := byRef[ref]
		if !ok {
			return 0, fmt.Errorf("print batch %s: no notice for a marked lease", batch)
		}
		ordered = append(ordered, n)
	}
	prefix := PrintPrefix(p, batch)
	if len(ordered) > 0 {
		pdf, err := pr.Renderer.RenderBatch(ordered)
		if err != nil {
			return 0, fmt.Errorf("render print batch %s: %w", batch, err)
		}
		if err := pr.Files.Put(ctx, prefix+"avis.pdf", "application/pdf", pdf); err != nil {
			return 0, err
		}
	}
	if err := pr.Files.Put(ctx, prefix+"manifest.csv", "text/csv; charset=utf-8", Manifest(ordered)); err != nil {
		return 0, err
	}
	if err := pr.Prints.BatchWritten(ctx, p, batch, len(ordered)); err != nil {
		return 0, err
	}
	return len(ordered), nil
}

// Manifest is a batch's manifest.csv, written for Excel as set up in
// France, like the web app's statement CSV: UTF-8 with a byte order mark
// (else Excel reads it as Windows-1252 and garbles the accents), ";"
// between values (the French list separator: Excel splits a double-clicked
// file on it, not on ","), lines ended by CRLF, values quoted as RFC 4180
// says. A header (ManifestHeader), then one line per notice in the PDF's
// page order: ordre (1, 2, …), the reference, the printed reference, the
// recipients joined by " / ", then the address. Every text cell goes
// through safetext.SpreadsheetCell: ERP text a spreadsheet would take for a
// formula ("=…", "+…", "-…", "@…") starts with an apostrophe.
func Manifest(ns []notice.Notice) []byte {
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	w := csv.NewWriter(&buf)
	w.Comma, w.UseCRLF = ';', true
	_ = w.Write(ManifestHeader)
	row := make([]string, len(ManifestHeader))
	for i, n := range ns {
		row = append(row[:0], strconv.Itoa(i+1))
		for _, text := range []string{n.Reference, notice.PrintedReference(n.Reference), strings.Join(n.Recipients, " / "),
			n.Address.Street, n.Address.Complement, n.Address.PostalCode, n.Address.City} {
			row = append(row, safetext.SpreadsheetCell(text))
		}
		_ = w.Write(row)
	}
	w.Flush()
	return buf.Bytes()
}

// ReadManifest reads a manifest.csv written by Manifest back into rows
// (the header first), as a program taking the batch would.
func ReadManifest(raw []byte) ([][]string, error) {
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(raw, []byte("\ufeff"))))
	r.Comma = ';'
	return r.ReadAll()
}
