package erp

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Reader streams the records of one file. It holds one record's text at a
// time, whatever the file's size.
type Reader struct {
	csv      *csv.Reader
	dec      *decoder
	parse    func(*lineParser) Record
	p        lineParser
	width    int // fields per line, as in the header
	line     int
	warnings []string
	err      error // sticky: io.EOF or a read error
}

// maxWarnings bounds the warnings of a header, which a hostile file could
// make as long as a line allows.
const maxWarnings = 20

// NewReader reads the header of a file of the given kind. A header that does
// not fit the kind (a required column missing, a column twice, not CSV, empty
// file) gets a *FileError: the file is refused whole. Any other error is a
// read error.
func NewReader(r io.Reader, kind Kind) (*Reader, error) {
	return newReader(r, kind, MaxLineBytes)
}

func newReader(r io.Reader, kind Kind, maxLine int) (*Reader, error) {
	lay, ok := layouts[kind]
	if !ok {
		return nil, fmt.Errorf("erp: unknown kind %q", kind)
	}
	dec := newDecoder(r, maxLine)
	cr := csv.NewReader(dec)
	cr.Comma = ';'
	cr.LazyQuotes = false
	cr.FieldsPerRecord = -1 // a line of another width is a line error, not the end of the file
	cr.ReuseRecord = true
	rd := &Reader{csv: cr, dec: dec, parse: lay.parse}

	header, err := cr.Read()
	dec.startRecord()
	var pe *csv.ParseError
	var le *LineError
	switch {
	case err == io.EOF:
		return nil, &FileError{"fichier vide\u00a0: pas de ligne d’en-tête"}
	case errors.Is(err, errUTF16):
		return nil, &FileError{"fichier en UTF-16\u00a0: l’exporter en UTF-8 ou en Windows-1252"}
	case errors.As(err, &pe):
		return nil, &FileError{"en-tête illisible\u00a0: " + quoteReason(pe)}
	case errors.As(err, &le):
		return nil, &FileError{"en-tête illisible\u00a0: " + le.Reason}
	case err != nil:
		return nil, fmt.Errorf("read header: %w", err)
	}

	p := &rd.p
	for c := range p.pos {
		p.pos[c] = -1
	}
	unknown := 0
	for i, name := range header {
		name = strings.ToLower(strings.TrimSpace(name))
		c, known := colByName[name]
		switch {
		case known && lay.has(c):
			if p.pos[c] >= 0 {
				return nil, &FileError{"colonne en double dans l’en-tête\u00a0: " + name}
			}
			p.pos[c] = i
		case unknown == maxWarnings:
			unknown++
			rd.warnings = append(rd.warnings, "autres colonnes inconnues ignorées")
		case unknown > maxWarnings:
		case name == "":
			unknown++
			rd.warnings = append(rd.warnings, "colonne sans nom ignorée (colonne "+strconv.Itoa(i+1)+")")
		default:
			unknown++
			rd.warnings = append(rd.warnings, "colonne inconnue ignorée\u00a0: "+printable(name))
		}
	}
	var missing []string
	for _, cs := range lay.cols {
		if cs.required && p.pos[cs.col] < 0 {
			missing = append(missing, colNames[cs.col])
		}
		p.required[cs.col] = cs.required
	}
	switch {
	case len(missing) == 1:
		return nil, &FileError{"colonne obligatoire absente pour un fichier " + string(kind) + "\u00a0: " + missing[0]}
	case len(missing) > 1:
		return nil, &FileError{"colonnes obligatoires absentes pour un fichier " + string(kind) + "\u00a0: " + strings.Join(missing, ", ")}
	}
	rd.width = len(header)
	rd.line, _ = cr.FieldPos(0)
	return rd, nil
}

// Warnings lists what the header has that the kind does not use, as the
// report shows it.
func (r *Reader) Warnings() []string { return r.warnings }

// Line is the line number of the record or line error Next last returned
// (the header's after NewReader), so that the import can report a good line
// it cannot use, such as one naming an unknown lease.
func (r *Reader) Line() int { return r.line }

// Next returns the next record, a *LineError for a bad line (report it and
// call Next again), io.EOF at the end, or a read error (stop there).
//
// A record's strings share one allocation per line and stay valid after the
// next call.
func (r *Reader) Next() (Record, error) {
	if r.err != nil {
		return nil, r.err
	}
	for {
		fields, err := r.csv.Read()
		r.dec.startRecord()
		if err != nil {
			return nil, r.readError(err)
		}
		r.line, _ = r.csv.FieldPos(0)
		if blank(fields) {
			continue // a line of separators only, as spreadsheets leave
		}
		if len(fields) != r.width {
			return nil, &LineError{Line: r.line, Reason: strconv.Itoa(len(fields)) + " champs au lieu des " +
				strconv.Itoa(r.width) + " de l’en-tête"}
		}
		r.p.start(fields)
		rec := r.parse(&r.p)
		if len(r.p.errs) > 0 {
			le := &LineError{Line: r.line, Reason: strings.Join(r.p.errs, "\u00a0; ")}
			if nl, ok := rec.(NoticeLine); ok && nl.Reference != "" && !nl.Period.IsZero() {
				le.Partial = NoticeLine{Reference: nl.Reference, Period: nl.Period}
			}
			return nil, le
		}
		return rec, nil
	}
}

func (r *Reader) readError(err error) error {
	var pe *csv.ParseError
	var le *LineError
	switch {
	case errors.As(err, &pe):
		r.line = pe.StartLine
		return &LineError{Line: pe.StartLine, Reason: quoteReason(pe)}
	case errors.As(err, &le):
		r.line = le.Line
		return le
	case err == io.EOF:
		r.err = io.EOF
	default:
		r.err = fmt.Errorf("read line %d: %w", r.line+1, err)
	}
	return r.err
}

func quoteReason(pe *csv.ParseError) string {
	var reason string
	switch {
	case errors.Is(pe.Err, csv.ErrBareQuote):
		reason = "guillemet (\") dans un champ qui n’est pas entre guillemets\u00a0: entourer le champ de guillemets et doubler le sien"
	case errors.Is(pe.Err, csv.ErrQuote):
		reason = `guillemet (") mal placé après un champ entre guillemets, ou jamais fermé`
	default:
		reason = "CSV illisible"
	}
	if pe.Line != pe.StartLine {
		reason += " (jusqu’à la ligne " + strconv.Itoa(pe.Line) + ")"
	}
	return reason
}

func blank(fields []string) bool {
	for _, f := range fields {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// printable shows a header name as is when it is plain, quoted otherwise.
func printable(s string) string {
	if len(s) <= 40 && checkText(s, 40) == "" && !strings.ContainsAny(s, `"\`) {
		return s
	}
	return show(s)
}
