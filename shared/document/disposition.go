package document

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/citejardins/extranet/shared/tenancy"
)

// Attachment is the Content-Disposition of a download named fileName
// (RFC 6266): `attachment; filename="<ASCII>"; filename*=UTF-8”<pct>`.
// The quoted name is an ASCII fallback (accents folded, anything else that
// is not a safe printable character as "_"); filename* carries the exact
// UTF-8 name, percent-encoded outside RFC 5987's attr-char set, and wins in
// every current browser. Path separators never reach either form, and
// format characters (Unicode category Cf: bidi controls and marks such as
// U+202E, which shows "Guide\u202Efdp.exe" as "Guideexe.pdf", zero-width
// characters, soft hyphens) are dropped from both.
func Attachment(fileName string) string {
	name := strings.Map(func(r rune) rune {
		switch {
		case r == '/' || r == '\\' || r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 || r == utf8.RuneError:
			return '_'
		case unicode.Is(unicode.Cf, r):
			return -1
		}
		return r
	}, fileName)
	if strings.TrimSpace(name) == "" {
		name = "document"
	}
	return fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`, asciiName(name), pctEncode(name))
}

func asciiName(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '"' || r == '%':
			b.WriteByte('_')
		case r >= 0x20 && r < 0x7f:
			b.WriteRune(r)
		default:
			folded := tenancy.FoldName(string(r)) // é → e, œ → oe
			if folded != "" && isASCIIAlnum(folded) {
				if r != []rune(strings.ToLower(string(r)))[0] {
					folded = strings.ToUpper(folded)
				}
				b.WriteString(folded)
			} else {
				b.WriteByte('_')
			}
		}
	}
	return b.String()
}

func isASCIIAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// pctEncode encodes s for an RFC 5987 ext-value: attr-char bytes as is,
// every other byte as %XX.
func pctEncode(s string) string {
	const attrChar = "!#$&+-.^_`|~"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(attrChar, c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}
