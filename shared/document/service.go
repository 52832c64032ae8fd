package document

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/citejardins/extranet/shared/fault"
	"github.com/citejardins/extranet/shared/notice"
	"github.com/citejardins/extranet/shared/tenancy"
)

// LeaseStore holds the documents issued for a lease (the tenancy table).
type LeaseStore interface {
	// Documents lists the lease's documents, in any order.
	Documents(ctx context.Context, ref string) ([]Document, error)
	// Document reads one of the lease's documents by id; ErrNotFound for
	// an id that is not one of the lease's.
	Document(ctx context.Context, ref, id string) (Document, error)
	// LeaseResidence is the id of the lease's residence, empty when the
	// lease is unknown.
	LeaseResidence(ctx context.Context, ref string) (string, error)
}

// Shelf holds the landlord's useful documents (the documents bucket).
type Shelf interface {
	// LandlordDocuments lists the files for every tenant and, when
	// residenceID is not empty, those for that residence's tenants.
	LandlordDocuments(ctx context.Context, residenceID string) ([]Document, error)
	// DownloadURL is a link that downloads d's file as an attachment named
	// d.FileName, valid for ttl.
	DownloadURL(ctx context.Context, d Document, ttl time.Duration) (string, error)
}

// MaxLinkTTL is how long a download link may live at most: the issue's
// rule ("valide au plus 5 minutes"), whatever DOCUMENT_URL_TTL says.
const MaxLinkTTL = 5 * time.Minute

// PageSize is how many documents a page of the list holds.
const PageSize = 20

// Service is "Mes documents": the lease's documents and the landlord's,
// read only within the asking tenant's lease and residence.
type Service struct {
	leases LeaseStore
	shelf  Shelf
	ttl    time.Duration
}

// NewService returns the service. A ttl of zero, or over MaxLinkTTL, is
// MaxLinkTTL.
func NewService(leases LeaseStore, shelf Shelf, ttl time.Duration) *Service {
	if ttl <= 0 || ttl > MaxLinkTTL {
		ttl = MaxLinkTTL
	}
	return &Service{leases: leases, shelf: shelf, ttl: ttl}
}

// TTL is how long the service's download links live.
func (s *Service) TTL() time.Duration { return s.ttl }

// Query selects a page of the list, as the API's query string gives it:
// Kind is empty or a kind; Year is empty or 2000 to 2099; Cursor is empty
// or a page's NextCursor, for the same Kind and Year.
type Query struct {
	Kind, Year, Cursor string
}

// Page is one page of the list, newest first, and the cursor of the next
// one (empty on the last page).
type Page struct {
	Documents []Document
	Next      string
}

const (
	msgKind = "Le type de document doit être «\u00A0notice\u00A0» (avis d’échéance), «\u00A0rent_receipt\u00A0» (quittance), «\u00A0payment_receipt\u00A0» (reçu), «\u00A0tenancy_certificate\u00A0» (attestation), «\u00A0sepa_mandate\u00A0» (mandat de prélèvement) ou «\u00A0landlord\u00A0» (documents utiles)."
	// msgYear answers a year that is not four digits; msgYearRange one
	// outside the documents' years.
	msgYear      = "L’année s’écrit avec quatre chiffres, par exemple 2026."
	msgYearRange = "Choisissez une année entre 2000 et 2099, par exemple 2026."
	msgCursor    = "Ce lien de page n’est pas valide. Revenez à la première page de vos documents."
	// msgNotFound is the one answer to an id that is not the tenant's,
	// whatever the reason.
	msgNotFound = "Ce document n’existe pas ou n’est pas disponible dans votre espace. Revenez à la liste de vos documents."
)

// List returns a page of the tenant's documents: the lease's own and the
// landlord's (for all tenants and for the lease's residence), newest first
// (date, then period, then id, descending). Year filters on the period's
// year when the document has one (a January notice issued in December is
// in its own year), else on its date's. A bad Kind, Year or Cursor is a
// fault.Invalid naming the field.
func (s *Service) List(ctx context.Context, ref string, q Query) (Page, error) {
	f := fault.Fields{}
	if q.Kind != "" && Kind(q.Kind) != Landlord && !slices.Contains(LeaseKinds, Kind(q.Kind)) {
		f.Add("kind", msgKind)
	}
	year := 0
	if q.Year != "" {
		y, err := strconv.Atoi(q.Year)
		switch {
		case err != nil || len(q.Year) != 4 || q.Year[0] < '0' || q.Year[0] > '9':
			f.Add("year", msgYear)
		case y < 2000 || y > 2099:
			f.Add("year", msgYearRange)
		}
		year = y
	}
	var after *Document
	if q.Cursor != "" {
		c, err := parseCursor(q.Cursor)
		if err != nil {
			f.Add("cursor", msgCursor)
		}
		after = &c
	}
	if err := f.Err(); err != nil {
		return Page{}, err
	}

	all, err := s.all(ctx, ref, Kind(q.Kind))
	if err != nil {
		return Page{}, err
	}
	var page Page
	for _, d := range all {
		if year != 0 && yearOf(d) != year {
			continue
		}
		if after != nil && !Newer(*after, d) {
			continue
		}
		if len(page.Documents) == PageSize {
			page.Next = cursorOf(page.Documents[PageSize-1])
			break
		}
		page.Documents = append(page.Documents, d)
	}
	return page, nil
}

// all reads the lease's and the landlord's documents of kind (every kind
// when empty), newest first.
func (s *Service) all(ctx context.Context, ref string, kind Kind) ([]Document, error) {
	var out []Document
	if kind != Landlord {
		ds, err := s.leases.Documents(ctx, ref)
		if err != nil {
			return nil, fmt.Errorf("read the lease's documents: %w", err)
		}
		for _, d := range ds {
			if kind == "" || d.Kind == kind {
				out = append(out, d)
			}
		}
	}
	if kind == "" || kind == Landlord {
		ds, err := s.landlord(ctx, ref)
		if err != nil {
			return nil, err
		}
		out = append(out, ds...)
	}
	SortNewestFirst(out)
	return out, nil
}

func (s *Service) landlord(ctx context.Context, ref string) ([]Document, error) {
	residence, err := s.leases.LeaseResidence(ctx, ref)
	if err != nil {
		return nil, fmt.Errorf("read the lease's residence: %w", err)
	}
	ds, err := s.shelf.LandlordDocuments(ctx, residence)
	if err != nil {
		return nil, fmt.Errorf("list the landlord's documents: %w", err)
	}
	return ds, nil
}

// Get returns one of the tenant's documents by id. An id that is not the
// tenant's (another lease's, another residence's, unknown or malformed) is
// a fault.NotFound, the same for every reason.
func (s *Service) Get(ctx context.Context, ref, id string) (Document, error) {
	p, ok := ParseID(id)
	if !ok {
		return Document{}, notFound()
	}
	if p.Kind == Landlord {
		ds, err := s.landlord(ctx, ref)
		if err != nil {
			return Document{}, err
		}
		for _, d := range ds {
			if d.ID == id {
				return d, nil
			}
		}
		return Document{}, notFound()
	}
	d, err := s.leases.Document(ctx, ref, id)
	if errors.Is(err, ErrNotFound) {
		return Document{}, notFound()
	}
	if err != nil {
		return Document{}, fmt.Errorf("read a document: %w", err)
	}
	return d, nil
}

// Download returns one of the tenant's documents (as Get) with a link to
// its file, valid for the service's TTL: made only once the document is
// known to be the tenant's.
func (s *Service) Download(ctx context.Context, ref, id string) (Document, string, error) {
	d, err := s.Get(ctx, ref, id)
	if err != nil {
		return Document{}, "", err
	}
	link, err := s.shelf.DownloadURL(ctx, d, s.ttl)
	if err != nil {
		return Document{}, "", fmt.Errorf("sign a download link: %w", err)
	}
	return d, link, nil
}

func notFound() error { return fault.New(fault.NotFound, msgNotFound) }

func yearOf(d Document) int {
	if p, err := notice.ParsePeriod(d.Period); err == nil {
		return p.Year
	}
	return d.Date.Year
}

// SortNewestFirst orders documents as "Mes documents" shows them: by date,
// then period, then id, all descending.
func SortNewestFirst(ds []Document) {
	sort.SliceStable(ds, func(i, j int) bool { return Newer(ds[i], ds[j]) })
}

// Newer reports whether a comes before b in "Mes documents".
func Newer(a, b Document) bool {
	if a.Date != b.Date {
		return b.Date.Before(a.Date)
	}
	if a.Period != b.Period {
		return a.Period > b.Period
	}
	return a.ID > b.ID
}

// A cursor is the position of the last document of a page: its date,
// period and id, base64url-encoded. Documents added since sort where they
// belong; none is skipped or repeated.
func cursorOf(d Document) string {
	return base64.RawURLEncoding.EncodeToString([]byte(d.Date.String() + "|" + d.Period + "|" + d.ID))
}

func parseCursor(s string) (Document, error) {
	bad := errors.New("bad cursor")
	if len(s) > 200 {
		return Document{}, bad
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return Document{}, bad
	}
	parts := strings.Split(string(raw), "|")
	if len(parts) != 3 {
		return Document{}, bad
	}
	date, err := tenancy.ParseDate(parts[0])
	if err != nil || date.String() != parts[0] {
		return Document{}, bad
	}
	if parts[1] != "" {
		if p, err := notice.ParsePeriod(parts[1]); err != nil || p.String() != parts[1] {
			return Document{}, bad
		}
	}
	if _, ok := ParseID(parts[2]); !ok {
		return Document{}, bad
	}
	return Document{Date: date, Period: parts[1], ID: parts[2]}, nil
}
