package httpapi_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/citejardins/extranet/shared/dynamo"
	"github.com/citejardins/extranet/shared/tenancy"
)

type contractJSON struct {
	Reference string  `json:"reference"`
	StartDate string  `json:"startDate"`
	EndDate   *string `json:"endDate"`
	Dwelling  struct {
		Address       map[string]any `json:"address"`
		Type          string         `json:"type"`
		Floor         string         `json:"floor"`
		ResidenceID   string         `json:"residenceId"`
		ResidenceName string         `json:"residenceName"`
	} `json:"dwelling"`
	Monthly struct {
		RentCents           int64 `json:"rentCents"`
		ChargesCents        int64 `json:"chargesCents"`
		HousingBenefitCents int64 `json:"housingBenefitCents"`
		TotalDueCents       int64 `json:"totalDueCents"`
	} `json:"monthly"`
	DueDay        int    `json:"dueDay"`
	PaymentMethod string `json:"paymentMethod"`
	Signatories   []struct {
		FirstName string `json:"firstName"`
		LastName  string `json:"lastName"`
		Main      bool   `json:"main"`
	} `json:"signatories"`
}

type contactJSON struct {
	Role  string `json:"role"`
	Name  string `json:"name"`
	Phone string `json:"phone"`
	Email string `json:"email"`
	Hours string `json:"hours"`
}

func contactsJSON(cs ...tenancy.Contact) []contactJSON {
	out := make([]contactJSON, len(cs))
	for i, c := range cs {
		out[i] = contactJSON{string(c.Role), c.Name, c.Phone, c.Email, c.Hours}
	}
	return out
}

// TestTenantContract checks the contract and the contacts of a tenant's
// lease.
func TestTenantContract(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	ctx := context.Background()
	s := seedTenancy(t, a, dupont, residenceR1(), termsDupont)
	// A second signatory, who does not open the account.
	if _, err := a.stack.Store().UpsertSignatories(ctx, []dynamo.SignatoryOf{{Reference: dupont.ref, Signatory: tenancy.Signatory{
		ID: "02", LastName: "DUPONT", FirstName: "Jean", DateOfBirth: mustDate(t, "1976-06-30")}}}); err != nil {
		t.Fatal(err)
	}
	me := a.loginTenant(t, dupont, "marie.dupont@exemple.fr")

	t.Run("contract", func(t *testing.T) {
		for name, h := range map[string]map[string]string{"bearer": me.bearer, "cookie": withCookie(me.cookie)} {
			c := as[contractJSON](t, a.get(t, "/api/v1/contract", h))
			if c.Reference != dupont.ref || c.StartDate != "2019-09-01" || c.EndDate != nil {
				t.Errorf("%s: reference %s, start %s, end %v; want %s from 2019-09-01, running", name, c.Reference, c.StartDate, c.EndDate, dupont.ref)
			}
			la := s.lease.Address
			wantAddress := map[string]any{"street": la.Street, "postalCode": la.PostalCode, "city": la.City}
			if la.Complement != "" {
				wantAddress["complement"] = la.Complement
			}
			d := c.Dwelling
			if !reflect.DeepEqual(d.Address, wantAddress) || d.Type != "T3" || d.Floor != "3" || d.ResidenceID != "R1" ||
				d.ResidenceName != "Les Jardins de la Plaine" {
				t.Errorf("%s: dwelling = %+v", name, d)
			}
			m := c.Monthly
			if l := s.lease; m.RentCents != l.RentCents || m.ChargesCents != l.ChargesCents || m.HousingBenefitCents != 12000 ||
				m.TotalDueCents != l.RentCents+l.ChargesCents-12000 || m.RentCents == 0 {
				t.Errorf("%s: monthly = %+v, want %d + %d - 12000", name, m, l.RentCents, l.ChargesCents)
			}
			if c.DueDay != 5 || c.PaymentMethod != "direct_debit" {
				t.Errorf("%s: due day %d, payment %q; want 5, direct_debit", name, c.DueDay, c.PaymentMethod)
			}
			names := map[string]bool{}
			for _, sg := range c.Signatories {
				names[sg.FirstName+" "+sg.LastName] = sg.Main
			}
			if want := map[string]bool{"Marie DUPONT": true, "Jean DUPONT": false}; !reflect.DeepEqual(names, want) || len(c.Signatories) != 2 {
				t.Errorf("%s: signatories %+v, want Marie (main) and Jean", name, c.Signatories)
			}
		}
		// The summary's next due is the contract's monthly total.
		sum := as[summaryJSON](t, a.get(t, "/api/v1/account", me.bearer))
		if sum.NextDue.AmountCents != s.lease.MonthlyDueCents() {
			t.Errorf("nextDue %d, want the contract's total %d", sum.NextDue.AmountCents, s.lease.MonthlyDueCents())
		}
	})

	t.Run("ended lease", func(t *testing.T) {
		l := s.lease
		l.End = mustDate(t, "2027-08-31")
		if _, err := a.stack.Store().UpsertLeases(ctx, []tenancy.Lease{l}); err != nil {
			t.Fatal(err)
		}
		c := as[contractJSON](t, a.get(t, "/api/v1/contract", me.bearer))
		if c.EndDate == nil || *c.EndDate != "2027-08-31" {
			t.Errorf("endDate = %v, want 2027-08-31", c.EndDate)
		}
		if _, err := a.stack.Store().UpsertLeases(ctx, []tenancy.Lease{s.lease}); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("contacts, emergency first", func(t *testing.T) {
		r := residenceR1().contacts // landlord, territory manager, emergency
		want := contactsJSON(r[2], r[1], r[0])
		for name, h := range map[string]map[string]string{"bearer": me.bearer, "cookie": withCookie(me.cookie)} {
			got := as[struct {
				Contacts []contactJSON `json:"contacts"`
			}](t, a.get(t, "/api/v1/contacts", h))
			if !reflect.DeepEqual(got.Contacts, want) {
				t.Errorf("%s: contacts\n %+v\nwant\n %+v", name, got.Contacts, want)
			}
		}
	})

	t.Run("residence unknown to the ERP", func(t *testing.T) {
		// A lease whose residence is not (yet) imported: no name, no contacts.
		seedTenancy(t, a, ndiaye, residenceSeed{residence: tenancy.Residence{ID: "R2", Name: "Résidence des Cèdres"}},
			terms{start: "2024-02-01", method: tenancy.Cheque, dueDay: 1})
		l, err := a.stack.Store().Lease(ctx, ndiaye.ref)
		if err != nil {
			t.Fatal(err)
		}
		l.ResidenceID = "R404"
		if _, err := a.stack.Store().UpsertLeases(ctx, []tenancy.Lease{l}); err != nil {
			t.Fatal(err)
		}
		other := a.loginTenant(t, ndiaye, "abdou.ndiaye@exemple.fr")
		c := as[contractJSON](t, a.get(t, "/api/v1/contract", other.bearer))
		if c.Reference != ndiaye.ref || c.Dwelling.ResidenceID != "R404" || c.Dwelling.ResidenceName != "" || c.Dwelling.Type != "" {
			t.Errorf("contract = %+v, want lease %s in R404 with no residence name", c, ndiaye.ref)
		}
		if _, ok := c.Dwelling.Address["complement"]; !ok {
			t.Errorf("address %v lost the demo's complement", c.Dwelling.Address)
		}
		body := a.get(t, "/api/v1/contacts", other.bearer)
		if cs, ok := body["contacts"].([]any); !ok || len(cs) != 0 {
			t.Errorf("contacts = %v, want an empty list", body)
		}
	})
}
