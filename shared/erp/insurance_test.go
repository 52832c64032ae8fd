package erp

import (
	"reflect"
	"strings"
	"testing"

	"github.com/citejardins/extranet/shared/insurance"
)

const insuranceHeader = "reference;id_attestation;statut;date;motif"

// TestReaderInsuranceDecisions: the assurances lines, their statut in any
// case with or without accent, and the motif a refusal needs.
func TestReaderInsuranceDecisions(t *testing.T) {
	long := strings.Repeat("x", MaxText+1)
	tests := []struct {
		line   string
		want   Record
		reason string
	}{
		{"0001234567;c-1;acceptee;30/11/2026;",
			InsuranceDecision{Reference: "1234567", CertificateID: "c-1", Status: insurance.Accepted, Date: day(2026, 11, 30)}, ""},
		{"1234567;c-1;ACCEPTÉE;30/11/2026;Conforme",
			InsuranceDecision{Reference: "1234567", CertificateID: "c-1", Status: insurance.Accepted, Date: day(2026, 11, 30)}, ""},
		{"L/0001234567-1+2;c-2;Refusée;01/12/2026; Attestation illisible ",
			InsuranceDecision{Reference: "1234567", CertificateID: "c-2", Status: insurance.Refused, Date: day(2026, 12, 1),
				Reason: "Attestation illisible"}, ""},
		{"1234567;c-2;refusee;01/12/2026;Nom du locataire absent",
			InsuranceDecision{Reference: "1234567", CertificateID: "c-2", Status: insurance.Refused, Date: day(2026, 12, 1),
				Reason: "Nom du locataire absent"}, ""},
		{"1234567;c-2;refusee;01/12/2026;", nil, "motif: valeur manquante\u00a0: un refus dit au locataire pourquoi"},
		{"1234567;c-2;refusee;01/12/2026;" + long, nil, "motif: trop long (201 caractères, 200 au plus)"},
		{"1234567;c-2;en_attente;01/12/2026;", nil, `statut: "en_attente" inconnu : attendu acceptee, acceptée, refusee ou refusée`},
		{"1234567;c 2;acceptee;2026-12-01;", nil, `id_attestation: "c 2" : identifiant invalide (lettres sans accent, chiffres et - _ . / : seulement) ; date: "2026-12-01" n’est pas une date`},
		{" ;;x;;", nil,
			`reference: valeur manquante ; id_attestation: valeur manquante ; statut: "x" inconnu : attendu acceptee, acceptée, refusee ou refusée ; date: valeur manquante`},
	}
	for _, tt := range tests {
		got := readAll(t, Insurance, insuranceHeader+"\n"+tt.line+"\n")
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
}

// TestReaderLeaseInsuranceRequired: assurance_obligatoire is optional, N
// when empty or absent.
func TestReaderLeaseInsuranceRequired(t *testing.T) {
	row := "1234567;RES-01;01/09/2020;;1 rue X;;93100;Montreuil;;;500;0;;;"
	for _, tt := range []struct {
		header, line string
		want         bool
		reason       string
	}{
		{leasesHeader, row, false, ""},
		{leasesHeader + ";assurance_obligatoire", row + ";O", true, ""},
		{leasesHeader + ";ASSURANCE_OBLIGATOIRE", row + ";non", false, ""},
		{leasesHeader + ";assurance_obligatoire", row + ";", false, ""},
		{leasesHeader + ";assurance_obligatoire", row + ";peut-être", false, `assurance_obligatoire: "peut-être" n’est ni O ni N`},
	} {
		got := readAll(t, Leases, tt.header+"\n"+tt.line+"\n")
		if len(got) != 1 {
			t.Fatalf("%q: %v", tt.line, got)
		}
		if tt.reason != "" {
			if got[0].rec != nil || !strings.Contains(got[0].reason, tt.reason) {
				t.Errorf("%q: %v; want the reason %q", tt.line, got[0], tt.reason)
			}
			continue
		}
		l, ok := got[0].rec.(Lease)
		if !ok || l.InsuranceRequired != tt.want {
			t.Errorf("%q: %v; want InsuranceRequired %v", tt.line, got[0], tt.want)
		}
	}
}
