package dynamo_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/citejardins/extranet/shared/directdebit"
	"github.com/citejardins/extranet/shared/pdf"
	"github.com/citejardins/extranet/shared/tenancy"
)

// memFiles keeps the mandates' PDFs in memory (the S3 side is tested
// through the local stack in shared/httpapi).
type memFiles struct {
	mu   sync.Mutex
	objs map[string][]byte
}

func (f *memFiles) Put(_ context.Context, key, _ string, body []byte) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.objs[key] = body
	return nil
}

// clock is a settable clock for the service.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(s string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = date(s).Time().Add(9 * time.Hour)
}

func mandateService(t *testing.T, s interface {
	directdebit.Store
	directdebit.Ledger
}, c *clock) *directdebit.Service {
	t.Helper()
	svc, err := directdebit.NewService(directdebit.Config{Creditor: directdebit.Creditor{Name: "La Cité Jardins",
		AddressLines: []string{"12 rue des Tilleuls", "93200 Saint-Denis"}, ICS: "FR72ZZZ123456"}},
		s, s, &memFiles{objs: map[string][]byte{}}, &pdf.Renderer{}, c.now, nil)
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

func TestRule_MandateLapsesAfter36MonthsWithoutDebit(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	if _, err := s.UpsertLeases(ctx, []tenancy.Lease{{Reference: "42", ResidenceID: "R1", Start: date("2020-01-01"),
		Address: tenancy.Address{Street: "1 rue", PostalCode: "75001", City: "Paris"}, RentCents: 50000,
		PaymentMethod: tenancy.DirectDebit, DueDay: 5}}); err != nil {
		t.Fatal(err)
	}
	c := &clock{}
	c.set("2026-12-01")
	svc := mandateService(t, s, c)
	m, err := svc.Subscribe(ctx, "42", directdebit.Request{IBAN: "FR7630006000011234567890189", BIC: "AGRIFRPP",
		Holder: "Jean Martin", DebitDay: 5, Consent: true})
	if err != nil {
		t.Fatal(err)
	}
	// One debit, in January 2027: the 36 months run from it.
	if _, err := s.SyncEntries(ctx, "42", []tenancy.Entry{
		{ID: "N1", Date: date("2027-01-01"), Label: "Avis", Kind: tenancy.Notice, DebitCents: 50000},
		{ID: "P1", Date: date("2027-01-05"), Label: "Prélèvement", Kind: tenancy.PaymentReceived, CreditCents: 50000},
	}, true); err != nil {
		t.Fatal(err)
	}
	drain := func() map[string]int {
		evs, err := s.PendingEvents(ctx, 1000)
		if err != nil {
			t.Fatal(err)
		}
		n := map[string]int{}
		for _, e := range evs {
			n[e.Type]++
			if err := s.MarkPublished(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
		return n
	}
	if n := drain(); n[directdebit.EventSigned] != 1 {
		t.Fatalf("events after signing: %v", n)
	}

	// 36 months after the signature, but not after the debit: in force.
	c.set("2029-12-01")
	v, err := svc.Show(ctx, "42")
	if err != nil {
		t.Fatal(err)
	}
	if v.Current == nil || v.Current.RUM != m.RUM || v.Current.LastDebitOn != date("2027-01-05") || v.Current.LapsesOn() != date("2030-01-05") {
		t.Fatalf("on 2029-12-01: %+v", v.Current)
	}
	if _, ok, _ := svc.Active(ctx, "42", date("2030-01-04")); !ok {
		t.Error("not active the day before the lapse")
	}

	// 36 months after the last debit: 40 readers at once record one lapse.
	c.set("2030-01-05")
	var wg sync.WaitGroup
	for range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, ok, err := svc.Active(ctx, "42", date("2030-01-05")); err != nil || ok {
				t.Errorf("Active on the lapse day: %v, %v", ok, err)
			}
		}()
	}
	wg.Wait()
	v, err = svc.Show(ctx, "42")
	if err != nil {
		t.Fatal(err)
	}
	if v.Current != nil || len(v.History) != 1 {
		t.Fatalf("after the lapse: %+v", v)
	}
	h := v.History[0]
	if h.Status != directdebit.Lapsed || h.LapsedOn != date("2030-01-05") || h.LastDebitOn != date("2027-01-05") {
		t.Errorf("lapsed mandate %+v", h)
	}
	if n := drain(); n[directdebit.EventLapsed] != 1 || len(n) != 1 {
		t.Errorf("events after the lapse: %v, want one %s", n, directdebit.EventLapsed)
	}
	// Revoking a lapsed mandate: there is none in force.
	if _, err := svc.Revoke(ctx, "42"); err == nil {
		t.Error("a lapsed mandate was revoked")
	}
	// A new mandate is in force again, with the next RUM.
	m2, err := svc.Subscribe(ctx, "42", directdebit.Request{IBAN: "FR7630006000011234567890189", BIC: "AGRIFRPP",
		Holder: "Jean Martin", DebitDay: 5, Consent: true})
	if err != nil || m2.RUM != "EXTRANET-42-2" {
		t.Fatalf("subscribe after the lapse: %+v, %v", m2, err)
	}
	// Its 36 months pass with no debit (the January 2027 one is before it);
	// a new signature records it lapsed, not revoked.
	c.set("2033-02-01")
	m3, err := svc.Subscribe(ctx, "42", directdebit.Request{IBAN: "FR7630006000011234567890189", BIC: "AGRIFRPP",
		Holder: "Jean Martin", DebitDay: 5, Consent: true})
	if err != nil {
		t.Fatal(err)
	}
	v, err = svc.Show(ctx, "42")
	if err != nil {
		t.Fatal(err)
	}
	if len(v.History) != 3 || v.Current == nil || v.Current.RUM != m3.RUM || v.History[1].RUM != m2.RUM ||
		v.History[1].Status != directdebit.Lapsed || v.History[1].LapsedOn != date("2033-01-05") || !v.History[1].RevokedOn.IsZero() {
		t.Errorf("after a signature over a lapsed mandate: %+v", v.History)
	}
}
