package tenant_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/citejardins/extranet/shared/account"
	"github.com/citejardins/extranet/shared/tenant"
)

// TestConsentAndRequestsSayWho: the paperless consent one signatory gives
// is the lease's and is recorded with who and when; the landlord's event
// says who, as a change request does.
func TestConsentAndRequestsSayWho(t *testing.T) {
	ctx := context.Background()
	store, now := newAccount(t)
	// A second account on lease "1", of signatory S1-2.
	two := account.Key{Reference: "1", Signatory: "S1-2"}
	if err := store.SavePending(ctx, account.Account{Reference: "1", Signatory: "S1-2", Email: "b@example.fr", Status: account.Pending, ActivationHash: "h2"},
		nil, account.Token{Hash: "t2", Purpose: account.Activation, Reference: "1", Signatory: "S1-2", ExpiresAt: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	svc := tenant.NewService(store, nil, func() time.Time { return now }, nil, nil)
	yes := true
	if _, err := svc.SetPreferences(ctx, two, tenant.PreferencesChange{Paperless: &yes}); err != nil {
		t.Fatal(err)
	}
	p, err := svc.Preferences(ctx, key1)
	if err != nil || !p.Paperless || p.By != "S1-2" || !p.Since.Equal(now) || p.NotificationEmail != "a@example.fr" {
		t.Errorf("the other account's view of the consent: %+v, %v", p, err)
	}
	r, err := svc.SubmitChangeRequest(ctx, key1, "other", "Nouveau numéro de téléphone")
	if err != nil || r.By != "S1-1" {
		t.Fatalf("request: %+v, %v", r, err)
	}
	if got, err := svc.ChangeRequest(ctx, "1", r.ID); err != nil || got.By != "S1-1" {
		t.Errorf("request read back: %+v, %v", got, err)
	}
	evs, err := store.PendingEvents(ctx, 10)
	if err != nil || len(evs) != 2 {
		t.Fatalf("events: %+v, %v", evs, err)
	}
	data := map[string]map[string]any{} // by type (both were made in the same instant)
	for _, e := range evs {
		var d map[string]any
		if err := json.Unmarshal(e.Data.(json.RawMessage), &d); err != nil {
			t.Fatal(err)
		}
		data[e.Type] = d
	}
	prefs, req := data["preferences_changed"], data["change_request_submitted"]
	if prefs["signatory"] != "S1-2" || prefs["paperlessBy"] != "S1-2" || prefs["paperless"] != true || prefs["notificationEmail"] != "b@example.fr" {
		t.Errorf("preferences event: %v", prefs)
	}
	if req["by"] != "S1-1" {
		t.Errorf("request event: %v", req)
	}
}
