package pdf_test

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/citejardins/extranet/shared/erp"
	"github.com/citejardins/extranet/shared/notice"
	"github.com/citejardins/extranet/shared/tenancy"
)

// The demo's landlord, as the local stack's settings would give it.
var demoLandlord = notice.Landlord{
	Name:         "Cité Jardins Habitat",
	AddressLines: []string{"Service clients", "8 rue de la République", "93200 Saint-Denis"},
	Phone:        "01 99 00 50 00",
	IBAN:         "FR7630006000011234567890189",
	BIC:          "AGRIFRPPXXX",
}

var (
	demoPeriod = notice.Period{Year: 2026, Month: 12}
	demoIssued = tenancy.Date{Year: 2026, Month: 11, Day: 25}
)

// demoNotices builds the notices of the demo leases for December 2026
// through notice.Build, from the demo ERP files (infra/demo/erp) read with
// the ERP reader: leases, signatories, and the previous balance as the sum
// of the ledger entries dated before the period. Keyed by reference.
func demoNotices(t testing.TB) map[string]notice.Notice {
	t.Helper()
	leases := map[string]*tenancy.Lease{}
	var order []string
	balance := map[string]int64{}
	read(t, "baux_complet_20261101.csv", erp.Leases, func(r erp.Record) {
		l := r.(erp.Lease)
		leases[l.Reference] = &tenancy.Lease{Reference: l.Reference, ResidenceID: l.ResidenceID,
			Address:   tenancy.Address{Street: l.Street, Complement: l.Complement, PostalCode: l.PostalCode, City: l.City},
			RentCents: l.RentCents, ChargesCents: l.ChargesCents, HousingBenefitCents: l.HousingBenefitCents,
			PaymentMethod: l.PaymentMethod, DueDay: l.DueDay}
		order = append(order, l.Reference)
	})
	read(t, "signataires_complet_20261101.csv", erp.Signatories, func(r erp.Record) {
		s := r.(erp.Signatory)
		l := leases[s.Reference]
		l.Signatories = append(l.Signatories, tenancy.Signatory{ID: s.ID, Main: s.Main, LastName: s.LastName,
			FirstName: s.FirstName, DateOfBirth: s.DateOfBirth})
	})
	read(t, "ecritures_complet_20261125.csv", erp.Entries, func(r erp.Record) {
		e := r.(erp.Entry)
		if e.Date.Before(demoPeriod.First()) {
			balance[e.Reference] += e.DebitCents - e.CreditCents
		}
	})
	ns := map[string]notice.Notice{}
	for _, ref := range order {
		ns[ref] = notice.Build(*leases[ref], demoPeriod, nil, balance[ref], demoLandlord, demoIssued)
	}
	if len(ns) != 3 {
		t.Fatalf("%d demo leases, want 3", len(ns))
	}
	return ns
}

func read(t testing.TB, name string, kind erp.Kind, each func(erp.Record)) {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "infra", "demo", "erp", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := erp.NewReader(f, kind)
	if err != nil {
		t.Fatal(err)
	}
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		each(rec)
	}
}
