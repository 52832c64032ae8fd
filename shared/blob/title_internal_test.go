package blob

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/citejardins/extranet/shared/safetext"
)

// A title the portal's text rule refuses is the file name, itself
// without format characters.
func TestTitleOfFollowsSafetext(t *testing.T) {
	for _, tt := range []struct{ meta, file, want string }{
		{"Guide%20Eco%27Loc", "guide.pdf", "Guide Eco'Loc"},
		{"%E2%80%AEfdp.exe", "guide.pdf", "guide.pdf"},
		{"Guide%E2%81%A6Eco", "guide.pdf", "guide.pdf"},
		{"=HYPERLINK(%22http://x%22)", "guide.pdf", "guide.pdf"},
		{"%E2%80%8B@x", "guide.pdf", "guide.pdf"},
		{"a%C2%85b", "guide.pdf", "a b"}, // NEL is white space to strings.Fields
		{"", "Guide\u202efdp.exe", "Guidefdp.exe"},
		{"%ZZ", "a\u200fb\u2066c.pdf", "abc.pdf"},
		{"  R%C3%A8glement%0A%20int%C3%A9rieur ", "r.pdf", "Règlement intérieur"},
	} {
		if got := titleOf(tt.meta, tt.file); got != tt.want {
			t.Errorf("titleOf(%q, %q) = %q; want %q", tt.meta, tt.file, got, tt.want)
		}
	}
}

// The title parser reads outside text (S3 metadata the landlord's upload
// wrote): whatever it holds, the title is valid UTF-8 of at most maxTitle
// runes that safetext accepts, or the file name cleaned.
func FuzzTitleOf(f *testing.F) {
	for _, s := range []string{"Guide%20Eco%27Loc", "%E2%80%AEfdp.exe", "%ZZ", "=1", "%F0%9F%8F%A0"} {
		f.Add(s, "guide.pdf")
	}
	f.Fuzz(func(t *testing.T, meta, file string) {
		got := titleOf(meta, file)
		if strings.ContainsFunc(got, func(r rune) bool { return unicode.Is(unicode.Cf, r) && safetext.IsBidiControl(r) || r < 0x20 }) {
			t.Fatalf("titleOf(%q, %q) = %q keeps a control", meta, file, got)
		}
		if !utf8.ValidString(file) || !utf8.ValidString(got) {
			return
		}
		if _, err := safetext.Check(got, safetext.Rule{MaxRunes: maxTitle}); err != nil && got != cleanFileName(file) {
			t.Fatalf("titleOf(%q, %q) = %q: %v", meta, file, got, err)
		}
	})
}

func cleanFileName(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r >= 0x7f && r < 0xa0 || unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, s)
}
