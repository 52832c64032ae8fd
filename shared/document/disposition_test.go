package document

import (
	"mime"
	"net/url"
	"strings"
	"testing"
	"unicode"
)

func TestAttachment(t *testing.T) {
	for _, tt := range []struct{ name, want string }{
		{"avis-echeance-2026-12.pdf", `attachment; filename="avis-echeance-2026-12.pdf"; filename*=UTF-8''avis-echeance-2026-12.pdf`},
		{"Règlement intérieur.pdf", `attachment; filename="Reglement interieur.pdf"; filename*=UTF-8''R%C3%A8glement%20int%C3%A9rieur.pdf`},
		{`a"b\c/d%e.pdf`, `attachment; filename="a_b_c_d_e.pdf"; filename*=UTF-8''a%22b_c_d%25e.pdf`},
		{"Élan €.pdf", `attachment; filename="Elan _.pdf"; filename*=UTF-8''%C3%89lan%20%E2%82%AC.pdf`},
		{"", `attachment; filename="document"; filename*=UTF-8''document`},
	} {
		if got := Attachment(tt.name); got != tt.want {
			t.Errorf("Attachment(%q) =\n %s\nwant\n %s", tt.name, got, tt.want)
		}
	}
}

// Go's own parser (as browsers do) reads the exact name back from filename*.
func TestAttachmentReadsBack(t *testing.T) {
	for _, name := range []string{"avis-echeance-2026-12.pdf", "Règlement intérieur (2026).pdf", "Guide Eco'Loc.pdf", "l'été; x=1.pdf"} {
		disp, params, err := mime.ParseMediaType(Attachment(name))
		if err != nil || disp != "attachment" || params["filename"] != name {
			t.Errorf("ParseMediaType(Attachment(%q)) = %q, %q, %v", name, disp, params, err)
		}
		if u, err := url.PathUnescape(strings.SplitN(Attachment(name), "UTF-8''", 2)[1]); err != nil || u != name {
			t.Errorf("filename* of %q decodes to %q, %v", name, u, err)
		}
	}
}

// A landlord file named with a right-to-left override ("Guide\u202Efdp.exe"
// shows as "Guideexe.pdf") or any other format character (Cf) reaches
// neither form of the name.
func TestAttachmentDropsFormatCharacters(t *testing.T) {
	for name, want := range map[string]string{
		"Guide\u202Efdp.exe":    "Guidefdp.exe",
		"a\u2066b\u2069.pdf":    "ab.pdf",
		"a\u200Eb\u200Fc.pdf":   "abc.pdf",
		"a\u061Cb.pdf":          "ab.pdf",
		"a\u202Ab\u202Bc\u202C": "abc",
		"a\u200Bb\u00ADc\uFEFF": "abc",
		"\u202E":                "document",
		"a\u0085b.pdf":          "a_b.pdf",
	} {
		_, params, err := mime.ParseMediaType(Attachment(name))
		if err != nil || params["filename"] != want {
			t.Errorf("Attachment(%q) reads back as %q (%v); want %q", name, params["filename"], err, want)
		}
		_, ascii, _ := strings.Cut(Attachment(name), `filename="`)
		ascii, _, _ = strings.Cut(ascii, `"`)
		if ascii != want {
			t.Errorf("Attachment(%q): ASCII name %q; want %q", name, ascii, want)
		}
	}
}

// Whatever the name, the header is one line of printable ASCII that Go's
// parser (as a browser's) reads, with no format character in the name.
func FuzzAttachment(f *testing.F) {
	for _, s := range []string{"avis-echeance-2026-12.pdf", "a\";b\r\n.pdf", "Règlement intérieur.pdf", "Guide\u202Efdp.exe", "\xff/\\%"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		cd := Attachment(name)
		for i := 0; i < len(cd); i++ {
			if cd[i] < 0x20 || cd[i] >= 0x7f {
				t.Fatalf("Attachment(%q) = %q: a control or non-ASCII byte", name, cd)
			}
		}
		disp, params, err := mime.ParseMediaType(cd)
		if err != nil || disp != "attachment" || params["filename"] == "" {
			t.Fatalf("Attachment(%q) = %q does not parse: %v %q", name, cd, err, params)
		}
		if strings.ContainsFunc(params["filename"], func(r rune) bool { return unicode.Is(unicode.Cf, r) || r == '/' || r == '\\' }) {
			t.Fatalf("Attachment(%q) names the file %q", name, params["filename"])
		}
	})
}
