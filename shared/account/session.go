package account

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/citejardins/extranet/shared/fault"
)

// Credentials open a session.
type Credentials struct {
	Email    string
	Password string
	// Bearer asks for a token the client keeps and sends itself (the mobile
	// app); otherwise the session is the web app's cookie.
	Bearer bool
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
	if listed, err := s.store.Listed(ctx, acc.Key()); err != nil {
		return "", Session{}, fmt.Errorf("login: %w", err)
	} else if !listed {
		return "", Session{}, notListed()
	}
	if acc.Status != Active {
		return "", Session{}, fault.New(fault.NotActivated, "Votre compte n’est pas encore activé. Cliquez sur le lien de l’email d’activation (pensez à regarder dans les courriers indésirables), ou demandez un nouvel email.")
	}
	raw, hash, err := s.randomToken()
	if err != nil {
		return "", Session{}, err
	}
	now := s.now()
	sess = Session{Hash: hash, Reference: acc.Reference, Signatory: acc.Signatory, Generation: acc.SessionGeneration, Bearer: c.Bearer,
		CreatedAt: now, LastSeen: now, ExpiresAt: now.Add(s.cfg.SessionTTL)}
	switch err := s.store.PutSession(ctx, sess); {
	case errors.Is(err, ErrNotFound):
		return "", Session{}, badCredentials() // deleted meanwhile
	case err != nil:
		return "", Session{}, fmt.Errorf("login: %w", err)
	}
	return raw, sess, nil
}

func badCredentials() error {
	return fault.New(fault.InvalidCredentials, "Adresse email ou mot de passe incorrect. Vérifiez votre saisie, ou utilisez «\u00a0Mot de passe oublié\u00a0».")
}

// Principal is who a valid session speaks for.
type Principal struct {
	Session Session
	Account Account
}

// Authenticate returns who a session token speaks for, or an
// Unauthenticated error. Sessions opened before a password reset or change,
// or before a logout everywhere, and sessions of an account no longer
// active, are refused.
//
// A session ends SessionTTL after login whatever happens (OWASP ASVS 5.0
// V7.3.2). A cookie session (the web app) also ends after
// SessionIdleTimeout without a request (V7.3.1): a browser may be a shared
// one, in a social centre or a library, left open. A bearer session (the
// mobile app) has no idle timeout: its token sits in the phone's protected
// storage behind the phone's own lock, and logging in at every opening of
// the app would push tenants to short passwords.
//
// The last request's time is written at most once per touchEvery (a
// conditional update, so parallel requests write it once), not on every
// request: the idle timeout is thus counted from a time up to touchEvery
// before the last request.
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
	now := s.now()
	if !now.Before(sess.ExpiresAt) {
		return Principal{}, unauthenticated()
	}
	seen := sess.LastSeen
	if seen.IsZero() {
		seen = sess.CreatedAt
	}
	if !sess.Bearer && !now.Before(seen.Add(s.cfg.SessionIdleTimeout)) {
		return Principal{}, unauthenticated()
	}
	acc, err := s.store.Account(ctx, Key{Reference: sess.Reference, Signatory: sess.Signatory})
	if errors.Is(err, ErrNotFound) {
		return Principal{}, unauthenticated()
	}
	if err != nil {
		return Principal{}, fmt.Errorf("authenticate: %w", err)
	}
	if acc.SessionGeneration != sess.Generation || acc.Status != Active || !issuedFor(acc, sess.CreatedAt) {
		return Principal{}, unauthenticated()
	}
	// A signatory the lease no longer lists (who left it) reads nothing of
	// it, whatever session they opened before.
	if listed, err := s.store.Listed(ctx, acc.Key()); err != nil {
		return Principal{}, fmt.Errorf("authenticate: %w", err)
	} else if !listed {
		return Principal{}, unauthenticated()
	}
	if every := s.touchEvery(); !sess.Bearer && now.Sub(seen) >= every {
		switch err := s.store.TouchSession(ctx, hash, now, now.Add(-every)); {
		case err == nil:
			sess.LastSeen = now
		case !errors.Is(err, ErrConflict):
			// The request may go on: at worst the session ends a little
			// early.
			s.log.WarnContext(ctx, "touch session", "err", err)
		}
	}
	return Principal{Session: sess, Account: acc}, nil
}

// touchEvery is how stale a session's LastSeen may be: a minute, or less
// when the idle timeout is short, so that it stays a thirtieth of it.
func (s *Service) touchEvery() time.Duration {
	return min(time.Minute, s.cfg.SessionIdleTimeout/30)
}

func unauthenticated() error {
	return fault.New(fault.Unauthenticated, "Votre session a expiré ou vous n’êtes pas connecté. Connectez-vous pour continuer.")
}

// LogoutEverywhere ends every session of the principal's account, the
// current one included, on every device, and voids a pending notification
// email's link in the same write: one asked for from a stolen session must
// not confirm once that session is over.
func (s *Service) LogoutEverywhere(ctx context.Context, p Principal) error {
	switch err := s.store.EndSessions(ctx, p.Account.Key(), p.Account.SessionGeneration); {
	case errors.Is(err, ErrConflict):
		// A reset, a change or another logout everywhere moved the
		// generation meanwhile: this session is over already.
	case err != nil:
		return fmt.Errorf("logout everywhere: %w", err)
	}
	if err := s.store.DeleteSessions(ctx, p.Account.Key(), ""); err != nil {
		s.log.WarnContext(ctx, "delete sessions after logout everywhere", "err", err)
	}
	return nil
}

// Logout ends the session.
func (s *Service) Logout(ctx context.Context, p Principal) error {
	if err := s.store.DeleteSession(ctx, p.Session.Hash); err != nil {
		return fmt.Errorf("logout: %w", err)
	}
	return nil
}

// notListed refuses a login whose password is right but whose signatory the
// lease no longer lists.
func notListed() error {
	return fault.New(fault.Forbidden, "Votre compte ne donne plus accès à ce bail : d’après votre bailleur, vous n’en êtes plus signataire. Si c’est une erreur, contactez votre agence.")
}
