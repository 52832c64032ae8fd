package pdf

import (
	"math"
	"testing"

	"codeberg.org/go-pdf/fpdf"

	"github.com/citejardins/extranet/shared/notice"
	"github.com/citejardins/extranet/shared/tenancy"
)

// The height the page reserves for how to pay is the height MultiCell
// draws, for every payment method, so that the table can give up the rest.
func TestPaymentHeightIsWhatIsDrawn(t *testing.T) {
	landlord := notice.Landlord{Name: "Cité Jardins Habitat", AddressLines: []string{"Service clients", "8 rue de la République", "93200 Saint-Denis"},
		Phone: "01 99 00 50 00", IBAN: "FR7630006000011234567890189", BIC: "AGRIFRPPXXX", ICS: "FR12ZZZ123456"}
	for _, m := range []tenancy.PaymentMethod{tenancy.DirectDebit, tenancy.Transfer, tenancy.Cheque, tenancy.Card, tenancy.TIP, tenancy.Cash, ""} {
		for _, l := range []notice.Landlord{landlord, {Name: "Office HLM"}} {
			f := fpdf.New("P", "mm", "A4", "")
			for _, fc := range fonts.faces {
				f.AddFontFromBytes(family, fc.style, fc.json, fc.data)
			}
			f.SetMargins(marginX, 15, marginX)
			f.SetAutoPageBreak(false, 0)
			f.AddPage()
			p := &page{f: f, portal: "https://extranet.example.fr", n: notice.Notice{Reference: "1234567", PaymentMethod: m, Landlord: l,
				DueDate: tenancy.Date{Year: 2026, Month: 12, Day: 5}, AmountDueCents: 123456}}
			ts := p.payment()
			want := p.height(ts)
			p.howToPay(100, ts)
			if got := f.GetY() - 107; math.Abs(got-want) > 0.01 {
				t.Errorf("%q, landlord %q: drawn %.1f mm, reserved %.1f mm", m, l.Name, got, want)
			}
		}
	}
}
