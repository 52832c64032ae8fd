package account

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/citejardins/extranet/shared/fault"
	"github.com/citejardins/extranet/shared/tenancy"
)

// Service runs the account flows.
type Service struct {
	store     Store
	counter   Counter
	passwords Passwords
	mailer    Mailer
	jobs      Jobs
	cfg       Config
	now       func() time.Time
	random    io.Reader
	log       *slog.Logger
}

// Deps are what the service needs from outside.
type Deps struct {
	Store     Store
	Counter   Counter
	Passwords Passwords
	Mailer    Mailer // may be nil for functions that send no mail
	Jobs      Jobs   // the work the routes leave for the mail worker (jobs.go)
	Now       func() time.Time
	Random    io.Reader
	Log       *slog.Logger
}

// NewService returns a service with the given dependencies and settings.
func NewService(d Deps, cfg Config) *Service {
	s := &Service{store: d.Store, counter: d.Counter, passwords: d.Passwords, mailer: d.Mailer, jobs: d.Jobs,
		cfg: cfg.withDefaults(), now: d.Now, random: d.Random, log: d.Log}
	if s.now == nil {
		s.now = time.Now
	}
	if s.random == nil {
		s.random = rand.Reader
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	return s
}

// Profile is what the tenant sees of their account.
type Profile struct {
	Account Account
	Lease   tenancy.Lease
	Main    tenancy.Signatory
	// Signatory is the account's own signatory (the one logged in), who
	// may be a co-signatory; the main one when the lease no longer lists
	// them.
	Signatory tenancy.Signatory
}

// Me returns the profile of the principal's account.
func (s *Service) Me(ctx context.Context, p Principal) (Profile, error) {
	lease, err := s.store.Lease(ctx, p.Account.Reference)
	if err != nil {
		return Profile{}, fmt.Errorf("me: %w", err)
	}
	main, _ := lease.MainSignatory()
	return Profile{Account: p.Account, Lease: lease, Main: main, Signatory: signatoryOf(lease, p.Account.Signatory)}, nil
}

// signatoryOf is the lease's signatory of id id, else its main signatory
// (a signatory the ERP no longer lists: the greeting falls back to the
// main one rather than to nobody).
func signatoryOf(lease tenancy.Lease, id string) tenancy.Signatory {
	for _, sg := range lease.Signatories {
		if sg.ID == id {
			return sg
		}
	}
	main, _ := lease.MainSignatory()
	return main
}

// issuedFor reports whether something made at made (a token, a session)
// may serve acc: only when made at or after acc was created, to the
// second, so that an account deleted and signed up again under the same
// key never honours its predecessor's links and sessions.
func issuedFor(acc Account, made time.Time) bool {
	return made.Unix() >= acc.CreatedAt.Unix()
}

// usableToken finds an unused, unexpired token of the purpose. On a used
// token it also returns the token, so the caller can say more.
func (s *Service) usableToken(ctx context.Context, raw string, ps ...Purpose) (Token, error) {
	hash, ok := hashToken(raw)
	if !ok {
		return Token{}, invalidLink()
	}
	tok, err := s.store.Token(ctx, hash)
	if errors.Is(err, ErrNotFound) || (err == nil && !slices.Contains(ps, tok.Purpose)) {
		return Token{}, invalidLink()
	}
	if err != nil {
		return Token{}, fmt.Errorf("read token: %w", err)
	}
	if !tok.UsedAt.IsZero() {
		return tok, invalidLink()
	}
	if !s.now().Before(tok.ExpiresAt) {
		msg := "Ce lien a expiré. Demandez un nouvel email d’activation\u00a0: il contiendra un lien valable 48 heures."
		switch tok.Purpose {
		case Reset:
			msg = "Ce lien a expiré. Refaites une demande de mot de passe oublié pour recevoir un nouveau lien."
		case Recovery:
			msg = "Ce lien a expiré. Pour retrouver l’accès à votre compte, appelez votre bailleur : ses coordonnées sont dans « Assistance »."
		}
		return Token{}, fault.New(fault.TokenExpired, msg)
	}
	return tok, nil
}

func invalidLink() error {
	return fault.New(fault.TokenInvalid, "Ce lien n’est pas valide ou a déjà servi. Utilisez le lien du dernier email reçu, ou demandez-en un nouveau.")
}

func (s *Service) sendActivation(ctx context.Context, to, firstName, raw string) error {
	return s.send(ctx, activationMail(to, firstName, s.link("/activation", raw), s.cfg.ActivationTTL))
}

func (s *Service) send(ctx context.Context, m Mail) error {
	if s.mailer == nil {
		return errors.New("send mail: no mailer configured")
	}
	if err := s.mailer.Send(ctx, m); err != nil {
		s.log.ErrorContext(ctx, "send mail", "err", err)
		return fault.New(fault.ServiceUnavailable, "Votre demande est enregistrée, mais l’email n’a pas pu partir. Réessayez dans quelques minutes avec «\u00a0Renvoyer l’email\u00a0».")
	}
	return nil
}

func (s *Service) link(path, raw string) string {
	return s.page(path) + "?token=" + raw
}

// page is the address of a page of the web app.
func (s *Service) page(path string) string {
	return strings.TrimRight(s.cfg.PublicURL, "/") + path
}

// newToken makes a random emailed token; raw goes in the link, the token
// (with only the hash) goes to the store.
func (s *Service) newToken(p Purpose, k Key, ttl time.Duration) (string, Token, error) {
	raw, hash, err := s.randomToken()
	if err != nil {
		return "", Token{}, err
	}
	now := s.now()
	return raw, Token{Hash: hash, Purpose: p, Reference: k.Reference, Signatory: k.Signatory, CreatedAt: now, ExpiresAt: now.Add(ttl)}, nil
}

const tokenBytes = 32

func (s *Service) randomToken() (raw, hash string, err error) {
	b := make([]byte, tokenBytes)
	if _, err := io.ReadFull(s.random, b); err != nil {
		return "", "", fmt.Errorf("random token: %w", err)
	}
	raw = base64.RawURLEncoding.EncodeToString(b)
	hash, _ = hashToken(raw)
	return raw, hash, nil
}

// hashToken returns the stored form of a token, and false when raw cannot be
// one of ours (so a tampered link never reaches the store).
func hashToken(raw string) (string, bool) {
	b, err := base64.RawURLEncoding.DecodeString(raw)
	if err != nil || len(b) != tokenBytes {
		return "", false
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), true
}
