// Package account is the tenant's extranet account: sign-up against a lease,
// activation by emailed link, sessions, forgotten passwords, and the throttling
// that keeps guessing slow. It holds the rules; stores, mail and password
// hashing are adapters behind the interfaces declared here.
package account

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/citejardins/extranet/shared/tenancy"
)

// Status is where an account stands in its life.
type Status string

// Account statuses.
const (
	Pending Status = "pending" // signed up, waiting for the emailed link
	Active  Status = "active"
)

// Account is a tenant's login on one lease. A lease has at most one account,
// so the lease reference identifies the account.
type Account struct {
	Reference    string
	Email        string // as the tenant typed it, trimmed
	PasswordHash string // PHC string
	Status       Status
	// ActivationHash is the hash of the only activation link still valid:
	// signing up again or asking for a new email voids the earlier ones.
	ActivationHash string
	// SessionGeneration ends every session at once when incremented (reset,
	// password change): sessions carry the generation they were opened in.
	SessionGeneration int
	// Paperless is the tenant's consent to receive notices electronically
	// (Code civil art. 1126), with the date it was given or withdrawn.
	Paperless      bool
	PaperlessSince time.Time
	CreatedAt      time.Time
	ActivatedAt    time.Time
}

// EmailKey is the form under which an email is unique: addresses are
// compared without regard to case.
func EmailKey(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// Purpose says what an emailed token is for; a token never serves another.
type Purpose string

// Token purposes.
const (
	Activation Purpose = "activation"
	Reset      Purpose = "reset"
)

// Token is a single-use emailed link. Only its hash is stored, so a leak of
// the table gives no usable link.
type Token struct {
	Hash      string
	Purpose   Purpose
	Reference string
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    time.Time
	// Generation is, on a reset token, the account's session generation when
	// the link was sent: a reset since then voids the link.
	Generation int
}

// Session is a logged-in device. Only the hash of its token is stored.
type Session struct {
	Hash       string
	Reference  string
	Generation int
	CreatedAt  time.Time
	ExpiresAt  time.Time
}

// Store errors.
var (
	ErrNotFound = errors.New("not found")
	// ErrEmailTaken: another account holds the email.
	ErrEmailTaken = errors.New("email taken")
	// ErrConflict: a conditional write lost a race or met a changed state
	// (token already used, account no longer pending...).
	ErrConflict = errors.New("conflict")
)

// Store keeps accounts, tokens and sessions, and reads leases.
type Store interface {
	Lease(ctx context.Context, reference string) (tenancy.Lease, error)
	Account(ctx context.Context, reference string) (Account, error)
	AccountByEmail(ctx context.Context, email string) (Account, error)
	// SavePending writes a pending account and its activation token at once,
	// claiming the email. previous is the pending account it replaces, if any:
	// its email claim is released when the email changed. also are mail jobs
	// written in the same transaction (the notice to the replaced request's
	// address), so that they exist if and only if the account was saved.
	SavePending(ctx context.Context, acc Account, previous *Account, tok Token, also ...MailJob) error
	// RenewActivation stores a new activation token and makes it the only
	// valid one, if the account is still pending.
	RenewActivation(ctx context.Context, reference string, tok Token) error
	Token(ctx context.Context, hash string) (Token, error)
	PutToken(ctx context.Context, tok Token) error
	// Activate uses the token and activates the account at once; ErrConflict
	// when the token was used or is no longer the account's current one.
	Activate(ctx context.Context, tok Token, at time.Time) error
	// ResetPassword uses the token, sets the password and ends every session
	// at once; ErrConflict when the token was already used or the password
	// was reset since the token was sent.
	ResetPassword(ctx context.Context, tok Token, passwordHash string, at time.Time) error
	PutSession(ctx context.Context, s Session) error
	Session(ctx context.Context, hash string) (Session, error)
	DeleteSession(ctx context.Context, hash string) error
	// DeleteSessions removes every session of an account (housekeeping: the
	// generation already made them invalid).
	DeleteSessions(ctx context.Context, reference string) error
}

// Counter counts events per key in fixed time windows, for throttling.
type Counter interface {
	// Add counts one event and returns the window's count and its end.
	Add(ctx context.Context, key string, window time.Duration, now time.Time) (int, time.Time, error)
	// Count returns the window's count and its end without counting.
	Count(ctx context.Context, key string, window time.Duration, now time.Time) (int, time.Time, error)
}

// Passwords hashes and checks passwords.
type Passwords interface {
	Hash(pw string) (string, error)
	Verify(pw, encoded string) (bool, error)
	// VerifyDummy takes as long as Verify, so that unknown emails answer as
	// slowly as wrong passwords.
	VerifyDummy(pw string)
	// Common reports whether the password is in a list of common ones.
	Common(pw string) bool
}

// Mailer sends an email.
type Mailer interface {
	Send(ctx context.Context, m Mail) error
}

// Mail is a message to one tenant, in French, as text and HTML.
type Mail struct {
	To      string
	Subject string
	Text    string
	HTML    string
}
