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
		"Dont loyer 512,34 €", "Dont charges", "Prélèvement automatique 05/11/2026 600,00 € 600,00 €",
		"Total payé pour la période 600,00 €", "Période entièrement payée le 05/11/2026", "Marie DUPONT")
	if strings.Contains(text, "n’est pas une quittance") {
		t.Errorf("a quittance says it is not one:\n%s", text)
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
		"sur 500,00 € dus", "il reste 350,00 € à payer",
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
	wantText(t, pdfText(t, doc), "Avis d'échéance novembre 2026 (loyer et charges) 01/11/2026 450,00 €",
		"La répartition entre loyer et charges de l’avis de cette période n’est pas connue")

	if _, err := rd.RenderReceipt(receipt.Receipt{Kind: document.Notice}); err == nil {
		t.Error("a receipt without kind, period or date rendered")
	}
}
