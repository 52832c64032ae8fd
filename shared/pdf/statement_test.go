package pdf_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/citejardins/extranet/shared/attestation"
	"github.com/citejardins/extranet/shared/notice"
	"github.com/citejardins/extranet/shared/pdf"
	"github.com/citejardins/extranet/shared/statement"
	"github.com/citejardins/extranet/shared/tenancy"
)

// monthlyStatement is a statement of n months of a 500 € notice on the
// 1st and a 500 € transfer on the 8th, from January 2020, opening at
// opening cents.
func monthlyStatement(n int, opening int64) statement.Statement {
	st := statement.Statement{Landlord: demoLandlord, Reference: "1234567", Names: []string{"Céline LEFÈVRE", "Julien LEFÈVRE"},
		Address:      tenancy.Address{Street: "4 allée des Tilleuls", Complement: "Appartement 11", PostalCode: "92230", City: "Gennevilliers"},
		DwellingType: "T2", From: tenancy.Date{Year: 2020, Month: 1, Day: 1}, Made: tenancy.Date{Year: 2026, Month: 11, Day: 30},
		OpeningCents: opening}
	bal := opening
	p := notice.Period{Year: 2020, Month: 1}
	for i := 0; i < n; i++ {
		bal += 50000
		st.Lines = append(st.Lines, tenancy.Entry{ID: fmt.Sprint("AV", i), Date: p.First(), Label: "Avis d'échéance " + p.String(),
			Kind: tenancy.Notice, DebitCents: 50000, BalanceAfterCents: bal})
		bal -= 45000
		st.Lines = append(st.Lines, tenancy.Entry{ID: fmt.Sprint("VI", i), Date: tenancy.Date{Year: p.Year, Month: p.Month, Day: 8},
			Label: "Virement reçu", Kind: tenancy.PaymentReceived, CreditCents: 45000, BalanceAfterCents: bal})
		p = p.Next()
	}
	st.To = p.First()
	st.ClosingCents = bal
	return st
}

func TestStatementReadsBackLineByLine(t *testing.T) {
	st := monthlyStatement(3, -2550)
	doc, err := (&pdf.Renderer{}).RenderStatement(st)
	if err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, doc)
	wantText(t, text,
		"Cité Jardins Habitat", "8 rue de la République", "Céline LEFÈVRE", "Julien LEFÈVRE", "92230 GENNEVILLIERS",
		"Référence : L/0001234567", "Logement : T2, 4 allée des Tilleuls", "Établi le : 30/11/2026",
		"Relevé de compte", "Opérations du 01/01/2020 au 01/04/2020",
		"Solde au début de la période : crédit en votre faveur − 25,50 €",
		"Date Opération Débit Crédit Solde",
		"01/01/2020 Avis d'échéance 2020-01 500,00 € 474,50 €",
		"08/01/2020 Virement reçu 450,00 € 24,50 €",
		"08/03/2020 Virement reçu 450,00 € 124,50 €",
		"Solde au 01/04/2020 : reste dû 124,50 €",
		"Ce relevé n’est pas une quittance.", "Page 1 / 1")
	if pageCount(t, doc) != 1 {
		t.Errorf("%d pages, want 1", pageCount(t, doc))
	}
}

func TestLongStatementSpansPagesWithRepeatedHeader(t *testing.T) {
	st := monthlyStatement(60, 0) // 120 lines
	doc, err := (&pdf.Renderer{}).RenderStatement(st)
	if err != nil {
		t.Fatal(err)
	}
	n := pageCount(t, doc)
	if n < 3 {
		t.Fatalf("%d pages for 120 lines, want 3 or more", n)
	}
	text := pdfText(t, doc)
	pages := strings.Split(text, "\f")
	for i := 0; i < n; i++ {
		wantText(t, pages[i], "Date Opération Débit Crédit Solde", fmt.Sprintf("Page %d / %d", i+1, n))
		if i > 0 {
			wantText(t, pages[i], "Relevé de compte — Cité Jardins Habitat", "Référence L/0001234567 — du 01/01/2020 au 01/01/2025 (suite)")
		}
	}
	// Every line once, in order, with its balance.
	at := 0
	for _, e := range st.Lines {
		row := strings.Join(strings.Fields(fmt.Sprintf("%02d/%02d/%d %s", e.Date.Day, int(e.Date.Month), e.Date.Year, e.Label)), " ")
		flat := strings.Join(strings.Fields(text[at:]), " ")
		i := strings.Index(flat, row)
		if i < 0 {
			t.Fatalf("line %s (%s) missing or out of order", e.ID, row)
		}
		// Advance in text past this row (word-wise).
		at += advance(text[at:], len(strings.Fields(flat[:i+len(row)])))
	}
	wantText(t, pages[n-1], "Solde au 01/01/2025 : reste dû 3 000,00 €")
}

// advance returns the byte offset in s after its first n words.
func advance(s string, n int) int {
	i := 0
	for w := 0; w < n; w++ {
		for i < len(s) && strings.ContainsRune(" \t\n\f\r", rune(s[i])) {
			i++
		}
		for i < len(s) && !strings.ContainsRune(" \t\n\f\r", rune(s[i])) {
			i++
		}
	}
	return i
}

func TestStatementIsDeterministicAndEmptyPeriodSaysSo(t *testing.T) {
	r := &pdf.Renderer{}
	st := monthlyStatement(5, 0)
	a, err := r.RenderStatement(st)
	if err != nil {
		t.Fatal(err)
	}
	b, err := r.RenderStatement(st)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Error("the same statement rendered twice differs")
	}
	st.Lines[0].BalanceAfterCents++
	if c, _ := r.RenderStatement(st); bytes.Equal(a, c) {
		t.Error("another balance gives the same bytes")
	}
	empty := monthlyStatement(0, 35000)
	doc, err := r.RenderStatement(empty)
	if err != nil {
		t.Fatal(err)
	}
	wantText(t, pdfText(t, doc), "Aucune opération sur cette période.", "Solde au 01/01/2020 : reste dû 350,00 €")
	if _, err := r.RenderStatement(statement.Statement{}); err == nil {
		t.Error("a statement without dates rendered")
	}
}

func certificateFacts(owed int64, end tenancy.Date, names ...string) attestation.Facts {
	return attestation.Facts{Landlord: demoLandlord, Reference: "1234567", Names: names,
		Address:      tenancy.Address{Street: "4 allée des Tilleuls", Complement: "Appartement 11", PostalCode: "92230", City: "Gennevilliers"},
		DwellingType: "T2", Start: tenancy.Date{Year: 2019, Month: 3, Day: 15}, End: end,
		AsOf: tenancy.Date{Year: 2026, Month: 11, Day: 30}, OwedCents: owed}
}

func TestCertificateReadsBack(t *testing.T) {
	r := &pdf.Renderer{PortalURL: "https://extranet.example.fr"}
	tests := []struct {
		name string
		f    attestation.Facts
		want []string
	}{
		{"owes, two signatories", certificateFacts(35000, tenancy.Date{}, "Céline LEFÈVRE", "Julien LEFÈVRE"), []string{
			"Cité Jardins Habitat, bailleur, atteste que :",
			"Céline LEFÈVRE et Julien LEFÈVRE sont locataires depuis le 15/03/2019 d’un logement de type T2 situé 4 allée des Tilleuls, Appartement 11, 92230 Gennevilliers, au titre du contrat de location référence L/0001234567.",
			"Céline LEFÈVRE et Julien LEFÈVRE restent redevables de 350,00 € au 30/11/2026.",
			"Fait le 30/11/2026, pour Cité Jardins Habitat.",
		}},
		{"up to date, one signatory", certificateFacts(0, tenancy.Date{}, "Abdou N'DIAYE"), []string{
			"Abdou N'DIAYE est locataire depuis le 15/03/2019",
			"Abdou N'DIAYE est à jour de ses loyers et charges au 30/11/2026.",
		}},
		{"ended", certificateFacts(0, tenancy.Date{Year: 2026, Month: 8, Day: 31}, "Marie DUPONT"), []string{
			"Marie DUPONT a été locataire du 15/03/2019 au 31/08/2026 d’un logement de type T2",
			"Marie DUPONT est à jour de ses loyers et charges au 30/11/2026.",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := r.RenderCertificate(tt.f)
			if err != nil {
				t.Fatal(err)
			}
			text := pdfText(t, doc)
			wantText(t, text, append(tt.want, "Attestation de situation locative", "Référence : L/0001234567", "Date : 30/11/2026",
				"Version "+tt.f.Version())...)
			again, _ := r.RenderCertificate(tt.f)
			if !bytes.Equal(doc, again) {
				t.Error("the same facts rendered twice differ")
			}
			if pageCount(t, doc) != 1 {
				t.Errorf("%d pages, want 1", pageCount(t, doc))
			}
		})
	}
}
