package pdf

import (
	"bytes"
	"testing"

	"codeberg.org/go-pdf/fpdf"
)

func TestEncode(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Loyer", "Loyer"},
		{"échéance", "\xE9ch\xE9ance"},
		{"ŒUVRE œuvre Ÿ", "\x8CUVRE \x9Cuvre \x9F"},
		{"1\u202F234,56\u202F€", "1\x8D234,56\x8D\x80"},
		{"\u2212 180", "\x81 180"},
		{"« l’avis »", "\xAB l\x92avis \xBB"},
		{"Łukasz Wiśniewski", "Lukasz Wisniewski"}, // Latin Extended-A folded
		{"Ștefan Țurcanu", "Stefan Turcanu"},       // Romanian comma below
		{"Ĳsbrand", "IJsbrand"},                    // one rune, two letters
		{"a\u2009b\u2002c\u2011d", "a\x8Db c-d"},   // thin space, en space, non-breaking hyphen
		{"李\tX", "? X"},                            // no glyph; control character
	}
	for _, tt := range tests {
		if got := encode(tt.in); got != tt.want {
			t.Errorf("encode(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// The fonts are made once (internal/mkfont) and each PDF carries them
// byte for byte: fpdf neither parses nor subsets a TrueType file per
// document; what it decodes per document is the faces' metrics (.json).
func TestFontFilesAreEmbeddedAsTheyAre(t *testing.T) {
	f := fpdf.New("P", "mm", "A4", "")
	for _, fc := range fonts.faces {
		f.AddFontFromBytes(family, fc.style, fc.json, fc.data)
	}
	f.AddPage()
	f.SetFont(family, "", 10)
	f.Cell(10, 10, "x")
	f.SetFont(family, "B", 10)
	f.Cell(10, 10, "y")
	var buf bytes.Buffer
	if err := f.Output(&buf); err != nil {
		t.Fatal(err)
	}
	if len(fonts.faces) != 2 {
		t.Fatalf("%d faces, want regular and bold", len(fonts.faces))
	}
	for _, fc := range fonts.faces {
		if n := bytes.Count(buf.Bytes(), fc.data); n != 1 {
			t.Errorf("face %q: its font file is in the PDF %d times, want once as embedded", fc.style, n)
		}
	}
}

// BenchmarkFontSetup is what each document pays for its fonts: fpdf decodes
// the two faces' metrics (about 1.4 KB of JSON each); the font files are
// copied as they are.
func BenchmarkFontSetup(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		f := fpdf.New("P", "mm", "A4", "")
		for _, fc := range fonts.faces {
			f.AddFontFromBytes(family, fc.style, fc.json, fc.data)
		}
		if f.Err() {
			b.Fatal(f.Error())
		}
	}
}

// BenchmarkNewDocument is fpdf's cost of a document without fonts, to set
// BenchmarkFontSetup against.
func BenchmarkNewDocument(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		fpdf.New("P", "mm", "A4", "")
	}
}
