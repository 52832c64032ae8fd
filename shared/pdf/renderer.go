// Package pdf draws the monthly rent notice (notice.Notice) as an A4 PDF
// page in French, with codeberg.org/go-pdf/fpdf. It is the adapter behind
// the notice.Renderer port.
//
// The font is DejaVu Sans, regular and bold, cut once by internal/mkfont
// to a single-byte encoding (Windows-1252 with the minus sign and the
// narrow no-break space) and stripped of its hinting: 16 KB per face,
// embedded in the binary and copied as it is into each PDF. fpdf cannot
// share a parsed font between documents (its font table is per document
// and unexported), and its UTF-8 fonts are parsed and subset again for
// each document (about 10 ms a notice on the bench machine); this way no
// TrueType file is parsed at run time, and a document only decodes the two
// faces' metrics (fpdf's JSON, 1.4 KB each). A notice is about 37 KB.
package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"github.com/citejardins/extranet/shared/notice"
	"github.com/citejardins/extranet/shared/tenancy"
)

var _ notice.Renderer = (*Renderer)(nil)

// Renderer renders notices. The zero value is ready to use; it holds no
// state between documents and is safe for concurrent use.
type Renderer struct {
	// PortalURL is the tenant portal's address (setting PUBLIC_URL),
	// printed where a notice sends the tenant online (card payment, Mes
	// documents). Empty prints "votre espace locataire" without an address.
	PortalURL string
}

// ErrEmptyBatch is returned by RenderBatch for no notices: a PDF needs a page.
var ErrEmptyBatch = errors.New("no notice to render")

// Render returns the notice as a one-page A4 PDF. The same notice gives the
// same bytes: the document's dates are the notice's IssueDate and nothing
// random is written. It fails for a notice without a period, issue date or
// due date.
func (r *Renderer) Render(n notice.Notice) ([]byte, error) {
	return r.render([]notice.Notice{n}, "Avis d’échéance "+periodWords(n.Period))
}

// RenderBatch returns the notices as one PDF, one page each in the order
// given (the print batch, in postal order), the fonts embedded once. It
// fails with ErrEmptyBatch for no notices and as Render for a bad one.
func (r *Renderer) RenderBatch(ns []notice.Notice) ([]byte, error) {
	if len(ns) == 0 {
		return nil, ErrEmptyBatch
	}
	return r.render(ns, "Avis d’échéance à imprimer")
}

func (r *Renderer) render(ns []notice.Notice, title string) ([]byte, error) {
	doc, err := r.write(ns, title, false)
	if err != nil {
		return nil, err
	}
	return compressPages(doc) // compress.go
}

// write has fpdf write the document, its pages compressed by fpdf itself
// or not at all.
func (r *Renderer) write(ns []notice.Notice, title string, fpdfCompression bool) ([]byte, error) {
	var issued tenancy.Date
	for i, n := range ns {
		if n.Period.IsZero() || n.IssueDate.IsZero() || n.DueDate.IsZero() {
			return nil, fmt.Errorf("notice %d (lease %s): period, issue date and due date are required", i, n.Reference)
		}
		if issued.Before(n.IssueDate) {
			issued = n.IssueDate
		}
	}
	f := fpdf.New("P", "mm", "A4", "")
	// Fixed dates and sorted catalogues make the bytes a function of the
	// notices alone (fpdf otherwise stamps time.Now).
	at := time.Date(issued.Year, issued.Month, issued.Day, 0, 0, 0, 0, time.UTC)
	f.SetCreationDate(at)
	f.SetModificationDate(at)
	f.SetCatalogSort(true)
	f.SetCompression(fpdfCompression)
	f.SetTitle(title, true)
	f.SetAuthor(ns[0].Landlord.Name, true)
	f.SetLang("fr-FR")
	f.SetMargins(marginX, 15, marginX)
	f.SetAutoPageBreak(false, 0)
	for _, fc := range fonts.faces {
		f.AddFontFromBytes(family, fc.style, fc.json, fc.data)
	}
	for _, n := range ns {
		f.AddPage()
		p := page{f: f, n: n, portal: r.PortalURL}
		p.draw()
	}
	var buf bytes.Buffer
	buf.Grow(40 << 10)
	if err := f.Output(&buf); err != nil {
		return nil, fmt.Errorf("render notice: %w", err)
	}
	return buf.Bytes(), nil
}
