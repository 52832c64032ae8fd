package account

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/citejardins/extranet/shared/fault"
)

// Credentials open a session.
type Credentials struct {
	Email    string
	Password string
}

// Login checks the credentials and opens a session. Unknown emails, wrong
// passwords and pending accounts answer alike, except that a pending account
// is named as such once the password was right.
func (s *Service) Login(ctx context.Context, c Credentials, client string) (token string, sess Session, err error) {
	f := fault.Fields{}
	if strings.TrimSpace(c.Email) == "" {
		f.Add("email", "Saisissez votre adresse email.")
	} else if len(c.Email) > maxEmailBytes {
		f.Add("email", "Cette adresse email est trop longue.")
	}
	if c.Password == "" {
		f.Add("password", "Saisissez votre mot de passe.")
	} else if utf8.RuneCountInString(c.Password) > MaxPasswordRunes || len(c.Password) > 4*MaxPasswordRunes {
		f.Add("password", "Ce mot de passe est trop long.")
	}
	if err := f.Err(); err != nil {
		return "", Session{}, err
	}
	if err := s.allow(ctx, s.cfg.PerAddress, "addr", client); err != nil {
		return "", Session{}, err
	}
	// Failures count per email, whether an account has it or not, so that
	// the slow-down does not tell which emails have an account.
	emailKey := EmailKey(c.Email)
	attempt, err := s.below(ctx, s.cfg.AccountFailures, "login", emailKey)
	if err != nil {
		return "", Session{}, err
	}
	acc, err := s.store.AccountByEmail(ctx, strings.TrimSpace(c.Email))
	ok := false
	switch {
	case errors.Is(err, ErrNotFound):
		s.passwords.VerifyDummy(c.Password)
	case err != nil:
		return "", Session{}, fmt.Errorf("login: %w", err)
	default:
		if ok, err = s.passwords.Verify(c.Password, acc.PasswordHash); err != nil {
			return "", Session{}, fmt.Errorf("login: %w", err)
		}
	}
	if !ok {
		return "", Session{}, badCredentials() // the failure keeps its unit
	}
	attempt.pass(ctx)
	if acc.Status != Active {
		return "", Session{}, fault.New(fault.NotActivated, "Votre compte n'est pas encore activé. Cliquez sur le lien de l'email d'activation (pensez à regarder dans les courriers indésirables), ou demandez un nouvel email.")
	}
	raw, hash, err := s.randomToken()
	if err != nil {
		return "", Session{}, err
	}
	now := s.now()
	sess = Session{Hash: hash, Reference: acc.Reference, Generation: acc.SessionGeneration,
		CreatedAt: now, ExpiresAt: now.Add(s.cfg.SessionTTL)}
	if err := s.store.PutSession(ctx, sess); err != nil {
		return "", Session{}, fmt.Errorf("login: %w", err)
	}
	return raw, sess, nil
}

func badCredentials() error {
	return fault.New(fault.InvalidCredentials, "Adresse email ou mot de passe incorrect. Vérifiez votre saisie, ou utilisez « Mot de passe oublié ».")
}

// Principal is who a valid session speaks for.
type Principal struct {
	Session Session
	Account Account
}

// Authenticate returns who a session token speaks for, or an
// Unauthenticated error. Sessions opened before a password reset, and
// sessions of an account no longer active, are refused.
func (s *Service) Authenticate(ctx context.Context, rawToken string) (Principal, error) {
	hash, ok := hashToken(rawToken)
	if !ok {
		return Principal{}, unauthenticated()
	}
	sess, err := s.store.Session(ctx, hash)
	if errors.Is(err, ErrNotFound) {
		return Principal{}, unauthenticated()
	}
	if err != nil {
		return Principal{}, fmt.Errorf("authenticate: %w", err)
	}
	if !s.now().Before(sess.ExpiresAt) {
		return Principal{}, unauthenticated()
	}
	acc, err := s.store.Account(ctx, sess.Reference)
	if errors.Is(err, ErrNotFound) {
		return Principal{}, unauthenticated()
	}
	if err != nil {
		return Principal{}, fmt.Errorf("authenticate: %w", err)
	}
	if acc.SessionGeneration != sess.Generation || acc.Status != Active {
		return Principal{}, unauthenticated()
	}
	return Principal{Session: sess, Account: acc}, nil
}

func unauthenticated() error {
	return fault.New(fault.Unauthenticated, "Votre session a expiré ou vous n'êtes pas connecté. Connectez-vous pour continuer.")
}

// Logout ends the session.
func (s *Service) Logout(ctx context.Context, p Principal) error {
	if err := s.store.DeleteSession(ctx, p.Session.Hash); err != nil {
		return fmt.Errorf("logout: %w", err)
	}
	return nil
}
