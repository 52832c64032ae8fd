package erp

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/citejardins/extranet/shared/insurance"
	"github.com/citejardins/extranet/shared/notice"
	"github.com/citejardins/extranet/shared/tenancy"
)

var fuzzKinds = []Kind{Residences, Contacts, Leases, Signatories, Entries, Requests, NoticeLines, Insurance}

// FuzzReader reads arbitrary bytes as a file of each kind: it must never
// panic nor loop, every error must be one the import knows how to report,
// and every record must hold to what its type promises.
func FuzzReader(f *testing.F) {
	seeds := map[Kind]string{
		Residences: residencesHeader + "\nRES-01;Les Jardins;12 rue des Lilas;93100;Montreuil\nRES-02;Les Tilleuls;;;\n",
		Contacts:   contactsHeader + "\nRES-01;gestionnaire;Mme Martin;01 23 45 67 89;m.martin@citejardins.fr;9h-12h\n",
		Leases: leasesHeader + "\nL/0008889999-99966899+3;RES-01;01/09/2020;;12 rue des Lilas;Bât. B;93100;Montreuil;T3;2;1 234,56;120,00;250,5;prelevement;5\n" +
			"42;RES-01;01/09/2020;31/08/2026;1 rue X;;93100;Montreuil;;;500;0;;;\n",
		Signatories: signatoriesHeader + "\r\n8889999;S1;O;N'DIAYE;Awa;12/04/1978;awa@example.fr\r\n8889999;S2;N;L\xe9v\xeaque;Jean;29/02/1980;\r\n",
		Entries: "\xef\xbb\xbf" + entriesHeader + "\n8889999;E1;05/11/2026;\"Loyer; \"\"nov\"\"\";avis;456,78;0\n" +
			"8889999;E2;10/11/2026;Virement \x80;paiement;;456,78\n8889999;E3;05/11/2026;Lo\"yer;avis;1;0\n;;;\n",
		Requests: requestsHeader + "\nD-1;8889999;en_cours;01/12/2026\nD-2;8889999;traitee;02/12/2026",
		NoticeLines: noticeLinesHeader + "\r\n0001234567;2026-12;Loyer;loyer;430,00\r\n1234567;2026-12;APL;apl;-180\r\n" +
			"1234567;2026-12;R\xe9gularisation 2025;regularisation;-1 035,1\r\n1234567;2026-12;RLS;rls;52\r\n",
		Insurance: insuranceHeader + "\n0001234567;c-1;Accept\xe9e;30/11/2026;\n1234567;c-2;REFUS\xc9E;30/11/2026;Nom illisible\n" +
			"1234567;c-3;refusee;30/11/2026;\n",
	}
	for i, k := range fuzzKinds {
		f.Add([]byte(seeds[k]), uint8(i))
	}
	f.Add([]byte(entriesHeader+"\n8889999;E1;05/11/2026;\"Loyer\nnov\";avis;1;0\n\"\n"), uint8(4))
	f.Add([]byte(entriesHeader+";id_paiement\n1234567;W1;30/11/2026;Paiement en ligne;paiement;0;350,00;0123456789ABCDEF0123456789abcdef\n"+
		"1234567;W2;30/11/2026;x;paiement;0;1;0123456789abcdef0123456789abcde\n1234567;portal-1;30/11/2026;x;paiement;0;1;\n"), uint8(4))
	f.Add([]byte("\xff\xfe\x00\x01garbage;;\"\n\n\r\n"), uint8(0))
	f.Add([]byte(requestsHeader+"\n\"\"\"\n;\";\n"), uint8(5))
	f.Add([]byte{}, uint8(2))
	f.Add([]byte("montant;type;periode;reference;libelle;commentaire\n\"-0,5\";SLS;2099-12;L/0007654321-1+2;\"a;b\";x\n;;;;;\n1;autre;2000-01;1;\"\"\"\";\n"), uint8(6))
	f.Add([]byte(requestsHeader+"\nD-1;8889999;en_cours;01/12/2026;"+strings.Repeat("z", 300)+"\nD-2;\"8889999"+
		strings.Repeat("\n12345678901234567890", 60)+"\nD-3;8889999;traitee;02/12/2026\n"), uint8(5))

	f.Fuzz(func(t *testing.T, data []byte, k uint8) {
		kind := fuzzKinds[int(k)%len(fuzzKinds)]
		// Small caps, so that small inputs reach the paths of long lines.
		r, err := newReader(bytes.NewReader(data), kind, 256)
		if err != nil {
			var fe *FileError
			if !errors.As(err, &fe) || fe.Reason == "" || !utf8.ValidString(fe.Reason) {
				t.Fatalf("NewReader: %v; want a *FileError", err)
			}
			return
		}
		for _, w := range r.Warnings() {
			if !utf8.ValidString(w) || len(w) > 200 {
				t.Fatalf("warning %q", w)
			}
		}
		lines := bytes.Count(data, []byte("\n")) + 1
		prev := r.Line()
		for calls := 0; ; calls++ {
			if calls > lines {
				t.Fatalf("%d calls to Next for %d lines", calls, lines)
			}
			rec, err := r.Next()
			if err == io.EOF {
				if _, err := r.Next(); err != io.EOF {
					t.Fatalf("Next after io.EOF = %v", err)
				}
				return
			}
			if r.Line() <= prev || r.Line() > lines {
				t.Fatalf("Line() = %d after line %d, in a file of %d lines", r.Line(), prev, lines)
			}
			prev = r.Line()
			if err != nil {
				var le *LineError
				if !errors.As(err, &le) || le.Line < 2 || le.Line != r.Line() || le.Reason == "" || !utf8.ValidString(le.Reason) {
					t.Fatalf("Next: %#v; want a *LineError", err)
				}
				if le.Partial != nil {
					nl, ok := le.Partial.(NoticeLine)
					if kind != NoticeLines || !ok || nl.Label != "" || nl.Kind != "" || nl.AmountCents != 0 {
						t.Fatalf("Partial %#v in a file of %s", le.Partial, kind)
					}
					if canon, err := tenancy.NormalizeReference(nl.Reference); err != nil || canon != nl.Reference {
						t.Fatalf("Partial reference %q not canonical", nl.Reference)
					}
					if p, err := notice.ParsePeriod(nl.Period.String()); err != nil || p != nl.Period {
						t.Fatalf("Partial period %v", nl.Period)
					}
				}
				continue
			}
			checkRecord(t, kind, rec)
		}
	})
}

// checkRecord checks a record against what its type promises.
func checkRecord(t *testing.T, kind Kind, rec Record) {
	t.Helper()
	text := func(name, s string, required bool, max int) {
		t.Helper()
		if required && s == "" {
			t.Fatalf("%s empty in %+v", name, rec)
		}
		if !utf8.ValidString(s) || utf8.RuneCountInString(s) > max || s != strings.TrimSpace(s) {
			t.Fatalf("%s %q in %+v", name, s, rec)
		}
		for _, r := range s {
			if r < 0x20 || (r >= 0x7f && r < 0xa0) {
				t.Fatalf("%s %q has a control character", name, s)
			}
		}
	}
	id := func(name, s string) {
		t.Helper()
		if s == "" || checkID(s) != "" {
			t.Fatalf("%s %q in %+v", name, s, rec)
		}
	}
	ref := func(s string) {
		t.Helper()
		if canon, err := tenancy.NormalizeReference(s); err != nil || canon != s {
			t.Fatalf("reference %q not canonical in %+v", s, rec)
		}
	}
	date := func(name string, d tenancy.Date, required bool) {
		t.Helper()
		if d.IsZero() && !required {
			return
		}
		if _, ok := civilDate(d.Year, int(d.Month), d.Day); !ok {
			t.Fatalf("%s %v in %+v", name, d, rec)
		}
	}
	postal := func(s string, required bool) {
		t.Helper()
		if (s != "" || required) && (len(s) != 5 || !allDigits(s)) {
			t.Fatalf("postal code %q in %+v", s, rec)
		}
	}
	email := func(s string) {
		t.Helper()
		if s != "" && (len(s) > MaxEmail || strings.Count(s, "@") != 1 || strings.ContainsAny(s, " \r\n")) {
			t.Fatalf("email %q in %+v", s, rec)
		}
	}
	amount := func(name string, cents int64) {
		t.Helper()
		if cents < 0 || cents > maxEuros*100+99 {
			t.Fatalf("%s %d in %+v", name, cents, rec)
		}
	}

	switch r := rec.(type) {
	case Residence:
		id("ID", r.ID)
		text("Name", r.Name, true, MaxText)
		text("Street", r.Street, false, MaxText)
		postal(r.PostalCode, false)
		text("City", r.City, false, MaxText)
	case Contact:
		id("ResidenceID", r.ResidenceID)
		if r.Role != tenancy.TerritoryManager && r.Role != tenancy.Landlord && r.Role != tenancy.Emergency {
			t.Fatalf("role %q", r.Role)
		}
		text("Name", r.Name, true, MaxText)
		text("Phone", r.Phone, false, MaxShort)
		email(r.Email)
		text("Hours", r.Hours, false, MaxText)
	case Lease:
		ref(r.Reference)
		id("ResidenceID", r.ResidenceID)
		date("Start", r.Start, true)
		date("End", r.End, false)
		if !r.End.IsZero() && r.End.Before(r.Start) {
			t.Fatalf("lease ends before it starts: %+v", r)
		}
		text("Street", r.Street, true, MaxText)
		text("Complement", r.Complement, false, MaxText)
		postal(r.PostalCode, true)
		text("City", r.City, true, MaxText)
		text("DwellingType", r.DwellingType, false, MaxShort)
		text("Floor", r.Floor, false, MaxShort)
		amount("RentCents", r.RentCents)
		amount("ChargesCents", r.ChargesCents)
		amount("HousingBenefitCents", r.HousingBenefitCents)
		switch r.PaymentMethod {
		case "", tenancy.DirectDebit, tenancy.Transfer, tenancy.Cheque, tenancy.Card, tenancy.Cash, tenancy.TIP:
		default:
			t.Fatalf("payment method %q", r.PaymentMethod)
		}
		if r.DueDay < 1 || r.DueDay > 28 {
			t.Fatalf("due day %d", r.DueDay)
		}
	case Signatory:
		ref(r.Reference)
		id("ID", r.ID)
		text("LastName", r.LastName, true, MaxText)
		text("FirstName", r.FirstName, true, MaxText)
		date("DateOfBirth", r.DateOfBirth, true)
		email(r.Email)
	case Entry:
		ref(r.Reference)
		id("ID", r.ID)
		date("Date", r.Date, true)
		text("Label", r.Label, true, MaxText)
		switch r.Kind {
		case tenancy.Notice, tenancy.PaymentReceived, tenancy.HousingBenefit, tenancy.ChargesSettlement, tenancy.OtherEntry:
		default:
			t.Fatalf("entry kind %q", r.Kind)
		}
		amount("DebitCents", r.DebitCents)
		amount("CreditCents", r.CreditCents)
		if (r.DebitCents == 0) == (r.CreditCents == 0) {
			t.Fatalf("entry with debit %d and credit %d", r.DebitCents, r.CreditCents)
		}
		if strings.HasPrefix(strings.ToLower(r.ID), tenancy.ProvisionalEntryPrefix) {
			t.Fatalf("entry id %q of the portal's provisional entries", r.ID)
		}
		if r.PaymentID != "" && (len(r.PaymentID) != 32 || strings.Trim(r.PaymentID, "0123456789abcdef") != "") {
			t.Fatalf("payment id %q", r.PaymentID)
		}
	case RequestStatus:
		id("ID", r.ID)
		ref(r.Reference)
		if r.Status != RequestInProgress && r.Status != RequestDone {
			t.Fatalf("status %q", r.Status)
		}
		date("Date", r.Date, true)
	case NoticeLine:
		ref(r.Reference)
		if p, err := notice.ParsePeriod(r.Period.String()); err != nil || p != r.Period {
			t.Fatalf("period %v in %+v", r.Period, rec)
		}
		text("Label", r.Label, true, MaxLabel)
		if !r.Kind.Valid() {
			t.Fatalf("line kind %q", r.Kind)
		}
		if r.AmountCents < -(maxEuros*100+99) || r.AmountCents > maxEuros*100+99 {
			t.Fatalf("amount %d in %+v", r.AmountCents, rec)
		}
		switch r.Kind {
		case notice.HousingBenefit, notice.RLS:
			if r.AmountCents > 0 {
				t.Fatalf("a %s line is a debit: %+v", r.Kind, rec)
			}
		case notice.Rent, notice.Charges, notice.SLS:
			if r.AmountCents < 0 {
				t.Fatalf("a %s line is a credit: %+v", r.Kind, rec)
			}
		}
	case InsuranceDecision:
		ref(r.Reference)
		id("CertificateID", r.CertificateID)
		date("Date", r.Date, true)
		switch r.Status {
		case insurance.Accepted:
			if r.Reason != "" {
				t.Fatalf("an acceptance with a reason: %+v", rec)
			}
		case insurance.Refused:
			text("Reason", r.Reason, true, MaxText)
		default:
			t.Fatalf("status %q", r.Status)
		}
	default:
		t.Fatalf("record %T", rec)
	}
	if got := kindOf(rec); got != kind {
		t.Fatalf("a %T in a file of %s", rec, kind)
	}
}

func kindOf(rec Record) Kind {
	switch rec.(type) {
	case Residence:
		return Residences
	case Contact:
		return Contacts
	case Lease:
		return Leases
	case Signatory:
		return Signatories
	case Entry:
		return Entries
	case RequestStatus:
		return Requests
	case NoticeLine:
		return NoticeLines
	case InsuranceDecision:
		return Insurance
	}
	return ""
}
