package tenant_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/citejardins/extranet/shared/account"
	"github.com/citejardins/extranet/shared/dynamo"
	"github.com/citejardins/extranet/shared/fault"
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

// readRacingStore lets another signatory save the consent right after the
// service read the preferences, before it builds its event and writes.
type readRacingStore struct {
	*dynamo.Store
	race func()
}

func (r *readRacingStore) Preferences(ctx context.Context, k account.Key) (tenant.Preferences, error) {
	p, err := r.Store.Preferences(ctx, k)
	if r.race != nil {
		r.race()
	}
	return p, err
}

// lastConsentEvent is the paperless consent the newest preferences_changed
// event in the outbox tells the ERP.
func lastConsentEvent(t *testing.T, store *dynamo.Store) map[string]any {
	t.Helper()
	evs, err := store.PendingEvents(context.Background(), 100)
	if err != nil {
		t.Fatal(err)
	}
	var last map[string]any
	for _, e := range evs { // oldest first
		if e.Type != "preferences_changed" {
			continue
		}
		if err := json.Unmarshal(e.Data.(json.RawMessage), &last); err != nil {
			t.Fatal(err)
		}
	}
	return last
}

// TestAnAddressChangeNeverTellsTheERPAnOlderConsent: every
// preferences_changed event states the lease's consent, and the ERP keeps
// the newest. Julien saving (or confirming) his own notification address
// from a read made before Céline gave the consent must not tell the ERP,
// after her event, that the lease is still on paper.
func TestAnAddressChangeNeverTellsTheERPAnOlderConsent(t *testing.T) {
	ctx := context.Background()
	store, now := newAccount(t)
	two := account.Key{Reference: "1", Signatory: "S1-2"}
	if err := store.SavePending(ctx, account.Account{Reference: "1", Signatory: "S1-2", Email: "b@example.fr", Status: account.Pending, ActivationHash: "h2"},
		nil, account.Token{Hash: "t2", Purpose: account.Activation, Reference: "1", Signatory: "S1-2", ExpiresAt: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	box := &mailbox{}
	at := now
	clock := func() time.Time { at = at.Add(time.Minute); return at } // each event after the one before
	links := account.NewService(account.Deps{Store: store, Counter: store, Mailer: box, Now: clock}, account.Config{PublicURL: "https://extranet.example"})
	celine := tenant.NewService(store, nil, clock, nil, nil)
	yes, no := true, false
	rs := &readRacingStore{Store: store}
	julien := tenant.NewService(rs, nil, clock, nil, nil).WithConfirmations(links)
	consentBetween := func(v *bool) func() {
		return func() {
			rs.race = nil
			if _, err := celine.SetPreferences(ctx, key1, tenant.PreferencesChange{Paperless: v}); err != nil {
				t.Errorf("Céline's consent: %v", err)
			}
		}
	}

	// Julien confirms a new address while Céline consents: the link still
	// works, and the ERP's newest event has her consent.
	asked := "avis-julien@example.fr"
	if _, err := julien.SetPreferences(ctx, two, tenant.PreferencesChange{NotificationEmail: &asked}); err != nil {
		t.Fatal(err)
	}
	var raw string
	for _, m := range box.mails {
		if m.To == asked {
			raw = linkRE.FindStringSubmatch(m.Text)[1]
		}
	}
	rs.race = consentBetween(&yes)
	if got, err := julien.ConfirmNotificationEmail(ctx, raw, "192.0.2.1"); err != nil || got != asked {
		t.Fatalf("confirm while the other signatory consents: %q, %v", got, err)
	}
	if ev := lastConsentEvent(t, store); ev["paperless"] != true || ev["paperlessBy"] != "S1-1" {
		t.Errorf("newest event after the confirmation: %v; want Céline's consent", ev)
	}

	// Julien goes back to his login address while Céline withdraws it: his
	// save, from a read before hers, must not state the older consent.
	rs.race = consentBetween(&no)
	_, err := julien.SetPreferences(ctx, two, tenant.PreferencesChange{NotificationEmail: new(string)})
	if err != nil && !fault.Is(err, fault.Conflict) {
		t.Fatal(err)
	}
	if ev := lastConsentEvent(t, store); ev["paperless"] != false || ev["paperlessBy"] != "S1-1" {
		t.Errorf("newest event after the address change: %v; want Céline's withdrawal", ev)
	}
	p, _ := celine.Preferences(ctx, key1)
	if p.Paperless || p.By != "S1-1" {
		t.Errorf("the lease's consent %+v; want withdrawn by S1-1", p)
	}
}

// TestConsentAndAddressesOfTwoSignatoriesInParallel: 40 requests at once,
// Céline giving and withdrawing the consent while Julien confirms his new
// address (one link, opened 20 times): the newest event the ERP gets
// states the consent the lease has, by whom it has it.
func TestConsentAndAddressesOfTwoSignatoriesInParallel(t *testing.T) {
	ctx := context.Background()
	store, now := newAccount(t)
	two := account.Key{Reference: "1", Signatory: "S1-2"}
	if err := store.SavePending(ctx, account.Account{Reference: "1", Signatory: "S1-2", Email: "b@example.fr", Status: account.Pending, ActivationHash: "h2"},
		nil, account.Token{Hash: "t2", Purpose: account.Activation, Reference: "1", Signatory: "S1-2", ExpiresAt: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	var ticks atomic.Int64 // a second more at each reading: events sort as they are made
	clock := func() time.Time { return now.Add(time.Duration(ticks.Add(1)) * time.Second) }
	box := &mailbox{}
	links := account.NewService(account.Deps{Store: store, Counter: store, Mailer: box, Now: clock}, account.Config{PublicURL: "https://extranet.example"})
	svc := tenant.NewService(store, nil, clock, nil, nil).WithConfirmations(links)
	asked := "avis-julien@example.fr"
	if _, err := svc.SetPreferences(ctx, two, tenant.PreferencesChange{NotificationEmail: &asked}); err != nil {
		t.Fatal(err)
	}
	var raw string
	for _, m := range box.mails {
		if m.To == asked {
			raw = linkRE.FindStringSubmatch(m.Text)[1]
		}
	}
	var wg sync.WaitGroup
	var confirmed atomic.Int32
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i%2 == 0 {
				v := i%4 == 0
				_, err := svc.SetPreferences(ctx, key1, tenant.PreferencesChange{Paperless: &v})
				if err != nil && !fault.Is(err, fault.Conflict) {
					t.Errorf("consent: %v", err)
				}
				return
			}
			_, err := svc.ConfirmNotificationEmail(ctx, raw, fmt.Sprintf("192.0.2.%d", i))
			switch {
			case err == nil:
				confirmed.Add(1)
			case !fault.Is(err, fault.TokenInvalid):
				t.Errorf("confirm: %v", err)
			}
		}()
	}
	wg.Wait()
	if confirmed.Load() != 1 {
		t.Errorf("the link confirmed %d times; want once", confirmed.Load())
	}
	p, err := svc.Preferences(ctx, two)
	if err != nil || p.NotificationEmail != asked {
		t.Fatalf("Julien's preferences %+v, %v", p, err)
	}
	ev := lastConsentEvent(t, store)
	if ev["paperless"] != p.Paperless || ev["paperlessBy"] != p.By || ev["paperlessSince"] != p.Since.Format(time.RFC3339) {
		t.Errorf("newest event %v; the lease has %v since %v by %q", ev, p.Paperless, p.Since, p.By)
	}
}
