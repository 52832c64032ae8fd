package pdf

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"sync"
)

// Page compression. fpdf compresses each page's content stream with a new
// zlib writer (codeberg.org/go-pdf/fpdf v0.12.0, xcompr.go), and a new
// flate writer allocates and clears about 1.2 MB: most of a notice's
// allocations, its garbage collection, and half of a print batch's CPU.
// So fpdf writes the pages uncompressed and compressPages compresses them
// afterwards with pooled writers, at fpdf's level (BestSpeed), writing the
// same dictionary fpdf writes: the document is byte for byte the one fpdf
// would have written with its own compression (TestPagesCompressedAsFpdfDoes).

var zlibWriters = sync.Pool{New: func() any {
	w, _ := zlib.NewWriterLevel(nil, zlib.BestSpeed)
	return w
}}

// errLayout says the document is not laid out as fpdf writes one.
var errLayout = errors.New("pdf: unexpected document layout")

// compressPages returns doc, a PDF written by fpdf without compression
// (objects "n 0 obj" one after the other, then a classic xref table), with every stream whose dictionary is only its /Length (fpdf's
// uncompressed page contents) compressed with /Filter /FlateDecode, and
// the cross-reference table and startxref moved to match.
func compressPages(doc []byte) ([]byte, error) {
	if !bytes.HasPrefix(doc, []byte("%PDF-")) {
		return nil, fmt.Errorf("%w: no PDF header", errLayout)
	}
	sx := bytes.LastIndex(doc, []byte("startxref\n"))
	if sx < 0 {
		return nil, fmt.Errorf("%w: no startxref", errLayout)
	}
	end := bytes.IndexByte(doc[sx+10:], '\n')
	if end < 0 {
		return nil, fmt.Errorf("%w: startxref", errLayout)
	}
	xref, err := strconv.Atoi(string(doc[sx+10 : sx+10+end]))
	if err != nil || xref <= 0 || xref >= sx {
		return nil, fmt.Errorf("%w: startxref %q", errLayout, doc[sx+10:sx+10+end])
	}
	// "xref\n0 N\n0000000000 65535 f \n", then N-1 entries of 20 bytes.
	rest := doc[xref:]
	head, ok := bytes.CutPrefix(rest, []byte("xref\n0 "))
	nl := bytes.IndexByte(head, '\n')
	if !ok || nl < 0 {
		return nil, fmt.Errorf("%w: xref", errLayout)
	}
	n, err := strconv.Atoi(string(head[:nl]))
	entries, free := head[nl+1:], []byte("0000000000 65535 f \n")
	if err != nil || n < 1 || !bytes.HasPrefix(entries, free) || len(entries) < 20*n {
		return nil, fmt.Errorf("%w: xref", errLayout)
	}
	// Objects by offset: fpdf numbers some (the page tree, the resources)
	// before it writes them.
	objs := make([]int, 0, n) // object numbers in the order written
	offsets := make([]int, n+1)
	for j := 1; j < n; j++ {
		e := entries[20*j : 20*j+20]
		o, err := strconv.Atoi(string(e[:10]))
		if err != nil || string(e[10:]) != " 00000 n \n" || o <= 0 || o >= xref {
			return nil, fmt.Errorf("%w: xref entry %d", errLayout, j)
		}
		offsets[j] = o
		objs = append(objs, j)
	}
	if len(objs) == 0 {
		return nil, fmt.Errorf("%w: no object", errLayout)
	}
	sort.Slice(objs, func(a, b int) bool { return offsets[objs[a]] < offsets[objs[b]] })
	trailer := entries[20*n:]

	var out bytes.Buffer
	out.Grow(len(doc))
	out.Write(doc[:offsets[objs[0]]])
	newOffsets := make([]int, n)
	zw := zlibWriters.Get().(*zlib.Writer)
	defer zlibWriters.Put(zw)
	var comp bytes.Buffer
	for k, j := range objs {
		next := xref
		if k+1 < len(objs) {
			next = offsets[objs[k+1]]
		}
		if next <= offsets[j] {
			return nil, fmt.Errorf("%w: objects %d and %d at one offset", errLayout, j, objs[k+1])
		}
		newOffsets[j] = out.Len()
		obj := doc[offsets[j]:next]
		prefix := strconv.Itoa(j) + " 0 obj\n<</Length "
		body, ok := bytes.CutPrefix(obj, []byte(prefix))
		i := bytes.IndexByte(body, '>')
		if !ok || i < 0 {
			out.Write(obj)
			continue
		}
		length, err := strconv.Atoi(string(body[:i]))
		data, ok := bytes.CutPrefix(body[i:], []byte(">>\nstream\n"))
		if err != nil || !ok || len(data) < length || !bytes.HasPrefix(data[length:], []byte("\nendstream\n")) {
			out.Write(obj)
			continue
		}
		comp.Reset()
		zw.Reset(&comp)
		if _, err := zw.Write(data[:length]); err != nil {
			return nil, err
		}
		if err := zw.Close(); err != nil {
			return nil, err
		}
		fmt.Fprintf(&out, "%d 0 obj\n<</Filter /FlateDecode /Length %d>>\nstream\n", j, comp.Len())
		out.Write(comp.Bytes())
		out.Write(data[length:])
	}
	newXref := out.Len()
	fmt.Fprintf(&out, "xref\n0 %d\n", n)
	out.Write(free)
	for j := 1; j < n; j++ {
		fmt.Fprintf(&out, "%010d 00000 n \n", newOffsets[j])
	}
	out.Write(trailer[:len(trailer)-(len(doc)-sx)])
	fmt.Fprintf(&out, "startxref\n%d\n%%%%EOF\n", newXref)
	return out.Bytes(), nil
}
