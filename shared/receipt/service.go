package receipt

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/citejardins/extranet/shared/document"
	"github.com/citejardins/extranet/shared/fault"
	"github.com/citejardins/extranet/shared/notice"
	"github.com/citejardins/extranet/shared/tenancy"
)

// Error codes of the receipts, each a 422 in the HTTP layer: the month
// gets no receipt, and the message says why and what to do.
const (
	// CodeUnpaid: nothing was imputed to the month, so there is nothing to
	// acknowledge.
	CodeUnpaid = fault.ReceiptUnpaid
	// CodeNotDue: the month has no debit yet (a month to come).
	CodeNotDue = fault.ReceiptNotDue
	// CodeOutsideLease: the month is before the lease began or after it
	// ended.
	CodeOutsideLease = fault.ReceiptOutsideLease
	// CodeBeforeHistory: the month is within the lease but before the
	// ledger's first month (the ERP sent no older entries).
	CodeBeforeHistory = fault.ReceiptBeforeHistory
)

// Store reads the lease and its ledger, and keeps the receipts' documents
// (the tenancy table).
type Store interface {
	// Lease reads the lease with its signatories; tenancy.ErrNotFound if
	// the ERP no longer exports it.
	Lease(ctx context.Context, ref string) (tenancy.Lease, error)
	// LeaseEntries reads every ledger entry of the lease, in any order.
	LeaseEntries(ctx context.Context, ref string) ([]tenancy.Entry, error)
	// NoticeLines reads the ERP's lines of the lease's notice of period p,
	// nil when it sent none.
	NoticeLines(ctx context.Context, ref string, p notice.Period) ([]notice.Line, error)
	// Document reads a document of the lease by id; document.ErrNotFound
	// when it has none.
	Document(ctx context.Context, ref, id string) (document.Document, error)
	// PutIssuedDocument stores d once: when the lease already has it (same
	// kind, period and version), it returns the stored one and existed.
	PutIssuedDocument(ctx context.Context, ref string, d document.Document) (stored document.Document, existed bool, err error)
	// Claims (with Document above) let one of a burst of identical
	// requests make the receipt while the others wait for it.
	document.Claims
}

// Files keeps the receipts' PDFs (the documents bucket).
type Files interface {
	Put(ctx context.Context, key, contentType string, body []byte) error
}

// Renderer draws a receipt as a PDF; the same receipt gives the same bytes.
type Renderer interface {
	RenderReceipt(r Receipt) ([]byte, error)
}

// Counter takes units of a limit atomically before the work they guard
// (shared/dynamo's counters).
type Counter interface {
	Take(ctx context.Context, key string, limit int, window time.Duration, now func() time.Time) (taken time.Time, wait time.Duration, err error)
}

// Limit bounds the receipts made for one lease: Max documents in any span
// of Window.
type Limit struct {
	Max    int
	Window time.Duration
}

// DefaultLimit is 30 receipts made per hour and lease: far above what a
// household asks, low enough that a runaway client cannot render PDFs
// without end. A receipt asked again with the same facts takes no unit.
var DefaultLimit = Limit{Max: 30, Window: time.Hour}

// Service answers the tenant's receipts.
type Service struct {
	store    Store
	files    Files
	render   Renderer
	counter  Counter
	limit    Limit
	landlord notice.Landlord
	now      func() time.Time
}

// NewService returns the service. A zero limit is DefaultLimit; now may be
// nil.
func NewService(store Store, files Files, render Renderer, counter Counter, limit Limit, landlord notice.Landlord, now func() time.Time) *Service {
	if limit.Max <= 0 || limit.Window <= 0 {
		limit = DefaultLimit
	}
	if now == nil {
		now = time.Now
	}
	return &Service{store: store, files: files, render: render, counter: counter, limit: limit, landlord: landlord, now: now}
}

const (
	msgYear        = "L’année s’écrit avec quatre chiffres, entre 2000 et 2099, par exemple 2026."
	msgPeriod      = "Le mois s’écrit AAAA-MM, par exemple 2026-11."
	msgNoLease     = "Les informations de votre bail ne sont pas disponibles pour le moment. Contactez votre gestionnaire."
	msgTooMany     = "Vous avez demandé beaucoup de quittances en peu de temps. Réessayez dans une heure\u00a0; celles déjà faites sont dans «\u00A0Mes documents\u00A0»."
	msgOutside     = "Ce mois n’est pas compris dans votre bail (commencé le %s%s)\u00a0: il n’y a pas de quittance à établir. Choisissez un autre mois."
	msgNotDueSoon  = "Rien n’a encore été appelé pour %s\u00a0: la quittance pourra être demandée une fois le loyer de ce mois appelé et payé."
	msgNotDuePast  = "Votre compte ne porte aucune somme appelée pour %s\u00a0: il n’y a pas de quittance à établir. Pour un justificatif de cette période, contactez votre gestionnaire."
	msgUnpaid      = "Aucun paiement n’a été imputé à %s (%s dus)\u00a0: ni quittance ni reçu ne peuvent être établis. Réglez ce mois, ou demandez votre relevé de compte pour justifier de vos paiements."
	msgBefore      = "Votre historique en ligne commence en %s\u00a0: pour une quittance plus ancienne, contactez votre gestionnaire."
	msgUnpaidOlder = " Vos paiements de ce mois ont d’abord réglé des sommes plus anciennes restant dues (article 1342-10 du Code civil)."
)

// Year parses the API's year: empty is the current year (Paris), else four
// digits, 2000 to 2099; a fault.Invalid naming "year" otherwise.
func (s *Service) Year(raw string) (int, error) {
	if raw == "" {
		return tenancy.ParisDate(s.now()).Year, nil
	}
	y, err := strconv.Atoi(raw)
	if err != nil || len(raw) != 4 || raw[0] == '+' || raw[0] == '-' || y < 2000 || y > 2099 {
		return 0, fault.Fields{"year": msgYear}.Err()
	}
	return y, nil
}

// Calendar is a year's months and where the ledger's history starts.
type Calendar struct {
	Months []Month
	// HistoryFrom is the month of the ledger's oldest entry: the first
	// month the online history covers; zero when the ledger is empty.
	HistoryFrom notice.Period
}

// Months returns the months of year (Year's rules) within lease ref and
// its ledger's history, in order: from the lease's start month, the
// history's first month or January, whichever is last, to December or the
// lease's end month, whichever is first. A month after today's is NotDue,
// whatever the ledger says.
func (s *Service) Months(ctx context.Context, ref, year string) (Calendar, error) {
	y, err := s.Year(year)
	if err != nil {
		return Calendar{}, err
	}
	l, ledger, err := s.ledger(ctx, ref)
	if err != nil {
		return Calendar{}, err
	}
	this := notice.PeriodOf(tenancy.ParisDate(s.now()))
	from := ledger.HistoryFrom()
	out := []Month{}
	for m := time.January; m <= time.December; m++ {
		p := notice.Period{Year: y, Month: m}
		if !within(l, p) || before(from, p) {
			continue
		}
		month := ledger.MonthOf(p)
		if this.First().Before(p.First()) {
			month.Status = NotDue
		}
		out = append(out, month)
	}
	return Calendar{Months: out, HistoryFrom: from}, nil
}

// before reports whether p is before the history's first month from (never
// when the ledger is empty).
func before(from, p notice.Period) bool {
	return from != (notice.Period{}) && p.First().Before(from.First())
}

// within reports whether p is a month of the lease (its start's month to
// its end's, included).
func within(l tenancy.Lease, p notice.Period) bool {
	if !l.Start.IsZero() && p.First().Before(notice.PeriodOf(l.Start).First()) {
		return false
	}
	return l.End.IsZero() || !notice.PeriodOf(l.End).First().Before(p.First())
}

func (s *Service) ledger(ctx context.Context, ref string) (tenancy.Lease, Ledger, error) {
	l, err := s.store.Lease(ctx, ref)
	if errors.Is(err, tenancy.ErrNotFound) {
		return tenancy.Lease{}, Ledger{}, fault.New(fault.NotFound, msgNoLease)
	}
	if err != nil {
		return tenancy.Lease{}, Ledger{}, fmt.Errorf("read lease: %w", err)
	}
	entries, err := s.store.LeaseEntries(ctx, ref)
	if err != nil {
		return tenancy.Lease{}, Ledger{}, fmt.Errorf("read ledger: %w", err)
	}
	return l, Impute(entries), nil
}

// Issued is a receipt's document and whether this request made it.
type Issued struct {
	Document document.Document
	Created  bool
}

// Issue makes the receipt of period (AAAA-MM) for lease ref, or returns the
// one already made with the same facts: a quittance (document.RentReceipt)
// for a paid month, a reçu (document.PaymentReceipt) for a month partly
// paid. Errors: fault.Invalid naming "period" for a malformed one;
// CodeOutsideLease, CodeNotDue, CodeUnpaid (each with a French message
// saying why and what to do); fault.TooManyRequests past the lease's limit,
// whose unit is taken before rendering, by the one request of a burst that
// claims the document (document.IssueOnce: the others take no unit and
// wait for it, or get a fault.ServiceUnavailable with RetryAfter).
func (s *Service) Issue(ctx context.Context, ref, period string) (Issued, error) {
	p, err := notice.ParsePeriod(period)
	if err != nil || p.String() != period {
		return Issued{}, fault.Fields{"period": msgPeriod}.Err()
	}
	l, ledger, err := s.ledger(ctx, ref)
	if err != nil {
		return Issued{}, err
	}
	if err := s.issuable(l, ledger, p); err != nil {
		return Issued{}, err
	}
	lines, err := s.store.NoticeLines(ctx, ref, p)
	if err != nil {
		return Issued{}, fmt.Errorf("read notice lines: %w", err)
	}
	r, ok := Build(ledger, p, Terms{Lease: l, NoticeLines: lines}, s.landlord)
	if !ok { // issuable checked the status
		return Issued{}, fmt.Errorf("receipt of %s: month not receiptable", p)
	}
	d := Document(ref, r)
	d.ID = document.IssuedDocumentID(ref, d.Kind, d.Period, d.Version)
	// The same facts asked again: no unit, no rendering.
	if got, err := s.store.Document(ctx, ref, d.ID); err == nil {
		return Issued{Document: got}, nil
	} else if !errors.Is(err, document.ErrNotFound) {
		return Issued{}, fmt.Errorf("read receipt: %w", err)
	}
	// A burst of identical requests: the one that claims the id takes the
	// unit and draws; the others take none and wait for its document.
	got, created, err := document.IssueOnce(ctx, s.store, ref, d.ID, s.now, func() (document.Document, bool, error) {
		return s.make(ctx, ref, r, d)
	})
	if err != nil {
		return Issued{}, err
	}
	return Issued{Document: got, Created: created}, nil
}

// make takes a unit, draws receipt r and stores it as document d, under
// the claim on d's id.
func (s *Service) make(ctx context.Context, ref string, r Receipt, d document.Document) (document.Document, bool, error) {
	// Made between the first read and the claim (by a maker that released
	// its claim since): no unit, no rendering.
	if got, err := s.store.Document(ctx, ref, d.ID); err == nil {
		return got, false, nil
	} else if !errors.Is(err, document.ErrNotFound) {
		return document.Document{}, false, fmt.Errorf("read receipt: %w", err)
	}
	if err := s.take(ctx, ref); err != nil {
		return document.Document{}, false, err
	}
	body, err := s.render.RenderReceipt(r)
	if err != nil {
		return document.Document{}, false, fmt.Errorf("render receipt: %w", err)
	}
	d.SizeBytes = int64(len(body))
	// The key is fixed by the version: a retry writes the same bytes to the
	// same object before the item exists.
	if err := s.files.Put(ctx, d.Key, d.ContentType, body); err != nil {
		return document.Document{}, false, fmt.Errorf("put receipt file: %w", err)
	}
	stored, existed, err := s.store.PutIssuedDocument(ctx, ref, d)
	if err != nil {
		return document.Document{}, false, fmt.Errorf("put receipt: %w", err)
	}
	return stored, !existed, nil
}

// issuable refuses a month that gets no receipt, saying why.
func (s *Service) issuable(l tenancy.Lease, ledger Ledger, p notice.Period) error {
	words := PeriodWords(p)
	if !within(l, p) {
		end := ""
		if !l.End.IsZero() {
			end = ", terminé le " + dateFR(l.End)
		}
		return fault.New(CodeOutsideLease, fmt.Sprintf(msgOutside, dateFR(l.Start), end))
	}
	if from := ledger.HistoryFrom(); before(from, p) {
		return fault.New(CodeBeforeHistory, fmt.Sprintf(msgBefore, PeriodWords(from)))
	}
	m := ledger.MonthOf(p)
	this := notice.PeriodOf(tenancy.ParisDate(s.now()))
	switch {
	case this.First().Before(p.First()):
		return fault.New(CodeNotDue, fmt.Sprintf(msgNotDueSoon, words))
	case m.Status == NotDue && p == this:
		return fault.New(CodeNotDue, fmt.Sprintf(msgNotDueSoon, words))
	case m.Status == NotDue:
		return fault.New(CodeNotDue, fmt.Sprintf(msgNotDuePast, words))
	case m.Status == Unpaid:
		msg := fmt.Sprintf(msgUnpaid, words, Euros(m.DueCents))
		if len(earlier(ledger, p)) > 0 {
			msg += msgUnpaidOlder
		}
		return fault.New(CodeUnpaid, msg)
	}
	return nil
}

func (s *Service) take(ctx context.Context, ref string) error {
	if s.counter == nil {
		return nil
	}
	_, wait, err := s.counter.Take(ctx, "receipts#"+ref, s.limit.Max, s.limit.Window, s.now)
	if err != nil {
		return fmt.Errorf("count receipts: %w", err)
	}
	if wait > 0 {
		return fault.TooMany(wait, msgTooMany)
	}
	return nil
}

// Document is the document of receipt r of lease ref, as "Mes documents"
// lists it, without its size: its kind, title, period, date (the
// receipt's), version, file name and key,
// receipts/<2 hex>/<ref>/<kind>/<AAAA-MM>/<version>.pdf (the 2 hex, of a
// hash of the reference, spread the leases over S3's prefixes).
func Document(ref string, r Receipt) document.Document {
	title, file := "Quittance de loyer "+PeriodWords(r.Period), "quittance-"+r.Period.String()+".pdf"
	if r.Kind == document.PaymentReceipt {
		title, file = "Reçu de paiement "+PeriodWords(r.Period), "recu-paiement-"+r.Period.String()+".pdf"
	}
	sum := sha256.Sum256([]byte(ref))
	key := "receipts/" + hex.EncodeToString(sum[:1]) + "/" + ref + "/" + string(r.Kind) + "/" + r.Period.String() + "/" + r.Version + ".pdf"
	return document.Document{Kind: r.Kind, Title: title, Period: r.Period.String(), Date: r.Date,
		ContentType: "application/pdf", FileName: file, Key: key, Version: r.Version}
}
