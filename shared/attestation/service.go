package attestation

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/citejardins/extranet/shared/document"
	"github.com/citejardins/extranet/shared/fault"
	"github.com/citejardins/extranet/shared/notice"
	"github.com/citejardins/extranet/shared/tenancy"
)

// Ledger reads a lease and its entries (the tenancy table).
type Ledger interface {
	Lease(ctx context.Context, ref string) (tenancy.Lease, error)
	// Entries is a page of the lease's entries between from and to (zero:
	// no bound), newest first, each with its balance after it.
	Entries(ctx context.Context, ref string, from, to tenancy.Date, cursor string, limit int) (tenancy.EntryPage, error)
}

// Documents stores the lease's documents made on request.
type Documents interface {
	// PutDocument stores d once (a second put of the same id fails).
	PutDocument(ctx context.Context, ref string, d document.Document) (document.Document, error)
	// Document reads one of the lease's documents; document.ErrNotFound
	// when the lease has no such id.
	Document(ctx context.Context, ref, id string) (document.Document, error)
	// Claims let one of a burst of identical requests make the
	// certificate while the others wait for it.
	document.Claims
}

// Files holds the PDFs (the documents bucket).
type Files interface {
	Put(ctx context.Context, key, contentType string, body []byte) error
}

// Renderer draws a certificate as PDF (shared/pdf).
type Renderer interface {
	RenderCertificate(Facts) ([]byte, error)
}

// Counter takes units of a limit atomically before the work they guard
// (shared/dynamo's counters).
type Counter interface {
	Take(ctx context.Context, key string, limit int, window time.Duration, now func() time.Time) (taken time.Time, wait time.Duration, err error)
}

// Kinds lists the certificates a tenant may ask for (the API's `kind`).
var Kinds = []string{"tenancy"}

// PerLease bounds the PDFs a lease has made on request (statements and
// certificates) in Window: far above a household's needs, low enough that
// a runaway client cannot keep a function rendering.
const (
	PerLease = 30
	Window   = time.Hour
)

// LimitKey is the counter of a lease's PDFs made on request, shared by the
// statement and the certificate. A reference is no personal data
// (DESIGN.md, counters).
func LimitKey(ref string) string { return "tenant-pdfs#" + ref }

// Service issues tenancy certificates.
type Service struct {
	landlord notice.Landlord
	ledger   Ledger
	docs     Documents
	files    Files
	render   Renderer
	counter  Counter
	now      func() time.Time
}

// NewService returns the service; now may be nil (time.Now), counter nil
// (no limit).
func NewService(landlord notice.Landlord, ledger Ledger, docs Documents, files Files, render Renderer, counter Counter, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{landlord: landlord, ledger: ledger, docs: docs, files: files, render: render, counter: counter, now: now}
}

// Key is where a certificate's PDF goes in the documents bucket:
// receipts/<2 hex>/<ref>/tenancy_certificate/<AAAA-MM>/<version>.pdf, the 2
// hex the version's first two (spreading keys over S3's partitions).
func Key(ref, period, version string) string {
	return "receipts/" + version[:2] + "/" + ref + "/" + string(document.TenancyCertificate) + "/" + period + "/" + version + ".pdf"
}

const msgKind = "Le type d’attestation demandé n’existe pas. Indiquez «\u00A0tenancy\u00A0» (attestation de situation locative)."

// Issue makes the certificate of kind for lease ref on today's date
// (Paris), or returns the one already made with the same facts. created
// is true when this call made it (201), false when it already existed
// (200).
//
// Errors: fault.Invalid (an unknown kind, field "kind"), fault.NotFound
// (the lease is unknown), fault.TooManyRequests (PerLease in Window, taken
// only when a PDF is to be drawn, by the one request of a burst that
// claims the document: document.IssueOnce), fault.ServiceUnavailable with
// RetryAfter when the request waited in vain for another's.
func (s *Service) Issue(ctx context.Context, ref, kind string) (d document.Document, created bool, err error) {
	if kind != "tenancy" {
		return document.Document{}, false, &fault.Error{Code: fault.Invalid, Message: msgKind, Fields: map[string]string{"kind": msgKind}}
	}
	f, err := s.Facts(ctx, ref)
	if err != nil {
		return document.Document{}, false, err
	}
	version, period := f.Version(), f.Period()
	id := document.IssuedDocumentID(ref, document.TenancyCertificate, period, version)
	if d, err := s.docs.Document(ctx, ref, id); err == nil {
		return d, false, nil
	} else if !errors.Is(err, document.ErrNotFound) {
		return document.Document{}, false, fmt.Errorf("read certificate: %w", err)
	}
	return document.IssueOnce(ctx, s.docs, ref, id, s.now, func() (document.Document, bool, error) {
		return s.make(ctx, ref, id, f)
	})
}

// make takes a unit, draws the certificate of facts f and stores it as
// document id, under the claim on id.
func (s *Service) make(ctx context.Context, ref, id string, f Facts) (document.Document, bool, error) {
	version, period := f.Version(), f.Period()
	if d, err := s.docs.Document(ctx, ref, id); err == nil {
		return d, false, nil
	} else if !errors.Is(err, document.ErrNotFound) {
		return document.Document{}, false, fmt.Errorf("read certificate: %w", err)
	}
	if err := s.take(ctx, ref); err != nil {
		return document.Document{}, false, err
	}
	body, err := s.render.RenderCertificate(f)
	if err != nil {
		return document.Document{}, false, fmt.Errorf("render certificate: %w", err)
	}
	key := Key(ref, period, version)
	// The same facts give the same bytes at the same key: a put that races
	// another writes the same object.
	if err := s.files.Put(ctx, key, "application/pdf", body); err != nil {
		return document.Document{}, false, err
	}
	d := document.Document{ID: id, Kind: document.TenancyCertificate, Title: f.Title(), Period: period, Date: f.AsOf,
		ContentType: "application/pdf", SizeBytes: int64(len(body)), FileName: f.FileName(), Key: key, Version: version}
	stored, err := s.docs.PutDocument(ctx, ref, d)
	if err != nil {
		// Another request with the same facts stored it first.
		if existing, rerr := s.docs.Document(ctx, ref, id); rerr == nil {
			return existing, false, nil
		}
		return document.Document{}, false, fmt.Errorf("store certificate: %w", err)
	}
	return stored, true, nil
}

// Facts are what a certificate of lease ref made now would state.
func (s *Service) Facts(ctx context.Context, ref string) (Facts, error) {
	l, err := s.ledger.Lease(ctx, ref)
	if errors.Is(err, tenancy.ErrNotFound) {
		return Facts{}, fault.New(fault.NotFound, "Les informations de votre bail ne sont pas disponibles pour le moment. Contactez votre gestionnaire.")
	}
	if err != nil {
		return Facts{}, fmt.Errorf("read lease: %w", err)
	}
	today := tenancy.ParisDate(s.now())
	since := tenancy.DateOf(today.Time().AddDate(0, 0, -LookBack))
	// Newest first up to today, back to LookBack days at least (and one
	// entry more, for the balance when nothing moved lately).
	var entries []tenancy.Entry
	cursor := ""
	for {
		page, err := s.ledger.Entries(ctx, ref, tenancy.Date{}, today, cursor, 100)
		if err != nil {
			return Facts{}, fmt.Errorf("read entries: %w", err)
		}
		entries = append(entries, page.Entries...)
		if page.Next == "" || len(page.Entries) == 0 || page.Entries[len(page.Entries)-1].Date.Before(since) {
			break
		}
		cursor = page.Next
	}
	return FactsOf(s.landlord, l, today, OwedOn(entries, l.DueDay, today)), nil
}

func (s *Service) take(ctx context.Context, ref string) error {
	return TakePDF(ctx, s.counter, ref, s.now)
}

// TakePDF takes a unit of lease ref's PDFs made on request (LimitKey,
// PerLease in Window) before one is drawn; a fault.TooManyRequests with
// its RetryAfter past the limit. A nil counter takes nothing; a nil now
// is time.Now.
func TakePDF(ctx context.Context, c Counter, ref string, now func() time.Time) error {
	if c == nil {
		return nil
	}
	if now == nil {
		now = time.Now
	}
	_, wait, err := c.Take(ctx, LimitKey(ref), PerLease, Window, now)
	if err != nil {
		return fmt.Errorf("count pdfs: %w", err)
	}
	if wait > 0 {
		wait = fault.WholeSeconds(wait)
		mins := int((wait + time.Minute - 1) / time.Minute)
		return &fault.Error{Code: fault.TooManyRequests, RetryAfter: wait,
			Message: "Vous avez demandé beaucoup de documents en peu de temps. Réessayez dans " + minutes(mins) +
				"\u00A0; vos documents déjà faits restent dans «\u00A0Mes documents\u00A0»."}
	}
	return nil
}

func minutes(n int) string {
	if n <= 1 {
		return "une minute"
	}
	return fmt.Sprintf("%d minutes", n)
}
