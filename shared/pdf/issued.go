package pdf

import (
	"bytes"
	"fmt"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"github.com/citejardins/extranet/shared/notice"
	"github.com/citejardins/extranet/shared/tenancy"
)

// Drawing shared by the documents made on request (the statement, the
// tenancy certificate): the notice's page, font and letterhead, on a
// document whose bytes depend only on what it states.

// newDocument starts an A4 document with the notice's fonts and margins,
// dated at (its creation and modification dates, so that the same input
// gives the same bytes), its catalogue sorted.
func newDocument(title, author string, at tenancy.Date) *fpdf.Fpdf {
	f := fpdf.New("P", "mm", "A4", "")
	t := time.Date(at.Year, at.Month, at.Day, 0, 0, 0, 0, time.UTC)
	f.SetCreationDate(t)
	f.SetModificationDate(t)
	f.SetCatalogSort(true)
	f.SetCompression(false) // compressPages does it, as for the notices
	f.SetTitle(title, true)
	f.SetAuthor(author, true)
	f.SetLang("fr-FR")
	f.SetMargins(marginX, 15, marginX)
	f.SetAutoPageBreak(false, 0)
	for _, fc := range fonts.faces {
		f.AddFontFromBytes(family, fc.style, fc.json, fc.data)
	}
	return f
}

// finish writes the document and compresses its pages.
func finish(f *fpdf.Fpdf, what string) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(40 << 10)
	if err := f.Output(&buf); err != nil {
		return nil, fmt.Errorf("render %s: %w", what, err)
	}
	return compressPages(buf.Bytes())
}

// letterhead draws the landlord at the top left, as on a notice, and
// returns the y under it.
func (p *page) letterhead(l notice.Landlord) float64 {
	p.f.SetXY(marginX, 15)
	p.font("B", 12)
	p.cell(85, 6, l.Name, "L")
	p.font("", 9)
	y := 21.0
	for _, a := range l.AddressLines {
		p.f.SetXY(marginX, y)
		p.cell(85, 4.2, a, "L")
		y += 4.2
	}
	if l.Phone != "" {
		p.f.SetXY(marginX, y)
		p.cell(85, 4.2, "Tél. "+l.Phone, "L")
		y += 4.2
	}
	return y
}

// recipients draws the tenants and the dwelling's address where a window
// envelope shows them, as on a notice.
func (p *page) recipients(names []string, a tenancy.Address) {
	lines := addressLines(names, a)
	h := windowH / windowLines
	y := windowY + (windowH-h*float64(len(lines)))/2
	for _, s := range lines {
		p.f.SetXY(windowX, y)
		p.cell(windowW, h, p.fit(s, 10, windowW), "L")
		y += h
	}
}

// keys draws label: value pairs from y, the values bold, and returns the y
// under them.
func (p *page) keys(y float64, kvs [][2]string) float64 {
	for _, kv := range kvs {
		p.f.SetXY(marginX, y)
		p.font("", 9)
		p.cell(32, 5, kv[0]+"\u202F:", "L")
		p.font("B", 9)
		p.cell(55, 5, p.fitBold(kv[1], 9, 55), "L")
		y += 5
	}
	return y
}

// fitBold is fit for bold text: s cut with "…" if it does not fit in w at
// size.
func (p *page) fitBold(s string, size, w float64) string {
	p.font("B", size)
	if p.f.GetStringWidth(encode(s)) <= w-2 {
		return s
	}
	r := []rune(s)
	for len(r) > 1 && p.f.GetStringWidth(encode(string(r)+"…")) > w-2 {
		r = r[:len(r)-1]
	}
	return string(r) + "…"
}

// rule draws a grey hairline across the text at y.
func (p *page) rule(y float64) {
	p.f.SetDrawColor(150, 150, 150)
	p.f.SetLineWidth(0.2)
	p.f.Line(marginX, y, marginX+textW, y)
}

// dwellingWords names the dwelling for a header: "T2, 4 allée des
// Tilleuls".
func dwellingWords(typ string, a tenancy.Address) string {
	s := a.Street
	if typ != "" {
		s = typ + ", " + s
	}
	return s
}
