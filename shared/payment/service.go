package payment

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/citejardins/extranet/shared/fault"
)

// Store keeps the payments (shared/dynamo, patterns 19 and 20 of DESIGN.md).
type Store interface {
	// Payment reads a lease's payment by id (strongly): ErrNotFound.
	Payment(ctx context.Context, ref, id string) (Payment, error)
	// CreatePayment puts a new payment (Version 1, no page: a claim of
	// its Idempotency-Key): ErrExists if its id is taken.
	CreatePayment(ctx context.Context, p Payment) error
	// ReleasePayment deletes a lease's payment if it is still a claim
	// (Version 1, no page); nil also when it is not, or is gone.
	ReleasePayment(ctx context.Context, ref, id string) error
	// SetCheckout stores p's hosted page, conditioned on p.Version (the
	// version read): ErrVersion.
	SetCheckout(ctx context.Context, p Payment) error
	// Payments lists a lease's payments, in no order.
	Payments(ctx context.Context, ref string) ([]Payment, error)
	// EventSeen says whether a provider event is recorded.
	EventSeen(ctx context.Context, eventID string) (bool, error)
	// ApplyEvent writes w in one transaction: ErrDuplicateEvent when the
	// event is already recorded, ErrVersion when the payment changed since
	// w.Before was read (or was settled meanwhile).
	ApplyEvent(ctx context.Context, w Write) error
}

// Store errors.
var (
	ErrNotFound       = errors.New("payment: not found")
	ErrExists         = errors.New("payment: already exists")
	ErrVersion        = errors.New("payment: changed since read")
	ErrDuplicateEvent = errors.New("payment: event already recorded")
)

// Outcome is what a provider event did; recorded with the event.
type Outcome string

// Outcomes.
const (
	OutcomeApplied   Outcome = "applied"
	OutcomeIgnored   Outcome = "ignored"
	OutcomeFlagged   Outcome = "flagged"
	OutcomeUnknown   Outcome = "unknown_payment"
	OutcomeDuplicate Outcome = "duplicate" // never recorded: the event already was
)

// Write is one provider event's effect, written at once (pattern 20).
type Write struct {
	Event   Event
	Outcome Outcome
	At      time.Time
	// Before is the payment as read (nil: unknown payment); After is what
	// it becomes (Version = Before.Version + 1).
	Before, After *Payment
	// Entries are the provisional ledger entries to put or delete, and
	// BalanceDeltaCents what the lease's balance moves by (their sum:
	// negative for a credit).
	Entries           []EntryChange
	BalanceDeltaCents int64
	// Outbox holds the events for the ERP export.
	Outbox []OutboxEvent
	// Confirm asks for the tenant's confirmation mail (a mail job).
	Confirm bool
}

// EntryChange is a provisional ledger entry (kind payment) put, or deleted
// when Delete.
type EntryChange struct {
	ID          string // portal-<payment id>[-refund]
	Date        string // AAAA-MM-JJ
	Label       string
	DebitCents  int64
	CreditCents int64
	Delete      bool
}

// OutboxEvent is an event for the ERP export (shared/erp/FORMAT.md).
type OutboxEvent struct {
	ID, Type, Reference string
	At                  time.Time
	Data                any
}

// Labels of the provisional entries, as the tenant reads them in Mon solde.
const (
	LabelCredit = "Paiement en ligne (en cours d’enregistrement)"
	LabelRefund = "Remboursement du paiement en ligne"
)

// EntryID is the ledger id of a payment's provisional credit, and of its
// refund with refund.
func EntryID(paymentID string, refund bool) string {
	if refund {
		return "portal-" + paymentID + "-refund"
	}
	return "portal-" + paymentID
}

// Counter takes units of a limit atomically (shared/dynamo's counters).
type Counter interface {
	Take(ctx context.Context, key string, limit int, window time.Duration, now func() time.Time) (taken time.Time, wait time.Duration, err error)
	Give(ctx context.Context, key string, window time.Duration, taken time.Time) error
}

// Owed is the default amount of a payment, in cents: what a lease owes
// now plus its next due (Mon solde shows both), without the next due when
// the lease's dues are debited (the debit collects it): DefaultCents.
type Owed func(ctx context.Context, ref string) (int64, error)

// DefaultCents is a payment's default amount, in cents: what is owed
// (balanceCents when positive) plus the next due (nextDueCents); what is
// owed alone when the lease's dues are debited (directDebit: the ERP's
// payment method is direct debit, or the lease has an active mandate
// signed in the portal), whose debit collects the next due (the web app
// offers the same: web/js/pay.js payPlan and leaseDebited).
func DefaultCents(balanceCents, nextDueCents int64, directDebit bool) int64 {
	owed := max(balanceCents, 0)
	if directDebit {
		return owed
	}
	return owed + nextDueCents
}

// Config sets the service.
type Config struct {
	// MaxCents caps a payment (PAYMENT_MAX_CENTS); default DefaultMaxCents.
	MaxCents int64
	// Limit bounds the payments a lease starts: LimitMax in any LimitWindow
	// (default 20 an hour: a household never needs more, a runaway client
	// cannot open provider sessions without end).
	LimitMax    int
	LimitWindow time.Duration
	// PublicURL is the portal's origin: the provider sends the tenant back
	// to PublicURL + ReturnPath(id, …).
	PublicURL string
	// CheckoutTTL is how long the hosted page stays open (default 1 h;
	// Stripe: 30 min to 24 h).
	CheckoutTTL time.Duration
}

// DefaultMaxCents is the cap when PAYMENT_MAX_CENTS is not set: 5 000 €.
const DefaultMaxCents = 500000

// MaxKeyLength bounds an Idempotency-Key (a UUID is 36 characters).
const MaxKeyLength = 255

// ReturnPath is the web app's page the provider sends the tenant back to:
// /mon-espace/paiements?paiement=<id>&resultat=paye after paying,
// …&resultat=annule after leaving the page.
func ReturnPath(id string, paid bool) string {
	r := "annule"
	if paid {
		r = "paye"
	}
	return "/mon-espace/paiements?paiement=" + id + "&resultat=" + r
}

// Service starts payments and applies the provider's events.
type Service struct {
	store    Store
	provider Provider
	counter  Counter
	owed     Owed
	cfg      Config
	now      func() time.Time
	sleep    func(time.Duration)
}

// NewService returns the service; now may be nil (time.Now).
func NewService(store Store, provider Provider, counter Counter, owed Owed, cfg Config, now func() time.Time) *Service {
	if cfg.MaxCents <= 0 {
		cfg.MaxCents = DefaultMaxCents
	}
	if cfg.LimitMax <= 0 || cfg.LimitWindow <= 0 {
		cfg.LimitMax, cfg.LimitWindow = 20, time.Hour
	}
	if cfg.CheckoutTTL <= 0 {
		cfg.CheckoutTTL = time.Hour
	}
	if now == nil {
		now = time.Now
	}
	return &Service{store: store, provider: provider, counter: counter, owed: owed, cfg: cfg, now: now, sleep: time.Sleep}
}

// Problem codes of payments (shared/httpapi maps them to statuses).
const (
	CodeKeyMissing      = fault.PaymentKeyMissing    // 400: no or too long Idempotency-Key
	CodeKeyReused       = fault.PaymentKeyReused     // 422: the key started a payment of another amount
	CodePaymentExpired  = fault.PaymentExpired       // 409: the key's payment page expired unpaid
	CodePaymentFailed   = fault.PaymentFailed        // 409: the key's payment failed
	CodeWebhookSigned   = fault.WebhookSignature     // 400
	CodeWebhookStale    = fault.WebhookStale         // 400
	CodeProviderFailure = fault.PaymentProviderError // 503: the provider did not answer
)

// Start starts a payment of amountCents (nil: what is owed, see Owed,
// capped) for lease ref, once per Idempotency-Key (pattern 19): the same
// key and amount give the same payment; the same key with another amount
// is refused (CodeKeyReused), and so is a key whose page expired
// unpaid (CodePaymentExpired) or failed (CodePaymentFailed): the client
// draws a new key. Errors:
// CodeKeyMissing, fault.Invalid (amountCents outside MinCents..MaxCents),
// fault.TooManyRequests, CodeProviderFailure.
//
// Of parallel requests with one key, the one whose conditional put of the
// payment wins (a claim: version 1, no page) takes the unit of the lease's
// limit, atomically before it asks the provider for the page; refused, it
// deletes its claim (429). The others read the payment and wait for its
// page (up to AwaitFor), so that a double tap near the limit is answered
// the payment, not a 429.
func (s *Service) Start(ctx context.Context, ref, key string, amountCents *int64) (Payment, error) {
	if key == "" || len(key) > MaxKeyLength || strings.IndexFunc(key, func(r rune) bool { return r < 0x21 || r > 0x7e }) >= 0 {
		return Payment{}, fault.New(CodeKeyMissing, "La demande de paiement n’a pas pu être identifiée. Rechargez la page puis appuyez de nouveau sur «\u00a0Payer\u00a0».")
	}
	id := IDFor(ref, key)
	for try := 0; ; try++ {
		p, err := s.store.Payment(ctx, ref, id)
		switch {
		case err == nil:
			p, err = s.resume(ctx, p, amountCents)
			if errors.Is(err, errClaimGone) && try < 2 {
				continue // the claim was undone: start again
			}
			return p, err
		case !errors.Is(err, ErrNotFound):
			return Payment{}, err
		}
		amount, err := s.amount(ctx, ref, amountCents)
		if err != nil {
			return Payment{}, err
		}
		p = Payment{ID: id, Reference: ref, AmountCents: amount, Currency: Currency, Status: Open, CreatedAt: s.now().UTC(), Version: 1}
		err = s.store.CreatePayment(ctx, p)
		if errors.Is(err, ErrExists) && try < 2 {
			continue // a parallel request with the same key put it first: answer as it
		}
		if err != nil {
			return Payment{}, err
		}
		return s.create(ctx, p)
	}
}

// create makes the page of the payment claimed (put at version 1): the
// lease's limit unit first, then the provider's page. Refused by the limit,
// or by the provider, it undoes the claim (and gives the unit back), so
// that the key may start again.
func (s *Service) create(ctx context.Context, p Payment) (Payment, error) {
	undo := context.WithoutCancel(ctx)
	limit := "payments#" + p.Reference
	taken, wait, err := s.counter.Take(ctx, limit, s.cfg.LimitMax, s.cfg.LimitWindow, s.now)
	if err == nil && taken.IsZero() {
		err = fault.TooMany(wait, "Vous avez commencé beaucoup de paiements en peu de temps. Réessayez dans quelques minutes, ou payez par virement.")
	} else if err != nil {
		err = fmt.Errorf("take payment unit: %w", err)
	}
	if err != nil {
		if rerr := s.store.ReleasePayment(undo, p.Reference, p.ID); rerr != nil {
			return Payment{}, errors.Join(err, rerr)
		}
		return Payment{}, err
	}
	got, err := s.checkout(ctx, p)
	var pe *providerError
	if errors.As(err, &pe) {
		_ = s.counter.Give(undo, limit, s.cfg.LimitWindow, taken)
		if rerr := s.store.ReleasePayment(undo, p.Reference, p.ID); rerr != nil {
			return Payment{}, errors.Join(err, rerr)
		}
	}
	return got, err
}

// AwaitFor bounds how long a request waits for the page of a payment a
// parallel request with the same key is making; AwaitEvery is how often it
// reads it meanwhile. ClaimFor is how old a claim with no page may get
// before it counts as given up (its request ended without undoing it) and
// is taken over.
const (
	AwaitFor   = 8 * time.Second
	AwaitEvery = 50 * time.Millisecond
	ClaimFor   = 30 * time.Second
)

// errClaimGone: the claim awaited was undone (its request was refused).
var errClaimGone = errors.New("payment: claim undone")

// claimed says whether p is a claim still being made: put, no page yet,
// nothing changed since (an event or the page moves the version).
func claimed(p Payment) bool { return p.Version == 1 && p.CheckoutURL == "" }

// resume answers a key already used: the same payment, once its page is
// made (by the request that claimed it, or here when that one gave up or
// an event came before the page was stored).
func (s *Service) resume(ctx context.Context, p Payment, amountCents *int64) (Payment, error) {
	if amountCents != nil && *amountCents != p.AmountCents {
		return Payment{}, fault.New(CodeKeyReused, "Ce paiement a déjà été commencé avec un autre montant. Rechargez la page puis appuyez de nouveau sur «\u00a0Payer\u00a0» pour un nouveau paiement.")
	}
	if claimed(p) {
		var err error
		if p, err = s.await(ctx, p); err != nil {
			return Payment{}, err
		}
	}
	if p.Status == Canceled || (p.Status == Open && !p.CheckoutExpiresAt.IsZero() && !s.now().Before(p.CheckoutExpiresAt)) {
		// Its page is dead (expired, or left): never hand it back.
		return Payment{}, fault.New(CodePaymentExpired, "Ce paiement a expiré sans être réglé. Recommencez\u00a0: rien n’a été débité.")
	}
	if p.Status == Failed {
		// Its page is over too (the bank refused the payment).
		return Payment{}, fault.New(CodePaymentFailed, "Ce paiement a été refusé par votre banque\u00a0: rien n’a été débité. Recommencez, avec une autre carte si besoin, ou payez par virement.")
	}
	if p.CheckoutURL != "" {
		return p, nil
	}
	return s.checkout(ctx, p)
}

// await reads a claimed payment until it has its page or is no longer a
// claim (errClaimGone when deleted). A claim older than ClaimFor was given
// up: it is deleted and errClaimGone lets Start begin again.
func (s *Service) await(ctx context.Context, p Payment) (Payment, error) {
	busy := &fault.Error{Code: CodeProviderFailure, RetryAfter: 2 * time.Second,
		Message: "La page de paiement est en cours de préparation. Réessayez dans quelques secondes."}
	deadline := time.Now().Add(AwaitFor)
	for claimed(p) {
		if s.now().Sub(p.CreatedAt) > ClaimFor {
			if err := s.store.ReleasePayment(ctx, p.Reference, p.ID); err != nil {
				return Payment{}, err
			}
			return Payment{}, errClaimGone
		}
		if time.Now().After(deadline) {
			return Payment{}, busy
		}
		select {
		case <-ctx.Done():
			return Payment{}, ctx.Err()
		case <-time.After(AwaitEvery):
		}
		got, err := s.store.Payment(ctx, p.Reference, p.ID)
		if errors.Is(err, ErrNotFound) {
			return Payment{}, errClaimGone
		}
		if err != nil {
			return Payment{}, err
		}
		p = got
	}
	return p, nil
}

func (s *Service) amount(ctx context.Context, ref string, amountCents *int64) (int64, error) {
	if amountCents == nil {
		owed, err := s.owed(ctx, ref)
		if err != nil {
			return 0, err
		}
		if owed < MinCents {
			// Nothing (or less than 1 €) to pay by default: the tenant
			// says how much, as the web app's form asks.
			return 0, fault.Fields{"amountCents": "Vous ne devez rien pour le moment. Indiquez le montant que vous voulez payer."}.Err()
		}
		return min(owed, s.cfg.MaxCents), nil
	}
	if a := *amountCents; a < MinCents || a > s.cfg.MaxCents {
		return 0, fault.Fields{"amountCents": fmt.Sprintf("Le montant doit être compris entre %s et %s.", Euros(MinCents), Euros(s.cfg.MaxCents))}.Err()
	}
	return *amountCents, nil
}

// checkout asks the provider for the payment's page (idempotent on the
// payment's id) and stores it, conditioned on the version read.
func (s *Service) checkout(ctx context.Context, p Payment) (Payment, error) {
	c, err := s.provider.CreateCheckout(ctx, CheckoutRequest{PaymentID: p.ID, Reference: p.Reference, AmountCents: p.AmountCents,
		Currency: p.Currency, Description: "Loyer et charges, bail " + p.Reference,
		SuccessURL: s.cfg.PublicURL + ReturnPath(p.ID, true), CancelURL: s.cfg.PublicURL + ReturnPath(p.ID, false),
		// Both from the claim, never from the time of this try: every try
		// of one claim is the same request under the same key (Stripe
		// answers another request under a used key with an
		// idempotency_error for 24 h).
		IdempotencyKey: fmt.Sprintf("%s-%d", p.ID, p.CreatedAt.Unix()),
		ExpiresAt:      time.Unix(p.CreatedAt.Unix(), 0).UTC().Add(s.cfg.CheckoutTTL)})
	if err != nil {
		return Payment{}, &providerError{err}
	}
	p.CheckoutID, p.CheckoutURL, p.CheckoutExpiresAt = c.ID, c.URL, c.ExpiresAt.UTC()
	err = s.store.SetCheckout(ctx, p)
	if errors.Is(err, ErrVersion) {
		// Another request stored the page (the same one: the provider's
		// idempotency key is the payment's id), or an event came first.
		got, err := s.store.Payment(ctx, p.Reference, p.ID)
		if err != nil {
			return Payment{}, err
		}
		if got.CheckoutURL == "" {
			got.CheckoutID, got.CheckoutURL, got.CheckoutExpiresAt = c.ID, c.URL, c.ExpiresAt.UTC()
		}
		return got, nil
	}
	if err != nil {
		return Payment{}, err
	}
	p.Version++
	return p, nil
}

// providerError is a provider's failure: a 503 for the tenant, the cause
// for the log.
type providerError struct{ err error }

func (e *providerError) Error() string { return "payment provider: " + e.err.Error() }
func (e *providerError) Unwrap() error { return e.err }

// As gives the tenant's problem.
func (e *providerError) As(target any) bool {
	if t, ok := target.(**fault.Error); ok {
		*t = fault.New(CodeProviderFailure, "Le service de paiement ne répond pas pour le moment. Réessayez dans quelques minutes, ou payez par virement.")
		return true
	}
	return false
}

// Payments lists a lease's payments, newest first.
func (s *Service) Payments(ctx context.Context, ref string) ([]Payment, error) {
	ps, err := s.store.Payments(ctx, ref)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(ps, func(a, b Payment) int {
		if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return ps, nil
}

// Euros writes cents as French euros: 35000 → "350,00 €".
func Euros(cents int64) string {
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	units := fmt.Sprint(cents / 100)
	var b strings.Builder
	for i, r := range units {
		if i > 0 && (len(units)-i)%3 == 0 {
			b.WriteString("\u202f")
		}
		b.WriteRune(r)
	}
	return fmt.Sprintf("%s%s,%02d\u00a0€", sign, b.String(), cents%100)
}
