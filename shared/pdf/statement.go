package pdf

import (
	"errors"
	"strconv"

	"github.com/citejardins/extranet/shared/notice"
	"github.com/citejardins/extranet/shared/statement"
)

var _ statement.Renderer = (*Renderer)(nil)

// The statement's table: date, label, debit, credit, balance after the
// line (mm, textW in all).
const (
	colDate    = 22.0
	colAmount  = 26.0
	colBalance = 28.0
	colLabel   = textW - colDate - 2*colAmount - colBalance

	stmtRowH   = 5.5
	stmtBottom = footerY - 14 // room under the last row for the closing balance
)

// RenderStatement returns the account statement as an A4 PDF: the
// landlord, the tenants and the dwelling, the period, the balance at its
// start, one row per line oldest first with the balance after it, and the
// balance at its end, on as many pages as the lines need, each page
// repeating the table's header and numbered "page n / N". The same
// statement gives the same bytes (dated st.Made). It fails for a statement
// without its dates.
func (r *Renderer) RenderStatement(st statement.Statement) ([]byte, error) {
	if st.From.IsZero() || st.To.IsZero() || st.Made.IsZero() {
		return nil, errors.New("statement: from, to and made are required")
	}
	title := "Relevé de compte du " + date(st.From) + " au " + date(st.To)
	f := newDocument(title, st.Landlord.Name, st.Made)
	f.AliasNbPages("")
	p := &page{f: f, portal: r.PortalURL}
	ref := notice.PrintedReference(st.Reference)
	f.SetFooterFunc(func() { p.statementFooter(st) })

	f.AddPage()
	p.f.SetTextColor(0, 0, 0)
	y := p.letterhead(st.Landlord)
	p.recipients(st.Names, st.Address)
	y = p.keys(max(y+6, 55), [][2]string{
		{"Référence", ref},
		{"Logement", dwellingWords(st.DwellingType, st.Address)},
		{"Établi le", date(st.Made)},
	})
	p.f.SetXY(marginX, foldY+3)
	p.font("B", 16)
	p.cell(textW, 8, "Relevé de compte", "L")
	p.f.SetXY(marginX, foldY+11)
	p.font("", 10)
	p.cell(textW, 5, "Opérations du "+date(st.From)+" au "+date(st.To)+", de la plus ancienne à la plus récente.", "L")
	y = foldY + 19
	y = p.balanceRow(y, "Solde au début de la période", st.OpeningCents)
	y += 2
	y = p.tableHeader(y)
	if len(st.Lines) == 0 {
		p.f.SetXY(marginX, y)
		p.font("", 9)
		p.cell(textW, stmtRowH, "Aucune opération sur cette période.", "L")
		y += stmtRowH
	}
	for i, e := range st.Lines {
		if y+stmtRowH > stmtBottom {
			f.AddPage()
			y = p.continuation(st, ref)
			y = p.tableHeader(y)
		}
		if i%2 == 1 {
			f.SetFillColor(245, 245, 245)
			f.Rect(marginX, y, textW, stmtRowH, "F")
		}
		f.SetXY(marginX, y)
		p.font("", 9)
		p.cell(colDate, stmtRowH, date(e.Date), "L")
		label := p.fitKeeping(e.Label, "", 9, 7, colLabel-2*f.GetCellMargin())
		p.cell(colLabel, stmtRowH, label, "L")
		p.font("", 9)
		p.cell(colAmount, stmtRowH, amountOrBlank(e.DebitCents), "R")
		p.cell(colAmount, stmtRowH, amountOrBlank(e.CreditCents), "R")
		p.cell(colBalance, stmtRowH, euros(e.BalanceAfterCents), "R")
		y += stmtRowH
	}
	p.rule(y)
	y += 1
	if y+8 > footerY-2 {
		f.AddPage()
		y = p.continuation(st, ref)
	}
	f.SetLineWidth(0.5)
	f.SetDrawColor(0, 0, 0)
	f.Rect(marginX, y, textW, 8, "D")
	f.SetXY(marginX+2, y)
	p.font("B", 10)
	p.cell(textW-colBalance-2, 8, "Solde au "+date(st.To)+balanceWords(st.ClosingCents), "L")
	p.cell(colBalance-2, 8, euros(st.ClosingCents), "R")
	return finish(f, "statement")
}

// balanceRow is a row with a balance and what it means, from y.
func (p *page) balanceRow(y float64, label string, cents int64) float64 {
	p.f.SetXY(marginX, y)
	p.font("", 10)
	p.cell(textW-colBalance, 6, label+balanceWords(cents), "L")
	p.font("B", 10)
	p.cell(colBalance, 6, euros(cents), "R")
	return y + 6
}

// balanceWords says what a balance means for the tenant.
func balanceWords(cents int64) string {
	switch {
	case cents > 0:
		return "\u202F: reste dû"
	case cents < 0:
		return "\u202F: crédit en votre faveur"
	}
	return "\u202F: aucune somme due"
}

func amountOrBlank(cents int64) string {
	if cents == 0 {
		return ""
	}
	return euros(cents)
}

// tableHeader draws the columns' header from y and returns the y under it.
func (p *page) tableHeader(y float64) float64 {
	f := p.f
	f.SetFillColor(235, 235, 235)
	f.Rect(marginX, y, textW, 7, "F")
	f.SetXY(marginX, y)
	p.font("B", 9)
	p.cell(colDate, 7, "Date", "L")
	p.cell(colLabel, 7, "Opération", "L")
	p.cell(colAmount, 7, "Débit", "R")
	p.cell(colAmount, 7, "Crédit", "R")
	p.cell(colBalance, 7, "Solde", "R")
	return y + 8
}

// continuation heads a page after the first: who, which lease, which
// period; it returns the y under it.
func (p *page) continuation(st statement.Statement, ref string) float64 {
	p.f.SetTextColor(0, 0, 0)
	p.f.SetXY(marginX, 15)
	p.font("B", 10)
	p.cell(textW, 5, "Relevé de compte — "+st.Landlord.Name, "L")
	p.f.SetXY(marginX, 20)
	p.font("", 9)
	p.cell(textW, 5, "Référence "+ref+" — du "+date(st.From)+" au "+date(st.To)+" (suite)", "L")
	return 29
}

// statementFooter: what the statement is, and the page number.
func (p *page) statementFooter(st statement.Statement) {
	f := p.f
	p.rule(footerY)
	f.SetXY(marginX, footerY+2)
	p.font("", 8)
	p.para(3.8, "Solde\u202F: un montant positif est une somme due, un montant précédé de «\u202F"+minus+"\u202F» un crédit en votre faveur. "+
		"Relevé établi le "+date(st.Made)+" d’après la comptabilité de "+st.Landlord.Name+". Ce relevé n’est pas une quittance.")
	f.SetXY(marginX, 285)
	p.font("", 8)
	p.cell(textW, 4, "Page "+strconv.Itoa(f.PageNo())+" / {nb}", "R")
}
