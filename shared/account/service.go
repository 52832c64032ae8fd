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
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/citejardins/extranet/shared/fault"
	"github.com/citejardins/extranet/shared/tenancy"
)

// Password length bounds, in characters (CNIL deliberation 2022-100 accepts
// 12 characters without composition rules when attempts are throttled).
const (
	MinPasswordRunes = 12
	MaxPasswordRunes = 256
	maxEmailBytes    = 254
	maxNameRunes     = 100
)

// Service runs the account flows.
type Service struct {
	store     Store
	counter   Counter
	passwords Passwords
	mailer    Mailer
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
	Now       func() time.Time
	Random    io.Reader
	Log       *slog.Logger
}

// NewService returns a service with the given dependencies and settings.
func NewService(d Deps, cfg Config) *Service {
	s := &Service{store: d.Store, counter: d.Counter, passwords: d.Passwords, mailer: d.Mailer,
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

// SignUpRequest is what a tenant types to create an account.
type SignUpRequest struct {
	Reference   string
	LastName    string
	DateOfBirth string
	Email       string
	Password    string
}

// SignUp checks the request against the lease's main signatory, stores a
// pending account and emails the activation link. Signing up again before
// activation replaces the pending request and voids the earlier link.
func (s *Service) SignUp(ctx context.Context, req SignUpRequest, client string) error {
	f := fault.Fields{}
	ref, err := tenancy.NormalizeReference(req.Reference)
	if err != nil {
		f.Add("reference", "Saisissez votre référence client : le numéro qui suit L/000 sur votre avis d'échéance, jusqu'au tiret (par exemple 8889999).")
	}
	if strings.TrimSpace(req.LastName) == "" {
		f.Add("lastName", "Saisissez le nom de famille du signataire principal du bail.")
	} else if utf8.RuneCountInString(req.LastName) > maxNameRunes || tenancy.FoldName(req.LastName) == "" {
		f.Add("lastName", "Ce nom n'est pas valide. Saisissez le nom de famille du signataire principal, tel qu'il figure sur le bail.")
	}
	dob, err := tenancy.ParseDate(req.DateOfBirth)
	if strings.TrimSpace(req.DateOfBirth) == "" {
		f.Add("dateOfBirth", "Saisissez la date de naissance du signataire principal.")
	} else if err != nil {
		f.Add("dateOfBirth", "Cette date n'est pas valide. Saisissez-la au format AAAA-MM-JJ, par exemple 1978-04-12.")
	}
	email := checkEmail(f, req.Email)
	s.checkPassword(f, req.Password)
	if err := f.Err(); err != nil {
		return err
	}
	if err := s.allow(ctx, s.cfg.PerAddress, "addr", client); err != nil {
		return err
	}
	if err := s.below(ctx, s.cfg.LeaseFailures, "signup", ref); err != nil {
		return err
	}

	lease, err := s.store.Lease(ctx, ref)
	if err != nil && !errors.Is(err, tenancy.ErrNotFound) {
		return fmt.Errorf("sign up: %w", err)
	}
	main, ok := lease.MainSignatory()
	if err != nil || !ok || !tenancy.SameName(main.LastName, req.LastName) || main.DateOfBirth != dob {
		if _, _, err := s.counter.Add(ctx, key("signup", ref), s.cfg.LeaseFailures.Window, s.now()); err != nil {
			return fmt.Errorf("count sign-up failure: %w", err)
		}
		return fault.New(fault.IdentityMismatch, "Nous n'avons pas trouvé de bail correspondant à ces informations. Vérifiez la référence client, le nom du signataire principal et sa date de naissance, tels qu'ils figurent sur votre avis d'échéance et votre bail.")
	}

	var previous *Account
	existing, err := s.store.Account(ctx, ref)
	switch {
	case err == nil && existing.Status == Active:
		return fault.New(fault.AccountExists, "Un compte existe déjà pour ce bail. Connectez-vous avec votre adresse email, ou utilisez « Mot de passe oublié » si vous ne vous en souvenez plus.")
	case err == nil:
		previous = &existing
	case !errors.Is(err, ErrNotFound):
		return fmt.Errorf("sign up: %w", err)
	}
	if owner, err := s.store.AccountByEmail(ctx, email); err == nil && owner.Reference != ref {
		return emailTaken()
	} else if err != nil && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("sign up: %w", err)
	}
	if err := s.allow(ctx, s.cfg.MailsPerAccount, "mail", ref); err != nil {
		return err
	}

	hash, err := s.passwords.Hash(req.Password)
	if err != nil {
		return fmt.Errorf("sign up: %w", err)
	}
	raw, tok, err := s.newToken(Activation, ref, s.cfg.ActivationTTL)
	if err != nil {
		return err
	}
	now := s.now()
	acc := Account{Reference: ref, Email: email, PasswordHash: hash, Status: Pending,
		ActivationHash: tok.Hash, CreatedAt: now}
	if previous != nil {
		acc.CreatedAt = previous.CreatedAt
		acc.SessionGeneration = previous.SessionGeneration
	}
	switch err := s.store.SavePending(ctx, acc, previous, tok); {
	case errors.Is(err, ErrEmailTaken):
		return emailTaken()
	case errors.Is(err, ErrConflict):
		// Someone activated or signed up on this lease meanwhile.
		return fault.New(fault.AccountExists, "Un compte vient d'être créé pour ce bail. Connectez-vous, ou utilisez « Mot de passe oublié ».")
	case err != nil:
		return fmt.Errorf("sign up: %w", err)
	}
	return s.sendActivation(ctx, email, main.FirstName, raw)
}

func emailTaken() error {
	return &fault.Error{Code: fault.EmailTaken,
		Message: "Cette adresse email est déjà utilisée par un autre compte. Choisissez une autre adresse.",
		Fields:  map[string]string{"email": "Cette adresse email est déjà utilisée par un autre compte."}}
}

// Activate uses an activation link. It returns the account's email, so the
// login form can be filled in.
func (s *Service) Activate(ctx context.Context, rawToken, client string) (string, error) {
	if err := s.allow(ctx, s.cfg.PerAddress, "addr", client); err != nil {
		return "", err
	}
	tok, err := s.usableToken(ctx, rawToken, Activation)
	if err != nil {
		// A used activation link is the one that activated the account.
		if fault.Is(err, fault.TokenInvalid) && tok.Reference != "" {
			if acc, aerr := s.store.Account(ctx, tok.Reference); aerr == nil && acc.Status == Active {
				return "", fault.New(fault.TokenInvalid, "Ce lien a déjà servi : votre compte est activé. Connectez-vous avec votre adresse email et votre mot de passe.")
			}
		}
		return "", err
	}
	switch err := s.store.Activate(ctx, tok, s.now()); {
	case errors.Is(err, ErrConflict):
		return "", invalidLink()
	case err != nil:
		return "", fmt.Errorf("activate: %w", err)
	}
	acc, err := s.store.Account(ctx, tok.Reference)
	if err != nil {
		return "", fmt.Errorf("activate: %w", err)
	}
	return acc.Email, nil
}

// ResendActivation sends a new activation link when a pending account has
// this email. It says nothing of whether one does.
func (s *Service) ResendActivation(ctx context.Context, email, client string) error {
	acc, found, err := s.accountToMail(ctx, email, client)
	if err != nil || !found || acc.Status != Pending {
		return err
	}
	return s.renewActivation(ctx, acc)
}

// accountToMail checks an email typed to receive a link, counts the attempt
// and finds the account, if any, that the email belongs to.
func (s *Service) accountToMail(ctx context.Context, email, client string) (Account, bool, error) {
	f := fault.Fields{}
	email = checkEmail(f, email)
	if err := f.Err(); err != nil {
		return Account{}, false, err
	}
	if err := s.allow(ctx, s.cfg.PerAddress, "addr", client); err != nil {
		return Account{}, false, err
	}
	acc, err := s.store.AccountByEmail(ctx, email)
	if errors.Is(err, ErrNotFound) {
		return Account{}, false, nil
	}
	if err != nil {
		return Account{}, false, fmt.Errorf("account by email: %w", err)
	}
	return acc, true, nil
}

func (s *Service) renewActivation(ctx context.Context, acc Account) error {
	if sent, err := s.mailAllowed(ctx, acc); !sent {
		return err
	}
	raw, tok, err := s.newToken(Activation, acc.Reference, s.cfg.ActivationTTL)
	if err != nil {
		return err
	}
	switch err := s.store.RenewActivation(ctx, acc.Reference, tok); {
	case errors.Is(err, ErrConflict):
		return nil // activated meanwhile: nothing to send
	case err != nil:
		return fmt.Errorf("renew activation: %w", err)
	}
	lease, err := s.store.Lease(ctx, acc.Reference)
	if err != nil {
		return fmt.Errorf("renew activation: %w", err)
	}
	main, _ := lease.MainSignatory()
	return s.sendActivation(ctx, acc.Email, main.FirstName, raw)
}

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
	if err := s.below(ctx, s.cfg.AccountFailures, "login", emailKey); err != nil {
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
		if _, _, err := s.counter.Add(ctx, key("login", emailKey), s.cfg.AccountFailures.Window, s.now()); err != nil {
			return "", Session{}, fmt.Errorf("count login failure: %w", err)
		}
		return "", Session{}, badCredentials()
	}
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

// Forgot emails a reset link when an active account has this email, and a
// new activation link when a pending one does. It says nothing of whether
// one does.
func (s *Service) Forgot(ctx context.Context, email, client string) error {
	acc, found, err := s.accountToMail(ctx, email, client)
	if err != nil || !found {
		return err
	}
	if acc.Status == Pending {
		return s.renewActivation(ctx, acc)
	}
	if sent, err := s.mailAllowed(ctx, acc); !sent {
		return err
	}
	raw, tok, err := s.newToken(Reset, acc.Reference, s.cfg.ResetTTL)
	if err != nil {
		return err
	}
	// The link is good only while the password it replaces is: a reset
	// bumps the generation and so voids every earlier reset link.
	tok.Generation = acc.SessionGeneration
	if err := s.store.PutToken(ctx, tok); err != nil {
		return fmt.Errorf("forgot: %w", err)
	}
	lease, err := s.store.Lease(ctx, acc.Reference)
	if err != nil {
		return fmt.Errorf("forgot: %w", err)
	}
	main, _ := lease.MainSignatory()
	return s.send(ctx, resetMail(acc.Email, main.FirstName, s.link("/nouveau-mot-de-passe", raw), s.cfg.ResetTTL))
}

// ResetPassword sets a new password with an emailed reset link and ends
// every session of the account.
func (s *Service) ResetPassword(ctx context.Context, rawToken, password, client string) error {
	f := fault.Fields{}
	s.checkPassword(f, password)
	if err := f.Err(); err != nil {
		return err
	}
	if err := s.allow(ctx, s.cfg.PerAddress, "addr", client); err != nil {
		return err
	}
	tok, err := s.usableToken(ctx, rawToken, Reset)
	if err != nil {
		return err
	}
	hash, err := s.passwords.Hash(password)
	if err != nil {
		return fmt.Errorf("reset: %w", err)
	}
	switch err := s.store.ResetPassword(ctx, tok, hash, s.now()); {
	case errors.Is(err, ErrConflict):
		return invalidLink()
	case err != nil:
		return fmt.Errorf("reset: %w", err)
	}
	if err := s.store.DeleteSessions(ctx, tok.Reference); err != nil {
		// The generation bump already ended them; this only tidies up.
		s.log.WarnContext(ctx, "delete sessions after reset", "err", err)
	}
	return nil
}

// Profile is what the tenant sees of their account.
type Profile struct {
	Account Account
	Lease   tenancy.Lease
	Main    tenancy.Signatory
}

// Me returns the profile of the principal's account.
func (s *Service) Me(ctx context.Context, p Principal) (Profile, error) {
	lease, err := s.store.Lease(ctx, p.Account.Reference)
	if err != nil {
		return Profile{}, fmt.Errorf("me: %w", err)
	}
	main, _ := lease.MainSignatory()
	return Profile{Account: p.Account, Lease: lease, Main: main}, nil
}

// usableToken finds an unused, unexpired token of the purpose. On a used
// token it also returns the token, so the caller can say more.
func (s *Service) usableToken(ctx context.Context, raw string, p Purpose) (Token, error) {
	hash, ok := hashToken(raw)
	if !ok {
		return Token{}, invalidLink()
	}
	tok, err := s.store.Token(ctx, hash)
	if errors.Is(err, ErrNotFound) || (err == nil && tok.Purpose != p) {
		return Token{}, invalidLink()
	}
	if err != nil {
		return Token{}, fmt.Errorf("read token: %w", err)
	}
	if !tok.UsedAt.IsZero() {
		return tok, invalidLink()
	}
	if !s.now().Before(tok.ExpiresAt) {
		msg := "Ce lien a expiré. Demandez un nouvel email d'activation : il contiendra un lien valable 48 heures."
		if p == Reset {
			msg = "Ce lien a expiré. Refaites une demande de mot de passe oublié pour recevoir un nouveau lien."
		}
		return Token{}, fault.New(fault.TokenExpired, msg)
	}
	return tok, nil
}

func invalidLink() error {
	return fault.New(fault.TokenInvalid, "Ce lien n'est pas valide ou a déjà servi. Utilisez le lien du dernier email reçu, ou demandez-en un nouveau.")
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
		return fault.New(fault.ServiceUnavailable, "Votre demande est enregistrée, mais l'email n'a pas pu partir. Réessayez dans quelques minutes avec « Renvoyer l'email ».")
	}
	return nil
}

func (s *Service) link(path, raw string) string {
	return strings.TrimRight(s.cfg.PublicURL, "/") + path + "?token=" + raw
}

// newToken makes a random emailed token; raw goes in the link, the token
// (with only the hash) goes to the store.
func (s *Service) newToken(p Purpose, ref string, ttl time.Duration) (string, Token, error) {
	raw, hash, err := s.randomToken()
	if err != nil {
		return "", Token{}, err
	}
	now := s.now()
	return raw, Token{Hash: hash, Purpose: p, Reference: ref, CreatedAt: now, ExpiresAt: now.Add(ttl)}, nil
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

// mailAllowed counts a mail to the account. Past the limit it sends
// nothing and says nothing: answering "too many" would tell that the email
// has an account, where an unknown email always gets "sent".
func (s *Service) mailAllowed(ctx context.Context, acc Account) (bool, error) {
	err := s.allow(ctx, s.cfg.MailsPerAccount, "mail", acc.Reference)
	if fault.Is(err, fault.TooManyRequests) {
		s.log.WarnContext(ctx, "mail limit reached; mail not sent")
		return false, nil
	}
	return err == nil, err
}

// allow counts an attempt and refuses it past the limit.
func (s *Service) allow(ctx context.Context, l Limit, scope, value string) error {
	n, end, err := s.counter.Add(ctx, key(scope, value), l.Window, s.now())
	if err != nil {
		return fmt.Errorf("throttle %s: %w", scope, err)
	}
	if n > l.Max {
		return tooMany(end.Sub(s.now()))
	}
	return nil
}

// below refuses when failures already reached the limit, without counting.
func (s *Service) below(ctx context.Context, l Limit, scope, value string) error {
	n, end, err := s.counter.Count(ctx, key(scope, value), l.Window, s.now())
	if err != nil {
		return fmt.Errorf("throttle %s: %w", scope, err)
	}
	if n >= l.Max {
		return tooMany(end.Sub(s.now()))
	}
	return nil
}

func tooMany(wait time.Duration) error {
	if wait < time.Second {
		wait = time.Second
	}
	minutes := int((wait + time.Minute - 1) / time.Minute)
	msg := "Trop de tentatives. Par sécurité, patientez une minute avant de réessayer."
	if minutes > 1 {
		msg = fmt.Sprintf("Trop de tentatives. Par sécurité, patientez %d minutes avant de réessayer.", minutes)
	}
	return &fault.Error{Code: fault.TooManyRequests, Message: msg, RetryAfter: wait}
}

// key names a throttle counter. Values are hashed so that no email, address
// or reference is stored in clear beside the counts.
func key(scope, value string) string {
	sum := sha256.Sum256([]byte(scope + "\x00" + value))
	return scope + "#" + hex.EncodeToString(sum[:16])
}

func checkEmail(f fault.Fields, raw string) string {
	email := strings.TrimSpace(raw)
	if email == "" {
		f.Add("email", "Saisissez votre adresse email.")
		return ""
	}
	addr, err := mail.ParseAddress(email)
	at := strings.LastIndexByte(email, '@')
	if len(email) > maxEmailBytes || err != nil || addr.Address != email || at < 1 ||
		!strings.Contains(email[at:], ".") || strings.HasSuffix(email, ".") {
		f.Add("email", "Cette adresse email n'est pas valide. Vérifiez-la, par exemple : prenom.nom@exemple.fr.")
		return ""
	}
	return email
}

func (s *Service) checkPassword(f fault.Fields, pw string) {
	n := utf8.RuneCountInString(pw)
	switch {
	case pw == "":
		f.Add("password", "Choisissez un mot de passe d'au moins 12 caractères.")
	case !utf8.ValidString(pw):
		f.Add("password", "Ce mot de passe contient des caractères non reconnus. Choisissez-en un autre.")
	case n < MinPasswordRunes:
		f.Add("password", fmt.Sprintf("Votre mot de passe doit contenir au moins 12 caractères (il en a %d). Une phrase facile à retenir convient très bien.", n))
	case n > MaxPasswordRunes || len(pw) > 4*MaxPasswordRunes:
		f.Add("password", "Votre mot de passe est trop long : 256 caractères au maximum.")
	case s.passwords.Common(pw):
		f.Add("password", "Ce mot de passe est trop courant et facile à deviner. Choisissez-en un autre, par exemple une phrase que vous seul connaissez.")
	}
}
