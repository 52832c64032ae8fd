package erp

import (
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/citejardins/extranet/shared/notice"
	"github.com/citejardins/extranet/shared/tenancy"
)

const (
	residencesHeader  = "id_residence;nom;adresse;code_postal;ville"
	contactsHeader    = "id_residence;role;nom;telephone;email;horaires"
	leasesHeader      = "reference;id_residence;date_debut;date_fin;adresse;complement;code_postal;ville;type_logement;etage;loyer;charges;apl;mode_paiement;jour_echeance"
	signatoriesHeader = "reference;id_signataire;principal;nom;prenom;date_naissance;email"
	entriesHeader     = "reference;id_ecriture;date;libelle;type;debit;credit"
	requestsHeader    = "id_demande;reference;statut;date"
	noticeLinesHeader = "reference;periode;libelle;type;montant"
)

// result is what Next gave for one line: a record or a line error's reason.
type result struct {
	line   int
	rec    Record
	reason string
}

func (r result) String() string {
	if r.rec != nil {
		return fmt.Sprintf("%d: %+v", r.line, r.rec)
	}
	return fmt.Sprintf("%d: %s", r.line, r.reason)
}

// readAll reads a whole file that must have a good header.
func readAll(t *testing.T, kind Kind, file string) []result {
	t.Helper()
	r, err := NewReader(strings.NewReader(file), kind)
	if err != nil {
		t.Fatalf("NewReader: %v", err)
	}
	return drain(t, r)
}

func drain(t *testing.T, r *Reader) []result {
	t.Helper()
	var out []result
	for {
		rec, err := r.Next()
		var le *LineError
		switch {
		case err == io.EOF:
			return out
		case errors.As(err, &le):
			if le.Line != r.Line() {
				t.Errorf("LineError at line %d, Line() = %d", le.Line, r.Line())
			}
			out = append(out, result{line: le.Line, reason: le.Reason})
		case err != nil:
			t.Fatalf("Next: %v", err)
		default:
			out = append(out, result{line: r.Line(), rec: rec})
		}
	}
}

func TestReaderKinds(t *testing.T) {
	long := strings.Repeat("é", MaxText+1)
	tests := []struct {
		kind   Kind
		line   string
		want   Record // nil for a bad line
		reason string // substring of a bad line's reason
	}{
		{Residences, "RES-01;Les Jardins;12 rue des Lilas;93100;Montreuil",
			Residence{ID: "RES-01", Name: "Les Jardins", Street: "12 rue des Lilas", PostalCode: "93100", City: "Montreuil"}, ""},
		{Residences, " RES-02 ; Les Tilleuls ;;;", Residence{ID: "RES-02", Name: "Les Tilleuls"}, ""},
		{Residences, ";Les Jardins;;;", nil, "id_residence: valeur manquante"},
		{Residences, "RES-01;  ;;;", nil, "nom: valeur manquante"},
		{Residences, "RES#1;Les Jardins;;;", nil, `id_residence: "RES#1" : identifiant invalide`},
		{Residences, "RES-01;Les Jardins;;9310;", nil, `code_postal: "9310" n’est pas un code postal (5 chiffres)`},
		{Residences, "RES-01;" + long + ";;;", nil, "nom: trop long (201 caractères, 200 au plus)"},
		{Residences, "RES-01;Les\tJardins;;;", nil, "nom: caractère de contrôle interdit"},

		{Contacts, "RES-01;gestionnaire;Mme Martin;01 23 45 67 89;m.martin@citejardins.fr;lun.-ven. 9h-12h",
			Contact{ResidenceID: "RES-01", Role: tenancy.TerritoryManager, Name: "Mme Martin", Phone: "01 23 45 67 89",
				Email: "m.martin@citejardins.fr", Hours: "lun.-ven. 9h-12h"}, ""},
		{Contacts, "RES-01;URGENCE;Astreinte;+33 1 23 45 67 89;;24h/24",
			Contact{ResidenceID: "RES-01", Role: tenancy.Emergency, Name: "Astreinte", Phone: "+33 1 23 45 67 89", Hours: "24h/24"}, ""},
		{Contacts, "RES-01;Bailleur;Agence Est;;;", Contact{ResidenceID: "RES-01", Role: tenancy.Landlord, Name: "Agence Est"}, ""},
		{Contacts, "RES-01;concierge;M. Roux;;;", nil, `role: "concierge" inconnu : attendu gestionnaire, bailleur ou urgence`},
		{Contacts, "RES-01;;M. Roux;;;", nil, "role: valeur manquante"},
		{Contacts, "RES-01;urgence;Astreinte;appelez-nous;;", nil, `telephone: "appelez-nous" n’est pas un numéro de téléphone`},
		{Contacts, "RES-01;urgence;Astreinte;;martin@;", nil, `email: "martin@" n’est pas une adresse email`},

		{Leases, "L/0008889999-99966899+3;RES-01;01/09/2020;;12 rue des Lilas;Bât. B;93100;Montreuil;T3;2;1 234,56;120,00;250,5;prelevement;5",
			Lease{Reference: "8889999", ResidenceID: "RES-01", Start: day(2020, 9, 1), Street: "12 rue des Lilas", Complement: "Bât. B",
				PostalCode: "93100", City: "Montreuil", DwellingType: "T3", Floor: "2", RentCents: 123456, ChargesCents: 12000,
				HousingBenefitCents: 25050, PaymentMethod: tenancy.DirectDebit, DueDay: 5}, ""},
		{Leases, "0001234567;RES-01;01/09/2020;31/08/2026;1 rue X;;93100;Montreuil;;;500;0;;;",
			Lease{Reference: "1234567", ResidenceID: "RES-01", Start: day(2020, 9, 1), End: day(2026, 8, 31), Street: "1 rue X",
				PostalCode: "93100", City: "Montreuil", RentCents: 50000, DueDay: 1}, ""},
		{Leases, "42;RES-01;01/09/2020;01/09/2020;1 rue X;;93100;Montreuil;studio;RDC;500;0;0;TIP;28",
			Lease{Reference: "42", ResidenceID: "RES-01", Start: day(2020, 9, 1), End: day(2020, 9, 1), Street: "1 rue X",
				PostalCode: "93100", City: "Montreuil", DwellingType: "studio", Floor: "RDC", RentCents: 50000,
				PaymentMethod: tenancy.TIP, DueDay: 28}, ""},
		{Leases, "ABC;RES-01;01/09/2020;;1 rue X;;93100;Montreuil;;;500;50;;;", nil,
			`reference: "ABC" n’est pas une référence de bail (ex. 0008889999 ou L/0008889999-99966899+3)`},
		{Leases, "42;RES-01;01/09/2020;31/08/2020;1 rue X;;93100;Montreuil;;;500;50;;;", nil, "date_fin: antérieure à date_debut"},
		{Leases, "42;RES-01;01/09/2020;;1 rue X;;93100;Montreuil;;;500;50;;;31", nil, `jour_echeance: "31" n’est pas un jour d’échéance (1 à 28)`},
		{Leases, "42;RES-01;01/09/2020;;1 rue X;;93100;Montreuil;;;500;50;;;0", nil, "jour_echeance"},
		{Leases, "42;RES-01;01/09/2020;;1 rue X;;93100;Montreuil;;;500;50;;bitcoin;", nil,
			`mode_paiement: "bitcoin" inconnu : attendu prelevement, virement, cheque, carte, especes ou tip`},
		{Leases, "42;RES-01;01/09/2020;;1 rue X;;93100;Montreuil;;;;50;;;", nil, "loyer: valeur manquante"},
		{Leases, "42;RES-01;01/09/2020;;1 rue X;;93100;Montreuil;;;-5,00;50;;;", nil, `loyer: "-5,00" est négatif`},
		{Leases, "42;RES-01;01/09/2020;;1 rue X;;93100;Montreuil;;;500;50;-1;;", nil, `apl: "-1" est négatif`},
		{Leases, "42;;31/09/2020;;;;;;;;500,999;50;;;", nil,
			`id_residence: valeur manquante ; date_debut: "31/09/2020" n’est pas une date (JJ/MM/AAAA) ; adresse: valeur manquante ; ` +
				`code_postal: valeur manquante ; ville: valeur manquante ; loyer: "500,999" n’est pas un montant (ex. 1234,56)`},

		{Signatories, "8889999;S1;O;N'DIAYE;Awa;12/04/1978;awa.ndiaye@example.fr",
			Signatory{Reference: "8889999", ID: "S1", Main: true, LastName: "N'DIAYE", FirstName: "Awa", DateOfBirth: day(1978, 4, 12),
				Email: "awa.ndiaye@example.fr"}, ""},
		{Signatories, "0008889999;S2;non;Lefèvre;Jean;29/02/1980;",
			Signatory{Reference: "8889999", ID: "S2", LastName: "Lefèvre", FirstName: "Jean", DateOfBirth: day(1980, 2, 29)}, ""},
		{Signatories, "8889999;S1;peut-être;N'DIAYE;Awa;12/04/1978;", nil, `principal: "peut-être" n’est ni O ni N`},
		{Signatories, "8889999;S1;;N'DIAYE;Awa;12/04/1978;", nil, "principal: valeur manquante"},
		{Signatories, "8889999;S1;O;N'DIAYE;Awa;29/02/1981;", nil, `date_naissance: "29/02/1981" n’est pas une date (JJ/MM/AAAA)`},
		{Signatories, "8889999;S1;O;N'DIAYE;;12/04/1978;", nil, "prenom: valeur manquante"},

		{Entries, "0008889999;E1;05/11/2026;Loyer novembre;avis;456,78;0,00",
			Entry{Reference: "8889999", ID: "E1", Date: day(2026, 11, 5), Label: "Loyer novembre", Kind: tenancy.Notice, DebitCents: 45678}, ""},
		{Entries, "8889999;E2;10/11/2026;Virement;PAIEMENT;;456,78",
			Entry{Reference: "8889999", ID: "E2", Date: day(2026, 11, 10), Label: "Virement", Kind: tenancy.PaymentReceived, CreditCents: 45678}, ""},
		{Entries, "8889999;E3;10/11/2026;APL novembre;apl;0;250,00",
			Entry{Reference: "8889999", ID: "E3", Date: day(2026, 11, 10), Label: "APL novembre", Kind: tenancy.HousingBenefit, CreditCents: 25000}, ""},
		{Entries, "8889999;E4;30/06/2026;Régularisation 2025;regularisation;84,20;",
			Entry{Reference: "8889999", ID: "E4", Date: day(2026, 6, 30), Label: "Régularisation 2025", Kind: tenancy.ChargesSettlement, DebitCents: 8420}, ""},
		{Entries, "8889999;E0;01/01/2026;Solde antérieur;autre;1 200,00;0",
			Entry{Reference: "8889999", ID: "E0", Date: day(2026, 1, 1), Label: "Solde antérieur", Kind: tenancy.OtherEntry, DebitCents: 120000}, ""},
		{Entries, "8889999;E5;05/11/2026;Loyer;avis;12,345;0", nil, `debit: "12,345" n’est pas un montant (ex. 1234,56)`},
		{Entries, "8889999;E5;05/11/2026;Loyer;avis;0;0", nil, "debit et credit nuls\u00a0: une écriture a un montant"},
		{Entries, "8889999;E5;05/11/2026;Loyer;avis;;", nil, "debit et credit nuls"},
		{Entries, "8889999;E5;05/11/2026;Loyer;avis;10;10", nil, "debit et credit tous deux non nuls\u00a0: l’un des deux doit être 0"},
		{Entries, "8889999;E5;05/11/2026;Remboursement;autre;0;-10,00", nil, `credit: "-10,00" est négatif`},
		{Entries, "8889999;E5;05/11/2026;Loyer;loyer;10;0", nil,
			`type: "loyer" inconnu : attendu avis, paiement, apl, regularisation ou autre`},
		{Entries, "8889999;E5;2026-11-05;Loyer;avis;10;0", nil, `date: "2026-11-05" n’est pas une date (JJ/MM/AAAA)`},
		{Entries, "8889999;;05/11/2026;;avis;10;0", nil, "id_ecriture: valeur manquante\u00a0; libelle: valeur manquante"},

		{Requests, "D-1;8889999;en_cours;01/12/2026",
			RequestStatus{ID: "D-1", Reference: "8889999", Status: RequestInProgress, Date: day(2026, 12, 1)}, ""},
		{Requests, "D-2;L/0008889999-99966899+3;TRAITEE;02/12/2026",
			RequestStatus{ID: "D-2", Reference: "8889999", Status: RequestDone, Date: day(2026, 12, 2)}, ""},
		{Requests, "D-3;8889999;refusee;02/12/2026", nil, `statut: "refusee" inconnu : attendu en_cours ou traitee`},
		{Requests, "D-3;8889999;traitee;", nil, "date: valeur manquante"},

		{NoticeLines, "0001234567;2026-12;Loyer principal;loyer;430,00",
			NoticeLine{Reference: "1234567", Period: notice.Period{Year: 2026, Month: 12}, Label: "Loyer principal", Kind: notice.Rent, AmountCents: 43000}, ""},
		{NoticeLines, "L/0007654321-12345678+1;2026-12;APL décembre;APL;-180,00",
			NoticeLine{Reference: "7654321", Period: notice.Period{Year: 2026, Month: 12}, Label: "APL décembre", Kind: notice.HousingBenefit, AmountCents: -18000}, ""},
		{NoticeLines, "7654321;2026-12;Réduction de loyer de solidarité;rls;-52,00",
			NoticeLine{Reference: "7654321", Period: notice.Period{Year: 2026, Month: 12}, Label: "Réduction de loyer de solidarité", Kind: notice.RLS, AmountCents: -5200}, ""},
		{NoticeLines, "7654321;2027-01;Supplément de loyer de solidarité;sls;1 012,5",
			NoticeLine{Reference: "7654321", Period: notice.Period{Year: 2027, Month: 1}, Label: "Supplément de loyer de solidarité", Kind: notice.SLS, AmountCents: 101250}, ""},
		{NoticeLines, "1234567;2026-12;Régularisation des charges 2025;regularisation;-35,10",
			NoticeLine{Reference: "1234567", Period: notice.Period{Year: 2026, Month: 12}, Label: "Régularisation des charges 2025", Kind: notice.Settlement, AmountCents: -3510}, ""},
		{NoticeLines, "1234567;2026-12;Régularisation des charges 2025;Regularisation;84,20",
			NoticeLine{Reference: "1234567", Period: notice.Period{Year: 2026, Month: 12}, Label: "Régularisation des charges 2025", Kind: notice.Settlement, AmountCents: 8420}, ""},
		{NoticeLines, "1234567;2026-12;Provisions pour charges;charges;0",
			NoticeLine{Reference: "1234567", Period: notice.Period{Year: 2026, Month: 12}, Label: "Provisions pour charges", Kind: notice.Charges}, ""},
		{NoticeLines, "1234567;2026-12;Geste commercial;autre;-10,00",
			NoticeLine{Reference: "1234567", Period: notice.Period{Year: 2026, Month: 12}, Label: "Geste commercial", Kind: notice.Other, AmountCents: -1000}, ""},
		{NoticeLines, "7654321;2026-12;APL décembre;apl;180,00", nil,
			`montant: "180,00" est positif : une ligne apl est un crédit, à écrire en négatif (ex. -180,00)`},
		{NoticeLines, "7654321;2026-12;RLS;rls;52", nil, `montant: "52" est positif : une ligne rls est un crédit`},
		{NoticeLines, "7654321;2026-12;Loyer;loyer;-430,00", nil,
			`montant: "-430,00" est négatif : une ligne loyer est un débit, à écrire en positif ; un avoir s’écrit en ligne regularisation ou autre`},
		{NoticeLines, "7654321;2026-12;Charges;charges;-1", nil, `une ligne charges est un débit`},
		{NoticeLines, "7654321;2026-12;SLS;sls;-1", nil, `une ligne sls est un débit`},
		{NoticeLines, "7654321;12/2026;Loyer;loyer;430", nil, `periode: "12/2026" n’est pas une période (AAAA-MM, ex. 2026-12)`},
		{NoticeLines, "7654321;2026-13;Loyer;loyer;430", nil, `periode: "2026-13" n’est pas une période`},
		{NoticeLines, "7654321;1999-12;Loyer;loyer;430", nil, `periode: "1999-12" n’est pas une période`},
		{NoticeLines, "7654321;2026-12;Loyer;quittance;430", nil,
			`type: "quittance" inconnu : attendu loyer, charges, apl, rls, sls, regularisation ou autre`},
		{NoticeLines, "7654321;2026-12;Loyer;loyer;", nil, "montant: valeur manquante"},
		{NoticeLines, "7654321;2026-12;Loyer;loyer;430.00", nil, `montant: "430.00" n’est pas un montant (ex. 1234,56)`},
		{NoticeLines, "7654321;2026-12;" + strings.Repeat("é", MaxLabel+1) + ";loyer;430", nil, "libelle: trop long (101 caractères, 100 au plus)"},
		{NoticeLines, "7654321;2026-12;=1+1;loyer;430", nil, "libelle:"},
		{NoticeLines, ";2026-12;;;", nil, "reference: valeur manquante\u00a0; libelle: valeur manquante\u00a0; type: valeur manquante\u00a0; montant: valeur manquante"},
	}
	headers := map[Kind]string{Residences: residencesHeader, Contacts: contactsHeader, Leases: leasesHeader,
		Signatories: signatoriesHeader, Entries: entriesHeader, Requests: requestsHeader, NoticeLines: noticeLinesHeader}
	for _, tt := range tests {
		got := readAll(t, tt.kind, headers[tt.kind]+"\n"+tt.line+"\n")
		if len(got) != 1 || got[0].line != 2 {
			t.Errorf("%s %q: got %v; want one result on line 2", tt.kind, tt.line, got)
			continue
		}
		if tt.want != nil {
			if !reflect.DeepEqual(got[0].rec, tt.want) {
				t.Errorf("%s %q:\n got %v\nwant %+v", tt.kind, tt.line, got[0], tt.want)
			}
			continue
		}
		if got[0].rec != nil || !strings.Contains(got[0].reason, tt.reason) {
			t.Errorf("%s %q:\n got %v\nwant the reason %q", tt.kind, tt.line, got[0], tt.reason)
		}
	}
}

// TestReaderFile reads one file with every kind of trouble and checks what
// each line gives, line numbers included.
func TestReaderFile(t *testing.T) {
	file := entriesHeader + "\n" +
		"8889999;E1;05/11/2026;Loyer novembre;avis;456,78;0\n" + // 2
		"\n" + // 3: empty, skipped
		"8889999;E2;05/11/2026;\"Loyer; charges \"\"novembre\"\"\";avis;1,00;0\n" + // 4: quoted ; and ""
		"8889999;E3;05/11/2026;Loyer;avis;1,00\n" + // 5: a field short
		"8889999;E4;05/11/2026;Loyer \"novembre\";avis;1,00;0\n" + // 6: bare quote
		";;;;;;\n" + // 7: separators only, skipped
		"8889999;E5;05/11/2026;\"Loyer\"x;avis;1,00;0\n" + // 8: text after a closing quote
		"8889999;E6;05/11/2026;\"Loyer\n" + // 9-10: a quoted line break
		"novembre\";avis;1,00;0\n" +
		"8889999;E7;05/11/2026;Loyer;avis;1,00;0;en trop\n" + // 11: a field more
		"   \n" + // 12: blank, skipped
		"8889999;E8;05/11/2026;Loyer;avis;2,00;0" // 13: no final line break
	got := readAll(t, Entries, file)
	want := []string{
		"2: {Reference:8889999 ID:E1 Date:2026-11-05 Label:Loyer novembre Kind:notice DebitCents:45678 CreditCents:0 PaymentID:}",
		`4: {Reference:8889999 ID:E2 Date:2026-11-05 Label:Loyer; charges "novembre" Kind:notice DebitCents:100 CreditCents:0 PaymentID:}`,
		"5: 6 champs au lieu des 7 de l’en-tête",
		`6: guillemet (") dans un champ qui n’est pas entre guillemets : entourer le champ de guillemets et doubler le sien`,
		`8: guillemet (") mal placé après un champ entre guillemets, ou jamais fermé`,
		"9: libelle: saut de ligne interdit",
		"11: 8 champs au lieu des 7 de l’en-tête",
		"13: {Reference:8889999 ID:E8 Date:2026-11-05 Label:Loyer Kind:notice DebitCents:200 CreditCents:0 PaymentID:}",
	}
	checkResults(t, got, want)
}

func checkResults(t *testing.T, got []result, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("got %d results, want %d", len(got), len(want))
	}
	for i := 0; i < len(got) || i < len(want); i++ {
		g, w := "(none)", "(none)"
		if i < len(got) {
			g = got[i].String()
		}
		if i < len(want) {
			w = want[i]
		}
		if g != w {
			t.Errorf("result %d:\n got %s\nwant %s", i, g, w)
		}
	}
}

func TestReaderQuoteNeverClosed(t *testing.T) {
	file := entriesHeader + "\n" +
		"8889999;E1;05/11/2026;Loyer;avis;1,00;0\n" +
		"8889999;E2;05/11/2026;\"Loyer;avis;1,00;0\n" +
		"8889999;E3;05/11/2026;Loyer;avis;1,00;0\n"
	checkResults(t, readAll(t, Entries, file), []string{
		"2: {Reference:8889999 ID:E1 Date:2026-11-05 Label:Loyer Kind:notice DebitCents:100 CreditCents:0 PaymentID:}",
		`3: guillemet (") mal placé après un champ entre guillemets, ou jamais fermé (jusqu’à la ligne 4)`,
	})
}

func TestReaderEncodings(t *testing.T) {
	tests := []struct {
		name string
		file string
	}{
		{"UTF-8", entriesHeader + "\n8889999;E1;05/11/2026;Loyer d’été €;avis;1,00;0\n"},
		{"UTF-8 with BOM", "\xef\xbb\xbf" + entriesHeader + "\n8889999;E1;05/11/2026;Loyer d’été €;avis;1,00;0\n"},
		{"Windows-1252", entriesHeader + "\n8889999;E1;05/11/2026;Loyer d\x92\xe9t\xe9 \x80;avis;1,00;0\n"},
		{"BOM and CRLF", "\xef\xbb\xbf" + entriesHeader + "\r\n8889999;E1;05/11/2026;Loyer d’été €;avis;1,00;0\r\n"},
		{"CRLF, Windows-1252, no final line break", entriesHeader + "\r\n8889999;E1;05/11/2026;Loyer d\x92\xe9t\xe9 \x80;avis;1,00;0"},
		{"quoted", "\xef\xbb\xbf\"reference\";\"id_ecriture\";\"date\";\"libelle\";\"type\";\"debit\";\"credit\"\r\n" +
			"\"8889999\";\"E1\";\"05/11/2026\";\"Loyer d\x92\xe9t\xe9 \x80\";\"avis\";\"1,00\";\"0\"\r\n"},
	}
	want := Entry{Reference: "8889999", ID: "E1", Date: day(2026, 11, 5), Label: "Loyer d’été €", Kind: tenancy.Notice, DebitCents: 100}
	for _, tt := range tests {
		got := readAll(t, Entries, tt.file)
		if len(got) != 1 || got[0].line != 2 || !reflect.DeepEqual(got[0].rec, want) {
			t.Errorf("%s: got %v; want %+v on line 2", tt.name, got, want)
		}
	}
}

func TestReaderMixedEncodings(t *testing.T) {
	// Each line is decoded on its own: a Windows-1252 line among UTF-8 ones.
	file := "\xef\xbb\xbf" + entriesHeader + "\n" +
		"8889999;E1;05/11/2026;Régularisation;regularisation;1,00;0\n" +
		"8889999;E2;05/11/2026;R\xe9gularisation \x81;regularisation;1,00;0\n" +
		"8889999;E3;05/11/2026;Œuvre – “citée”;regularisation;1,00;0\n"
	var labels []string
	for _, r := range readAll(t, Entries, file) {
		if r.rec == nil {
			t.Fatalf("line %d: %s", r.line, r.reason)
		}
		labels = append(labels, r.rec.(Entry).Label)
	}
	if want := []string{"Régularisation", "Régularisation \ufffd", "Œuvre – “citée”"}; !reflect.DeepEqual(labels, want) {
		t.Errorf("labels = %q; want %q", labels, want)
	}
}

func TestWindows1252Table(t *testing.T) {
	var in []byte
	for c := 0x80; c <= 0xff; c++ {
		in = append(in, byte(c))
	}
	var want strings.Builder
	want.WriteString("€\ufffd‚ƒ„…†‡ˆ‰Š‹Œ\ufffdŽ\ufffd\ufffd‘’“”•–—˜™š›œ\ufffdžŸ")
	for c := 0xa0; c <= 0xff; c++ {
		want.WriteRune(rune(c))
	}
	if got := string(appendWindows1252(nil, in)); got != want.String() {
		t.Errorf("Windows-1252 0x80-0xFF =\n%q\nwant\n%q", got, want.String())
	}
}

func TestReaderHeader(t *testing.T) {
	file := " Credit ;TYPE;commentaire;\"Libelle\";date;id_ecriture;Debit;reference;\n" +
		"0;avis;à vérifier;Loyer;05/11/2026;E1;1,00;8889999;\n"
	r, err := NewReader(strings.NewReader(file), Entries)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := r.Warnings(), []string{"colonne inconnue ignorée\u00a0: commentaire", "colonne sans nom ignorée (colonne 9)"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Warnings() = %q; want %q", got, want)
	}
	if r.Line() != 1 {
		t.Errorf("Line() after the header = %d; want 1", r.Line())
	}
	checkResults(t, drain(t, r), []string{
		"2: {Reference:8889999 ID:E1 Date:2026-11-05 Label:Loyer Kind:notice DebitCents:100 CreditCents:0 PaymentID:}",
	})
}

func TestWarningAndErrorTexts(t *testing.T) {
	r, err := NewReader(strings.NewReader(requestsHeader+";\"a\"\"b\";x\u0085y\n"), Requests)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{`colonne inconnue ignorée : "a\"b"`, `colonne inconnue ignorée : "x\u0085y"`}
	if got := r.Warnings(); !reflect.DeepEqual(got, want) {
		t.Errorf("Warnings() = %q; want %q", got, want)
	}
	if got := (&LineError{Line: 17, Reason: "date: valeur manquante"}).Error(); got != "ligne 17\u00a0: date: valeur manquante" {
		t.Errorf("LineError.Error() = %q", got)
	}
}

func TestReaderTooManyWarnings(t *testing.T) {
	var b strings.Builder
	b.WriteString(requestsHeader)
	for i := range 100 {
		fmt.Fprintf(&b, ";x%d", i)
	}
	r, err := NewReader(strings.NewReader(b.String()), Requests)
	if err != nil {
		t.Fatal(err)
	}
	if w := r.Warnings(); len(w) != maxWarnings+1 || w[maxWarnings] != "autres colonnes inconnues ignorées" {
		t.Errorf("Warnings() = %q; want %d and a summary", w, maxWarnings)
	}
}

func TestReaderRefusesHeader(t *testing.T) {
	tests := []struct {
		name   string
		kind   Kind
		file   string
		reason string
	}{
		{"missing columns", Entries, "reference;id_ecriture;date;libelle;type\n8889999;E1;05/11/2026;Loyer;avis\n",
			"colonnes obligatoires absentes pour un fichier ecritures\u00a0: debit, credit"},
		{"one missing column", Requests, "id_demande;reference;statut\n", "colonne obligatoire absente pour un fichier demandes\u00a0: date"},
		{"column of another kind", Requests, "id_demande;reference;statut;date_debut\n", "colonne obligatoire absente pour un fichier demandes\u00a0: date"},
		{"column twice", Requests, "id_demande;reference;statut;date;Reference\n", "colonne en double dans l’en-tête\u00a0: reference"},
		{"empty file", Requests, "", "fichier vide\u00a0: pas de ligne d’en-tête"},
		{"empty lines only", Requests, "\r\n\n", "fichier vide"},
		{"BOM only", Requests, "\xef\xbb\xbf", "fichier vide"},
		{"bad quote", Requests, "id_demande;\"reference;statut;date\n", `en-tête illisible : guillemet (") mal placé`},
		{"UTF-16", Requests, "\xff\xfei\x00d\x00", "fichier en UTF-16"},
		{"not CSV", Leases, "%PDF-1.7\n\x00\x01\x02", "colonnes obligatoires absentes pour un fichier baux\u00a0: reference, id_residence, date_debut, adresse, code_postal, ville, loyer, charges"},
		{"line too long", Requests, strings.Repeat("a", MaxLineBytes+1) + "\n", "en-tête illisible\u00a0: ligne trop longue"},
	}
	for _, tt := range tests {
		r, err := NewReader(strings.NewReader(tt.file), tt.kind)
		if fe, ok := err.(*FileError); !ok || !strings.Contains(fe.Reason, tt.reason) {
			t.Errorf("%s: NewReader = %v, %v; want a *FileError with %q", tt.name, r, err, tt.reason)
		}
	}
	if _, err := NewReader(strings.NewReader(requestsHeader), Kind("loyers")); err == nil {
		t.Error("NewReader of an unknown kind: no error")
	}
}

func TestReaderHeaderOnly(t *testing.T) {
	for _, file := range []string{requestsHeader, requestsHeader + "\n", requestsHeader + "\r\n\r\n;;;\n"} {
		if got := readAll(t, Requests, file); len(got) != 0 {
			t.Errorf("%q: got %v; want no line", file, got)
		}
	}
}

func TestReaderLongLines(t *testing.T) {
	good := "8889999;E1;05/11/2026;Loyer;avis;1,00;0\n"
	file := entriesHeader + "\n" + good + // 2
		"8889999;E2;05/11/2026;" + strings.Repeat("x", MaxLineBytes) + ";avis;1,00;0\n" + // 3
		good + // 4
		"8889999;E3;05/11/2026;\"" + strings.Repeat(strings.Repeat("y", 1000)+"\n", 2*maxRecordBytes/1000) + // 5-528: quote never closed
		good // 529
	got := readAll(t, Entries, file)
	if len(got) < 4 {
		t.Fatalf("got %v", got)
	}
	if got[0].line != 2 || got[0].rec == nil {
		t.Errorf("first result %v; want line 2 read", got[0])
	}
	if got[1].line != 3 || got[1].reason != "ligne trop longue (plus de 65536 octets)" {
		t.Errorf("second result %v; want line 3 too long", got[1])
	}
	if got[2].line != 4 || got[2].rec == nil {
		t.Errorf("third result %v; want line 4 read", got[2])
	}
	if got[3].line < 5 || !strings.HasPrefix(got[3].reason, "enregistrement trop long") {
		t.Errorf("fourth result %v; want the runaway quote cut", got[3])
	}
	// After the cut, the rest of the runaway field reads as lines of one
	// field each, then the good line at the end is read with its number.
	last := got[len(got)-1]
	if last.line != 529 || last.rec == nil {
		t.Errorf("last result %v; want line 529 read", last)
	}
}

func TestReaderLineCapBoundary(t *testing.T) {
	line := func(n int) string { // n bytes, line break included
		return "D-1;8889999;en_cours;01/12/2026;" + strings.Repeat("z", n-len("D-1;8889999;en_cours;01/12/2026;\n")) + "\n"
	}
	file := requestsHeader + ";commentaire\n" + line(MaxLineBytes) + line(MaxLineBytes+1) + line(100)
	got := readAll(t, Requests, file)
	want := []string{
		"2: {ID:D-1 Reference:8889999 Status:in_progress Date:2026-12-01}",
		"3: ligne trop longue (plus de 65536 octets)",
		"4: {ID:D-1 Reference:8889999 Status:in_progress Date:2026-12-01}",
	}
	checkResults(t, got, want)
}

func TestReaderReadError(t *testing.T) {
	boom := errors.New("connection reset")
	file := entriesHeader + "\n8889999;E1;05/11/2026;Loyer;avis;1,00;0\n8889999;E2;05/"
	r, err := NewReader(io.MultiReader(strings.NewReader(file), iotest.ErrReader(boom)), Entries)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Next(); err != nil {
		t.Fatalf("first line: %v", err)
	}
	for range 2 { // and it stays
		var le *LineError
		if _, err := r.Next(); !errors.Is(err, boom) || errors.As(err, &le) {
			t.Fatalf("Next = %v; want the read error, not a line error", err)
		}
	}
	if _, err := NewReader(iotest.ErrReader(boom), Entries); !errors.Is(err, boom) {
		t.Errorf("NewReader on a failing reader = %v; want the read error", err)
	}
}

func TestReaderRecordsOutliveNext(t *testing.T) {
	// ReuseRecord reuses the slice of fields, not their text.
	file := entriesHeader + "\n8889999;E1;05/11/2026;Premier;avis;1,00;0\n8889999;E2;06/11/2026;Second;avis;2,00;0\n"
	r, err := NewReader(strings.NewReader(file), Entries)
	if err != nil {
		t.Fatal(err)
	}
	first, _ := r.Next()
	second, _ := r.Next()
	if first.(Entry).Label != "Premier" || first.(Entry).ID != "E1" || second.(Entry).Label != "Second" {
		t.Errorf("records = %+v, %+v", first, second)
	}
}

// TestReaderNoticeLinePartial: a bad lignes_avis line whose lease and
// period are good still names them, so that the import refuses its group;
// one whose reference or period is bad, or a line of another kind, names
// nothing.
func TestReaderNoticeLinePartial(t *testing.T) {
	dec := notice.Period{Year: 2026, Month: 12}
	tests := []struct {
		kind Kind
		file string
		want Record
	}{
		{NoticeLines, noticeLinesHeader + "\n0001234567;2026-12;Loyer;loyer;-1\n", NoticeLine{Reference: "1234567", Period: dec}},
		{NoticeLines, noticeLinesHeader + "\n1234567;2026-12;;;\n", NoticeLine{Reference: "1234567", Period: dec}},
		{NoticeLines, noticeLinesHeader + "\nABC;2026-12;Loyer;loyer;-1\n", nil},
		{NoticeLines, noticeLinesHeader + "\n1234567;2026-13;Loyer;loyer;1\n", nil},
		{NoticeLines, noticeLinesHeader + "\n1234567;2026-12;Loyer;loyer\n", nil}, // too few fields: nothing read
		{Entries, entriesHeader + "\n8889999;E5;05/11/2026;Loyer;avis;0;0\n", nil},
	}
	for _, tt := range tests {
		r, err := NewReader(strings.NewReader(tt.file), tt.kind)
		if err != nil {
			t.Fatal(err)
		}
		_, err = r.Next()
		var le *LineError
		if !errors.As(err, &le) {
			t.Fatalf("%q: Next = %v; want a *LineError", tt.file, err)
		}
		if !reflect.DeepEqual(le.Partial, tt.want) {
			t.Errorf("%q: Partial = %#v; want %#v", tt.file, le.Partial, tt.want)
		}
	}
}
