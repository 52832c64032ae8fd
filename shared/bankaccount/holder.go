package bankaccount

import (
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/citejardins/extranet/shared/tenancy"
)

// HolderMax bounds the account holder's name in its SEPA form: the debtor's
// name of a SEPA direct debit and the name of a transfer's party are
// Max70Text (ISO 20022 pain.008 and pain.001, EPC implementation guidelines).
const HolderMax = 70

// The reasons ParseHolder refuses a name; Advice turns each into French.
var (
	ErrHolderEmpty = errors.New("holder: empty")
	// ErrHolderTooLong: over HolderMax characters, typed or in SEPA form.
	ErrHolderTooLong = errors.New("holder: too long")
	// ErrHolderCharacters: a character the SEPA character set cannot carry,
	// even without its accent (an emoji, a non-Latin script, a control
	// character), or no letter at all.
	ErrHolderCharacters = errors.New("holder: characters outside the sepa set")
)

// ParseHolder reads the account holder's name as typed: in Unicode's
// composed form (NFC, so "e" + U+0301 is "é"), the ends trimmed and every
// run of spaces (tabs, line breaks) made one space. The name is kept as
// typed, accents included (it is shown back to the tenant); SEPA gives its
// form for the banks (tenancy.SEPAText: LEFÈVRE → LEFEVRE).
//
// Errors: ErrHolderEmpty, ErrHolderTooLong, ErrHolderCharacters.
func ParseHolder(typed string) (string, error) {
	if len(typed) > HolderMax*8 {
		return "", ErrHolderTooLong
	}
	if !utf8.ValidString(typed) {
		return "", ErrHolderCharacters
	}
	// NFC: a name pasted decomposed (e + U+0301) is the same name.
	s := strings.Join(strings.Fields(norm.NFC.String(typed)), " ")
	if s == "" {
		return "", ErrHolderEmpty
	}
	letter := false
	for _, r := range s {
		if r == ' ' {
			continue
		}
		if unicode.IsControl(r) || tenancy.SEPAText(string(r), 8) == "" {
			return "", ErrHolderCharacters
		}
		letter = letter || unicode.IsLetter(r)
	}
	if !letter {
		return "", ErrHolderCharacters
	}
	if utf8.RuneCountInString(s) > HolderMax || len(tenancy.SEPAText(s, 4*HolderMax)) > HolderMax {
		return "", ErrHolderTooLong
	}
	return s, nil
}

// SEPA gives a name ParseHolder accepted in the SEPA character set, as banks
// receive it (at most HolderMax characters).
func SEPA(holder string) string { return tenancy.SEPAText(holder, HolderMax) }
