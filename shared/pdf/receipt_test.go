package pdf_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/citejardins/extranet/shared/document"
	"github.com/citejardins/extranet/shared/erp"
	"github.com/citejardins/extranet/shared/notice"
	"github.com/citejardins/extranet/shared/pdf"
	"github.com/citejardins/extranet/shared/receipt"
	"github.com/citejardins/extranet/shared/tenancy"
)

// demoReceipt is the receipt of the demo lease ref for period p, imputed
// from the demo ledger (infra/demo/erp) and split by the lease's terms.
func demoReceipt(t *testing.T, ref, p string) receipt.Receipt {
	t.Helper()
	var entries []tenancy.Entry
	read(t, "ecritures_complet_20261125.csv", erp.Entries, func(r erp.Record) {
		if e := r.(erp.Entry); e.Reference == ref {
			entries = append(entries, tenancy.Entry{ID: e.ID, Date: e.Date, Label: e.Label, Kind: e.Kind,
				DebitCents: e.DebitCents, CreditCents: e.CreditCents})
		}
	})
	n := demoNotices(t)[ref]
	lease := tenancy.Lease{Reference: ref, Address: n.Address}
	for i, name := range n.Recipients {
		lease.Signatories = append(lease.Signatories, tenancy.Signatory{ID: name, Main: i == 0, LastName: name})
	}
	for _, l := range n.Lines {
		switch l.Kind {
		case notice.Rent:
			lease.RentCents = l.AmountCents
		case notice.Charges:
			lease.ChargesCents = l.AmountCents
		}
	}
	period, err := notice.ParsePeriod(p)
	if err != nil {
		t.Fatal(err)
	}
	r, ok := receipt.Build(receipt.Impute(entries), period, receipt.Terms{Lease: lease}, demoLandlord)
	if !ok {
		t.Fatalf("%s %s: no receipt", ref, p)
	}
	return r
}

func TestReceiptPDFReadsBack(t *testing.T) {
	rd := &pdf.Renderer{PortalURL: "https://extranet.example.fr"}

	q := demoReceipt(t, "8889999", "2026-11")
	doc, err := rd.RenderReceipt(q)
	if err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, doc)
	wantText(t, text, "Quittance de loyer — novembre 2026", "Cité Jardins Habitat, bailleur",
		"donne quittance", "pour la période du 1er au 30 novembre 2026", "Loyer", "512,34 €", "Provisions pour charges", "87,66 €",
		"Prélèvement automatique 05/11/2026 600,00 € 600,00 €", "Soldé le 05/11/2026",
		"Total payé pour la période 600,00 €", "Période entièrement payée le 05/11/2026", "Marie DUPONT")
	if strings.Contains(text, "n’est pas une quittance") {
		t.Errorf("a quittance says it is not one:\n%s", text)
	}
	// One rent line and one charges line: no "Dont" rows repeating them,
	// and no bare "Date".
	if strings.Contains(text, "Dont loyer") || strings.Contains(text, "Dont charges") || strings.Contains(text, "Date :") {
		t.Errorf("the quittance repeats its two lines, or prints a bare date:\n%s", text)
	}
	again, err := rd.RenderReceipt(q)
	if err != nil || !bytes.Equal(doc, again) {
		t.Errorf("the same receipt rendered twice differs (err %v)", err)
	}

	// LEFÈVRE's November: 270,00 € paid, of which 120,00 € went to October.
	r := demoReceipt(t, "1234567", "2026-11")
	if r.Kind != document.PaymentReceipt {
		t.Fatalf("LEFÈVRE November: %s, want a payment receipt", r.Kind)
	}
	doc, err = rd.RenderReceipt(r)
	if err != nil {
		t.Fatal(err)
	}
	text = pdfText(t, doc)
	wantText(t, text, "Reçu de paiement — novembre 2026", "Ce reçu n’est pas une quittance", "la somme de 150,00 €",
		"sur 500,00 € dus", "il reste 350,00 € à payer", "Dernier paiement imputé le 10/11/2026",
		"Votre paiement de 270,00 € du 10/11/2026 a d’abord réglé 120,00 € restant dus sur octobre 2026 (article 1342-10 du Code civil).",
		"Virement reçu (partiel) 10/11/2026 270,00 € 150,00 €")
	if strings.Contains(text, "donne quittance") {
		t.Errorf("a reçu gives quittance:\n%s", text)
	}

	// N'DIAYE: the APL named, with its date.
	n := demoReceipt(t, "7654321", "2026-11")
	doc, err = rd.RenderReceipt(n)
	if err != nil {
		t.Fatal(err)
	}
	text = pdfText(t, doc)
	wantText(t, text, "Quittance de loyer — novembre 2026", "Aide au logement : APL novembre 2026 (CAF) 06/11/2026 180,00 € 180,00 €",
		"Chèque reçu 09/11/2026", "Dont aide au logement (APL) versée par la CAF 180,00 €", "389,90 €", "60,10 €")

	// Neither the ERP's lines nor the lease's terms add up to the notice:
	// one undivided line, said so.
	u := demoReceipt(t, "7654321", "2026-11")
	u.Lines = []receipt.Line{{Date: u.Lines[0].Date, Label: "Avis d'échéance novembre 2026", Kind: receipt.UndividedLine, AmountCents: 45000}}
	u.RentCents, u.ChargesCents, u.Undivided = 0, 0, true
	doc, err = rd.RenderReceipt(u)
	if err != nil {
		t.Fatal(err)
	}
	wantText(t, pdfText(t, doc), "Avis d’échéance novembre 2026 (loyer et charges) 01/11/2026 450,00 €",
		"La répartition entre loyer et charges de l’avis de cette période n’est pas connue")

	// The ERP's lines with an RLS and the APL deducted on the notice: the
	// rows under the lines add up to the total, the APL shown as such.
	lines := []notice.Line{
		{Label: "Loyer", Kind: notice.Rent, AmountCents: 43000},
		{Label: "Réduction de loyer de solidarité", Kind: notice.RLS, AmountCents: -5000},
		{Label: "Provisions pour charges", Kind: notice.Charges, AmountCents: 7000},
		{Label: "Aide au logement (APL) versée au bailleur", Kind: notice.HousingBenefit, AmountCents: -18000},
	}
	nov := notice.Period{Year: 2026, Month: 11}
	l := receipt.Impute([]tenancy.Entry{
		{ID: "AV", Date: nov.First(), Label: "Avis", Kind: tenancy.Notice, DebitCents: 27000},
		{ID: "VI", Date: tenancy.Date{Year: 2026, Month: 11, Day: 8}, Label: "Virement reçu", Kind: tenancy.PaymentReceived, CreditCents: 27000},
	})
	rls, _ := receipt.Build(l, nov, receipt.Terms{Lease: tenancy.Lease{Reference: "1234567"}, NoticeLines: lines}, demoLandlord)
	doc, err = rd.RenderReceipt(rls)
	if err != nil {
		t.Fatal(err)
	}
	text = pdfText(t, doc)
	wantText(t, text, "Dont loyer 380,00 €", "Dont charges (provisions et régularisations) 70,00 €",
		"Dont aide au logement (APL) déduite de l’avis − 180,00 €", "Total dû pour la période 270,00 €")
	if strings.Contains(text, "versée par la CAF 180,00") {
		t.Errorf("the APL deducted on the notice is counted as paid:\n%s", text)
	}

	if _, err := rd.RenderReceipt(receipt.Receipt{Kind: document.Notice}); err == nil {
		t.Error("a receipt without kind, period or date rendered")
	}
}

// The receipt's sentences: "lui" for one tenant, "leur" for several, names
// listed "A, B et C", "reçu d’Abdou" (elision), the dwelling with its
// complement, a settlement's label not repeated, and the ERP's apostrophes
// typographic.
func TestReceiptPDFWording(t *testing.T) {
	rd := &pdf.Renderer{}
	nov := notice.Period{Year: 2026, Month: 11}
	l := receipt.Impute([]tenancy.Entry{
		{ID: "AV", Date: nov.First(), Label: "Avis d'échéance", Kind: tenancy.Notice, DebitCents: 50000},
		{ID: "RG", Date: nov.First(), Label: "Régularisation des charges 2025", Kind: tenancy.ChargesSettlement, DebitCents: 12000},
		{ID: "VI", Date: tenancy.Date{Year: 2026, Month: 11, Day: 8}, Label: "Virement d'Abdou N'DIAYE", Kind: tenancy.PaymentReceived, CreditCents: 62000},
	})
	lease := tenancy.Lease{Reference: "7654321", RentCents: 43000, ChargesCents: 7000,
		Address:     tenancy.Address{Street: "27 avenue Jean Jaurès", Complement: "Escalier A", PostalCode: "93300", City: "Aubervilliers"},
		Signatories: []tenancy.Signatory{{ID: "1", Main: true, FirstName: "Abdou", LastName: "N'DIAYE"}}}
	one, ok := receipt.Build(l, nov, receipt.Terms{Lease: lease}, demoLandlord)
	if !ok {
		t.Fatal("no receipt")
	}
	doc, err := rd.RenderReceipt(one)
	if err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, doc)
	wantText(t, text, "déclare avoir reçu d’Abdou N’DIAYE la somme de 620,00 €",
		"du logement situé 27 avenue Jean Jaurès, Escalier A, 93300 Aubervilliers, et lui en donne quittance",
		"Régularisation des charges 2025 01/11/2026 120,00 €", "Virement d’Abdou N’DIAYE 08/11/2026")
	for _, bad := range []string{"N'DIAYE", "de Abdou", "Régularisation des charges — Régularisation"} {
		if strings.Contains(text, bad) {
			t.Errorf("the receipt says %q:\n%s", bad, text)
		}
	}

	lease.Signatories = append(lease.Signatories,
		tenancy.Signatory{ID: "2", FirstName: "Awa", LastName: "N'DIAYE"}, tenancy.Signatory{ID: "3", FirstName: "Marie", LastName: "DUPONT"})
	three, _ := receipt.Build(l, nov, receipt.Terms{Lease: lease}, demoLandlord)
	doc, err = rd.RenderReceipt(three)
	if err != nil {
		t.Fatal(err)
	}
	text = pdfText(t, doc)
	wantText(t, text, "déclare avoir reçu d’Abdou N’DIAYE, Awa N’DIAYE et Marie DUPONT la somme", "et leur en donne quittance")
	if strings.Contains(text, "lui en donne") {
		t.Errorf("several tenants, and \"lui\":\n%s", text)
	}
}
