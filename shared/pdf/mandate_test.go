package pdf_test

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/citejardins/extranet/shared/directdebit"
	"github.com/citejardins/extranet/shared/noticerun"
	"github.com/citejardins/extranet/shared/pdf"
	"github.com/citejardins/extranet/shared/tenancy"
)

func sampleMandate() directdebit.Mandate {
	at := time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC)
	return directdebit.Mandate{RUM: "EXTRANET-1234567-1", ICS: "FR72ZZZ123456", CreditorName: "Cité Jardins Habitat",
		CreditorAddress: []string{"12 rue des Lilas", "93000 Bobigny"}, DebtorName: "Céline LEFÈVRE",
		DebtorAddress: tenancy.Address{Street: "4 allée des Tilleuls", PostalCode: "93140", City: "Bondy"},
		IBAN:          "FR7630006000011234567890189", BIC: "AGRIFRPP", Holder: "Céline LEFÈVRE", Type: directdebit.Recurrent,
		SignedAt: at, SignedOn: tenancy.ParisDate(at), Place: "Bondy", DebitDay: 10, Status: directdebit.Active,
		Reference: "1234567", FirstDebitOn: directdebit.FirstDebit(tenancy.ParisDate(at), 10, 20)}
}

func TestMandatePDFStatesTheMandate(t *testing.T) {
	r := &pdf.Renderer{PortalURL: "https://extranet.example.fr"}
	m := sampleMandate()
	doc, err := r.RenderMandate(m)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := r.RenderMandate(m)
	if !bytes.Equal(doc, again) {
		t.Error("the same mandate gave different bytes")
	}
	got := strings.Join(strings.Fields(pdfText(t, doc)), " ")
	for _, want := range []string{
		"Mandat de prélèvement SEPA",
		"Référence unique du mandat (RUM) : EXTRANET-1234567-1",
		"Identifiant créancier SEPA (ICS) : FR72ZZZ123456",
		"Cité Jardins Habitat", "12 rue des Lilas", "93000 Bobigny",
		"Céline LEFÈVRE", "4 allée des Tilleuls", "93140 Bondy",
		"Débiteur (titulaire du compte) Nom : Céline LEFÈVRE",
		"IBAN : FR76 •••• •••• •••• •••• •••0 189", "BIC : AGRIFRPP",
		"Type de paiement : paiement récurrent",
		"En signant ce formulaire de mandat, vous autorisez (A) Cité Jardins Habitat à envoyer des instructions à votre banque",
		"Une demande de remboursement doit être présentée dans les 8 semaines suivant la date de débit de votre compte pour un prélèvement autorisé.",
		"Fait à : Bondy", "Le : 01/12/2026",
		"Notification préalable : chaque avis d’échéance vous indique la date et le montant du prélèvement du mois, au moins 14 jours avant.",
		"Premier prélèvement : le 10/01/2027, son montant figurera sur votre avis d’échéance.",
		"Signé électroniquement le 01/12/2026 à 10:30 (heure de Paris) via l’Extranet Locataire, par le titulaire de l’espace, " +
			"qui déclare être le titulaire du compte ou autorisé par lui",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("mandate PDF lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(strings.ReplaceAll(got, " ", ""), "30006000011234567890") || strings.Contains(got, "Tiers débiteur") {
		t.Errorf("mandate PDF prints the whole IBAN, or a third party for the holder's own lease:\n%s", got)
	}
	// Another person's account: the holder is the debtor, the tenant the
	// party the debit is for.
	other := m
	other.DebtorName, other.Holder, other.OnBehalfOf, other.Reference = "Jean MARTIN", "Jean MARTIN", "Céline LEFÈVRE", "1234567"
	doc, err = r.RenderMandate(other)
	if err != nil {
		t.Fatal(err)
	}
	got = strings.Join(strings.Fields(pdfText(t, doc)), " ")
	if want := "Débiteur (titulaire du compte) Nom : Jean MARTIN"; !strings.Contains(got, want) {
		t.Errorf("mandate PDF lacks %q:\n%s", want, got)
	}
	if want := "Tiers débiteur Pour le compte de : Céline LEFÈVRE Référence du bail : 1234567"; !strings.Contains(got, want) {
		t.Errorf("mandate PDF lacks %q:\n%s", want, got)
	}
	bad := m
	bad.ICS = ""
	if _, err := r.RenderMandate(bad); err == nil {
		t.Error("a mandate without ICS was drawn")
	}
}

func TestNoticePreNotificationOfAPortalMandate(t *testing.T) {
	ns := demoNotices(t)
	m := signedInNovember(sampleMandate())
	r := &pdf.Renderer{}
	// LEFÈVRE pays by transfer in the ERP; her mandate signed in the portal
	// makes the notice announce the debit all the same.
	n := ns["1234567"]
	noticerun.PreNotify(&n, m)
	doc, err := r.Render(n)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(pdfText(t, doc)), " ")
	want := "Prélèvement le 10/12/2026 de " + strings.ReplaceAll(euro(n.AmountDueCents), "\u202F", " ") + " — RUM EXTRANET-1234567-1 — ICS FR72ZZZ123456"
	if !strings.Contains(text, want) || strings.Contains(text, "Par virement") {
		t.Errorf("notice lacks %q (or still says to pay by transfer):\n%s", want, text)
	}
	// Nothing to pay: no debit announced.
	n = ns["1234567"]
	n.PreviousBalanceCents, n.AmountDueCents = -n.PeriodCents-100, 0
	noticerun.PreNotify(&n, m)
	doc, err = r.Render(n)
	if err != nil {
		t.Fatal(err)
	}
	text = pdfText(t, doc)
	if strings.Contains(text, "Prélèvement le") || !strings.Contains(text, "Aucun prélèvement ne sera fait ce mois-ci") {
		t.Errorf("a notice with nothing to pay announces a debit:\n%s", text)
	}
}

// euro writes cents as the notices do: 1 234,56 €.
func euro(c int64) string {
	s := strconv.FormatInt(c/100, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + " " + s[i:]
	}
	return s + "," + strconv.FormatInt(c%100/10, 10) + strconv.FormatInt(c%10, 10) + " €"
}

// A notice issued late (30/11) for a mandate debiting on the 5th: the
// debit moves to 14 days after the issue, and the amount's box says when
// it is debited rather than a due date the tenant has nothing to do by.
func TestNoticeOfAMandateSaysWhenTheAmountIsDebited(t *testing.T) {
	n := demoNotices(t)["1234567"]
	m := sampleMandate()
	m.DebitDay = 5
	m = signedInNovember(m)
	n.IssueDate = tenancy.Date{Year: 2026, Month: 11, Day: 30}
	noticerun.PreNotify(&n, m)
	doc, err := (&pdf.Renderer{}).Render(n)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(pdfText(t, doc)), " ")
	amount := strings.ReplaceAll(euro(n.AmountDueCents), "\u202F", " ")
	for _, want := range []string{"Montant prélevé le 14/12/2026 " + amount, "sera prélevée le 14/12/2026", "Prélèvement le 14/12/2026 de " + amount} {
		if !strings.Contains(text, want) {
			t.Errorf("notice lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "Montant à payer avant") {
		t.Errorf("a debited notice still asks to pay before a day:\n%s", text)
	}
}

// signedInNovember is m signed on 2 November 2026, before December's
// notice was issued: its first debit is December's.
func signedInNovember(m directdebit.Mandate) directdebit.Mandate {
	m.SignedAt = time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)
	m.SignedOn = tenancy.ParisDate(m.SignedAt)
	m.FirstDebitOn = directdebit.FirstDebit(m.SignedOn, m.DebitDay, 20)
	return m
}
