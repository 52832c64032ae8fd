package tenant_test

import (
	"context"
	"regexp"
	"testing"
	"time"

	"github.com/citejardins/extranet/infra/localstack"
	"github.com/citejardins/extranet/shared/account"
	"github.com/citejardins/extranet/shared/dynamo"
	"github.com/citejardins/extranet/shared/fault"
	"github.com/citejardins/extranet/shared/tenant"
)

// key1 is the account newAccount makes.
var key1 = account.Key{Reference: "1", Signatory: "S1-1"}

// newAccount starts the DynamoDB emulator with the account of lease "1"
// and returns the store and the time the tests start at.
func newAccount(t *testing.T) (*dynamo.Store, time.Time) {
	t.Helper()
	ctx := context.Background()
	db, err := localstack.StartDynamoDB(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	store := dynamo.New(db.Client, localstack.LocalTables)
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	if err := store.SavePending(ctx, account.Account{Reference: "1", Signatory: "S1-1", Email: "a@example.fr", Status: account.Pending, ActivationHash: "h"},
		nil, account.Token{Hash: "t", Purpose: account.Activation, Reference: "1", Signatory: "S1-1", ExpiresAt: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	return store, now
}

func TestWritesPerDayAreBounded(t *testing.T) {
	ctx := context.Background()
	store, now := newAccount(t)
	clock := func() time.Time { return now }
	svc := tenant.NewService(store, nil, clock, nil, nil).WithCounter(store)
	for i := 0; i < tenant.WritesPerDay; i++ {
		if _, err := svc.SubmitChangeRequest(ctx, key1, "other", "Nouvelle adresse email"); err != nil {
			t.Fatalf("request %d: %v", i+1, err)
		}
	}
	_, err := svc.SubmitChangeRequest(ctx, key1, "other", "Une de trop")
	if !fault.Is(err, fault.TooManyRequests) {
		t.Fatalf("request past the limit: %v; want too_many_requests", err)
	}
	rs, _ := svc.ChangeRequests(ctx, "1")
	if len(rs) != tenant.WritesPerDay {
		t.Errorf("%d requests saved; want %d", len(rs), tenant.WritesPerDay)
	}
	now = now.Add(24 * time.Hour)
	if _, err := svc.SubmitChangeRequest(ctx, key1, "other", "Le lendemain"); err != nil {
		t.Errorf("next day: %v", err)
	}
}

// racingStore lets another device save the consent between the service's
// read and its write.
type racingStore struct {
	*dynamo.Store
	race func()
}

func (r racingStore) SetPreferences(ctx context.Context, ref account.Key, old, p tenant.Preferences, e tenant.Event) error {
	if r.race != nil {
		r.race()
	}
	return r.Store.SetPreferences(ctx, ref, old, p, e)
}

func TestConsentSavedAtOnceFromTwoDevices(t *testing.T) {
	ctx := context.Background()
	store, now := newAccount(t)
	clock := func() time.Time { return now }
	other := tenant.NewService(store, nil, clock, nil, nil)
	yes, no := true, false
	rs := racingStore{Store: store}
	rs.race = func() {
		rs.race = nil
		if _, err := other.SetPreferences(ctx, key1, tenant.PreferencesChange{Paperless: &yes}); err != nil {
			t.Errorf("the other device: %v", err)
		}
	}
	svc := tenant.NewService(&rs, nil, func() time.Time { return now.Add(time.Minute) }, nil, nil)
	// The stale read says paper: consenting is a change, saved on the
	// condition that the consent is still what was read. (An empty
	// notification email is the login email in use, no longer a change.)
	_, err := svc.SetPreferences(ctx, key1, tenant.PreferencesChange{Paperless: &yes, NotificationEmail: new(string)})
	if !fault.Is(err, fault.Conflict) {
		t.Fatalf("a save based on a stale read: %v; want conflict", err)
	}
	p, _ := svc.Preferences(ctx, key1)
	if !p.Paperless || !p.Since.Equal(now) {
		t.Errorf("preferences %+v; want the other device's consent, given at %v, untouched", p, now)
	}
	if got, err := svc.SetPreferences(ctx, key1, tenant.PreferencesChange{Paperless: &no}); err != nil || got.Paperless {
		t.Errorf("a save after reading again: %+v, %v", got, err)
	}
}

// mailbox keeps the mails the account service sends.
type mailbox struct{ mails []account.Mail }

func (m *mailbox) Send(_ context.Context, mail account.Mail) error {
	m.mails = append(m.mails, mail)
	return nil
}

var linkRE = regexp.MustCompile(`/confirmation-email\?token=([A-Za-z0-9_-]+)`)

// TestConfirmationBetweenReadAndSave: a link confirmed while another device
// saves the consent from an older read; the save must not put back the
// address the link replaced.
func TestConfirmationBetweenReadAndSave(t *testing.T) {
	ctx := context.Background()
	store, now := newAccount(t)
	clock := func() time.Time { return now }
	box := &mailbox{}
	links := account.NewService(account.Deps{Store: store, Counter: store, Mailer: box, Now: clock}, account.Config{PublicURL: "https://extranet.example"})
	svc := tenant.NewService(store, nil, clock, nil, nil).WithConfirmations(links)
	asked := "avis@example.fr"
	if _, err := svc.SetPreferences(ctx, key1, tenant.PreferencesChange{NotificationEmail: &asked}); err != nil {
		t.Fatal(err)
	}
	var raw string
	for _, m := range box.mails {
		if m.To == asked {
			raw = linkRE.FindStringSubmatch(m.Text)[1]
		}
	}
	rs := racingStore{Store: store}
	rs.race = func() {
		rs.race = nil
		if _, err := svc.ConfirmNotificationEmail(ctx, raw, "192.0.2.1"); err != nil {
			t.Errorf("confirm: %v", err)
		}
	}
	stale := tenant.NewService(&rs, nil, clock, nil, nil).WithConfirmations(links)
	yes := true
	if _, err := stale.SetPreferences(ctx, key1, tenant.PreferencesChange{Paperless: &yes}); !fault.Is(err, fault.Conflict) {
		t.Fatalf("a save based on a read before the confirmation: %v; want conflict", err)
	}
	p, _ := svc.Preferences(ctx, key1)
	if p.NotificationEmail != asked || p.Pending != nil || p.Paperless {
		t.Errorf("preferences %+v; want %s confirmed, nothing pending, the stale consent not saved", p, asked)
	}
}
