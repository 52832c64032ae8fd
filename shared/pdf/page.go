package pdf

import (
	"strings"

	"codeberg.org/go-pdf/fpdf"

	"github.com/citejardins/extranet/shared/notice"
	"github.com/citejardins/extranet/shared/tenancy"
)

// Page geometry, in millimetres from the page's top left corner (A4,
// 210 × 297).
const (
	marginX = 20.0
	textW   = 210 - 2*marginX

	// The recipient's block sits where a DL envelope (110 × 220 mm) with
	// its window on the right shows it once the page is folded in three:
	// 110 mm from the left edge, 55 mm from the top, 85 × 33 mm, as French
	// mailing guides place it for window envelopes (edics.fr, "Rédiger vos
	// adresses : les bonnes pratiques"). That frame lies inside the usual
	// DL window (100 × 45 mm, 20 mm from the envelope's right edge and 15 mm
	// from its bottom, i.e. 95–195 mm across and 50–95 mm down a centred
	// A4) with a few millimetres of play. At most six lines (AFNOR XP
	// Z10-011, La Poste's address rules), the last "code postal LOCALITÉ".
	windowX, windowY = 110.0, 55.0
	windowW, windowH = 85.0, 33.0
	windowLines      = 6

	// The first fold of a page folded in three, under which the notice's
	// body starts so that nothing of it shows through the window.
	foldY = 99.0

	amountW = 45.0 // the amounts' column

	footerY = 262.0 // the footer's rule
)

// page draws one notice on the current page of f.
type page struct {
	f      *fpdf.Fpdf
	n      notice.Notice
	portal string
	// typo prints the ERP's apostrophes as typographic ones (the
	// documents made on request; the notices print what the ERP sent).
	typo bool
}

// text is s in the font's encoding, with typographic apostrophes when p.typo.
func (p *page) text(s string) string {
	if p.typo {
		s = typographic(s)
	}
	return encode(s)
}

func (p *page) font(style string, size float64) { p.f.SetFont(family, style, size) }

// text writes s (UTF-8) in a cell of width w at the current position.
func (p *page) cell(w, h float64, s, align string) {
	p.f.CellFormat(w, h, p.text(s), "", 0, align, false, 0, "")
}

// para writes s as a paragraph of textW, wrapped, then moves below it.
func (p *page) para(h float64, s string) {
	p.f.SetX(marginX)
	p.f.MultiCell(textW, h, p.text(s), "", "L", false)
}

func (p *page) draw() {
	p.f.SetTextColor(0, 0, 0)
	p.header()
	p.window()
	p.title()
	pay := p.payment()
	// The table's rows share what how to pay leaves above the footer.
	y := p.lines(122, footerY-2-8-7-p.height(pay))
	p.howToPay(y+8, pay)
	p.footer()
}

// header: the landlord, top left, and the notice's keys under it.
func (p *page) header() {
	y := max(p.letterhead(p.n.Landlord)+6, 55)
	for _, kv := range [][2]string{
		{"Référence", notice.PrintedReference(p.n.Reference)},
		{"Date d’émission", date(p.n.IssueDate)},
		{"Date d’échéance", date(p.n.DueDate)},
	} {
		p.f.SetXY(marginX, y)
		p.font("", 9)
		p.cell(32, 5, kv[0]+"\u202F:", "L")
		p.font("B", 9)
		p.cell(50, 5, kv[1], "L")
		y += 5
	}
}

// window: the recipients and the dwelling's address, for the envelope's
// window.
func (p *page) window() { p.recipients(p.n.Recipients, p.n.Address) }

// fit sets the regular font at size, smaller (down to 8 pt) if s would not
// fit in w, and returns s, cut with "…" if it still does not fit.
func (p *page) fit(s string, size, w float64) string {
	return p.fitKeeping(s, "", size, 8, w)
}

// fitKeeping sets the regular font at size, smaller (down to floor) if
// s+suffix would not fit in w, and returns s+suffix, s cut with "…" if it
// still does not fit: the suffix (" — en votre faveur") is never cut.
func (p *page) fitKeeping(s, suffix string, size, floor, w float64) string {
	width := func(s string) float64 { return p.f.GetStringWidth(encode(s)) }
	for p.font("", size); size > floor && width(s+suffix) > w; {
		size = max(floor, size-0.5)
		p.font("", size)
	}
	if width(s+suffix) <= w {
		return s + suffix
	}
	r := []rune(s)
	for len(r) > 1 && width(string(r)+"…"+suffix) > w {
		r = r[:len(r)-1]
	}
	return strings.TrimSpace(string(r)) + "…" + suffix
}

// addressLines are the window's lines, at most six, as La Poste orders
// them: names, complement (building, staircase, flat), street, then
// "code postal LOCALITÉ" in capitals.
func addressLines(recipients []string, a tenancy.Address) []string {
	var tail []string
	if c := strings.TrimSpace(a.Complement); c != "" {
		tail = append(tail, c)
	}
	tail = append(tail, strings.TrimSpace(a.Street), strings.TrimSpace(a.PostalCode+" "+strings.ToUpper(a.City)))
	names := recipients
	if room := windowLines - len(tail); len(names) > room {
		// Join the ones that do not fit on the last name line.
		names = append(append([]string(nil), names[:room-1]...), strings.Join(names[room-1:], ", "))
	}
	return append(append([]string(nil), names...), tail...)
}

func (p *page) title() {
	p.f.SetXY(marginX, foldY+3)
	p.font("B", 16)
	p.cell(textW, 8, "Avis d’échéance — "+periodWords(p.n.Period), "L")
	p.f.SetXY(marginX, foldY+11)
	p.font("", 9)
	p.cell(textW, 5, "Loyer et charges du "+date(p.n.Period.First())+" au "+date(p.n.Period.Last())+
		". Cet avis n’est pas une quittance.", "L")
}

// lines draws the table from y: each line, the period's total, the
// previous balance and the amount to pay, ending above bottom if it can.
// It returns the y under it.
func (p *page) lines(y, bottom float64) float64 {
	f := p.f
	row := func(label, amount, style string, h float64) {
		f.SetXY(marginX, y)
		p.font(style, 10)
		p.cell(textW-amountW, h, label, "L")
		p.cell(amountW, h, amount, "R")
		y += h
	}
	rule := func() {
		f.SetDrawColor(150, 150, 150)
		f.SetLineWidth(0.2)
		f.Line(marginX, y, marginX+textW, y)
	}
	f.SetFillColor(235, 235, 235)
	f.Rect(marginX, y, textW, 7, "F")
	f.SetXY(marginX, y)
	p.font("B", 10)
	p.cell(textW-amountW, 7, "Détail de la période", "L")
	p.cell(amountW, 7, "Montant", "R")
	y += 8
	// Rows shrink when the ERP sends many lines, so that the page still
	// holds how to pay above the footer.
	// Rows are 6 mm high, less when the ERP sends more lines than the page
	// holds above how to pay, down to 3.4 mm (7.5 pt): fifteen lines fit
	// with the longest way to pay (direct debit); more run into the footer.
	rest := 8 + 1 + 6 + 2 + 6 + 3 + 13.0 // header, total, balance, amount to pay
	if p.n.PreviousBalanceCents+p.n.PeriodCents < 0 {
		rest += payLineH // the carried credit's sentence
	}
	rowH := 6.0
	if k := float64(len(p.n.Lines)); k > 0 && y+rest+k*rowH > bottom {
		rowH = max(3.4, (bottom-y-rest)/k)
	}
	for _, l := range p.n.Lines {
		suffix := ""
		if l.AmountCents < 0 {
			suffix = " — en votre faveur"
		}
		// An ERP label has up to 100 characters (erp.MaxLabel): it shrinks
		// to 7 pt, then is cut, so that it never runs into the amount (the
		// cell keeps 1 mm of margin each side).
		size := min(10, rowH/0.45)
		label := p.fitKeeping(l.Label, suffix, size, min(size, 7), textW-amountW-2*p.f.GetCellMargin())
		f.SetXY(marginX, y)
		p.cell(textW-amountW, rowH, label, "L")
		p.font("", size)
		p.cell(amountW, rowH, euros(l.AmountCents), "R")
		y += rowH
	}
	rule()
	y += 1
	row("Total de la période", euros(p.n.PeriodCents), "B", 6)
	y += 2
	// The balance is the account as the run read it on the issue date,
	// without what is dated in the period or after: it is the balance at
	// the issue date, or on the eve of the period for a notice issued late.
	known := tenancy.DateOf(p.n.Period.First().Time().AddDate(0, 0, -1))
	if p.n.IssueDate.Before(known) {
		known = p.n.IssueDate
	}
	prev := "Solde de votre compte au " + date(known)
	switch b := p.n.PreviousBalanceCents; {
	case b > 0:
		row(prev+"\u202F: reste dû", euros(b), "", 6)
	case b < 0:
		row(prev+"\u202F: crédit en votre faveur", euros(b), "", 6)
	default:
		row(prev+"\u202F: aucune somme due", euros(0), "", 6)
	}
	y += 3
	f.SetLineWidth(0.5)
	f.SetDrawColor(0, 0, 0)
	f.Rect(marginX, y, textW, 11, "D")
	f.SetXY(marginX+3, y)
	p.font("B", 12)
	label := "Montant à payer avant le " + date(p.n.DueDate)
	if dd := p.n.DirectDebit; dd != nil && dd.AmountCents > 0 {
		// Debited: the tenant pays nothing before a day, the bank
		// debits on the pre-notified one (which may be after the due
		// date: 14 days after the notice's issue at least).
		label = "Montant prélevé le " + date(dd.Date)
	}
	p.cell(textW-amountW-3, 11, label, "L")
	p.cell(amountW-3, 11, euros(p.n.AmountDueCents), "R")
	y += 13
	if rest := p.n.PreviousBalanceCents + p.n.PeriodCents; rest < 0 {
		f.SetXY(marginX, y)
		p.font("", 9)
		p.para(payLineH, "Rien à payer ce mois-ci\u202F: votre crédit restant de "+euros(-rest)+" sera reporté sur votre prochain avis.")
		y = f.GetY()
	}
	return y
}

// text is a paragraph of how to pay.
type text struct {
	bold bool
	s    string
}

const (
	payLineH = 4.8 // mm, 9.5 pt
	payGap   = 1.5 // between two ways to pay
)

// payment is how to pay, as paragraphs, for the lease's payment method; a
// nil text separates two ways to pay.
func (p *page) payment() []*text {
	n := p.n
	ref := notice.PrintedReference(n.Reference)
	if dd := n.DirectDebit; dd != nil && dd.RUM != "" {
		// A mandate signed in the portal: debited whatever the ERP's method
		// still says.
		return p.directDebit()
	}
	switch n.PaymentMethod {
	case tenancy.DirectDebit:
		return p.directDebit()
	case tenancy.Transfer:
		return p.transfer(ref)
	case tenancy.Cheque:
		return p.cheque(ref)
	case tenancy.Card, tenancy.TIP:
		portal := "votre espace locataire"
		if p.portal != "" {
			portal += " (" + p.portal + ")"
		}
		return []*text{{s: "Payez par carte bancaire, en ligne, sur " + portal + ", en indiquant votre référence " + ref + "."}}
	case tenancy.Cash:
		return []*text{{s: "Payez à l’accueil de votre agence en présentant cet avis (référence " + ref + ")."}}
	}
	return append(append(p.transfer(ref), nil), p.cheque(ref)...)
}

// height is the height the paragraphs take, wrapped to textW.
func (p *page) height(ts []*text) float64 {
	h := 0.0
	for _, t := range ts {
		if t == nil {
			h += payGap
			continue
		}
		p.font(style(t.bold), 9.5)
		h += payLineH * float64(p.lineCount(encode(t.s), textW-2)) // MultiCell keeps 1 mm each side
	}
	return h
}

// lineCount is the number of lines MultiCell wraps the encoded s to in w,
// breaking at spaces. (fpdf's SplitText reads its text as UTF-8, not in
// the font's single-byte encoding.)
func (p *page) lineCount(s string, w float64) int {
	n, line := 1, ""
	for _, word := range strings.Split(s, " ") {
		next := word
		if line != "" {
			next = line + " " + word
		}
		if line != "" && p.f.GetStringWidth(next) > w {
			n++
			next = word
		}
		line = next
	}
	return n
}

func style(bold bool) string {
	if bold {
		return "B"
	}
	return ""
}

// howToPay draws the paragraphs from y under their heading.
func (p *page) howToPay(y float64, ts []*text) {
	f := p.f
	f.SetXY(marginX, y)
	p.font("B", 11)
	p.cell(textW, 6, "Comment payer", "L")
	f.SetY(y + 7)
	for _, t := range ts {
		if t == nil {
			f.Ln(payGap)
			continue
		}
		p.font(style(t.bold), 9.5)
		p.para(payLineH, t.s)
	}
}

func (p *page) directDebit() []*text {
	n, l := p.n, p.n.Landlord
	dd := n.DirectDebit
	if dd == nil {
		dd = &notice.DirectDebit{Date: n.DueDate, AmountCents: n.AmountDueCents}
	}
	ts := []*text{{bold: true, s: "Prélèvement automatique SEPA\u202F: avis de prélèvement"}}
	if dd.AmountCents > 0 {
		ts = append(ts, &text{s: "Vous n’avez rien à faire\u202F: la somme de " + euros(dd.AmountCents) + " sera prélevée le " + date(dd.Date) +
			" sur le compte de votre mandat de prélèvement. Veillez à ce qu’il soit approvisionné à cette date."})
	} else {
		ts = append(ts, &text{s: "Aucun prélèvement ne sera fait ce mois-ci\u202F: il n’y a rien à payer."})
	}
	rum, ics := dd.RUM, l.ICS
	if dd.ICS != "" {
		ics = dd.ICS
	}
	if dd.RUM != "" && dd.AmountCents > 0 {
		// The pre-notification in one line (EPC SEPA Core rulebook PT-04.03:
		// date, amount, mandate and creditor).
		ts = append(ts, &text{bold: true, s: "Prélèvement le " + date(dd.Date) + " de " + euros(dd.AmountCents) +
			" — RUM " + dd.RUM + " — ICS " + ics})
	}
	if rum == "" {
		rum = "communiquée à la mise en place du mandat"
	}
	if ics == "" {
		ics = "communiqué à la mise en place du mandat"
	}
	return append(ts, &text{s: "Référence unique du mandat (RUM)\u202F: " + rum}, &text{s: "Identifiant créancier SEPA (ICS)\u202F: " + ics})
}

func (p *page) transfer(ref string) []*text {
	l := p.n.Landlord
	if l.IBAN == "" {
		return []*text{{s: "Par virement\u202F: demandez nos coordonnées bancaires" + phoneSuffix(l.Phone) + ", et indiquez votre référence " + ref + " dans le libellé."}}
	}
	iban := "IBAN\u202F: " + groups(l.IBAN)
	if l.BIC != "" {
		iban += "    BIC\u202F: " + l.BIC
	}
	return []*text{
		{s: "Par virement, au bénéficiaire " + l.Name + "\u202F:"},
		{bold: true, s: iban},
		{s: "Dans le libellé du virement, écrivez votre référence " + ref + "\u202F: sans elle, votre paiement ne peut pas être rattaché à votre compte."},
	}
}

func (p *page) cheque(ref string) []*text {
	l := p.n.Landlord
	to := l.Name
	if len(l.AddressLines) > 0 {
		to += ", " + strings.Join(l.AddressLines, ", ")
	}
	return []*text{{s: "Par chèque à l’ordre de " + l.Name + ", avec votre référence " + ref + " écrite au dos, envoyé à\u202F: " + to + "."}}
}

func phoneSuffix(phone string) string {
	if phone == "" {
		return " à votre agence"
	}
	return " au " + phone
}

// groups writes an IBAN in groups of four characters, as printed on a RIB.
func groups(iban string) string {
	s := strings.ToUpper(strings.ReplaceAll(iban, " ", ""))
	var b strings.Builder
	for i, r := range s {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// footer: what the notice is not, and where to find it and ask.
func (p *page) footer() {
	f := p.f
	f.SetDrawColor(150, 150, 150)
	f.SetLineWidth(0.2)
	f.Line(marginX, footerY, marginX+textW, footerY)
	f.SetXY(marginX, footerY+2)
	p.font("B", 8.5)
	p.para(4.2, "Cet avis n’est pas une quittance.")
	p.font("", 8.5)
	p.para(4.2, "Une quittance vous est remise gratuitement, sur demande, une fois le loyer et les charges payés "+
		"(loi du 6 juillet 1989, article 21).")
	where := "votre espace locataire"
	if p.portal != "" {
		where += " " + p.portal
	}
	ask := "Retrouvez vos avis dans «\u202FMes documents\u202F» sur " + where + "."
	if ph := p.n.Landlord.Phone; ph != "" {
		ask += " Une question\u202F? Appelez le " + ph + "."
	}
	p.para(4.2, ask)
}
