package tenancy

import (
	"strings"
	"unicode"
)

// SEPAText writes s in the SEPA Latin character set, the only characters
// every bank of the SEPA area must carry in a transfer's remittance
// information (EPC guidelines on the character set, EPC217-08): a-z, A-Z,
// 0-9, space and / - ? : ( ) . , ' +. Accented letters lose their accent
// (LEFÈVRE → LEFEVRE, œ → oe), typographic apostrophes become ', any other
// character becomes a space; runs of spaces become one and the ends are
// trimmed. The result is cut to at most max characters (all one byte).
func SEPAText(s string, max int) string {
	var b strings.Builder
	space := true // no leading space
	put := func(r rune) {
		if r == ' ' {
			if space {
				return
			}
			space = true
		} else {
			space = false
		}
		b.WriteRune(r)
	}
	for _, r := range s {
		switch {
		case r < 0x80 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune(" /-?:().,'+", r)):
			put(r)
		case r == '’' || r == 'ʼ' || r == '‘':
			put('\'')
		case r == '‐' || r == '‑' || r == '–' || r == '—':
			put('-')
		default:
			base, ok := latinFold[r]
			if !ok {
				put(' ')
				continue
			}
			if unicode.IsUpper(r) {
				base = strings.ToUpper(base)
			}
			for _, c := range base {
				put(c)
			}
		}
	}
	out := strings.TrimRight(b.String(), " ")
	if len(out) > max {
		out = strings.TrimRight(out[:max], " ")
	}
	return out
}
