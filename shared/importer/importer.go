// Package importer runs an ERP export file into the stores: it reads the
// file as a stream, checks each line, writes what changed in batches and
// reports every line it could not take. See ../erp/FORMAT.md.
package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/citejardins/extranet/shared/dynamo"
	"github.com/citejardins/extranet/shared/erp"
	"github.com/citejardins/extranet/shared/insurance"
	"github.com/citejardins/extranet/shared/notice"
	"github.com/citejardins/extranet/shared/tenancy"
	"github.com/citejardins/extranet/shared/tenant"
)

// Store is what an import writes to.
type Store interface {
	ResidencesExist(ctx context.Context, ids []string) (map[string]bool, error)
	LeasesExist(ctx context.Context, refs []string) (map[string]bool, error)
	UpsertResidences(ctx context.Context, rs []tenancy.Residence) (dynamo.UpsertStats, error)
	UpsertContacts(ctx context.Context, cs []dynamo.ContactOf) (dynamo.UpsertStats, error)
	DeleteContactsExcept(ctx context.Context, keep map[string]map[tenancy.ContactRole]bool) (dynamo.UpsertStats, error)
	UpsertLeasesOn(ctx context.Context, ls []tenancy.Lease, today tenancy.Date) (dynamo.UpsertStats, error)
	UpsertSignatories(ctx context.Context, ss []dynamo.SignatoryOf) (dynamo.UpsertStats, error)
	DeleteSignatoriesExcept(ctx context.Context, ref string, keep map[string]bool) (int, error)
	SyncEntries(ctx context.Context, ref string, es []tenancy.Entry, snapshot bool) (dynamo.UpsertStats, error)
	SetRequestStatus(ctx context.Context, ref, id string, st tenant.RequestStatus, on tenancy.Date) (bool, error)
	UpsertNoticeLines(ctx context.Context, gs []dynamo.NoticeLinesOf) (dynamo.UpsertStats, error)
	DeleteNoticeLinesExcept(ctx context.Context, p notice.Period, keep map[string]bool) (dynamo.UpsertStats, error)
	DecideInsurance(ctx context.Context, ref string, d insurance.Decision, today tenancy.Date) (bool, error)
	SyncInsuranceRequired(ctx context.Context, rs []dynamo.LeaseRequirement, today tenancy.Date) (int, error)
}

var _ Store = (*dynamo.Store)(nil)

// Report says what an import did, line by line for what it refused. It is
// written next to the file, for the landlord's staff.
type Report struct {
	File       string      `json:"file"`
	Kind       erp.Kind    `json:"kind,omitempty"`
	Mode       erp.Mode    `json:"mode,omitempty"`
	Status     string      `json:"status"` // done, refused, failed
	Reason     string      `json:"reason,omitempty"`
	Lines      int         `json:"lines"` // data lines read (not the header)
	Written    int         `json:"written"`
	Unchanged  int         `json:"unchanged"`
	Deleted    int         `json:"deleted"`
	Rejected   int         `json:"rejected"`
	Directory  int         `json:"directory"` // residences whose public emergency entry was written or removed
	Errors     []LineError `json:"errors"`
	Warnings   []string    `json:"warnings"`
	StartedAt  time.Time   `json:"startedAt"`
	FinishedAt time.Time   `json:"finishedAt"`
}

// LineError is a refused line.
type LineError struct {
	Line   int    `json:"line"`
	Reason string `json:"reason"`
}

// MaxReportedErrors bounds the report: past it, lines are still counted as
// rejected, and the last error says how many more there were.
const MaxReportedErrors = 1000

// Options tune an import.
type Options struct {
	Batch   int // records written per batch; default 500
	Workers int // batches written at once; default 8
	Now     func() time.Time
	Log     *slog.Logger
}

// Run imports one file. It returns the report, which also says when the
// file was refused; the error is for failures the landlord cannot fix in
// the file (the store is down...), after which the file can be dropped
// again: an import never leaves a record half-written, and re-running it
// writes only what is still missing.
func Run(ctx context.Context, st Store, key string, body io.Reader, o Options) (*Report, error) {
	if o.Batch <= 0 {
		o.Batch = 500
	}
	if o.Workers <= 0 {
		o.Workers = 8
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	rep := &Report{File: key, StartedAt: o.Now().UTC(), Errors: []LineError{}, Warnings: []string{}}
	finish := func(status string, err error) (*Report, error) {
		rep.Status, rep.FinishedAt = status, o.Now().UTC()
		sort.Slice(rep.Errors, func(i, j int) bool { return rep.Errors[i].Line < rep.Errors[j].Line })
		if len(rep.Errors) > MaxReportedErrors {
			more := len(rep.Errors) - MaxReportedErrors
			rep.Errors = append(rep.Errors[:MaxReportedErrors], LineError{Reason: fmt.Sprintf("… et %d autres lignes refusées", more)})
		}
		return rep, err
	}
	info, err := erp.ParseName(key)
	if err != nil {
		rep.Reason = err.Error()
		return finish("refused", nil)
	}
	rep.Kind, rep.Mode = info.Kind, info.Mode
	rd, err := erp.NewReader(body, info.Kind)
	if err != nil {
		var fe *erp.FileError
		if errors.As(err, &fe) {
			rep.Reason = fe.Reason
			return finish("refused", nil)
		}
		return finish("failed", fmt.Errorf("read %s: %w", key, err))
	}
	rep.Warnings = append(rep.Warnings, rd.Warnings()...)

	im := &run{ctx: ctx, st: st, rep: rep, snapshot: info.Mode == erp.Snapshot, sem: make(chan struct{}, o.Workers), log: o.Log,
		today: tenancy.ParisDate(o.Now())}
	var w writer
	switch info.Kind {
	case erp.Residences:
		w = &residences{run: im}
	case erp.Contacts:
		w = newContacts(im)
	case erp.Leases:
		w = newLeases(im)
	case erp.Signatories:
		w = newGrouped(im, im.signatories)
	case erp.Entries:
		w = newGrouped(im, im.entries)
	case erp.Requests:
		w = &requests{run: im}
	case erp.NoticeLines:
		w = newNoticeLines(im)
	case erp.Insurance:
		w = newDecisions(im, info.Date)
	default:
		rep.Reason = "type de fichier non pris en charge\u00a0: " + string(info.Kind)
		return finish("refused", nil)
	}
	for {
		rec, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		var le *erp.LineError
		if errors.As(err, &le) {
			rep.Lines++
			im.badLines++
			im.reject(le.Line, le.Reason)
			if g, ok := w.(badLineTaker); ok {
				g.badLine(le)
			}
			continue
		}
		if err != nil {
			im.wait()
			return finish("failed", fmt.Errorf("read %s: %w", key, err))
		}
		rep.Lines++
		if w.add(rd.Line(), rec, o.Batch) {
			w.flush()
		}
		if err := im.failed(); err != nil {
			break
		}
	}
	w.flush()
	im.wait()
	if f, ok := w.(finisher); ok && im.failed() == nil {
		if err := f.finish(); err != nil {
			im.fail(err)
		}
	}
	if err := im.failed(); err != nil {
		return finish("failed", err)
	}
	return finish("done", nil)
}

// run holds an import's shared state: the report and the workers.
type run struct {
	ctx      context.Context
	st       Store
	rep      *Report
	snapshot bool
	today    tenancy.Date // the import's civil date in Paris: which leases are running
	log      *slog.Logger
	badLines int // lines refused by the reader (their record unknown)

	mu  sync.Mutex
	err error
	wg  sync.WaitGroup
	sem chan struct{}
}

func (r *run) reject(line int, reason string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.rep.Rejected++
	r.rep.Errors = append(r.rep.Errors, LineError{Line: line, Reason: reason})
}

func (r *run) count(s dynamo.UpsertStats) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.rep.Written += s.Written
	r.rep.Unchanged += s.Unchanged
	r.rep.Deleted += s.Deleted
	r.rep.Directory += s.Directory
}

func (r *run) fail(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err == nil {
		r.err = err
	}
}

func (r *run) failed() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

// goWrite runs a batch write on a worker; at most Workers run at once.
func (r *run) goWrite(fn func() error) {
	r.sem <- struct{}{}
	r.wg.Add(1)
	go func() {
		defer func() { <-r.sem; r.wg.Done() }()
		if r.failed() != nil {
			return
		}
		if err := fn(); err != nil {
			r.fail(err)
		}
	}()
}

func (r *run) wait() { r.wg.Wait() }

// writer gathers records and writes them in batches.
type writer interface {
	// add takes a record; true when a batch is ready.
	add(line int, rec erp.Record, batch int) bool
	flush()
}

// badLineTaker is a writer that must know of the lines the reader refused
// (their group is refused with them).
type badLineTaker interface {
	badLine(le *erp.LineError)
}

// finisher is a writer with work once every batch is written.
type finisher interface {
	finish() error
}
