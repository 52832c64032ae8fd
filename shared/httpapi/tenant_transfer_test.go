package httpapi_test

import (
	"testing"

	"github.com/citejardins/extranet/shared/portal"
)

type transferJSON struct {
	IBAN    string `json:"iban"`
	BIC     string `json:"bic"`
	Holder  string `json:"holder"`
	Wording string `json:"wording"`
}

// TestAccountTransfer checks Mon compte's transfer details on the demo: the
// local stack's landlord account (the notices' settings), the IBAN in
// groups of four, and the wording with the printed reference and the
// surname in the SEPA character set, for every payment method.
func TestAccountTransfer(t *testing.T) {
	t.Parallel()
	a := start(t, map[string]string{portal.EnvLandlordIBAN: " fr7630004000050000123456789 "})
	for _, c := range []struct {
		l       lease
		wording string
	}{
		{lefevre, "L/0001234567 LEFEVRE"}, // transfer; È folded
		{ndiaye, "L/0007654321 N'DIAYE"},  // cheque; the apostrophe is SEPA
		{dupont, "L/0008889999 DUPONT"},   // direct debit: arrears by transfer
	} {
		sum := as[summaryJSON](t, a.get(t, "/api/v1/account", a.tenantSession(t, c.l)))
		want := transferJSON{IBAN: "FR76 3000 4000 0500 0012 3456 789", BIC: "BNPAFRPPXXX",
			Holder: "La Cité Jardins", Wording: c.wording}
		if sum.Transfer == nil || *sum.Transfer != want {
			t.Errorf("%s: transfer = %+v, want %+v", c.l.lastName, sum.Transfer, want)
		}
	}
}

// TestAccountTransferUnset: without the landlord's IBAN the summary has no
// transfer details (null), and the rest of it is unchanged.
func TestAccountTransferUnset(t *testing.T) {
	t.Parallel()
	a := start(t, map[string]string{portal.EnvLandlordIBAN: "", portal.EnvLandlordBIC: ""})
	body := a.get(t, "/api/v1/account", a.tenantSession(t, lefevre))
	if v, ok := body["transfer"]; !ok || v != nil {
		t.Fatalf("transfer = %v (present %v), want null", v, ok)
	}
	if sum := as[summaryJSON](t, body); sum.BalanceCents != 35000 {
		t.Errorf("balance = %d, want 35000", sum.BalanceCents)
	}
}
