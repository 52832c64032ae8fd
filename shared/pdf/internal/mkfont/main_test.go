package main

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"
)

func TestStripGlyph(t *testing.T) {
	// A simple glyph: one contour, 3 bytes of instructions, 2 bytes of points.
	simple := []byte{0, 1, 0, 0, 0, 0, 0, 10, 0, 10 /* endPts */, 0, 0 /* instr len */, 0, 3, 0xB0, 0x01, 0x2F /* points */, 0x37, 0x00}
	got, err := stripGlyph(simple)
	if err != nil {
		t.Fatal(err)
	}
	if want := []byte{0, 1, 0, 0, 0, 0, 0, 10, 0, 10, 0, 0, 0, 0, 0x37, 0x00}; !bytes.Equal(got, want) {
		t.Errorf("simple glyph: % x, want % x", got, want)
	}
	// A composite glyph: two components (words, then bytes with a scale),
	// instructions after the last.
	comp := []byte{0xFF, 0xFF, 0, 0, 0, 0, 0, 10, 0, 10,
		0x00, 0x21, 0, 5, 0, 1, 0, 2, // MORE_COMPONENTS | ARG_1_AND_2_ARE_WORDS
		0x01, 0x08, 0, 6, 1, 2, 0x40, 0x00, // WE_HAVE_INSTRUCTIONS | WE_HAVE_A_SCALE
		0, 2, 0xB0, 0x01}
	got, err = stripGlyph(comp)
	if err != nil {
		t.Fatal(err)
	}
	want := append([]byte(nil), comp[:26]...)
	want[18] = 0x00 // instructions flag cleared
	if !bytes.Equal(got, want) {
		t.Errorf("composite glyph: % x, want % x", got, want)
	}
	if _, err := stripGlyph(simple[:12]); err == nil {
		t.Error("a truncated glyph was accepted")
	}
}

// The committed fonts are what mkfont makes from the system's DejaVu files,
// which also checks that unhinted fonts go through fpdf's MakeFont.
func TestCommittedFontsAreReproducible(t *testing.T) {
	src := "/usr/share/fonts/truetype/dejavu"
	if _, err := os.Stat(filepath.Join(src, "DejaVuSans.ttf")); err != nil {
		t.Skip("DejaVu Sans is not installed (Debian: apt-get install fonts-dejavu-core)")
	}
	dst := t.TempDir()
	if err := run(src, dst); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"notice.map", "DejaVuSans.json", "DejaVuSans.z", "DejaVuSans-Bold.json", "DejaVuSans-Bold.z"} {
		made, err := os.ReadFile(filepath.Join(dst, name))
		if err != nil {
			t.Fatal(err)
		}
		committed, err := os.ReadFile(filepath.Join("..", "..", "fonts", name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(made, committed) {
			t.Errorf("%s differs from what mkfont makes (%d bytes, committed %d): run go run ./shared/pdf/internal/mkfont", name, len(made), len(committed))
		}
	}
}

func TestUnhintKeepsTheGlyphs(t *testing.T) {
	ttf, err := os.ReadFile("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
	if err != nil {
		t.Skip("DejaVu Sans is not installed (Debian: apt-get install fonts-dejavu-core)")
	}
	out, err := unhint(ttf)
	if err != nil {
		t.Fatal(err)
	}
	before, _ := readTables(ttf)
	after, err := readTables(out)
	if err != nil {
		t.Fatal(err)
	}
	for tag := range hintTables {
		if after[tag] != nil {
			t.Errorf("table %q kept", tag)
		}
	}
	for _, tag := range []string{"cmap", "hmtx", "name", "OS/2", "post"} {
		if !bytes.Equal(before[tag], after[tag]) {
			t.Errorf("table %q changed", tag)
		}
	}
	n := int(binary.BigEndian.Uint16(after["maxp"][4:]))
	if len(after["loca"]) != 4*(n+1) {
		t.Errorf("loca has %d bytes for %d glyphs", len(after["loca"]), n)
	}
	if len(after["glyf"]) >= len(before["glyf"]) {
		t.Errorf("unhinted glyphs are %d bytes, the hinted ones %d", len(after["glyf"]), len(before["glyf"]))
	}
	if got := checksum(out); got != 0xB1B0AFBA {
		t.Errorf("font checksum %#x, want 0xB1B0AFBA", got)
	}
}
