package pdf

import (
	"errors"

	"github.com/citejardins/extranet/shared/attestation"
	"github.com/citejardins/extranet/shared/notice"
)

var _ attestation.Renderer = (*Renderer)(nil)

// RenderCertificate returns the tenancy certificate (attestation de
// situation locative) as a one-page A4 PDF: the landlord's letterhead, the
// tenants and the dwelling, then the certificate's sentences
// (attestation.Facts wording). The same facts give the same bytes (dated
// f.AsOf). It fails for facts without a start or a date.
func (r *Renderer) RenderCertificate(fs attestation.Facts) ([]byte, error) {
	if fs.Start.IsZero() || fs.AsOf.IsZero() {
		return nil, errors.New("certificate: lease start and date are required")
	}
	f := newDocument(fs.Title(), fs.Landlord.Name, fs.AsOf)
	p := &page{f: f, portal: r.PortalURL}
	f.AddPage()
	f.SetTextColor(0, 0, 0)
	y := p.letterhead(fs.Landlord)
	p.recipients(fs.Names, fs.Address)
	p.keys(max(y+6, 55), [][2]string{
		{"Référence", notice.PrintedReference(fs.Reference)},
		{"Date", date(fs.AsOf)},
	})
	f.SetXY(marginX, foldY+3)
	p.font("B", 16)
	p.cell(textW, 8, "Attestation de situation locative", "L")

	const lineH = 6.0
	f.SetY(foldY + 18)
	landlord := fs.Landlord.Name
	if landlord == "" {
		landlord = "Le bailleur"
	}
	p.font("", 11)
	p.para(lineH, landlord+", bailleur, atteste que\u202F:")
	f.Ln(3)
	p.para(lineH, fs.Tenancy())
	f.Ln(3)
	p.font("B", 11)
	p.para(lineH, fs.Situation())
	f.Ln(2)
	p.font("", 9.5)
	p.para(4.8, "Seules comptent les sommes échues à cette date\u202F: un loyer appelé dont la date d’échéance n’est pas encore passée n’est pas dû.")
	f.Ln(5)
	p.font("", 11)
	p.para(lineH, "Cette attestation est délivrée pour servir et valoir ce que de droit.")
	f.Ln(3)
	p.para(lineH, "Fait le "+date(fs.AsOf)+", pour "+landlord+".")

	p.rule(footerY)
	f.SetXY(marginX, footerY+2)
	p.font("", 8.5)
	where := "son espace locataire"
	if p.portal != "" {
		where += " (" + p.portal + ")"
	}
	p.para(4.2, "Attestation établie à la demande du locataire depuis "+where+", d’après la comptabilité du bailleur au "+
		date(fs.AsOf)+". Elle reste dans «\u202FMes documents\u202F». Version "+fs.Version()+".")
	if ph := fs.Landlord.Phone; ph != "" {
		p.para(4.2, "Une question\u202F? Appelez le "+ph+".")
	}
	return finish(f, "certificate")
}
