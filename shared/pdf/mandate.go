package pdf

import (
	"errors"
	"strconv"

	"github.com/citejardins/extranet/shared/bankaccount"
	"github.com/citejardins/extranet/shared/directdebit"
	"github.com/citejardins/extranet/shared/notice"
	"github.com/citejardins/extranet/shared/tenancy"
)

var _ directdebit.Renderer = (*Renderer)(nil)

// RenderMandate returns a SEPA Core mandate the tenant signed in the
// portal as a one-page A4 PDF, in the layout of the EPC's model mandate:
// the title "Mandat de prélèvement SEPA", the RUM, the wording on the
// authorisation and the refund right (directdebit.Wording), the creditor
// (name, address, ICS), the debtor (name, address, IBAN, BIC, holder),
// the type of payment, and where and when it was signed, electronically
// through the portal. The same mandate gives the same bytes (dated its
// signature). It fails for a mandate without a RUM, ICS or signature.
func (r *Renderer) RenderMandate(m directdebit.Mandate) ([]byte, error) {
	if m.RUM == "" || m.ICS == "" || m.SignedOn.IsZero() || m.SignedAt.IsZero() {
		return nil, errors.New("mandate: RUM, ICS and signature are required")
	}
	f := newDocument("Mandat de prélèvement SEPA "+m.RUM, m.CreditorName, m.SignedOn)
	p := &page{f: f, portal: r.PortalURL, typo: true}
	f.AddPage()
	f.SetTextColor(0, 0, 0)
	y := p.letterhead(notice.Landlord{Name: m.CreditorName, AddressLines: m.CreditorAddress})
	// Kept online, never posted: no window for an envelope; the debtor is
	// in its own section.
	top := max(y+8, 45)
	f.SetXY(marginX, top)
	p.font("B", 16)
	p.cell(textW, 8, "Mandat de prélèvement SEPA", "L")
	f.SetXY(marginX, top+9)
	p.font("", 10)
	p.cell(textW, 5, "Référence unique du mandat (RUM)\u202F: "+m.RUM, "L")

	f.SetY(top + 17)
	p.font("", 9.5)
	p.para(4.8, directdebit.Wording(m.CreditorName))

	const rowH, labelW = 5.2, 62.0
	section := func(title string, rows [][2]string) {
		f.Ln(3)
		p.font("B", 10.5)
		p.para(6, title)
		for _, kv := range filled(rows) {
			label := kv[0]
			if label != "" {
				label += "\u202F:"
			}
			f.SetX(marginX)
			p.font("", 9.5)
			p.cell(labelW, rowH, label, "L")
			p.font("B", 9.5)
			p.cell(textW-labelW, rowH, p.fitBold(kv[1], 9.5, textW-labelW), "L")
			f.Ln(rowH)
		}
	}
	addr := func(a tenancy.Address) [][2]string {
		if a == (tenancy.Address{}) {
			return nil // a holder other than the tenant: not asked
		}
		return [][2]string{{"Adresse", a.Street}, {"", a.Complement}, {"Code postal et ville", a.PostalCode + " " + a.City}}
	}
	creditor := [][2]string{{"Nom", m.CreditorName}}
	for i, l := range m.CreditorAddress {
		label := ""
		if i == 0 {
			label = "Adresse"
		}
		creditor = append(creditor, [2]string{label, l})
	}
	creditor = append(creditor, [2]string{"Identifiant créancier SEPA (ICS)", m.ICS})
	section("Créancier", creditor)
	debtor := append([][2]string{{"Nom", m.DebtorName}}, addr(m.DebtorAddress)...)
	// Masked as everywhere the portal shows it: this PDF is downloaded
	// with a session alone; the ERP's export has the whole IBAN.
	debtor = append(debtor, [2]string{"IBAN", bankaccount.IBAN(m.IBAN).Masked()}, [2]string{"BIC", m.BIC})
	section("Débiteur (titulaire du compte)", debtor)
	if m.OnBehalfOf != "" {
		section("Tiers débiteur", [][2]string{{"Pour le compte de", m.OnBehalfOf}, {"Référence du bail", m.Reference}})
	}
	section("Paiement", [][2]string{
		{"Type de paiement", "paiement récurrent"},
		{"Jour de prélèvement", "le " + strconv.Itoa(m.DebitDay) + " de chaque mois"},
	})
	f.Ln(1)
	p.font("", 9)
	if !m.FirstDebitOn.IsZero() {
		p.para(4.5, "Premier prélèvement\u202F: le "+date(m.FirstDebitOn)+", son montant figurera sur votre avis d’échéance.")
	}
	p.para(4.5, "Notification préalable\u202F: chaque avis d’échéance vous indique la date et le montant du prélèvement du mois, "+
		"au moins 14 jours avant.")
	section("Signature", [][2]string{
		{"Fait à", m.Place},
		{"Le", date(m.SignedOn)},
	})
	f.Ln(1)
	p.font("", 9.5)
	at := tenancy.ParisTime(m.SignedAt)
	p.para(4.8, "Signé électroniquement le "+date(tenancy.ParisDate(m.SignedAt))+" à "+at.Format("15:04")+
		" (heure de Paris) via l’Extranet Locataire, par le titulaire de l’espace, qui déclare être le titulaire du compte "+
		"ou autorisé par lui, après saisie de son mot de passe et acceptation du présent mandat.")

	p.rule(footerY)
	f.SetXY(marginX, footerY+2)
	p.font("", 8.5)
	p.para(4.2, "Vous pouvez révoquer ce mandat à tout moment depuis votre espace locataire («\u202FPrélèvement automatique\u202F») "+
		"ou auprès de votre gestionnaire. Ce mandat reste dans «\u202FMes documents\u202F». Sans prélèvement pendant 36 mois, il devient caduc.")
	return finish(f, "mandate")
}

// filled drops the rows without a value (a complement of address the
// debtor has not).
func filled(rows [][2]string) [][2]string {
	out := rows[:0:0]
	for _, r := range rows {
		if r[1] == "" || r[1] == " " {
			continue
		}
		out = append(out, r)
	}
	return out
}
