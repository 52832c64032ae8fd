package directdebit

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/big"
	"slices"
	"strings"
	"time"

	"github.com/citejardins/extranet/shared/bankaccount"
	"github.com/citejardins/extranet/shared/document"
	"github.com/citejardins/extranet/shared/fault"
	"github.com/citejardins/extranet/shared/tenancy"
	"github.com/citejardins/extranet/shared/tenant"
)

// State is a lease's DIRECTDEBIT item: the RUM of its active mandate
// (empty when none) and how many mandate numbers it has taken.
type State struct {
	Current string
	Seq     int64
}

// ErrConflict is returned by the store when the state it was given is no
// longer the stored one (another request changed it meanwhile).
var ErrConflict = errors.New("direct-debit state changed meanwhile")

// Store keeps a lease's mandates (the tenancy table, DESIGN.md pattern 21).
// Every method takes the lease reference, so none reaches another lease.
type Store interface {
	// Mandates reads the lease's state and every mandate it has had, in
	// any order, strongly consistent.
	Mandates(ctx context.Context, ref string) (State, []Mandate, error)
	// NextSeq takes the lease's next mandate number (atomically: two
	// callers never get the same).
	NextSeq(ctx context.Context, ref string) (int64, error)
	// Sign stores m as the lease's active mandate, if the active one is
	// still current (empty: none): in one transaction, the state's
	// current, m, the former mandate revoked on m.SignedOn, document doc
	// and event e in the outbox. ErrConflict when current changed.
	Sign(ctx context.Context, ref, current string, m Mandate, doc document.Document, e tenant.Event) error
	// End records the end of the active mandate m (m.Status Revoked with
	// RevokedOn, or Lapsed with LapsedOn and LastDebitOn), if it is still
	// current and active, with event e. ErrConflict otherwise.
	End(ctx context.Context, ref string, m Mandate, e tenant.Event) error
}

// Ledger reads a lease and its entries.
type Ledger interface {
	Lease(ctx context.Context, ref string) (tenancy.Lease, error)
	// LeaseEntries is every entry of the lease, oldest first.
	LeaseEntries(ctx context.Context, ref string) ([]tenancy.Entry, error)
}

// Files holds the mandates' PDFs (the documents bucket).
type Files interface {
	Put(ctx context.Context, key, contentType string, body []byte) error
}

// Renderer draws a mandate as PDF (shared/pdf).
type Renderer interface {
	RenderMandate(Mandate) ([]byte, error)
}

// Creditor is the landlord as the mandate names it: LANDLORD_NAME,
// LANDLORD_ADDRESS (lines) and LANDLORD_ICS.
type Creditor struct {
	Name         string
	AddressLines []string
	ICS          string // NormalizeICS'd; empty: no direct debit offered
}

// Counter takes units of a limit atomically before the work they guard
// (shared/dynamo's counters).
type Counter interface {
	Take(ctx context.Context, key string, limit int, window time.Duration, now func() time.Time) (taken time.Time, wait time.Duration, err error)
}

// Limit bounds the mandates one lease signs: far above what a household
// does (a new account, a correction), low enough that a runaway client
// cannot fill Mes documents and the ERP's export. The default is
// DefaultLimit.
type Limit struct {
	Max    int
	Window time.Duration
}

// DefaultLimit is 10 mandates a lease in any 24 hours.
var DefaultLimit = Limit{Max: 10, Window: 24 * time.Hour}

// LimitKey is the counter of a lease's signatures. A reference is no
// personal data (DESIGN.md, counters).
func LimitKey(ref string) string { return "direct-debit#" + ref }

// Config is the service's settings.
type Config struct {
	Creditor  Creditor
	DebitDays []int // DIRECT_DEBIT_DAYS
	// NoticeDay is the day of the month the coming month's notices are
	// issued (NOTICE_DAY, the template's NoticeDay; 0: DefaultNoticeDay):
	// it fixes a mandate's first debit (FirstDebit).
	NoticeDay int
	// Counter and Limit bound the signatures per lease (nil: no bound;
	// a zero Limit is DefaultLimit).
	Counter Counter
	Limit   Limit
}

// Service signs, shows, revokes and lapses a lease's mandates.
type Service struct {
	cfg    Config
	store  Store
	ledger Ledger
	files  Files
	render Renderer
	now    func() time.Time
	random io.Reader
}

// NewService returns the service; now and random may be nil (time.Now,
// crypto/rand). A Creditor.ICS that is set must be a valid ICS.
func NewService(cfg Config, store Store, ledger Ledger, files Files, render Renderer, now func() time.Time, random io.Reader) (*Service, error) {
	if cfg.Creditor.ICS != "" {
		ics, err := NormalizeICS(cfg.Creditor.ICS)
		if err != nil {
			return nil, fmt.Errorf("LANDLORD_ICS: %w", err)
		}
		cfg.Creditor.ICS = ics
	}
	if len(cfg.DebitDays) == 0 {
		cfg.DebitDays, _ = ParseDebitDays("")
	}
	if cfg.Limit.Max <= 0 || cfg.Limit.Window <= 0 {
		cfg.Limit = DefaultLimit
	}
	if now == nil {
		now = time.Now
	}
	if random == nil {
		random = rand.Reader
	}
	return &Service{cfg: cfg, store: store, ledger: ledger, files: files, render: render, now: now, random: random}, nil
}

// DebitDays are the days of the month a tenant may choose.
func (s *Service) DebitDays() []int { return slices.Clone(s.cfg.DebitDays) }

// Offer is a debit day offered and the first debit a mandate signed
// today with it would have (FirstDebit).
type Offer struct {
	DebitDay     int
	FirstDebitOn tenancy.Date
}

// Offers are the debit days offered (DebitDays, in order), each with the
// first debit of a mandate signed today (Paris) with it, so that the form
// says before the consent which due the debit starts with.
func (s *Service) Offers() []Offer {
	today := tenancy.ParisDate(s.now())
	out := make([]Offer, len(s.cfg.DebitDays))
	for i, d := range s.cfg.DebitDays {
		out[i] = Offer{DebitDay: d, FirstDebitOn: FirstDebit(today, d, s.cfg.NoticeDay)}
	}
	return out
}

// Creditor is the landlord a new mandate names (name, address lines, ICS
// normalized; empty ICS: no direct debit offered), so that the form shows
// before any mandate what the tenant will sign.
func (s *Service) Creditor() Creditor {
	c := s.cfg.Creditor
	c.AddressLines = slices.Clone(c.AddressLines)
	return c
}

// Request is what the tenant sends to subscribe.
type Request struct {
	IBAN, BIC, Holder string
	DebitDay          int
	Consent           bool
}

// Event types of the ERP export.
const (
	EventSigned  = "direct_debit_mandate_signed"
	EventRevoked = "direct_debit_mandate_revoked"
	EventLapsed  = "direct_debit_mandate_lapsed"
)

// Messages.
const (
	msgUnavailable          = "Le prélèvement automatique n’est pas encore proposé en ligne. Contactez votre gestionnaire pour le mettre en place."
	msgConsent              = "Cochez la case pour autoriser le prélèvement\u00A0: sans votre accord, le mandat ne peut pas être signé."
	msgLease                = "Les informations de votre bail ne sont pas disponibles pour le moment. Contactez votre gestionnaire."
	msgNone                 = "Vous n’avez pas de prélèvement automatique en cours. Pour en mettre un en place, remplissez le formulaire «\u00A0Prélèvement automatique\u00A0»."
	msgThirdPartyOutsideEEA = "Ce compte, au nom d’une autre personne, est tenu hors de l’Espace économique européen\u00A0: le mandat devrait donner l’adresse du titulaire. Indiquez un compte d’une banque de l’Union européenne, ou contactez votre gestionnaire pour mettre ce prélèvement en place."
	msgBusy                 = "Votre demande n’a pas pu être enregistrée car une autre était en cours. Réessayez dans quelques secondes."
)

func (s *Service) msgDebitDay() string {
	days := make([]string, len(s.cfg.DebitDays))
	for i, d := range s.cfg.DebitDays {
		days[i] = fmt.Sprint(d)
	}
	return "Choisissez le jour du prélèvement parmi ceux proposés\u00A0: le " + strings.Join(days, " ou le ") + " du mois."
}

// Validate checks a request without writing anything: the creditor's
// settings (fault.ServiceUnavailable without LANDLORD_ICS), the consent,
// the debit day among DebitDays and the account. It returns the request
// with the account in its electronic form, or a fault.Invalid naming each
// field (consent, debitDay, iban, bic, holder).
func (s *Service) Validate(r Request) (Request, error) {
	if s.cfg.Creditor.ICS == "" {
		return Request{}, fault.New(fault.ServiceUnavailable, msgUnavailable)
	}
	f := fault.Fields{}
	if !r.Consent {
		f.Add("consent", msgConsent)
	}
	if !slices.Contains(s.cfg.DebitDays, r.DebitDay) {
		f.Add("debitDay", s.msgDebitDay())
	}
	// The bank details' own checks (shared/bankaccount): the IBAN's
	// country, length, mod 97 and national key; the BIC of the IBAN's
	// country; the holder in the SEPA character set.
	iban, err := bankaccount.ParseIBAN(r.IBAN)
	if err != nil {
		f.Add("iban", bankaccount.Advice(err))
	} else if bic, err := bankaccount.ParseBIC(r.BIC, iban); err != nil {
		f.Add("bic", bankaccount.Advice(err))
	} else {
		r.IBAN, r.BIC = string(iban), string(bic)
	}
	holder, err := bankaccount.ParseHolder(r.Holder)
	if err != nil {
		f.Add("holder", bankaccount.Advice(err))
	}
	if err := f.Err(); err != nil {
		return Request{}, err
	}
	r.Holder = holder
	return r, nil
}

// signTries bounds the transactions a subscription tries when another
// request changes the lease's active mandate meanwhile.
const signTries = 60

// Subscribe signs a new mandate for lease ref from a request Validate
// accepted (call Validate, then check the password, then Subscribe): it
// takes the lease's next RUM, draws the mandate's PDF, stores it, and in
// one transaction makes it the active mandate, revokes the former one if
// any, lists the PDF in "Mes documents" (kind sepa_mandate) and puts
// direct_debit_mandate_signed in the export. It returns the mandate.
//
// Errors: those of Validate; fault.Invalid (field iban) for another
// person's account at a bank outside the EEA, whose mandate would need the
// holder's address; fault.NotFound when the lease is unknown;
// fault.TooManyRequests past the Limit; fault.Conflict (409) when other
// subscriptions kept changing the lease's mandate for all of signTries.
func (s *Service) Subscribe(ctx context.Context, ref string, r Request) (Mandate, error) {
	r, err := s.Validate(r)
	if err != nil {
		return Mandate{}, err
	}
	l, err := s.lease(ctx, ref)
	if err != nil {
		return Mandate{}, err
	}
	// The debtor is the account's holder; the tenant, when another
	// person, is the party the debit is for. The lease's address is the
	// tenant's, not the holder's, which the form does not ask: it is left
	// out. The EPC SEPA Core rulebook (EPC016, DS-01 attribute 09) wants the
	// debtor's address only when the debtor's bank is outside the EEA:
	// such an account of another person is refused (the tenant's manager
	// sets it up).
	onBehalfOf := ""
	if sig, ok := l.MainSignatory(); ok {
		if tenantName := strings.TrimSpace(sig.FirstName + " " + sig.LastName); !sameName(tenantName, r.Holder) {
			if !inEEA(r.IBAN) {
				return Mandate{}, fault.Fields{"iban": msgThirdPartyOutsideEEA}.Err()
			}
			onBehalfOf = tenantName
		}
	}
	if c := s.cfg.Counter; c != nil {
		_, wait, err := c.Take(ctx, LimitKey(ref), s.cfg.Limit.Max, s.cfg.Limit.Window, s.now)
		if err != nil {
			return Mandate{}, fmt.Errorf("count signatures: %w", err)
		}
		if wait > 0 {
			return Mandate{}, fault.TooMany(wait, "Vous avez signé beaucoup de mandats de prélèvement en peu de temps. "+
				"Réessayez plus tard\u00A0; votre dernier mandat reste en vigueur et figure dans «\u00A0Mes documents\u00A0».")
		}
	}
	seq, err := s.store.NextSeq(ctx, ref)
	if err != nil {
		return Mandate{}, fmt.Errorf("take mandate number: %w", err)
	}
	rum, err := RUM(ref, seq)
	if err != nil {
		return Mandate{}, err
	}
	at := s.now()
	m := Mandate{RUM: rum, ICS: s.cfg.Creditor.ICS, CreditorName: s.cfg.Creditor.Name,
		CreditorAddress: slices.Clone(s.cfg.Creditor.AddressLines), DebtorAddress: l.Address,
		IBAN: r.IBAN, BIC: r.BIC, Holder: r.Holder, Type: Recurrent, SignedAt: at.UTC(), SignedOn: tenancy.ParisDate(at),
		Place: l.Address.City, DebitDay: r.DebitDay, Status: Active, DebtorName: r.Holder, Reference: ref}
	m.FirstDebitOn = FirstDebit(m.SignedOn, m.DebitDay, s.cfg.NoticeDay)
	if onBehalfOf != "" {
		m.OnBehalfOf = onBehalfOf
		m.DebtorAddress = tenancy.Address{}
	}
	body, err := s.render.RenderMandate(m)
	if err != nil {
		return Mandate{}, fmt.Errorf("render mandate: %w", err)
	}
	doc := MandateDocument(ref, m, int64(len(body)))
	m.DocumentID, m.DocumentKey = doc.ID, doc.Key
	// The key holds the fingerprint of everything printed: no other
	// mandate's PDF is ever written there.
	if err := s.files.Put(ctx, doc.Key, doc.ContentType, body); err != nil {
		return Mandate{}, fmt.Errorf("store mandate pdf: %w", err)
	}
	// A mandate in force that lapsed meanwhile is recorded lapsed, not
	// revoked by this one.
	if _, _, err := s.Settle(ctx, ref, m.SignedOn); err != nil {
		return Mandate{}, err
	}
	for try := 0; try < signTries; try++ {
		st, _, err := s.store.Mandates(ctx, ref)
		if err != nil {
			return Mandate{}, fmt.Errorf("read mandates: %w", err)
		}
		e, err := s.event(ref, EventSigned, at, signedData(m, st.Current))
		if err != nil {
			return Mandate{}, err
		}
		err = s.store.Sign(ctx, ref, st.Current, m, doc, e)
		if err == nil {
			return m, nil
		}
		if !errors.Is(err, ErrConflict) {
			return Mandate{}, fmt.Errorf("sign mandate: %w", err)
		}
		if err := s.pause(ctx, try); err != nil {
			return Mandate{}, err
		}
	}
	return Mandate{}, fault.New(fault.Conflict, msgBusy)
}

// pause waits a few jittered milliseconds before another try.
func (s *Service) pause(ctx context.Context, try int) error {
	n, err := rand.Int(s.random, big.NewInt(int64(5+min(try, 10)*5)))
	if err != nil {
		return fmt.Errorf("jitter: %w", err)
	}
	t := time.NewTimer(time.Duration(n.Int64()+1) * time.Millisecond)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// MandateDocument is mandate m's entry in "Mes documents": kind
// sepa_mandate, the month and day of its signature, its version the
// mandate's fingerprint, its key
// receipts/<2 hex>/<ref>/sepa_mandate/<AAAA-MM>/<fingerprint>.pdf (the
// prefix of the documents made on request, which the documents function
// may read).
func MandateDocument(ref string, m Mandate, size int64) document.Document {
	fp := m.Fingerprint()
	period := fmt.Sprintf("%04d-%02d", m.SignedOn.Year, int(m.SignedOn.Month))
	return document.Document{
		ID:   document.IssuedDocumentID(ref, document.SepaMandate, period, fp),
		Kind: document.SepaMandate, Title: "Mandat de prélèvement SEPA " + m.RUM, Period: period, Date: m.SignedOn,
		ContentType: "application/pdf", SizeBytes: size, FileName: "mandat-prelevement-sepa-" + m.RUM + ".pdf",
		Key:     "receipts/" + fp[:2] + "/" + ref + "/" + string(document.SepaMandate) + "/" + period + "/" + fp + ".pdf",
		Version: fp,
	}
}

func (s *Service) lease(ctx context.Context, ref string) (tenancy.Lease, error) {
	l, err := s.ledger.Lease(ctx, ref)
	if errors.Is(err, tenancy.ErrNotFound) {
		return tenancy.Lease{}, fault.New(fault.NotFound, msgLease)
	}
	if err != nil {
		return tenancy.Lease{}, fmt.Errorf("read lease: %w", err)
	}
	return l, nil
}

func (s *Service) event(ref, typ string, at time.Time, data any) (tenant.Event, error) {
	b := make([]byte, 16)
	if _, err := io.ReadFull(s.random, b); err != nil {
		return tenant.Event{}, fmt.Errorf("event id: %w", err)
	}
	return tenant.Event{ID: hex.EncodeToString(b), Type: typ, Reference: ref, At: at, Data: data}, nil
}

// signedData is direct_debit_mandate_signed's data: everything the ERP
// needs to collect under the mandate (shared/erp/FORMAT.md).
func signedData(m Mandate, replaces string) map[string]any {
	d := map[string]any{
		"rum": m.RUM, "ics": m.ICS, "type": m.Type,
		"creditor": map[string]any{"name": m.CreditorName, "address": m.CreditorAddress},
		"debtor": map[string]any{"name": m.DebtorName, "street": m.DebtorAddress.Street, "complement": m.DebtorAddress.Complement,
			"postalCode": m.DebtorAddress.PostalCode, "city": m.DebtorAddress.City},
		"iban": m.IBAN, "bic": m.BIC, "holder": m.Holder, "debitDay": m.DebitDay, "firstDebitOn": dateOrNil(m.FirstDebitOn),
		"onBehalfOf": nil,
		"signedAt":   m.SignedAt.UTC().Format(time.RFC3339), "signedOn": m.SignedOn.String(), "place": m.Place,
		"documentId": m.DocumentID, "documentKey": m.DocumentKey,
		"replaces": nil,
	}
	if replaces != "" {
		d["replaces"] = replaces
	}
	if m.OnBehalfOf != "" {
		d["onBehalfOf"] = map[string]any{"name": m.OnBehalfOf, "reference": m.Reference}
	}
	return d
}

func dateOrNil(d tenancy.Date) any {
	if d.IsZero() {
		return nil
	}
	return d.String()
}

// sameName reports whether two names are the same person's as a bank
// would read them: the SEPA form (no accents), case and spaces aside.
func sameName(a, b string) bool {
	return strings.EqualFold(strings.Join(strings.Fields(bankaccount.SEPA(a)), " "), strings.Join(strings.Fields(bankaccount.SEPA(b)), " "))
}

// eea lists the IBAN country codes of the European Economic Area (the EU,
// Iceland, Liechtenstein, Norway; Åland and the French overseas
// departments and collectivities that have codes of their own).
var eea = map[string]bool{
	"AT": true, "BE": true, "BG": true, "HR": true, "CY": true, "CZ": true, "DK": true, "EE": true, "FI": true, "FR": true,
	"DE": true, "GR": true, "HU": true, "IE": true, "IT": true, "LV": true, "LT": true, "LU": true, "MT": true, "NL": true,
	"PL": true, "PT": true, "RO": true, "SK": true, "SI": true, "ES": true, "SE": true, "IS": true, "LI": true, "NO": true,
	"AX": true, "GF": true, "GP": true, "MQ": true, "RE": true, "YT": true, "BL": true, "MF": true, "PM": true,
}

// inEEA reports whether an IBAN (electronic form) is of a bank in the EEA.
func inEEA(iban string) bool { return len(iban) >= 2 && eea[iban[:2]] }
