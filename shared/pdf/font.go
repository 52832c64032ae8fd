package pdf

import (
	"bufio"
	"bytes"
	"embed"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The fonts, made once by internal/mkfont: DejaVu Sans regular and bold cut
// to the glyphs of notice.map, without hinting, compressed (.z) with their
// metrics (.json). fpdf embeds a .z file in each PDF as it is, so no
// TrueType file is parsed or subset at run time.
//
//go:embed fonts/notice.map fonts/DejaVuSans.json fonts/DejaVuSans.z fonts/DejaVuSans-Bold.json fonts/DejaVuSans-Bold.z
var fontFiles embed.FS

const family = "DejaVu"

// face is one weight of the font, as fpdf's AddFontFromBytes takes it.
type face struct {
	style      string // "" or "B"
	json, data []byte
}

// fonts holds what the package reads from fontFiles, once per process
// (package initialisation): the two faces and the encoding.
var fonts = mustLoadFonts()

type fontSet struct {
	faces []face
	// code maps each rune the font has to its byte in notice.map.
	code map[rune]byte
}

func mustLoadFonts() fontSet {
	fs, err := loadFonts()
	if err != nil {
		panic("pdf: embedded fonts: " + err.Error()) // the embedded files are part of the build
	}
	return fs
}

func loadFonts() (fontSet, error) {
	var fs fontSet
	for _, f := range []struct{ style, name string }{{"", "DejaVuSans"}, {"B", "DejaVuSans-Bold"}} {
		j, err := fontFiles.ReadFile("fonts/" + f.name + ".json")
		if err != nil {
			return fs, err
		}
		z, err := fontFiles.ReadFile("fonts/" + f.name + ".z")
		if err != nil {
			return fs, err
		}
		fs.faces = append(fs.faces, face{style: f.style, json: j, data: z})
	}
	m, err := fontFiles.ReadFile("fonts/notice.map")
	if err != nil {
		return fs, err
	}
	fs.code, err = parseMap(m)
	return fs, err
}

// parseMap reads an fpdf encoding map: lines "!80 U+20AC Euro".
func parseMap(m []byte) (map[rune]byte, error) {
	code := make(map[rune]byte, 256)
	sc := bufio.NewScanner(bytes.NewReader(m))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 3 {
			return nil, fmt.Errorf("notice.map: bad line %q", sc.Text())
		}
		c, err1 := strconv.ParseUint(strings.TrimPrefix(f[0], "!"), 16, 8)
		r, err2 := strconv.ParseUint(strings.TrimPrefix(f[1], "U+"), 16, 32)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("notice.map: bad line %q", sc.Text())
		}
		if f[2] != ".notdef" && c >= 0x20 {
			code[rune(r)] = byte(c)
		}
	}
	return code, sc.Err()
}

// latinExtA folds U+0100..U+017F (Latin Extended-A: Polish, Czech,
// Romanian, Turkish... letters) to the base letter where the font has no
// glyph: "Łukasz" prints "Lukasz" rather than a blank box. Œ, œ, Š, š, Ž,
// ž and Ÿ are in the font and never reach this table.
const latinExtA = "AaAaAaCcCcCcCcDdDdEeEeEeEeEeGgGgGgGgHhHhIiIiIiIiIiJjJjKkkLlLlLlLlLlNnNnNnnNnOoOoOoOoRrRrRrSsSsSsSsTtTtTtUuUuUuUuUuUuWwYyYZzZzZzs"

// encode turns UTF-8 text into the font's single-byte encoding. A rune
// the font lacks is folded to its base letter (Latin Extended-A, Ș ș Ț ț),
// typographic spaces and hyphens to theirs, anything else to "?"; control
// characters become spaces.
func encode(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		if r < 0x80 && r >= 0x20 {
			b = append(b, byte(r))
			continue
		}
		if c, ok := fonts.code[r]; ok {
			b = append(b, c)
			continue
		}
		b = append(b, fold(r)...)
	}
	return string(b)
}

func fold(r rune) string {
	switch {
	case r < 0x20 || (r >= 0x7F && r < 0xA0):
		return " "
	case r == 0x0132:
		return "IJ"
	case r == 0x0133:
		return "ij"
	case r >= 0x0100 && r <= 0x017F:
		return latinExtA[r-0x100 : r-0x100+1]
	case r >= 0x0218 && r <= 0x021B:
		return "SsTt"[r-0x218 : r-0x218+1]
	case r == 0x2007 || r == 0x2009 || r == 0x200A: // figure, thin, hair space
		return string([]byte{fonts.code['\u202F']}) // narrow no-break space
	case r >= 0x2000 && r <= 0x200A:
		return " "
	case r == 0x2010 || r == 0x2011:
		return "-"
	}
	return "?"
}
