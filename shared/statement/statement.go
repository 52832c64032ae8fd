// Package statement is the account statement (relevé de compte) as a
// document: the lines and running balance the tenant's screen shows
// (GET /api/v1/account/entries), over a period, with the balance at its
// start and end, for a PDF the tenant keeps or hands over.
package statement

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/citejardins/extranet/shared/attestation"
	"github.com/citejardins/extranet/shared/fault"
	"github.com/citejardins/extranet/shared/notice"
	"github.com/citejardins/extranet/shared/tenancy"
	"github.com/citejardins/extranet/shared/tenant"
)

// Statement is a lease's statement over a period, oldest line first (a
// printed statement reads down, as a bank's does; the screen lists newest
// first). Amounts in cents, positive when owed.
type Statement struct {
	Landlord  notice.Landlord
	Reference string
	// Names are the signatories, main first ("Céline LEFÈVRE").
	Names        []string
	Address      tenancy.Address
	DwellingType string
	// From and To bound the period covered (civil dates, included).
	From, To tenancy.Date
	// OpeningCents is the balance before From; ClosingCents after To.
	OpeningCents, ClosingCents int64
	// Made is the day the statement was made (Paris).
	Made tenancy.Date
	// Lines are the entries, oldest first, each with its balance after it.
	Lines []tenancy.Entry
}

// FileName is what the download is called:
// releve-de-compte-2026-01-01-2026-11-30.pdf.
func (s Statement) FileName() string {
	return "releve-de-compte-" + s.From.String() + "-" + s.To.String() + ".pdf"
}

// MaxLines bounds a statement: 54 A4 pages (about 150 KB, 0.1 s to draw
// on the bench machine), decades of a busy account. A longer period is
// refused, so one request never renders without bound.
const MaxLines = 2000

// Entries reads the screen's pages of a lease's statement: tenant.Service,
// with its validation of from, to and its French problems.
type Entries interface {
	Entries(ctx context.Context, ref string, q tenant.EntryQuery) (tenancy.EntryPage, error)
	Contract(ctx context.Context, ref string) (tenant.Contract, error)
}

// Renderer draws a statement as PDF (shared/pdf).
type Renderer interface {
	RenderStatement(Statement) ([]byte, error)
}

// Limiter takes a unit of the lease's PDFs made on request before one is
// drawn (attestation.TakePDF on the dynamo counters).
type Limiter func(ctx context.Context, ref string) error

// Service makes statements as PDF.
type Service struct {
	landlord notice.Landlord
	entries  Entries
	render   Renderer
	limit    Limiter
	now      func() time.Time
}

// NewService returns the service. limit and now may be nil.
func NewService(landlord notice.Landlord, entries Entries, render Renderer, limit Limiter, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{landlord: landlord, entries: entries, render: render, limit: limit, now: now}
}

// Build gathers lease ref's statement between from and to (AAAA-MM-JJ;
// empty from: since the lease began, empty to: today in Paris), reading
// the screen's pages. Errors: those of tenant.Service.Entries (fault.Invalid
// naming from or to), fault.NotFound (no lease), fault.PeriodTooLong (more
// than MaxLines lines).
func (s *Service) Build(ctx context.Context, ref, from, to string) (Statement, error) {
	made := tenancy.ParisDate(s.now())
	if to == "" {
		// Up to today: the period printed is the one read. (A from after
		// today keeps its own day as the end.)
		to = made.String()
		if f, err := tenancy.ParseDate(from); err == nil && made.Before(f) {
			to = f.String()
		}
	}
	var lines []tenancy.Entry
	cursor := ""
	for {
		page, err := s.entries.Entries(ctx, ref, tenant.EntryQuery{From: from, To: to, Cursor: cursor, Limit: fmt.Sprint(tenant.MaxPageSize)})
		if err != nil {
			return Statement{}, err
		}
		lines = append(lines, page.Entries...)
		if len(lines) > MaxLines {
			return Statement{}, fault.New(fault.PeriodTooLong, fmt.Sprintf(
				"Cette période compte plus de %d lignes, trop pour un seul relevé. Choisissez une période plus courte, par exemple une année, et demandez un relevé par période.", MaxLines))
		}
		if page.Next == "" {
			break
		}
		cursor = page.Next
	}
	c, err := s.entries.Contract(ctx, ref)
	if err != nil {
		return Statement{}, err
	}
	l := c.Lease
	st := Statement{Landlord: s.landlord, Reference: l.Reference, Names: attestation.NamesOf(l), Address: l.Address,
		DwellingType: l.DwellingType, Made: made}
	// The bounds were checked by Entries.
	st.From, _ = tenancy.ParseDate(from)
	st.To, _ = tenancy.ParseDate(to)
	slices.Reverse(lines)
	st.Lines = lines
	if from == "" {
		st.From = l.Start
		if len(lines) > 0 && (st.From.IsZero() || lines[0].Date.Before(st.From)) {
			st.From = lines[0].Date
		}
		if st.From.IsZero() || st.To.Before(st.From) {
			st.From = st.To
		}
	}
	if len(lines) > 0 {
		first, last := lines[0], lines[len(lines)-1]
		st.OpeningCents = first.BalanceAfterCents - first.AmountCents()
		st.ClosingCents = last.BalanceAfterCents
		return st, nil
	}
	// No line in the period: the balance is the one after the last line
	// on or before its end (none: nothing was owed yet).
	page, err := s.entries.Entries(ctx, ref, tenant.EntryQuery{To: st.To.String(), Limit: "1"})
	if err != nil {
		return Statement{}, err
	}
	if len(page.Entries) > 0 {
		st.OpeningCents = page.Entries[0].BalanceAfterCents
		st.ClosingCents = st.OpeningCents
	}
	return st, nil
}

// Render builds the statement (Build), takes a unit of the lease's PDF
// limit, then draws it. Errors: Build's, and fault.TooManyRequests.
func (s *Service) Render(ctx context.Context, ref, from, to string) (Statement, []byte, error) {
	st, err := s.Build(ctx, ref, from, to)
	if err != nil {
		return Statement{}, nil, err
	}
	if s.limit != nil {
		if err := s.limit(ctx, ref); err != nil {
			return Statement{}, nil, err
		}
	}
	body, err := s.render.RenderStatement(st)
	if err != nil {
		return Statement{}, nil, fmt.Errorf("render statement: %w", err)
	}
	return st, body, nil
}
