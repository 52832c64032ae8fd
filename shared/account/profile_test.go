package account_test

import (
	"context"
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
