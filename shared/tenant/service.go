package tenant

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/citejardins/extranet/shared/account"
	"github.com/citejardins/extranet/shared/emailaddr"
	"github.com/citejardins/extranet/shared/fault"
	"github.com/citejardins/extranet/shared/safetext"
	"github.com/citejardins/extranet/shared/tenancy"
)

// Service serves the logged-in tenant.
type Service struct {
	store   Store
	pub     Publisher
	counter Counter
	links   Confirmations
	now     func() time.Time
	random  io.Reader
	log     *slog.Logger
	payee   Payee // WithPayee
}

// Counter takes units of a limit atomically before the work they guard,
// in a sliding window (see account.Counter and shared/dynamo's counters).
type Counter interface {
	Take(ctx context.Context, key string, limit int, window time.Duration, now func() time.Time) (taken time.Time, wait time.Duration, err error)
}

// WritesPerDay bounds the preference changes and change requests of one
// lease in a day: far above what a household does, low enough that a
// runaway client cannot flood the landlord's ERP.
const WritesPerDay = 50

// WithCounter makes the service bound each lease's writes with c.
func (s *Service) WithCounter(c Counter) *Service {
	s.counter = c
	return s
}

// allowWrite takes a unit of the lease's writes before the write, and
// refuses past WritesPerDay in any 24 hours.
func (s *Service) allowWrite(ctx context.Context, ref string) error {
	if s.counter == nil {
		return nil
	}
	_, wait, err := s.counter.Take(ctx, "tenant-writes#"+ref, WritesPerDay, 24*time.Hour, s.now)
	if err != nil {
		return fmt.Errorf("count writes: %w", err)
	}
	if wait > 0 {
		return fault.TooMany(wait, "Vous avez fait beaucoup de modifications aujourd’hui. Réessayez demain, ou contactez votre gestionnaire si c’est urgent.")
	}
	return nil
}

// NewService returns the service. now, random and log may be nil.
func NewService(store Store, pub Publisher, now func() time.Time, random io.Reader, log *slog.Logger) *Service {
	if now == nil {
		now = time.Now
	}
	if random == nil {
		random = rand.Reader
	}
	if log == nil {
		log = slog.Default()
	}
	return &Service{store: store, pub: pub, now: now, random: random, log: log}
}

// Summary is the state of the tenant's account.
type Summary struct {
	BalanceCents int64 // positive: owed; negative: credit
	LastPayment  *tenancy.Payment
	NextDue      tenancy.Payment
	// PaymentMethod is how the lease pays its rent (the ERP's).
	PaymentMethod tenancy.PaymentMethod
	// FirstEntry and LastEntry bound the statement (zero when empty).
	FirstEntry, LastEntry tenancy.Date
	// Transfer: how to pay by transfer; nil without the landlord's IBAN.
	// Given to every lease: a direct-debit tenant may pay arrears by
	// transfer too.
	Transfer *Transfer
}

// Summary returns the balance, the last payment and the next due.
func (s *Service) Summary(ctx context.Context, ref string) (Summary, error) {
	l, err := s.lease(ctx, ref)
	if err != nil {
		return Summary{}, err
	}
	return Summary{BalanceCents: l.BalanceCents, LastPayment: l.LastPayment, NextDue: l.NextDue(tenancy.ParisDate(s.now())),
		PaymentMethod: l.PaymentMethod, FirstEntry: l.FirstEntry, LastEntry: l.LastEntry, Transfer: s.transfer(l)}, nil
}

func (s *Service) lease(ctx context.Context, ref string) (tenancy.Lease, error) {
	l, err := s.store.Lease(ctx, ref)
	if errors.Is(err, tenancy.ErrNotFound) {
		// An account whose lease the ERP no longer exports.
		return tenancy.Lease{}, fault.New(fault.NotFound, "Les informations de votre bail ne sont pas disponibles pour le moment. Contactez votre gestionnaire.")
	}
	if err != nil {
		return tenancy.Lease{}, fmt.Errorf("read lease: %w", err)
	}
	return l, nil
}

// EntryQuery selects a page of the account statement. Dates are
// YYYY-MM-DD; empty means no bound.
type EntryQuery struct {
	From, To string
	Cursor   string
	Limit    string
}

// DefaultPageSize and MaxPageSize bound a page of entries.
const (
	DefaultPageSize = 20
	MaxPageSize     = 100
)

// Entries returns a page of the account statement, newest first.
func (s *Service) Entries(ctx context.Context, ref string, q EntryQuery) (tenancy.EntryPage, error) {
	f := fault.Fields{}
	var from, to tenancy.Date
	var err error
	if q.From != "" {
		if from, err = tenancy.ParseDate(q.From); err != nil {
			f.Add("from", "La date de début doit être au format AAAA-MM-JJ, par exemple 2026-01-01.")
		}
	}
	if q.To != "" {
		if to, err = tenancy.ParseDate(q.To); err != nil {
			f.Add("to", "La date de fin doit être au format AAAA-MM-JJ, par exemple 2026-12-31.")
		}
	}
	if !from.IsZero() && !to.IsZero() && to.Before(from) {
		f.Add("to", "La date de fin doit être après la date de début.")
	}
	limit := DefaultPageSize
	if q.Limit != "" {
		if _, err := fmt.Sscanf(q.Limit, "%d", &limit); err != nil || fmt.Sprint(limit) != q.Limit || limit < 1 || limit > MaxPageSize {
			f.Add("limit", fmt.Sprintf("Le nombre de lignes par page doit être un entier entre 1 et %d.", MaxPageSize))
		}
	}
	if len(q.Cursor) > 512 {
		f.Add("cursor", "Ce lien de page n’est pas valide. Revenez à la première page.")
	}
	if err := f.Err(); err != nil {
		return tenancy.EntryPage{}, err
	}
	page, err := s.store.Entries(ctx, ref, from, to, q.Cursor, limit)
	switch {
	case errors.Is(err, tenancy.ErrBadCursor):
		return tenancy.EntryPage{}, &fault.Error{Code: fault.Invalid, Message: "Ce lien de page n’est pas valide. Revenez à la première page.",
			Fields: map[string]string{"cursor": "Ce lien de page n’est pas valide. Revenez à la première page."}}
	case err != nil:
		if _, lerr := s.lease(ctx, ref); lerr != nil {
			return tenancy.EntryPage{}, lerr
		}
		return tenancy.EntryPage{}, fmt.Errorf("read entries: %w", err)
	}
	return page, nil
}

// Contract is the lease as the tenant reads it.
type Contract struct {
	Lease     tenancy.Lease
	Residence tenancy.Residence
}

// Contract returns the lease and its residence.
func (s *Service) Contract(ctx context.Context, ref string) (Contract, error) {
	l, err := s.lease(ctx, ref)
	if err != nil {
		return Contract{}, err
	}
	r, _, err := s.store.Residence(ctx, l.ResidenceID)
	if err != nil && !errors.Is(err, tenancy.ErrNotFound) {
		return Contract{}, fmt.Errorf("read residence: %w", err)
	}
	return Contract{Lease: l, Residence: r}, nil
}

// contactOrder puts the emergency service first: it is what a tenant looks
// for in a hurry.
var contactOrder = []tenancy.ContactRole{tenancy.Emergency, tenancy.TerritoryManager, tenancy.Landlord}

// Contacts returns the contacts of the lease's residence, emergency first.
func (s *Service) Contacts(ctx context.Context, ref string) ([]tenancy.Contact, error) {
	l, err := s.lease(ctx, ref)
	if err != nil {
		return nil, err
	}
	_, cs, err := s.store.Residence(ctx, l.ResidenceID)
	if err != nil && !errors.Is(err, tenancy.ErrNotFound) {
		return nil, fmt.Errorf("read contacts: %w", err)
	}
	slices.SortStableFunc(cs, func(a, b tenancy.Contact) int {
		return slices.Index(contactOrder, a.Role) - slices.Index(contactOrder, b.Role)
	})
	return cs, nil
}

// Preferences returns the preferences of account k: the lease's paperless
// consent, with the signatory who gave or withdrew it (ByName, read from
// the lease), and the account's own notification address, with the one
// waiting for confirmation, if any (an expired one is no longer waiting).
func (s *Service) Preferences(ctx context.Context, k account.Key) (Preferences, error) {
	p, err := s.stored(ctx, k)
	if err != nil {
		return Preferences{}, err
	}
	return s.named(ctx, k.Reference, visible(p, s.now()))
}

// named fills p.ByName from the lease's signatories. A lease the ERP no
// longer exports still has its preferences: only the name is missing then.
func (s *Service) named(ctx context.Context, ref string, p Preferences) (Preferences, error) {
	if p.By == "" {
		return p, nil
	}
	sg, err := s.signatories(ctx, ref)
	if err != nil {
		return Preferences{}, err
	}
	p.ByName = sg[p.By]
	return p, nil
}

// stored returns the preferences as stored, an expired pending address
// included: conditional writes compare with it.
func (s *Service) stored(ctx context.Context, k account.Key) (Preferences, error) {
	p, err := s.store.Preferences(ctx, k)
	if err != nil {
		return Preferences{}, fmt.Errorf("read preferences: %w", err)
	}
	return p, nil
}

// PreferencesChange is what a tenant may change; nil fields stay.
type PreferencesChange struct {
	Paperless         *bool
	NotificationEmail *string
}

// SetPreferences changes the preferences, records the date consent was
// given or withdrawn, and tells the landlord of what is in use. A new
// notification email is not in use at once: it waits in Pending, with a link
// mailed to it (see askNotificationEmail and ConfirmNotificationEmail).
//
// Errors: fault.Invalid (fields), fault.Conflict (changed meanwhile),
// fault.TooManyRequests (writes per day, mails per account),
// fault.ServiceUnavailable (saved, but the link's mail did not leave).
//
// The paperless consent is the lease's: any of its accounts may give or
// withdraw it, and the change records which (Preferences.By) and when.
func (s *Service) SetPreferences(ctx context.Context, k account.Key, c PreferencesChange) (Preferences, error) {
	ref := k.Reference
	f := fault.Fields{}
	if c.Paperless == nil && c.NotificationEmail == nil {
		f.Add("paperless", "Indiquez si vous souhaitez recevoir vos avis d’échéance sans papier.")
	}
	var email string
	// An empty notification email means "my login email again".
	if c.NotificationEmail != nil && strings.TrimSpace(*c.NotificationEmail) != "" {
		var err error
		if email, err = emailaddr.Parse(*c.NotificationEmail); err != nil {
			f.Add("notificationEmail", emailaddr.Advice(err))
		}
	}
	if err := f.Err(); err != nil {
		return Preferences{}, err
	}
	p, err := s.stored(ctx, k)
	if err != nil {
		return Preferences{}, err
	}
	old := p
	if err := s.allowWrite(ctx, ref); err != nil {
		return Preferences{}, err
	}
	changed := false
	if c.Paperless != nil && *c.Paperless != p.Paperless {
		p.Paperless, p.Since, p.By, changed = *c.Paperless, s.now().UTC().Truncate(time.Second), k.Signatory, true
	}
	var link string // the raw token of a confirmation link to mail
	if c.NotificationEmail != nil {
		var emailChanged bool
		if p, emailChanged, link, err = s.askNotificationEmail(ctx, k, p, email); err != nil {
			return Preferences{}, err
		}
		changed = changed || emailChanged
	}
	if !changed && samePending(old.Pending, p.Pending) {
		return s.named(ctx, ref, visible(p, s.now()))
	}
	var e Event
	if changed {
		if e, err = s.preferencesEvent(k, p); err != nil {
			return Preferences{}, err
		}
	}
	switch err := s.store.SetPreferences(ctx, k, old, p, e); {
	case errors.Is(err, ErrConflict):
		return Preferences{}, fault.New(fault.Conflict, "Vos préférences viennent d’être modifiées depuis un autre appareil ou un autre onglet. Rechargez la page pour voir leur état actuel, puis recommencez si besoin.")
	case err != nil:
		return Preferences{}, fmt.Errorf("save preferences: %w", err)
	}
	if changed {
		s.publish(ctx, e)
	}
	if link != "" {
		if err := s.links.SendEmailLink(ctx, k, p.Pending.Email, link); err != nil {
			return Preferences{}, err
		}
	}
	return s.Preferences(ctx, k) // with the login email when none was chosen
}

// MaxRequestRunes bounds a change request's text.
const MaxRequestRunes = 4000

// checkRequestText applies the portal's text rule (package safetext) to a
// change request: a tenant's letter, so it keeps its paragraphs (line breaks
// normalised to LF) but no control character, no bidi control, and no line
// that starts with "=" or "@" (the landlord's staff open the exports in a
// spreadsheet). It returns the text to keep, trimmed, or a French message.
func checkRequestText(raw string) (string, string) {
	text, err := safetext.Check(strings.TrimSpace(raw), safetext.Rule{MaxRunes: MaxRequestRunes, Lines: true})
	var long *safetext.TooLongError
	switch {
	case errors.As(err, &long):
		return "", fmt.Sprintf("Votre message est trop long (%d caractères, %d au maximum). Vous pourrez compléter par une autre demande.", long.Runes, long.Max)
	case errors.Is(err, safetext.ErrNotUTF8):
		return "", "Votre message contient des caractères non reconnus."
	case errors.Is(err, safetext.ErrBidi):
		return "", "Votre message contient un caractère invisible qui inverse le sens de l’écriture. Retapez le passage copié-collé, puis envoyez à nouveau votre demande."
	case errors.Is(err, safetext.ErrFormula):
		return "", "Une ligne de votre message commence par «\u00a0=\u00a0» ou «\u00a0@\u00a0», que notre logiciel prendrait pour une formule. Ajoutez un mot avant ce signe, ou retirez-le."
	case err != nil: // a control character, or a lone carriage return
		return "", "Votre message contient un caractère de contrôle invisible (tabulation, caractère nul…), souvent venu d’un copier-coller. Retapez le passage copié, puis envoyez à nouveau votre demande."
	case strings.TrimSpace(text) == "":
		return "", "Décrivez votre changement de situation."
	}
	return strings.TrimSpace(text), ""
}

// SubmitChangeRequest records a change request of the lease, sent by
// account k (ChangeRequest.By), and tells the landlord.
func (s *Service) SubmitChangeRequest(ctx context.Context, k account.Key, kind, text string) (ChangeRequest, error) {
	ref := k.Reference
	f := fault.Fields{}
	if !slices.Contains(Kinds, RequestKind(kind)) {
		f.Add("kind", "Choisissez l’objet de votre demande\u00a0: coordonnées, composition du foyer, situation familiale, ressources ou autre.")
	}
	text, msg := checkRequestText(text)
	if msg != "" {
		f.Add("text", msg)
	}
	if err := f.Err(); err != nil {
		return ChangeRequest{}, err
	}
	if err := s.allowWrite(ctx, ref); err != nil {
		return ChangeRequest{}, err
	}
	now := s.now().UTC().Truncate(time.Second)
	for attempt := 0; ; attempt++ {
		id, err := s.requestID(now)
		if err != nil {
			return ChangeRequest{}, err
		}
		r := ChangeRequest{ID: id, Reference: ref, By: k.Signatory, Kind: RequestKind(kind), Text: text, Status: Submitted, SubmittedAt: now}
		e, err := s.event("change_request_submitted", ref, map[string]any{"id": r.ID, "kind": r.Kind, "text": r.Text, "submittedAt": r.SubmittedAt, "by": r.By})
		if err != nil {
			return ChangeRequest{}, err
		}
		err = s.store.AddChangeRequest(ctx, r, e)
		if errors.Is(err, ErrConflict) && attempt < 3 {
			continue
		}
		if err != nil {
			return ChangeRequest{}, fmt.Errorf("save change request: %w", err)
		}
		s.publish(ctx, e)
		// The request is saved: a failed read of the name leaves it out
		// rather than failing what was done.
		if sg, err := s.signatories(ctx, ref); err == nil {
			r.ByName = sg[r.By]
		}
		return r, nil
	}
}

// signatories reads the lease's signatories by id; none for a lease the
// ERP no longer exports.
func (s *Service) signatories(ctx context.Context, ref string) (map[string]tenancy.Signatory, error) {
	lease, err := s.store.Lease(ctx, ref)
	if err != nil && !errors.Is(err, tenancy.ErrNotFound) {
		return nil, fmt.Errorf("read lease: %w", err)
	}
	byID := make(map[string]tenancy.Signatory, len(lease.Signatories))
	for _, sg := range lease.Signatories {
		if sg.ID != "" {
			byID[sg.ID] = sg
		}
	}
	return byID, nil
}

// ChangeRequests lists the lease's requests, newest first, each with the
// signatory who sent it (ByName).
func (s *Service) ChangeRequests(ctx context.Context, ref string) ([]ChangeRequest, error) {
	rs, err := s.store.ChangeRequests(ctx, ref)
	if err != nil {
		return nil, fmt.Errorf("list change requests: %w", err)
	}
	slices.SortStableFunc(rs, func(a, b ChangeRequest) int { return b.SubmittedAt.Compare(a.SubmittedAt) })
	if len(rs) == 0 {
		return rs, nil
	}
	sg, err := s.signatories(ctx, ref)
	if err != nil {
		return nil, err
	}
	for i := range rs {
		rs[i].ByName = sg[rs[i].By]
	}
	return rs, nil
}

// ChangeRequest returns one of the tenant's requests. Another lease's
// request is "not found", exactly like a request that does not exist.
func (s *Service) ChangeRequest(ctx context.Context, ref, id string) (ChangeRequest, error) {
	r, err := s.store.ChangeRequest(ctx, ref, id)
	if errors.Is(err, ErrNotFound) {
		return ChangeRequest{}, fault.New(fault.NotFound, "Cette demande est introuvable. Retrouvez vos demandes dans «\u00a0Mes demandes\u00a0».")
	}
	if err != nil {
		return ChangeRequest{}, fmt.Errorf("read change request: %w", err)
	}
	sg, err := s.signatories(ctx, ref)
	if err != nil {
		return ChangeRequest{}, err
	}
	r.ByName = sg[r.By]
	return r, nil
}

// requestID makes an id a tenant can quote on the phone: the date and six
// random characters, e.g. 20261125-7K3Q9D.
func (s *Service) requestID(now time.Time) (string, error) {
	const alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ" // no 0/O, 1/I
	b := make([]byte, 6)
	if _, err := io.ReadFull(s.random, b); err != nil {
		return "", fmt.Errorf("random id: %w", err)
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return tenancy.ParisDate(now).Time().Format("20060102") + "-" + string(b), nil
}

func (s *Service) event(typ, ref string, data any) (Event, error) {
	b := make([]byte, 8)
	if _, err := io.ReadFull(s.random, b); err != nil {
		return Event{}, fmt.Errorf("random id: %w", err)
	}
	return Event{ID: hex.EncodeToString(b), Type: typ, Reference: ref, At: s.now().UTC(), Data: data}, nil
}

// publish hands the event to the ERP's exports now. If that fails, the
// event stays in the outbox, saved with the action, for the export run to
// publish: the tenant's action is never lost, only later.
func (s *Service) publish(ctx context.Context, e Event) {
	if s.pub == nil {
		return
	}
	if err := s.pub.Publish(ctx, e); err != nil {
		s.log.WarnContext(ctx, "publish event; left in the outbox", "event", e.ID, "err", err)
		return
	}
	if err := s.store.MarkPublished(ctx, e); err != nil {
		s.log.WarnContext(ctx, "mark event published", "event", e.ID, "err", err)
	}
}

// Outbox is where events wait until published.
type Outbox interface {
	PendingEvents(ctx context.Context, limit int) ([]Event, error)
	MarkPublished(ctx context.Context, e Event) error
}

// PublishPending publishes the events waiting in the outbox, oldest first,
// and returns how many it published. Publishing is idempotent (an event's
// object is named by its id), so a crash between publishing and marking
// only publishes the event again.
func PublishPending(ctx context.Context, box Outbox, pub Publisher) (int, error) {
	n := 0
	for {
		evs, err := box.PendingEvents(ctx, 100)
		if err != nil {
			return n, err
		}
		if len(evs) == 0 {
			return n, nil
		}
		for _, e := range evs {
			if err := pub.Publish(ctx, e); err != nil {
				return n, err
			}
			if err := box.MarkPublished(ctx, e); err != nil {
				return n, err
			}
			n++
		}
	}
}
