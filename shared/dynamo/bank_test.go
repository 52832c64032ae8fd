package dynamo_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/citejardins/extranet/shared/bankdetails"
	"github.com/citejardins/extranet/shared/tenant"
)

// TestBankDetailsVersions: the first details need no item, each next one
// the version read; a write on a stale version writes neither the details
// nor its event.
func TestBankDetailsVersions(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	if _, err := s.BankDetails(ctx, "1234567"); !errors.Is(err, bankdetails.ErrNotFound) {
		t.Fatalf("before any: %v, want ErrNotFound", err)
	}
	at := time.Date(2026, 11, 30, 18, 20, 41, 512e6, time.UTC)
	ev := func(id string) tenant.Event {
		return tenant.Event{ID: id, Type: bankdetails.EventChanged, Reference: "1234567", At: at,
			Data: bankdetails.EventData{IBAN: "FR7630006000011234567890189", BIC: "AGRIFRPP", Holder: "Céline LEFÈVRE"}}
	}
	first := bankdetails.Details{IBAN: "FR7630006000011234567890189", BIC: "AGRIFRPP", Holder: "Céline LEFÈVRE", UpdatedAt: at, Version: 1}
	if err := s.SetBankDetails(ctx, "1234567", first, ev("e1")); err != nil {
		t.Fatal(err)
	}
	if err := s.SetBankDetails(ctx, "1234567", first, ev("e2")); !errors.Is(err, bankdetails.ErrConflict) {
		t.Errorf("a second version 1: %v, want ErrConflict", err)
	}
	second := first
	second.Holder, second.Version = "C. LEFÈVRE", 2
	if err := s.SetBankDetails(ctx, "1234567", second, ev("e3")); err != nil {
		t.Fatal(err)
	}
	stale := first
	stale.Holder, stale.Version = "Stale", 2
	if err := s.SetBankDetails(ctx, "1234567", stale, ev("e4")); !errors.Is(err, bankdetails.ErrConflict) {
		t.Errorf("version 2 again: %v, want ErrConflict", err)
	}
	got, err := s.BankDetails(ctx, "1234567")
	if err != nil || got != second {
		t.Errorf("stored %+v, %v; want %+v", got, err, second)
	}
	if _, err := s.BankDetails(ctx, "7654321"); !errors.Is(err, bankdetails.ErrNotFound) {
		t.Errorf("another lease: %v, want ErrNotFound", err)
	}
	evs, err := s.PendingEvents(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range evs {
		ids = append(ids, e.ID)
	}
	slices.Sort(ids)
	if !slices.Equal(ids, []string{"e1", "e3"}) {
		t.Errorf("outbox holds %v, want e1 and e3 only", ids)
	}
}
