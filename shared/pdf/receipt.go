package pdf

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"github.com/citejardins/extranet/shared/document"
	"github.com/citejardins/extranet/shared/notice"
	"github.com/citejardins/extranet/shared/receipt"
)

var _ receipt.Renderer = (*Renderer)(nil)

// RenderReceipt returns receipt r as a one-page A4 PDF with the notices'
// font and look: a quittance de loyer (document.RentReceipt), in which the
// landlord "donne quittance" for the month, or a reçu de paiement
// (document.PaymentReceipt), which says it is not a quittance. Rent and
// charges are shown apart, the housing benefit and each payment imputed to
// the month with its date, and the parts of the month's payments that the
// oldest-first rule (Code civil art. 1342-10) sent to older months. The
// same receipt gives the same bytes: the document's date is r.Date. It
// fails for a receipt without a kind, period or date.
func (r *Renderer) RenderReceipt(rc receipt.Receipt) ([]byte, error) {
	if (rc.Kind != document.RentReceipt && rc.Kind != document.PaymentReceipt) || rc.Period.IsZero() || rc.Date.IsZero() {
		return nil, fmt.Errorf("receipt (lease %s): kind, period and date are required", rc.Reference)
	}
	title := receiptTitle(rc) + " " + periodWords(rc.Period)
	f := fpdf.New("P", "mm", "A4", "")
	at := time.Date(rc.Date.Year, rc.Date.Month, rc.Date.Day, 0, 0, 0, 0, time.UTC)
	f.SetCreationDate(at)
	f.SetModificationDate(at)
	f.SetCatalogSort(true)
	f.SetCompression(false)
	f.SetTitle(title, true)
	f.SetAuthor(rc.Landlord.Name, true)
	f.SetLang("fr-FR")
	f.SetMargins(marginX, 15, marginX)
	f.SetAutoPageBreak(false, 0)
	for _, fc := range fonts.faces {
		f.AddFontFromBytes(family, fc.style, fc.json, fc.data)
	}
	f.AddPage()
	s := receiptSheet{f: f, r: rc, portal: r.PortalURL}
	s.draw()
	var buf bytes.Buffer
	if err := f.Output(&buf); err != nil {
		return nil, fmt.Errorf("render receipt: %w", err)
	}
	return compressPages(buf.Bytes())
}

func receiptTitle(r receipt.Receipt) string {
	if r.Kind == document.RentReceipt {
		return "Quittance de loyer"
	}
	return "Reçu de paiement"
}

// receiptSheet draws one receipt on the current page of f.
type receiptSheet struct {
	f      *fpdf.Fpdf
	r      receipt.Receipt
	portal string
	y      float64
}

func (s *receiptSheet) font(style string, size float64) { s.f.SetFont(family, style, size) }

func (s *receiptSheet) cell(w, h float64, text, align string) {
	s.f.CellFormat(w, h, encode(typographic(text)), "", 0, align, false, 0, "")
}

// para writes text wrapped to the text's width from s.y, then moves under it.
func (s *receiptSheet) para(h float64, text string) {
	s.f.SetXY(marginX, s.y)
	s.f.MultiCell(textW, h, encode(typographic(text)), "", "L", false)
	s.y = s.f.GetY()
}

func (s *receiptSheet) draw() {
	s.f.SetTextColor(0, 0, 0)
	s.header()
	s.window()
	s.y = foldY + 3
	s.font("B", 16)
	s.f.SetXY(marginX, s.y)
	s.cell(textW, 8, receiptTitle(s.r)+" — "+periodWords(s.r.Period), "L")
	s.y += 10
	s.statement()
	s.y += 3
	s.dues()
	s.y += 3
	s.payments()
	s.notes()
	s.footer()
}

// header: the landlord, top left, and the receipt's keys under it.
func (s *receiptSheet) header() {
	// The letterhead as on a notice, with the ERP's apostrophes
	// typographic as everywhere on a receipt.
	y := max((&page{f: s.f, typo: true}).letterhead(s.r.Landlord)+6, 55)
	// The receipt's date says what it is: the day the period was paid off
	// (a quittance), or the last payment imputed to it (a reçu).
	dated := "Soldé le"
	if s.r.Kind == document.PaymentReceipt {
		dated = "Dernier paiement imputé le"
	}
	for _, kv := range [][2]string{
		{"Référence\u202F:", notice.PrintedReference(s.r.Reference)},
		{"Période\u202F:", spanWords(s.r.Period)},
		{dated, date(s.r.Date)},
	} {
		s.f.SetXY(marginX, y)
		s.font("", 9)
		w := max(22, s.f.GetStringWidth(encode(typographic(kv[0])))+2)
		s.cell(w, 5, kv[0], "L")
		s.font("B", 9)
		s.cell(85-w, 5, kv[1], "L")
		y += 5
	}
}

// window: the tenants and the dwelling's address, where a window envelope
// shows them (as on the notice).
func (s *receiptSheet) window() {
	lines := addressLines(s.r.Tenants, s.r.Address)
	h := windowH / windowLines
	y := windowY + (windowH-h*float64(len(lines)))/2
	s.font("", 10)
	for _, line := range lines {
		s.f.SetXY(windowX, y)
		s.cell(windowW, h, line, "L")
		y += h
	}
}

// statement: what the landlord declares, in words.
func (s *receiptSheet) statement() {
	r := s.r
	from, them := de(names(r.Tenants)), "lui"
	switch {
	case len(r.Tenants) == 0:
		from = "de son locataire"
	case len(r.Tenants) > 1:
		them = "leur"
	}
	var parts []string
	for _, x := range []string{r.Address.Street, r.Address.Complement, r.Address.PostalCode + " " + r.Address.City} {
		if x = strings.TrimSpace(x); x != "" {
			parts = append(parts, x)
		}
	}
	where := strings.Join(parts, ", ")
	span := spanWords(r.Period)
	s.font("", 10)
	if r.Kind == document.RentReceipt {
		s.para(5, r.Landlord.Name+", bailleur, déclare avoir reçu "+from+" la somme de "+euros(r.PaidCents)+
			" au titre du loyer et des charges du logement situé "+where+", et "+them+" en donne quittance, sous réserve de tous ses droits, pour la période "+span+".")
		return
	}
	s.para(5, r.Landlord.Name+", bailleur, déclare avoir reçu "+from+" la somme de "+euros(r.PaidCents)+
		" à valoir sur le loyer et les charges du logement situé "+where+" pour la période "+span+", sur "+euros(r.DueCents)+" dus.")
	s.y += 1
	s.font("B", 10)
	s.para(5, "Ce reçu n’est pas une quittance\u202F: il reste "+euros(r.DueCents-r.PaidCents)+" à payer pour cette période.")
}

// table draws a heading row and returns a function that draws a row of
// cells of the widths given (the last ones right-aligned amounts).
func (s *receiptSheet) table(heads []string, widths []float64, rowH float64) func(style string, cells ...string) {
	s.f.SetFillColor(235, 235, 235)
	s.f.Rect(marginX, s.y, textW, 7, "F")
	row := func(style string, h float64, cells ...string) {
		x := marginX
		s.font(style, 9)
		for i, c := range cells {
			if c == "" && i > 0 {
				x += widths[i]
				continue
			}
			// A label spans the empty cells after it (a total's row).
			w := widths[i]
			for j := i + 1; i == 0 && j < len(cells) && cells[j] == ""; j++ {
				w += widths[j]
			}
			s.f.SetXY(x, s.y)
			align := "L"
			if i >= 2 {
				align = "R"
			}
			if align == "L" {
				c = s.fit(c, w-2)
			}
			s.cell(w, h, c, align)
			x += widths[i]
		}
		s.y += h
	}
	row("B", 7, heads...)
	s.y += 1
	return func(style string, cells ...string) { row(style, rowH, cells...) }
}

// fit cuts text with "…" to fit w at the current font.
func (s *receiptSheet) fit(text string, w float64) string {
	if s.f.GetStringWidth(encode(typographic(text))) <= w {
		return text
	}
	r := []rune(text)
	for len(r) > 1 && s.f.GetStringWidth(encode(typographic(string(r)+"…"))) > w {
		r = r[:len(r)-1]
	}
	return strings.TrimSpace(string(r)) + "…"
}

func (s *receiptSheet) rule() {
	s.f.SetDrawColor(150, 150, 150)
	s.f.SetLineWidth(0.2)
	s.f.Line(marginX, s.y, marginX+textW, s.y)
}

// dues: the month's debits, rent and charges apart.
func (s *receiptSheet) dues() {
	r := s.r
	rowH := 5.5
	if n := len(r.Lines); n > 6 {
		rowH = max(3.6, 33/float64(n))
	}
	row := s.table([]string{"Sommes dues pour la période", "Date", "Montant"}, []float64{textW - 25 - amountW, 25, amountW}, rowH)
	for _, x := range r.Lines {
		label := x.Label
		switch x.Kind {
		case receipt.SettlementLine:
			// The ERP's label often says it already.
			if !strings.HasPrefix(strings.ToLower(strings.TrimSpace(label)), "régularisation") {
				label = "Régularisation des charges — " + x.Label
			}
		case receipt.UndividedLine:
			label = x.Label + " (loyer et charges)"
		}
		row("", label, date(x.Date), euros(x.AmountCents))
	}
	s.rule()
	s.y += 0.5
	// The rows below add up to the total; the rent and charges rows are
	// left out when they would only repeat a rent line and a charges line
	// just above.
	if !plainSplit(r) {
		row("", "Dont loyer", "", euros(r.RentCents))
		row("", "Dont charges (provisions et régularisations)", "", euros(r.ChargesCents))
	}
	if r.OtherCents != 0 {
		label := "Dont autres sommes"
		if r.Undivided {
			label = "Dont sommes non réparties entre loyer et charges"
		}
		row("", label, "", euros(r.OtherCents))
	}
	if r.NoticeHousingBenefitCents != 0 {
		row("", "Dont aide au logement (APL) déduite de l’avis", "", euros(-r.NoticeHousingBenefitCents))
	}
	row("B", "Total dû pour la période", "", euros(r.DueCents))
}

// plainSplit reports whether the dues are one rent line and one charges
// line at most, nothing else: "Dont loyer" and "Dont charges" would repeat
// them.
func plainSplit(r receipt.Receipt) bool {
	if r.OtherCents != 0 || r.NoticeHousingBenefitCents != 0 || r.Undivided {
		return false
	}
	seen := map[receipt.LineKind]bool{}
	for _, x := range r.Lines {
		if (x.Kind != receipt.RentLine && x.Kind != receipt.ChargesLine) || seen[x.Kind] {
			return false
		}
		seen[x.Kind] = true
	}
	return true
}

// payments: each payment imputed to the month, with its date and the part
// imputed, the housing benefit named as such.
func (s *receiptSheet) payments() {
	r := s.r
	rowH := 5.5
	if n := len(r.Payments); n > 5 {
		rowH = max(3.6, 28/float64(n))
	}
	w := []float64{textW - 25 - 2*35, 25, 35, 35}
	row := s.table([]string{"Paiements imputés à la période", "Date", "Montant reçu", "Imputé ici"}, w, rowH)
	for _, p := range r.Payments {
		label := p.Label
		if p.HousingBenefit {
			label = "Aide au logement\u202F: " + p.Label
		}
		row("", label, date(p.Date), euros(p.AmountCents), euros(p.ImputedCents))
	}
	s.rule()
	s.y += 0.5
	if paid := r.HousingBenefitCents - r.NoticeHousingBenefitCents; paid > 0 {
		row("", "Dont aide au logement (APL) versée par la CAF", "", "", euros(paid))
	}
	row("B", "Total payé pour la période", "", "", euros(r.PaidCents))
	if r.DueCents > r.PaidCents {
		row("B", "Reste à payer pour la période", "", "", euros(r.DueCents-r.PaidCents))
	}
}

// notes: the oldest-first rule's consequence, and an undivided notice.
func (s *receiptSheet) notes() {
	r := s.r
	s.y += 3
	s.font("", 9)
	gap := func() { s.y += 1 }
	for _, e := range r.Earlier {
		s.para(4.4, "Votre paiement de "+euros(e.AmountCents)+" du "+date(e.Date)+" a d’abord réglé "+euros(e.PartCents)+
			" restant dus sur "+periodWords(e.Period)+" (article 1342-10 du Code civil).")
		gap()
	}
	if len(r.Earlier) > 0 || r.Kind == document.PaymentReceipt {
		s.para(4.4, "Sauf indication contraire de votre part au moment du paiement, un paiement règle d’abord les sommes dues les plus anciennes (article 1342-10 du Code civil)\u202F; il en va de même de l’aide au logement versée par la CAF.")
		gap()
	}
	if r.Undivided {
		s.para(4.4, "La répartition entre loyer et charges de l’avis de cette période n’est pas connue\u202F: le montant est indiqué en une seule ligne.")
		gap()
	}
	if r.Kind == document.RentReceipt {
		s.para(4.4, "Période entièrement payée le "+date(r.Date)+".")
	}
}

// footer: the law, and where to find the receipts.
func (s *receiptSheet) footer() {
	f := s.f
	f.SetDrawColor(150, 150, 150)
	f.SetLineWidth(0.2)
	f.Line(marginX, footerY, marginX+textW, footerY)
	s.y = footerY + 2
	if s.r.Kind == document.PaymentReceipt {
		s.font("B", 8.5)
		s.para(4.2, "Ce reçu n’est pas une quittance.")
	}
	s.font("", 8.5)
	s.para(4.2, "Document délivré gratuitement, à votre demande, d’après votre compte locataire tenu par "+s.r.Landlord.Name+
		" (loi du 6 juillet 1989, article 21). Une quittance n’est délivrée que pour une période dont le loyer et les charges sont entièrement payés.")
	where := "votre espace locataire"
	if s.portal != "" {
		where += " " + s.portal
	}
	ask := "Retrouvez vos quittances et reçus dans «\u202FMes documents\u202F» sur " + where + "."
	if ph := s.r.Landlord.Phone; ph != "" {
		ask += " Une question\u202F? Appelez le " + ph + "."
	}
	s.para(4.2, ask)
}

// spanWords writes a month's days as "du 1er au 30 novembre 2026".
func spanWords(p notice.Period) string {
	return "du 1er au " + strconv.Itoa(p.Last().Day) + " " + periodWords(p)
}
