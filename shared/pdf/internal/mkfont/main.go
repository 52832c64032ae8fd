// Command mkfont makes the fonts the notices are printed with, from the
// DejaVu Sans TrueType files (regular and bold), into shared/pdf/fonts:
//
//   - notice.map: the single-byte encoding the PDFs use, Windows-1252 with
//     two of its unused codes given to U+2212 (minus sign, for credits) and
//     U+202F (narrow no-break space, the French thousands separator);
//   - for each weight, a copy of the font cut to the glyphs of that encoding
//     and stripped of its hinting (TrueType instructions, which PDF viewers
//     and printers do without at text sizes), zlib-compressed (.z), and its
//     metrics as fpdf reads them (.json).
//
// The renderer embeds these files, so that no TrueType file is parsed when
// a process starts or a notice is drawn, and each PDF carries the small
// cut font byte for byte. Run it again only to change the glyphs:
//
//	go run ./shared/pdf/internal/mkfont [-src /usr/share/fonts/truetype/dejavu] [-dst shared/pdf/fonts]
//
// On Debian the source files come with the fonts-dejavu-core package.
package main

import (
	"bufio"
	"bytes"
	_ "embed"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"codeberg.org/go-pdf/fpdf"
)

// cp1252 is fpdf's Windows-1252 map (font/cp1252.map in the module): the
// reference fpdf's MakeFont computes the encoding's differences against.
//
//go:embed cp1252.map
var cp1252 []byte

// extra are the codes Windows-1252 leaves undefined that the notices use.
var extra = map[byte]struct {
	r    rune
	name string
}{
	0x81: {0x2212, "minus"},
	0x8D: {0x202F, "uni202F"},
}

func main() {
	src := flag.String("src", "/usr/share/fonts/truetype/dejavu", "directory of DejaVuSans.ttf and DejaVuSans-Bold.ttf")
	dst := flag.String("dst", "shared/pdf/fonts", "where to write the encoding and the fonts")
	flag.Parse()
	if err := run(*src, *dst); err != nil {
		fmt.Fprintln(os.Stderr, "mkfont:", err)
		os.Exit(1)
	}
}

func run(src, dst string) error {
	enc, runes, err := encoding()
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "mkfont-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	// MakeFont reads the reference map beside the encoding's.
	if err := os.WriteFile(filepath.Join(tmp, "cp1252.map"), cp1252, 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(tmp, "notice.map"), enc, 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dst, "notice.map"), enc, 0o644); err != nil {
		return err
	}
	for _, name := range []string{"DejaVuSans", "DejaVuSans-Bold"} {
		ttf, err := os.ReadFile(filepath.Join(src, name+".ttf"))
		if err != nil {
			return err
		}
		cut := fpdf.UTF8CutFont(ttf, runes)
		if cut == nil {
			return fmt.Errorf("%s: cannot cut the font", name)
		}
		cut, err = unhint(cut)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		p := filepath.Join(tmp, name+".ttf")
		if err := os.WriteFile(p, cut, 0o644); err != nil {
			return err
		}
		if err := fpdf.MakeFont(p, filepath.Join(tmp, "notice.map"), tmp, nil, true); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		for _, ext := range []string{".json", ".z"} {
			b, err := os.ReadFile(filepath.Join(tmp, name+ext))
			if err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(dst, name+ext), b, 0o644); err != nil {
				return err
			}
			fmt.Printf("%s%s: %d bytes\n", name, ext, len(b))
		}
	}
	return nil
}

// encoding returns notice.map (Windows-1252 plus the extra codes) and the
// runes it maps, the glyphs to keep.
func encoding() ([]byte, string, error) {
	var out bytes.Buffer
	var runes []rune
	sc := bufio.NewScanner(bytes.NewReader(cp1252))
	seen := map[byte]bool{}
	write := func(code byte, r rune, name string) {
		fmt.Fprintf(&out, "!%02X U+%04X %s\n", code, r, name)
		if name != ".notdef" {
			runes = append(runes, r)
		}
	}
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 3 {
			return nil, "", fmt.Errorf("cp1252.map: bad line %q", sc.Text())
		}
		code, err1 := strconv.ParseUint(strings.TrimPrefix(f[0], "!"), 16, 8)
		r, err2 := strconv.ParseUint(strings.TrimPrefix(f[1], "U+"), 16, 32)
		if err1 != nil || err2 != nil {
			return nil, "", fmt.Errorf("cp1252.map: bad line %q", sc.Text())
		}
		// The missing codes come in order: put the extra ones in their place.
		for c := range byte(code) {
			if x, ok := extra[c]; ok && !seen[c] {
				write(c, x.r, x.name)
				seen[c] = true
			}
		}
		seen[byte(code)] = true
		write(byte(code), rune(r), f[2])
	}
	return out.Bytes(), string(runes), sc.Err()
}
