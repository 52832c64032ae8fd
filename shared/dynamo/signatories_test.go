package dynamo_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/citejardins/extranet/shared/account"
	"github.com/citejardins/extranet/shared/dynamo"
	"github.com/citejardins/extranet/shared/tenancy"
	"github.com/citejardins/extranet/shared/tenant"
)

// saveAccount writes an account of lease ref for signatory sig, active
// unless pending, with notify as its notification address ("" for none).
func saveAccount(t *testing.T, s *dynamo.Store, ref, sig, email, notify string, pending bool) account.Account {
	t.Helper()
	ctx := context.Background()
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	acc := account.Account{Reference: ref, Signatory: sig, Email: email, PasswordHash: "h", Status: account.Pending, CreatedAt: now}
	tok := account.Token{Hash: fmt.Sprintf("%064x", len(ref+sig+email)) + sig, Purpose: account.Activation, Reference: ref, Signatory: sig,
		CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
	acc.ActivationHash = tok.Hash
	if err := s.SavePending(ctx, acc, nil, tok); err != nil {
		t.Fatal(err)
	}
	if !pending {
		if err := s.Activate(ctx, tok, now); err != nil {
			t.Fatal(err)
		}
		acc.Status = account.Active
	}
	if notify != "" {
		old, err := s.Preferences(ctx, acc.Key())
		if err != nil {
			t.Fatal(err)
		}
		p := old
		p.NotificationEmail = notify
		if err := s.SetPreferences(ctx, acc.Key(), old, p, tenant.Event{}); err != nil {
			t.Fatal(err)
		}
	}
	return acc
}

// putSignatories writes lease ref with these signatories (the first the
// main one): the lease's mails reach only the accounts of signatories it
// lists.
func putSignatories(t *testing.T, s *dynamo.Store, ref string, ids ...string) {
	t.Helper()
	l := tenancy.Lease{Reference: ref}
	for i, id := range ids {
		l.Signatories = append(l.Signatories, tenancy.Signatory{ID: id, Main: i == 0, LastName: "X", FirstName: "Y"})
	}
	if err := s.PutLease(context.Background(), l); err != nil {
		t.Fatal(err)
	}
}

// TestAccountsOfALease: each signatory's account at its own key, listed by
// one Query of the lease; the lease's mails go to each active account's
// notice address, once each; the paperless consent is the lease's, with
// who and when.
func TestAccountsOfALease(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	putSignatories(t, s, "1234567", "S1234567-1", "S1234567-2", "S1234567-3", "S1234567-4")
	putSignatories(t, s, "8889999", "S8889999-1")
	cel := saveAccount(t, s, "1234567", "S1234567-1", "celine@example.fr", "", false)
	jul := saveAccount(t, s, "1234567", "S1234567-2", "julien@example.fr", "foyer@example.fr", false)
	saveAccount(t, s, "1234567", "S1234567-3", "Foyer@Example.fr", "", false) // same notice address as Julien's
	saveAccount(t, s, "1234567", "S1234567-4", "pending@example.fr", "", true)
	saveAccount(t, s, "8889999", "S8889999-1", "marie@example.fr", "", false)

	accs, err := s.AccountsOf(ctx, "1234567")
	if err != nil || len(accs) != 4 || accs[0].Signatory != "S1234567-1" || accs[3].Status != account.Pending {
		t.Fatalf("accounts of the lease: %+v, %v", accs, err)
	}
	got, err := s.Account(ctx, jul.Key())
	if err != nil || got.Email != "julien@example.fr" || got.NotificationEmail != "foyer@example.fr" {
		t.Errorf("Julien's account: %+v, %v", got, err)
	}
	if _, err := s.Account(ctx, account.Key{Reference: "1234567"}); err != account.ErrNotFound {
		t.Errorf("an account without a signatory: %v", err)
	}
	if owner, err := s.AccountByEmail(ctx, "JULIEN@example.fr"); err != nil || owner.Key() != jul.Key() {
		t.Errorf("account by Julien's email: %v, %v", owner.Key(), err)
	}

	to, err := s.InsuranceRecipients(ctx, "1234567")
	if want := []string{"celine@example.fr", "foyer@example.fr"}; err != nil || !slices.Equal(to, want) {
		t.Errorf("insurance recipients %v (%v), want %v", to, err, want)
	}
	r, err := s.NoticeRecipient(ctx, "1234567")
	if err != nil || r.Paperless || !slices.Equal(r.Emails, []string{"celine@example.fr", "foyer@example.fr"}) || r.Email != "celine@example.fr" || r.Signatory != "" {
		t.Errorf("notice recipient before consent: %+v, %v", r, err)
	}

	// Julien gives the consent: it is the lease's, Céline reads it with who and when.
	old, err := s.Preferences(ctx, jul.Key())
	if err != nil {
		t.Fatal(err)
	}
	p := old
	p.Paperless, p.Since, p.By = true, time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC), jul.Signatory
	if err := s.SetPreferences(ctx, jul.Key(), old, p, tenant.Event{}); err != nil {
		t.Fatal(err)
	}
	// A second device, which read before the consent, cannot undo it unseen.
	if err := s.SetPreferences(ctx, cel.Key(), old, tenant.Preferences{Paperless: false, Since: p.Since.Add(time.Second), By: cel.Signatory}, tenant.Event{}); err != tenant.ErrConflict {
		t.Errorf("a consent saved over one read before: %v, want ErrConflict", err)
	}
	cp, err := s.Preferences(ctx, cel.Key())
	if err != nil || !cp.Paperless || !cp.Since.Equal(p.Since) || cp.By != "S1234567-2" || cp.NotificationEmail != "celine@example.fr" {
		t.Errorf("Céline's preferences: %+v, %v", cp, err)
	}
	if mp, _ := s.Preferences(ctx, account.Key{Reference: "8889999", Signatory: "S8889999-1"}); mp.Paperless || mp.By != "" {
		t.Errorf("another lease's preferences: %+v", mp)
	}
	if r, _ := s.NoticeRecipient(ctx, "1234567"); !r.Paperless {
		t.Errorf("notice recipient after consent: %+v", r)
	}
	if r, _ := s.NoticeRecipient(ctx, "8889999"); r.Paperless || r.Email != "marie@example.fr" || r.Signatory != "S8889999-1" {
		t.Errorf("notice recipient of a lease with one account and no consent: %+v", r)
	}
	if _, err := s.Preferences(ctx, account.Key{Reference: "1234567", Signatory: "S1234567-9"}); err != tenant.ErrNotFound {
		t.Errorf("preferences of a signatory without an account: %v", err)
	}
}

// TestASignatoryWhoLeftGetsNoLeaseMail: once the ERP no longer lists
// Julien on the LEFÈVRE lease, the lease's mails (notice, insurance,
// payment confirmation, bank details notices: AccountsOf) no longer reach
// his account; Céline's still do.
func TestASignatoryWhoLeftGetsNoLeaseMail(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	if err := s.PutLease(ctx, tenancy.Lease{Reference: "1234567", Signatories: []tenancy.Signatory{
		{ID: "S1234567-1", Main: true, LastName: "LEFÈVRE", FirstName: "Céline"},
		{ID: "S1234567-2", LastName: "LEFÈVRE", FirstName: "Julien"}}}); err != nil {
		t.Fatal(err)
	}
	saveAccount(t, s, "1234567", "S1234567-1", "celine@example.fr", "", false)
	saveAccount(t, s, "1234567", "S1234567-2", "julien@example.fr", "", false)
	if to, err := s.InsuranceRecipients(ctx, "1234567"); err != nil || !slices.Equal(to, []string{"celine@example.fr", "julien@example.fr"}) {
		t.Fatalf("recipients while both are listed: %v, %v", to, err)
	}
	if _, err := s.DeleteSignatoriesExcept(ctx, "1234567", map[string]bool{"S1234567-1": true}); err != nil {
		t.Fatal(err)
	}
	if to, err := s.InsuranceRecipients(ctx, "1234567"); err != nil || !slices.Equal(to, []string{"celine@example.fr"}) {
		t.Errorf("insurance recipients once Julien left: %v, %v", to, err)
	}
	if r, err := s.NoticeRecipient(ctx, "1234567"); err != nil || !slices.Equal(r.Emails, []string{"celine@example.fr"}) || r.Signatory != "S1234567-1" {
		t.Errorf("notice recipient once Julien left: %+v, %v", r, err)
	}
	if accs, err := s.AccountsOf(ctx, "1234567"); err != nil || len(accs) != 1 || accs[0].Signatory != "S1234567-1" {
		t.Errorf("accounts of the lease once Julien left: %+v, %v", accs, err)
	}
}
