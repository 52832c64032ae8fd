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

// TestRecoveryLink: the link mailed to the old address at a login email
// change is taken by Profiles.ResetPassword only (the plain reset refuses
// it), serves until Config.RecoveryTTL (7 days) and then says where to get
// help; nothing changes when it is refused.
func TestRecoveryLink(t *testing.T) {
	ctx := context.Background()
	const ip, next = "203.0.113.1", "marie.nouvelle@example.fr"
	f := setup(t, account.Config{})
	activeMarie(t, f)
	profiles := account.NewProfiles(f.svc, f.store)
	session, _, err := f.svc.Login(ctx, account.Credentials{Email: marie.Email, Password: pw}, ip)
	mustOK(t, err)
	p, err := f.svc.Authenticate(ctx, session)
	mustOK(t, err)
	mustOK(t, profiles.RequestLoginEmail(ctx, p, account.LoginEmailChange{Email: next, Password: pw}, ip))
	_, err = profiles.ConfirmLoginEmail(ctx, f.mail.lastToken(t, next), ip)
	mustOK(t, err)
	recovery := f.mail.lastToken(t, marie.Email)
	const fresh = "une phrase toute neuve pour revenir"

	wantCode(t, f.svc.ResetPassword(ctx, recovery, fresh, ip), fault.TokenInvalid)
	f.clock.Advance(account.DefaultConfig().RecoveryTTL)
	err = profiles.ResetPassword(ctx, recovery, fresh, ip)
	wantCode(t, err, fault.TokenExpired)
	var fe *fault.Error
	if !errors.As(err, &fe) || !strings.Contains(fe.Message, "Assistance") {
		t.Errorf("the expired link's message says nowhere to get help: %v", err)
	}
	if _, _, err := f.svc.Login(ctx, account.Credentials{Email: next, Password: pw}, ip); err != nil {
		t.Errorf("after the refused links, the login with the new address: %v", err)
	}
	if account.DefaultConfig().RecoveryTTL != 7*24*time.Hour {
		t.Errorf("RecoveryTTL = %v, want 7 days", account.DefaultConfig().RecoveryTTL)
	}
}
