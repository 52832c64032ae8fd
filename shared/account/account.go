// Package account is the tenant's extranet account: sign-up against a lease,
// activation by emailed link, sessions, forgotten passwords, and the throttling
// that keeps guessing slow. It holds the rules; stores, mail and password
// hashing are adapters behind the interfaces declared here.
package account

import (
	"context"
	"errors"
	"time"

	"github.com/citejardins/extranet/shared/emailaddr"
	"github.com/citejardins/extranet/shared/tenancy"
)

// Status is where an account stands in its life.
type Status string

// Account statuses.
const (
	Pending Status = "pending" // signed up, waiting for the emailed link
	Active  Status = "active"
)

// Key names an account: the lease it reads (Reference, the lease's
// canonical reference) and the signatory of that lease who owns it
// (Signatory, the ERP's opaque signatory id, e.g. "S1234567-2"). A lease has
// at most one account per signatory (DESIGN.md, "Accounts").
type Key struct {
	Reference string
	Signatory string
}

// String is the key as one string, "<reference>#<signatory id>", used in
// throttle keys and index keys.
func (k Key) String() string { return k.Reference + "#" + k.Signatory }

// Account is one signatory's login on their lease. Every signatory of a
// lease (main or co-signatory) may have their own; they all read the same
// lease data, named by Reference.
type Account struct {
	Reference    string
	Signatory    string // the ERP's id of the signatory who owns the account
	Email        string // as the tenant typed it, trimmed
	PasswordHash string // PHC string
	Status       Status
	// ActivationHash is the hash of the only activation link still valid:
	// signing up again or asking for a new email voids the earlier ones.
	ActivationHash string
	// SessionGeneration ends every session at once when incremented (reset,
	// password change): sessions carry the generation they were opened in.
	SessionGeneration int
	// NotificationEmail is the confirmed address the tenant chose for
	// notices (Mes préférences; tenant.Service sets it, only once its link
	// was opened); "" when it is the login Email. Read it with NoticeEmail.
	NotificationEmail string
	// EmailChanges counts the changes of the login email confirmed
	// (Profiles.ConfirmLoginEmail): the recovery link each one mails
	// carries its number (Token.EmailChange).
	EmailChanges int
	CreatedAt    time.Time
	ActivatedAt  time.Time
}

// Key is the account's key.
func (a Account) Key() Key { return Key{Reference: a.Reference, Signatory: a.Signatory} }

// NoticeEmail is where the account's notices go (the monthly notice, the
// payment confirmation): the confirmed notification address, else the
// login address. Security notices (a password, email or bank-details
// change) go to the login address: it is the one that can reset the
// password and take the account back, while a notification address may be
// shared, or chosen by whoever holds a session.
func (a Account) NoticeEmail() string {
	if a.NotificationEmail != "" {
		return a.NotificationEmail
	}
	return a.Email
}

// EmailKey is the form under which an email is unique: addresses are
// compared without regard to case, domains in their ASCII form (emailaddr.Key).
func EmailKey(email string) string { return emailaddr.Key(email) }

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
	Signatory string // with Reference, the account the token serves
	// CreatedAt is when the token was made: a token made before its
	// account's CreatedAt (an account deleted and signed up again) serves
	// nothing.
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    time.Time
	// Generation is, on a reset token, the account's session generation when
	// the link was sent: a reset since then voids the link.
	Generation int
	// Email is the address a recovery link gives back as the login email
	// (the one the login email was changed from); "" for other purposes.
	Email string
	// EmailChange is, on a recovery token, the number of the login email
	// change it undoes (Account.EmailChanges once it was made).
	EmailChange int
}

// Session is a logged-in device. Only the hash of its token is stored.
type Session struct {
	Hash       string
	Reference  string
	Signatory  string // with Reference, the account the session is of
	Generation int
	// Bearer: the session's token was handed to the client (the mobile
	// app), which sends it as a Bearer header; otherwise it lives only in
	// the web app's HttpOnly cookie. Only cookie sessions end when idle.
	Bearer    bool
	CreatedAt time.Time
	// LastSeen is when the session last served a request, to within
	// touchEvery: it is written at most that often.
	LastSeen  time.Time
	ExpiresAt time.Time
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
	// Listed reports whether the lease still lists the signatory (the ERP's
	// last import): an account whose signatory it no longer lists (who left
	// the lease) reads nothing of it.
	Listed(ctx context.Context, k Key) (bool, error)
	Account(ctx context.Context, k Key) (Account, error)
	// AccountsOf lists the accounts of a lease (every signatory's, pending
	// ones included), in signatory id order; none is no error.
	AccountsOf(ctx context.Context, reference string) ([]Account, error)
	AccountByEmail(ctx context.Context, email string) (Account, error)
	// SavePending writes a pending account and its activation token at once,
	// claiming the email. previous is the pending account it replaces, if any:
	// its email claim is released when the email changed. also are mail jobs
	// written in the same transaction (the notice to the replaced request's
	// address), so that they exist if and only if the account was saved.
	SavePending(ctx context.Context, acc Account, previous *Account, tok Token, also ...MailJob) error
	// RenewActivation stores a new activation token and makes it the only
	// valid one, if the account is still pending.
	RenewActivation(ctx context.Context, k Key, tok Token) error
	Token(ctx context.Context, hash string) (Token, error)
	// PutToken stores an emailed link's token; ErrNotFound when its
	// account is gone (deleted meanwhile).
	PutToken(ctx context.Context, tok Token) error
	// Activate uses the token and activates the account at once; ErrConflict
	// when the token was used or is no longer the account's current one.
	Activate(ctx context.Context, tok Token, at time.Time) error
	// ResetPassword uses the token, sets the password, ends every session
	// and voids a pending notification email's link, at once; ErrConflict when the token was already used, the password
	// was reset since the token was sent, or the account named by the token
	// was created after it.
	ResetPassword(ctx context.Context, tok Token, passwordHash string, at time.Time) error
	// PutSession stores a new session while its account exists;
	// ErrNotFound when the account is gone (deleted meanwhile).
	PutSession(ctx context.Context, s Session) error
	Session(ctx context.Context, hash string) (Session, error)
	DeleteSession(ctx context.Context, hash string) error
	// DeleteSessions removes every session of an account but the one whose
	// hash is keep (housekeeping: the generation already made them invalid).
	DeleteSessions(ctx context.Context, k Key, keep string) error
	// TouchSession sets the session's LastSeen to at if it is before
	// ifBefore; ErrConflict when it is not (another request touched it) or
	// the session is gone.
	TouchSession(ctx context.Context, hash string, at, ifBefore time.Time) error
	// ChangePassword sets the password, ends every session of the account
	// but keep and voids a pending notification email's link, at once: the
	// account's session generation moves from gen to gen+1 and the kept
	// session is carried into it.
	// ErrConflict when the generation is no longer gen.
	ChangePassword(ctx context.Context, k Key, gen int, passwordHash, keep string) error
	// EndSessions ends every session of the account and voids a pending
	// notification email's link at once, moving its session generation from
	// gen to gen+1; ErrConflict when it is no longer gen.
	EndSessions(ctx context.Context, k Key, gen int) error
}

// Counter keeps the throttles: units of a limit taken per key in a sliding
// window, atomically before the work they guard, and the lock-outs of keys
// that keep reaching their limit (access pattern 22).
type Counter interface {
	// Take takes one unit of key's limit, limit units in any span of window,
	// in one atomic step: N parallel calls take at most limit units. It
	// returns when the unit was taken (for Give), or, past the limit, a zero
	// time and how long until a unit is free. now is the clock.
	Take(ctx context.Context, key string, limit int, window time.Duration, now func() time.Time) (taken time.Time, wait time.Duration, err error)
	// Give gives back a unit taken at taken, once the guarded check passed.
	Give(ctx context.Context, key string, window time.Duration, taken time.Time) error
	// Forget forgets every unit of key's limit inside the window ending
	// now, in one atomic step, so that the next Take sees the whole limit
	// (a key whose owner proved who they are). A lock-out stays.
	Forget(ctx context.Context, key string, window time.Duration, now func() time.Time) error
	// Lockout reads key's lock-out (the zero Lockout when there is none).
	Lockout(ctx context.Context, key string) (Lockout, error)
	// SetLockout replaces the lock-out seen (as Lockout read it) with next,
	// kept for keep after it ends; ErrConflict when it changed since.
	SetLockout(ctx context.Context, key string, seen, next Lockout, keep time.Duration) error
}

// Lockout shuts a key out until Until, after its Strikes-th time at the
// limit in a row.
type Lockout struct {
	Until   time.Time
	Strikes int
}

// Passwords hashes and checks passwords.
type Passwords interface {
	Hash(pw string) (string, error)
	Verify(pw, encoded string) (bool, error)
	// VerifyDummy takes as long as Verify, so that unknown emails answer as
	// slowly as wrong passwords.
	VerifyDummy(pw string)
	// Weakness says why the password policy refuses pw beyond its length:
	// WeakBlank, WeakCommon or WeakRepeated, or "" when it does not.
	Weakness(pw string) string
}

// Reasons of Passwords.Weakness (the password package's PolicyError reasons).
const (
	WeakBlank    = "blank"    // only white space or invisible characters
	WeakCommon   = "common"   // in a list of common passwords
	WeakRepeated = "repeated" // one character or a short unit repeated
)

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
