package bankdetails

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/citejardins/extranet/shared/account"
	"github.com/citejardins/extranet/shared/bankaccount"
	"github.com/citejardins/extranet/shared/fault"
	"github.com/citejardins/extranet/shared/tenant"
)

// ChangesPerDay bounds a lease's changes of its bank details in any 24
// hours (counter key "bank-details#<ref>"): a household changes them a few
// times a year; each change mails the tenant and goes to the ERP, so a
// stolen session cannot flood either, nor flip the account back and forth.
const ChangesPerDay = 5

// Config is what the service needs of its deployment.
type Config struct {
	// PublicURL is the portal's origin, for the "forgotten password" link
	// of the mail.
	PublicURL string
	// ChangesPerDay overrides the constant (0: ChangesPerDay).
	ChangesPerDay int
}

// Service serves the bank details of the logged-in tenant's lease.
type Service struct {
	store     Store
	passwords Passwords
	counter   Counter
	mailer    account.Mailer // nil: no mail (logged)
	accounts  LeaseAccounts  // nil: the lease's other accounts are not told
	cfg       Config
	now       func() time.Time
	random    io.Reader
	log       *slog.Logger
}

// NewService returns the service. mailer may be nil (a function without
// MAIL_FROM); now, random and log may be nil.
func NewService(store Store, passwords Passwords, counter Counter, mailer account.Mailer, cfg Config,
	now func() time.Time, random io.Reader, log *slog.Logger) *Service {
	if now == nil {
		now = time.Now
	}
	if random == nil {
		random = rand.Reader
	}
	if log == nil {
		log = slog.Default()
	}
	if cfg.ChangesPerDay <= 0 {
		cfg.ChangesPerDay = ChangesPerDay
	}
	return &Service{store: store, passwords: passwords, counter: counter, mailer: mailer, cfg: cfg,
		now: now, random: random, log: log}
}

// Get returns the lease's bank details. Errors: fault.NoBankDetails (none yet).
func (s *Service) Get(ctx context.Context, ref string) (Details, error) {
	d, err := s.store.BankDetails(ctx, ref)
	if errors.Is(err, ErrNotFound) {
		return Details{}, fault.New(fault.NoBankDetails, "Vous n’avez pas encore enregistré de coordonnées bancaires. Saisissez l’IBAN, le BIC et le titulaire du compte qui figurent sur votre RIB.")
	}
	if err != nil {
		return Details{}, fmt.Errorf("read bank details: %w", err)
	}
	return d, nil
}

// Parse checks a change's fields (bankaccount's rules) and that a password
// was typed, and reports every field at once. It is exported for the
// direct-debit mandate, which takes the same fields.
//
// Errors: fault.Invalid with fields iban, bic, holder, password.
func Parse(c Change) (bankaccount.IBAN, bankaccount.BIC, string, error) {
	f := fault.Fields{}
	iban, err := bankaccount.ParseIBAN(c.IBAN)
	if err != nil {
		f.Add("iban", bankaccount.Advice(err))
	}
	bic, err := bankaccount.ParseBIC(c.BIC, iban)
	if err != nil {
		f.Add("bic", bankaccount.Advice(err))
	}
	holder, err := bankaccount.ParseHolder(c.Holder)
	if err != nil {
		f.Add("holder", bankaccount.Advice(err))
	}
	account.CheckPasswordTyped(f, c.Password)
	return iban, bic, holder, f.Err()
}

// Set replaces the lease's bank details, given the account's password.
//
// In order: the fields are checked (nothing counted); the password is
// checked by the account service (a wrong one counts as a failed login);
// details equal to the stored ones change nothing (200, no mail, no event);
// else a unit of ChangesPerDay is taken, and the details and the
// EventChanged event are written in one transaction, conditioned on the
// version read; then the account's address is told by mail (a mail that
// fails is logged: the change is made).
//
// Errors: fault.Invalid (fields iban, bic, holder, password),
// fault.TooManyRequests (password failures, changes per day),
// fault.Conflict (changed meanwhile by another request to other details;
// a request that loses to one saving the same details answers them, 200).
func (s *Service) Set(ctx context.Context, p account.Principal, c Change, client string) (Details, error) {
	ref := p.Account.Reference
	iban, bic, holder, err := Parse(c)
	if err != nil {
		return Details{}, err
	}
	if err := s.passwords.ConfirmPassword(ctx, p, c.Password, client); err != nil {
		return Details{}, err
	}
	cur, err := s.store.BankDetails(ctx, ref)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Details{}, fmt.Errorf("read bank details: %w", err)
	}
	if cur.IBAN == iban && cur.BIC == bic && cur.Holder == holder {
		return cur, nil
	}
	if err := s.allowChange(ctx, ref); err != nil {
		return Details{}, err
	}
	now := s.now().UTC().Truncate(time.Millisecond)
	next := Details{IBAN: iban, BIC: bic, Holder: holder, UpdatedAt: now, Version: cur.Version + 1}
	e, err := s.event(ref, now, EventData{IBAN: string(iban), BIC: string(bic), Holder: holder})
	if err != nil {
		return Details{}, err
	}
	switch err := s.store.SetBankDetails(ctx, ref, next, e); {
	case errors.Is(err, ErrConflict):
		// A double submit: the other request saved these same details
		// (and mailed them); this one answers them too.
		if saved, err := s.store.BankDetails(ctx, ref); err == nil && saved.IBAN == iban && saved.BIC == bic && saved.Holder == holder {
			return saved, nil
		}
		return Details{}, fault.New(fault.Conflict, "Vos coordonnées bancaires viennent d’être modifiées depuis un autre appareil ou un autre onglet. Rechargez la page pour voir celles enregistrées, puis recommencez si besoin.")
	case err != nil:
		return Details{}, fmt.Errorf("save bank details: %w", err)
	}
	s.tell(ctx, p, next)
	return next, nil
}

func (s *Service) allowChange(ctx context.Context, ref string) error {
	if s.counter == nil {
		return nil
	}
	_, wait, err := s.counter.Take(ctx, "bank-details#"+ref, s.cfg.ChangesPerDay, 24*time.Hour, s.now)
	if err != nil {
		return fmt.Errorf("count bank details changes: %w", err)
	}
	if wait > 0 {
		return fault.TooMany(wait, "Vos coordonnées bancaires ont déjà été modifiées plusieurs fois aujourd’hui. Réessayez demain\u00a0; si c’est urgent, contactez votre agence.")
	}
	return nil
}

func (s *Service) event(ref string, at time.Time, data EventData) (tenant.Event, error) {
	b := make([]byte, 8)
	if _, err := io.ReadFull(s.random, b); err != nil {
		return tenant.Event{}, fmt.Errorf("random id: %w", err)
	}
	return tenant.Event{ID: hex.EncodeToString(b), Type: EventChanged, Reference: ref, At: at, Data: data}, nil
}

// LeaseAccounts lists the accounts of a lease (one per signatory who has
// one): dynamo.Store.AccountsOf.
type LeaseAccounts interface {
	AccountsOf(ctx context.Context, ref string) ([]account.Account, error)
}

// WithAccounts makes the service tell the lease's other accounts of a
// change too; without it, only the account that made it is told.
func (s *Service) WithAccounts(a LeaseAccounts) *Service {
	s.accounts = a
	return s
}

// tell mails the account's address that its bank details changed, then
// every other active account of the lease: the details are the lease's,
// and a change made from a co-signatory's account (or one that was taken
// over) must reach each signatory.
func (s *Service) tell(ctx context.Context, p account.Principal, d Details) {
	if s.mailer == nil {
		s.log.ErrorContext(ctx, "send bank details changed mail: no mailer configured")
		return
	}
	// A security notice: to the login address, never the notification
	// address (account.Account.NoticeEmail says why).
	if err := s.mailer.Send(ctx, changedMail(p.Account.Email, d, s.cfg.PublicURL, false)); err != nil {
		s.log.ErrorContext(ctx, "send bank details changed mail", "err", err)
	}
	if s.accounts == nil {
		return
	}
	accs, err := s.accounts.AccountsOf(ctx, p.Account.Reference)
	if err != nil {
		s.log.ErrorContext(ctx, "read the lease's accounts for the bank details changed mail", "err", err)
		return
	}
	told := map[string]bool{account.EmailKey(p.Account.Email): true}
	for _, a := range accs {
		k := account.EmailKey(a.Email)
		if a.Status != account.Active || a.Key() == p.Account.Key() || told[k] {
			continue
		}
		told[k] = true
		if err := s.mailer.Send(ctx, changedMail(a.Email, d, s.cfg.PublicURL, true)); err != nil {
			s.log.ErrorContext(ctx, "send bank details changed mail to another account of the lease", "err", err)
		}
	}
}
