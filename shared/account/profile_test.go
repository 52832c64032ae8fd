package account_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/citejardins/extranet/shared/account"
	"github.com/citejardins/extranet/shared/fault"
)

// TestOldSessionsAndLinksNeverOpenANewAccount deletes an account while
// leaving its session and its reset link in the table (as a cleanup that
// failed halfway would), then creates the account again with the same key:
// the new account's generation is the old one's (0), so only the check
// against the account's creation keeps the old session and link out.
func TestOldSessionsAndLinksNeverOpenANewAccount(t *testing.T) {
	ctx := context.Background()
	f := setup(t, account.Config{})
	activeMarie(t, f)
	session, _, err := f.svc.Login(ctx, account.Credentials{Email: marie.Email, Password: pw}, "203.0.113.1")
	mustOK(t, err)
	mustOK(t, f.svc.Forgot(ctx, marie.Email, "203.0.113.1"))
	reset := f.mail.lastToken(t, marie.Email)

	acc, err := f.store.AccountByEmail(ctx, marie.Email)
	mustOK(t, err)
	mustOK(t, f.store.DeleteAccount(ctx, acc, account.ProfileEvent{}))
	_, err = f.svc.Authenticate(ctx, session)
	wantCode(t, err, fault.Unauthenticated)
	wantCode(t, f.svc.ResetPassword(ctx, reset, "un tout nouveau mot de passe", "203.0.113.1"), fault.TokenInvalid)

	f.clock.Advance(time.Minute)
	activeMarie(t, f)
	again, err := f.store.AccountByEmail(ctx, marie.Email)
	mustOK(t, err)
	if again.SessionGeneration != acc.SessionGeneration {
		t.Fatalf("the new account's generation is %d, the old one's %d: the test needs them equal", again.SessionGeneration, acc.SessionGeneration)
	}
	_, err = f.svc.Authenticate(ctx, session)
	wantCode(t, err, fault.Unauthenticated)
	wantCode(t, f.svc.ResetPassword(ctx, reset, "un tout nouveau mot de passe", "203.0.113.1"), fault.TokenInvalid)
	// The new account's own session works.
	fresh, _, err := f.svc.Login(ctx, account.Credentials{Email: marie.Email, Password: pw}, "203.0.113.1")
	mustOK(t, err)
	if _, err := f.svc.Authenticate(ctx, fresh); err != nil {
		t.Fatal(err)
	}
}

// TestNoLinkIsStoredForADeletedAccount: a forgotten-password job that read
// the account just before its deletion stores its reset link after the
// deletion's cleanup has run: the link would stay behind (a deleted
// account's token, the Done-when of issue 11). The store refuses a token of
// an account that is gone, and the job sends nothing.
func TestNoLinkIsStoredForADeletedAccount(t *testing.T) {
	ctx := context.Background()
	f := setup(t, account.Config{})
	activeMarie(t, f)
	acc, err := f.store.AccountByEmail(ctx, marie.Email)
	mustOK(t, err)
	mustOK(t, f.store.DeleteAccount(ctx, acc, account.ProfileEvent{}))
	_, err = f.store.DeleteAccountItems(ctx, acc, f.clock.Now())
	mustOK(t, err)

	hash := strings.Repeat("ab", 32)
	err = f.store.PutToken(ctx, account.Token{Hash: hash, Purpose: account.Reset, Reference: acc.Reference, Signatory: acc.Signatory,
		Generation: acc.SessionGeneration, CreatedAt: f.clock.Now(), ExpiresAt: f.clock.Now().Add(time.Hour)})
	if !errors.Is(err, account.ErrNotFound) {
		t.Errorf("a token of a deleted account: %v, want ErrNotFound", err)
	}
	if _, err := f.store.Token(ctx, hash); !errors.Is(err, account.ErrNotFound) {
		t.Errorf("the token was stored: %v", err)
	}
}
