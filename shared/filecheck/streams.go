package filecheck

import (
	"bytes"
	"compress/zlib"
	"context"
	"errors"
	"io"
	"strconv"

	"github.com/pdfcpu/pdfcpu/pkg/filter"

	"github.com/citejardins/extranet/shared/insurance"
)

// The pre-scan of a PDF's streams. A deflate stream inflates up to about a
// thousand times its size: a 10 MiB file can hold gigabytes, which the
// parser's per-stream limit (MaxDecodeBytes) does not bound when they are
// spread over many object streams. Before the parser sees the file, every
// stream found in the raw bytes is decoded into a sink that keeps nothing,
// under one budget for the whole file; a file past it is refused.

// errBudget is the decoding of the file's streams going past the budget.
var errBudget = errors.New("decoded streams over budget")

// budget counts decoded bytes, for the whole file, and stops at the deadline.
type budget struct {
	ctx  context.Context
	left int64
}

// reader counts what r yields against the budget.
func (b *budget) reader(r io.Reader) io.Reader { return &counted{r: r, b: b} }

type counted struct {
	r io.Reader
	b *budget
}

func (c *counted) Read(p []byte) (int, error) {
	if err := c.b.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := c.r.Read(p)
	c.b.left -= int64(n)
	if c.b.left < 0 {
		return n, errBudget
	}
	return n, err
}

// rawStream is a stream object as the raw bytes show it: its dictionary's
// entries that say how to decode it, and its data.
type rawStream struct {
	filters   []string // /Filter, a name or an array of names, in order
	filterRef bool     // /Filter is an indirect reference
	objStm    bool     // /Type /ObjStm
	image     bool     // /Subtype /Image (and not an object stream)
	length    int      // /Length when a direct integer, else -1
	start     int      // offset of the data, past the EOL after "stream"
}

// scanStreams decodes every stream of the raw file whose filters the
// parser would apply, within limit decoded bytes in all (images excepted:
// pdfcpu never decodes them to read a file, and neither does the walk).
// It refuses a file past the budget (insurance.TooComplex) or past the
// deadline, and returns, apart, what the names of its object streams hold
// (insurance.Refusal or nil): the parsed walk finds it first when the
// cross-reference table lists the stream; when it does not, a reader that
// rebuilds the table would still run it.
func scanStreams(ctx context.Context, data []byte, limit int64) (inObjStm, refused *insurance.Refusal) {
	b := &budget{ctx: ctx, left: limit}
	// Dictionaries that never end would each be read to the end of the
	// file: the bytes read in all are bounded too.
	read := &reading{left: 4*int64(len(data)) + 1<<20}
	for from := 0; ; {
		s, next, ok := read.nextStream(data, from)
		if read.left < 0 || ctx.Err() != nil {
			return nil, &insurance.Refusal{Reason: insurance.TooComplex, Detail: "stream scan: dictionaries read past the bound or the deadline"}
		}
		if !ok {
			return inObjStm, nil
		}
		from = next
		if s.filterRef {
			// pdfcpu follows it; this scan cannot, and no writer
			// needs it.
			return nil, &insurance.Refusal{Reason: insurance.Unreadable, Detail: "indirect /Filter"}
		}
		if s.image && !s.objStm || len(s.filters) == 0 {
			continue
		}
		var keep *nameScanner
		if s.objStm && inObjStm == nil {
			keep = &nameScanner{}
		}
		switch err := b.decode(data, s, keep); {
		case errors.Is(err, errBudget) || b.left < 0:
			return nil, &insurance.Refusal{Reason: insurance.TooComplex, Detail: "decoded streams over " + strconv.FormatInt(limit>>20, 10) + " MiB"}
		case ctx.Err() != nil:
			return nil, &insurance.Refusal{Reason: insurance.TooComplex, Detail: "stream scan timed out"}
		}
		// A stream that does not decode is left to the parser; what it
		// did decode was counted.
		if keep != nil {
			if r := keep.close(); r != nil {
				r.Detail = "raw object stream " + r.Detail
				inObjStm = r
			}
		}
	}
}

// decode runs the stream's filters, each stage's output counted, into
// keep (nil: nowhere). Flate is inflated as a stream, from the data's start
// to the end of the deflate stream (which is at least what the parser
// inflates: it cuts at /Length); the other filters are pdfcpu's own, bounded
// by what is left of the budget. A filter the parser does not apply to
// read a file (images, an unknown one) ends the chain.
func (b *budget) decode(data []byte, s rawStream, keep *nameScanner) error {
	end := len(data)
	if s.length >= 0 && s.start+s.length <= len(data) {
		end = s.start + s.length
	} else if i := bytes.Index(data[s.start:], []byte("endstream")); i >= 0 {
		end = s.start + i
	}
	var r io.Reader = bytes.NewReader(data[s.start:end])
chain:
	for i, name := range s.filters {
		switch name {
		case filter.Flate, "Fl":
			if i == 0 {
				// Past /Length too: a wrong /Length is one the parser
				// may repair.
				r = bytes.NewReader(data[s.start:])
			}
			zr, err := zlib.NewReader(r)
			if err != nil {
				return err
			}
			r = b.reader(zr)
		case filter.ASCIIHex, filter.ASCII85, filter.LZW, filter.RunLength, "AHx", "A85", "LZW", "RL":
			f, err := filter.NewFilter(longFilter(name), nil, max(b.left, 0)+1)
			if err != nil {
				return err
			}
			if r, err = f.Decode(r); err != nil {
				if errors.Is(err, filter.ErrDecodeLimitExceeded) {
					return errBudget
				}
				return err
			}
			r = b.reader(r)
		default:
			break chain
		}
	}
	var w io.Writer = io.Discard
	if keep != nil {
		w = keep
	}
	_, err := io.Copy(w, r)
	return err
}

// nameScanner runs scanNames over what is written to it, in pieces, keeping
// only a name cut at a piece's end: an object stream's names are read
// without holding what it decodes to.
type nameScanner struct {
	carry []byte // an unfinished name, "/" included
	found *insurance.Refusal
}

// maxName is the longest name scanNames reads, with its "/".
const maxName = 130

func (n *nameScanner) Write(p []byte) (int, error) {
	written := len(p)
	if n.found != nil {
		return written, nil
	}
	if len(n.carry) > 0 {
		k := 0
		for k < len(p) && regular(p[k]) {
			k++
		}
		if k == len(p) && len(n.carry)+k <= maxName {
			n.carry = append(n.carry, p...)
			return written, nil
		}
		n.found = scanNames(append(n.carry, p[:min(k, maxName)]...))
		n.carry, p = n.carry[:0], p[k:]
	}
	rest := p
	if i := bytes.LastIndexByte(p, '/'); i >= 0 && len(p)-i <= maxName {
		unfinished := true
		for _, c := range p[i+1:] {
			unfinished = unfinished && regular(c)
		}
		if unfinished {
			rest, n.carry = p[:i], append(n.carry, p[i:]...)
		}
	}
	if n.found == nil {
		n.found = scanNames(rest)
	}
	return written, nil
}

// close scans the name left at the end; the first refusal found, or nil.
func (n *nameScanner) close() *insurance.Refusal {
	if n.found == nil && len(n.carry) > 0 {
		n.found = scanNames(n.carry)
	}
	return n.found
}

// longFilter is the filter's name for an abbreviation (ISO 32000-1
// §8.9.7, inline images).
func longFilter(n string) string {
	switch n {
	case "AHx":
		return filter.ASCIIHex
	case "A85":
		return filter.ASCII85
	case "RL":
		return filter.RunLength
	case "Fl":
		return filter.Flate
	}
	return n
}

// nextStream finds the first stream object at or past from: the keyword
// "obj", a dictionary, the keyword "stream" and its end of line. next is
// where to look for the following one.
func (rd *reading) nextStream(data []byte, from int) (s rawStream, next int, ok bool) {
	for from < len(data) {
		i := bytes.Index(data[from:], []byte("obj"))
		if i < 0 {
			return rawStream{}, len(data), false
		}
		at := from + i
		from = at + 3
		if at > 0 && regular(data[at-1]) || from < len(data) && regular(data[from]) {
			continue // endobj, a name, a word
		}
		p := skipSpace(data, from)
		if !bytes.HasPrefix(data[p:], []byte("<<")) {
			continue
		}
		s, end, good := readDict(data, p)
		if rd.left -= int64(end - p); rd.left < 0 {
			return rawStream{}, len(data), false
		}
		if !good {
			continue
		}
		p = skipSpace(data, end)
		if !bytes.HasPrefix(data[p:], []byte("stream")) {
			continue
		}
		p += len("stream")
		switch {
		case bytes.HasPrefix(data[p:], []byte("\r\n")):
			p += 2
		case p < len(data) && (data[p] == '\n' || data[p] == '\r'):
			p++
		}
		s.start = p
		return s, p, true
	}
	return rawStream{}, len(data), false
}

// reading counts the bytes the dictionaries' reading goes through.
type reading struct{ left int64 }

// skipSpace skips white space and comments.
func skipSpace(data []byte, p int) int {
	for p < len(data) {
		switch c := data[p]; {
		case c == '%':
			for p < len(data) && data[p] != '\n' && data[p] != '\r' {
				p++
			}
		case c == 0 || c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' ':
			p++
		default:
			return p
		}
	}
	return p
}

// readDict reads the dictionary at p ("<<"): the entries of rawStream at
// its top level, and the offset past its ">>"; false when it does not end.
func readDict(data []byte, p int) (s rawStream, end int, ok bool) {
	s.length = -1
	depth := 0    // of dictionaries and arrays
	key := ""     // the top-level key whose value comes next
	inArray := "" // the top-level key whose array is being read
	for p < len(data) {
		p = skipSpace(data, p)
		if p >= len(data) {
			break
		}
		c := data[p]
		switch {
		case bytes.HasPrefix(data[p:], []byte("<<")):
			depth++
			p += 2
			if depth > 1 {
				key = ""
			}
		case bytes.HasPrefix(data[p:], []byte(">>")):
			depth--
			p += 2
			if depth == 0 {
				return s, p, true
			}
		case c == '[':
			if depth == 1 && key != "" {
				inArray = key
			}
			depth++
			key = ""
			p++
		case c == ']':
			depth--
			inArray = ""
			p++
		case c == '(':
			p = skipString(data, p)
			key = ""
		case c == '<':
			for p < len(data) && data[p] != '>' {
				p++
			}
			p++
			key = ""
		case c == '/':
			q := p + 1
			for q < len(data) && regular(data[q]) {
				q++
			}
			n := decodeName(string(data[p+1 : q]))
			p = q
			switch {
			case depth == 2 && inArray == "Filter":
				s.filters = append(s.filters, n)
			case depth == 1 && key == "":
				key = n
				continue
			case depth == 1 && key == "Filter":
				s.filters = []string{n}
			case depth == 1 && key == "Type" && n == "ObjStm":
				s.objStm = true
			case depth == 1 && key == "Subtype" && n == "Image":
				s.image = true
			}
			if depth == 1 {
				key = ""
			}
		default:
			q := p
			for q < len(data) && regular(data[q]) {
				q++
			}
			if q == p {
				q++ // a stray delimiter: ), >, {, }
			}
			if depth == 1 && key == "Filter" {
				s.filterRef = true
			}
			if depth == 1 && key == "Length" {
				// A direct integer, not the start of "n 0 R".
				if v, err := strconv.Atoi(string(data[p:q])); err == nil && !indirect(data, q) {
					s.length = v
				}
			}
			p = q
			if depth == 1 {
				key = ""
			}
		}
	}
	return s, p, false
}

// indirect reports whether "G R" follows at p (the number before p is an
// object number).
func indirect(data []byte, p int) bool {
	p = skipSpace(data, p)
	q := p
	for q < len(data) && data[q] >= '0' && data[q] <= '9' {
		q++
	}
	if q == p {
		return false
	}
	q = skipSpace(data, q)
	return q < len(data) && data[q] == 'R' && (q+1 == len(data) || !regular(data[q+1]))
}

// skipString skips a literal string at p: balanced parentheses, with
// backslash escapes.
func skipString(data []byte, p int) int {
	depth := 0
	for ; p < len(data); p++ {
		switch data[p] {
		case '\\':
			p++
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return p + 1
			}
		}
	}
	return p
}
