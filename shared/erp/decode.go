package erp

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strconv"
	"unicode/utf8"
)

// Caps on the text the CSV parser may hold at once: encoding/csv keeps a
// whole record in memory, so a file without line breaks, or with a quote
// never closed, would otherwise be read whole.
const (
	// MaxLineBytes caps a physical line as read, line break included. A
	// lease line is well under 1 KiB.
	MaxLineBytes = 64 << 10
	// maxRecordBytes caps the decoded text of a record spread over several
	// lines by quoted line breaks. It is more than a Windows-1252 line of
	// MaxLineBytes can grow to in UTF-8 (three bytes for "€").
	maxRecordBytes = 4 * MaxLineBytes
)

// errUTF16 means the file starts with a UTF-16 byte order mark: Excel's
// "Unicode text", which this format does not take.
var errUTF16 = errors.New("utf-16 file")

// decoder turns the file into UTF-8 line by line, for encoding/csv: a line
// that is valid UTF-8 is kept as is (without the file's byte order mark),
// any other is read as Windows-1252. Deciding per line rather than per file
// copes with exports that paste Windows-1252 text into UTF-8 files, and keeps
// the file streaming.
//
// Its own errors (a line too long) come between lines, never within one:
// encoding/csv then counts the refused line as one line, returns the error
// and reads on from the next line, so line numbers stay exact.
type decoder struct {
	in      *bufio.Reader
	line    int    // physical lines consumed
	pending []byte // decoded text not yet handed out
	long    []byte // a line longer than in's buffer
	cp1252  []byte // buffer for lines decoded from Windows-1252
	// sinceRecord counts bytes handed out since the reader last finished a
	// record: beyond maxRecord, a record is cut.
	sinceRecord int
	// The caps: MaxLineBytes and maxRecordBytes, smaller in tests.
	maxLine, maxRecord int
	err                error // to return once pending is handed out
}

func newDecoder(r io.Reader, maxLine int) *decoder {
	// A small buffer, grown for long lines only: most files are small.
	return &decoder{in: bufio.NewReader(r), maxLine: maxLine, maxRecord: maxLine * (maxRecordBytes / MaxLineBytes)}
}

// startRecord tells the decoder that the CSV reader finished a record.
func (d *decoder) startRecord() { d.sinceRecord = 0 }

func (d *decoder) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if len(d.pending) == 0 {
			if d.err != nil {
				break
			}
			d.err = d.next()
			continue
		}
		c := copy(p[n:], d.pending)
		d.pending = d.pending[c:]
		n += c
	}
	if n > 0 {
		return n, nil
	}
	err := d.err
	if _, ok := err.(*LineError); ok {
		d.err = nil // a line error is told once; reading goes on
	}
	return 0, err
}

// next loads the next line into pending, or returns why it cannot.
func (d *decoder) next() error {
	line, err := d.in.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		d.long = append(d.long[:0], line...)
		for err == bufio.ErrBufferFull && len(d.long) <= d.maxLine {
			line, err = d.in.ReadSlice('\n')
			d.long = append(d.long, line...)
		}
		if len(d.long) > d.maxLine {
			d.line++
			for err == bufio.ErrBufferFull {
				_, err = d.in.ReadSlice('\n')
			}
			if err != nil && err != io.EOF {
				return err
			}
			return &LineError{Line: d.line, Reason: "ligne trop longue (plus de " + strconv.Itoa(d.maxLine) + " octets)"}
		}
		line = d.long
	}
	if err != nil && (err != io.EOF || len(line) == 0) {
		return err // io.EOF, or a read error: the file is not read whole
	}
	d.line++
	if d.line == 1 {
		if bytes.HasPrefix(line, []byte{0xff, 0xfe}) || bytes.HasPrefix(line, []byte{0xfe, 0xff}) {
			return errUTF16
		}
		line = bytes.TrimPrefix(line, []byte{0xef, 0xbb, 0xbf})
	}
	if !utf8.Valid(line) {
		d.cp1252 = appendWindows1252(d.cp1252[:0], line)
		line = d.cp1252
	}
	if d.sinceRecord > 0 && d.sinceRecord+len(line) > d.maxRecord {
		// Only a quote never closed makes a record this long: cut it here,
		// dropping this line, and read on.
		return &LineError{Line: d.line, Reason: "enregistrement trop long (plus de " + strconv.Itoa(d.maxRecord) +
			" octets)\u00a0: guillemet jamais fermé\u00a0?"}
	}
	d.sinceRecord += len(line)
	d.pending = line
	return nil
}

// appendWindows1252 appends the UTF-8 form of Windows-1252 text to dst.
func appendWindows1252(dst, src []byte) []byte {
	for _, c := range src {
		switch {
		case c < 0x80:
			dst = append(dst, c)
		case c < 0xa0:
			dst = utf8.AppendRune(dst, windows1252[c-0x80])
		default: // the rest is Latin-1
			dst = utf8.AppendRune(dst, rune(c))
		}
	}
	return dst
}

// windows1252 maps bytes 0x80 to 0x9F; the five the code page leaves
// undefined become U+FFFD.
var windows1252 = [32]rune{
	'€', '\ufffd', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\ufffd', 'Ž', '\ufffd',
	'\ufffd', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\ufffd', 'ž', 'Ÿ',
}
