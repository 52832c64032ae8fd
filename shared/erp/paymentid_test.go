package erp

import (
	"reflect"
	"strings"
	"testing"

	"github.com/citejardins/extranet/shared/tenancy"
)

const entriesPaidHeader = entriesHeader + ";id_paiement"

// TestReaderPaymentID reads ecritures' optional id_paiement column: the
// portal's payment id on the ERP's line of an online payment, empty on the
// others; a value that is not one is a line error naming the column.
func TestReaderPaymentID(t *testing.T) {
	const id = "0123456789abcdef0123456789abcdef"
	tests := []struct {
		line   string
		want   Record
		reason string
	}{
		{"0001234567;W1;30/11/2026;Paiement en ligne;paiement;0;350,00;" + id,
			Entry{Reference: "1234567", ID: "W1", Date: day(2026, 11, 30), Label: "Paiement en ligne", Kind: tenancy.PaymentReceived,
				CreditCents: 35000, PaymentID: id}, ""},
		{"1234567;W2;30/11/2026;Paiement en ligne;paiement;0;350,00; " + strings.ToUpper(id) + " ",
			Entry{Reference: "1234567", ID: "W2", Date: day(2026, 11, 30), Label: "Paiement en ligne", Kind: tenancy.PaymentReceived,
				CreditCents: 35000, PaymentID: id}, ""},
		{"1234567;W3;01/12/2026;Remboursement paiement en ligne;autre;350,00;0;" + id,
			Entry{Reference: "1234567", ID: "W3", Date: day(2026, 12, 1), Label: "Remboursement paiement en ligne", Kind: tenancy.OtherEntry,
				DebitCents: 35000, PaymentID: id}, ""},
		{"1234567;A1;01/12/2026;Avis;avis;500,00;0;",
			Entry{Reference: "1234567", ID: "A1", Date: day(2026, 12, 1), Label: "Avis", Kind: tenancy.Notice, DebitCents: 50000}, ""},
		{"1234567;W4;30/11/2026;Paiement;paiement;0;350;" + id[:31], nil,
			`id_paiement: "` + id[:31] + `" n’est pas un identifiant de paiement du portail (32 caractères 0-9 et a-f, le paymentId de l’événement payment_received)`},
		{"1234567;W4;30/11/2026;Paiement;paiement;0;350;" + id + "0", nil, "id_paiement: "},
		{"1234567;W4;30/11/2026;Paiement;paiement;0;350;" + strings.Replace(id, "a", "g", 1), nil, "n’est pas un identifiant de paiement du portail"},
		{"1234567;W4;30/11/2026;Paiement;paiement;0;350;pi_3QxYz", nil, "id_paiement: \"pi_3QxYz\""},
		{"1234567;W4;xx;Paiement;paiement;0;350;nope", nil, "date: \"xx\" n’est pas une date (JJ/MM/AAAA)\u00a0; id_paiement: \"nope\""},
		{"1234567;portal-" + id + ";30/11/2026;Paiement;paiement;0;350;" + id, nil,
			"id_ecriture: \"portal-" + id + "\" commence par portal-, réservé aux écritures provisoires du portail\u00a0: donner un autre identifiant"},
		{"1234567;PORTAL-1;30/11/2026;Paiement;paiement;0;350;", nil, "réservé aux écritures provisoires du portail"},
	}
	for _, tt := range tests {
		got := readAll(t, Entries, entriesPaidHeader+"\n"+tt.line+"\n")
		if len(got) != 1 || got[0].line != 2 {
			t.Errorf("%q: got %v; want one result on line 2", tt.line, got)
			continue
		}
		if tt.want != nil {
			if !reflect.DeepEqual(got[0].rec, tt.want) {
				t.Errorf("%q:\n got %v\nwant %+v", tt.line, got[0], tt.want)
			}
			continue
		}
		if got[0].rec != nil || !strings.Contains(got[0].reason, tt.reason) {
			t.Errorf("%q:\n got %v\nwant the reason %q", tt.line, got[0], tt.reason)
		}
	}

	// A file without the column reads as before: no payment id.
	got := readAll(t, Entries, entriesHeader+"\n1234567;V1;08/11/2026;Virement;paiement;0;500,00\n")
	if len(got) != 1 || got[0].rec == nil || got[0].rec.(Entry).PaymentID != "" {
		t.Errorf("without id_paiement: %v", got)
	}
}
