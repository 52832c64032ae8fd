// Package bankaccount holds the rules for the bank details a tenant gives
// (Mes coordonnées bancaires, the SEPA mandate): the IBAN (ISO 13616), the BIC
// (ISO 9362) and the account holder's name, and how an IBAN is shown.
//
// The checks of an IBAN's check digits and national key are those of
// github.com/mavolin/standards (v1.0.2), a small pure-Go library without
// dependencies and the only kept Go library that checks the French RIB key;
// around it this package adds what the library does not do exactly: the
// tolerant reading of what a person types, the exact length per country (the
// library's BBAN patterns are not anchored, so a longer IBAN of the right
// prefix passes them), the SEPA area, check digits outside 02–98, and one
// error per reason so that the tenant is told precisely what to correct.
//
// The package is a domain package: beyond the standard library it imports
// only that library.
package bankaccount

import (
	"errors"
	"fmt"
	"strings"
	"unicode"

	stdiban "github.com/mavolin/standards/iban"
	"github.com/mavolin/standards/iso3166"
)

// The reasons ParseIBAN refuses an IBAN. Each is stable; Advice turns it into
// French. The errors ParseIBAN returns wrap one of them (errors.Is), and an
// *IBANError carries the country and lengths for the message.
var (
	ErrIBANEmpty = errors.New("iban: empty")
	// ErrIBANCharacters: a character other than a letter, a digit or a space.
	ErrIBANCharacters = errors.New("iban: character other than a letter or a digit")
	// ErrIBANCountry: the first two characters name no country that has IBANs.
	ErrIBANCountry = errors.New("iban: unknown country")
	// ErrIBANNotSEPA: a country with IBANs, outside the SEPA area: no SEPA
	// direct debit nor SEPA transfer reaches it.
	ErrIBANNotSEPA = errors.New("iban: country outside the SEPA area")
	// ErrIBANLength: not the length of the country's IBANs.
	ErrIBANLength = errors.New("iban: wrong length for its country")
	// ErrIBANCheckDigits: the ISO 13616 check (the whole IBAN mod 97 = 1) fails,
	// or the check digits are outside 02–98.
	ErrIBANCheckDigits = errors.New("iban: wrong check digits")
	// ErrIBANFormat: the account part (BBAN) has letters where the country's
	// format wants digits, or the like.
	ErrIBANFormat = errors.New("iban: account part not in its country's format")
	// ErrIBANRIBKey: a French or Monegasque IBAN whose RIB key (the last two
	// digits: 97 − (bank code, branch code, account number) mod 97) is wrong.
	ErrIBANRIBKey = errors.New("iban: wrong RIB key")
	// ErrIBANNationalKey: another country's national check digit is wrong.
	ErrIBANNationalKey = errors.New("iban: wrong national check digits")
)

// IBANError is a refused IBAN: the reason (one of the Err* above, which
// errors.Is finds), and, when known, the country and the lengths.
type IBANError struct {
	Reason  error
	Country string // two capital letters, when the IBAN starts with them
	Want    int    // the country's IBAN length (ErrIBANLength)
	Got     int    // the length read, spaces left out (ErrIBANLength)
}

func (e *IBANError) Error() string {
	if e.Reason == ErrIBANLength {
		return fmt.Sprintf("%v: %s wants %d characters, got %d", e.Reason, e.Country, e.Want, e.Got)
	}
	return e.Reason.Error()
}

func (e *IBANError) Unwrap() error { return e.Reason }

// IBAN is a checked IBAN in its electronic form: capital letters and digits,
// no space (ISO 13616-1 §5.1), e.g. "FR7630006000011234567890189".
type IBAN string

// Country is the IBAN's ISO 3166 country code, e.g. "FR".
func (i IBAN) Country() string { return string(i[:2]) }

// Printed is the paper form, in groups of four separated by one space
// (ISO 13616-1 §5.2): "FR76 3000 6000 0112 3456 7890 189".
func (i IBAN) Printed() string { return groups(string(i)) }

// VisibleTail is how many of the last characters Masked shows.
const VisibleTail = 4

// MaskRune stands for each hidden character in Masked.
const MaskRune = '•'

// Masked is the IBAN as the portal shows it back: the country code and the
// check digits, then every character hidden but the last VisibleTail, in the
// groups of four of the printed form: "FR76 •••• •••• •••• •••• •••0 189".
//
// Why these: the last four characters are what banks and payment providers
// show to let a person recognise their account (Stripe's SEPA debit "last4",
// bank statements), and the country and check digits say nothing of the
// account; together they never give the account number, the bank or the
// branch, so a stolen session or a screenshot cannot take the IBAN to debit
// it elsewhere, while the tenant still sees which account is on file.
func (i IBAN) Masked() string {
	s := []rune(string(i))
	for k := 4; k < len(s)-VisibleTail; k++ {
		s[k] = MaskRune
	}
	return groups(string(s))
}

func groups(s string) string {
	r := []rune(s)
	var b strings.Builder
	for k, c := range r {
		if k > 0 && k%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// MaxTyped bounds what ParseIBAN reads: an IBAN is at most 34 characters
// (ISO 13616-1), and a person may type it with spaces between groups.
const MaxTyped = 100

// ParseIBAN reads an IBAN as a person types or pastes it: spaces, tabs,
// non-breaking spaces and line breaks anywhere, lower case letters; and
// checks it: a SEPA country's code, that country's exact length (Lengths), the
// ISO 13616 check digits (mod 97 = 1, and 02–98 as ISO 7064 computes them),
// the country's BBAN format and, where the library knows one, the national
// check digits (the RIB key for FR and MC).
//
// Errors (an *IBANError wrapping one of): ErrIBANEmpty, ErrIBANCharacters,
// ErrIBANCountry, ErrIBANNotSEPA, ErrIBANLength, ErrIBANCheckDigits,
// ErrIBANFormat, ErrIBANRIBKey, ErrIBANNationalKey; checked in that order.
func ParseIBAN(typed string) (IBAN, error) {
	if len(typed) > MaxTyped*4 {
		return "", &IBANError{Reason: ErrIBANLength}
	}
	var b strings.Builder
	for _, r := range typed {
		switch {
		case unicode.IsSpace(r) || r == '\u200b' || r == '\u2060' || r == '\ufeff':
			// Pasted IBANs carry narrow no-break spaces (U+202F, French
			// typography) and zero-width ones.
		case r >= 'a' && r <= 'z':
			b.WriteRune(r - 'a' + 'A')
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			return "", &IBANError{Reason: ErrIBANCharacters}
		}
	}
	s := b.String()
	if s == "" {
		return "", &IBANError{Reason: ErrIBANEmpty}
	}
	if len(s) < 2 || !isLetter(s[0]) || !isLetter(s[1]) {
		return "", &IBANError{Reason: ErrIBANCountry}
	}
	country := s[:2]
	want, sepa := Lengths[country]
	if !sepa {
		if isCountry(country) {
			return "", &IBANError{Reason: ErrIBANNotSEPA, Country: country}
		}
		return "", &IBANError{Reason: ErrIBANCountry, Country: country}
	}
	if len(s) != want {
		return "", &IBANError{Reason: ErrIBANLength, Country: country, Want: want, Got: len(s)}
	}
	// ISO 7064 MOD 97-10 gives check digits 02 to 98. Check digits d and
	// d − 97 leave the same remainder, so 00, 01 and 99 pass the mod-97 test
	// where 97, 98 and 02 are right; no bank issues them.
	if !isDigit(s[2]) || !isDigit(s[3]) || s[2:4] == "00" || s[2:4] == "01" || s[2:4] == "99" {
		return "", &IBANError{Reason: ErrIBANCheckDigits, Country: country}
	}
	_, err := stdiban.Parse(s)
	if (country == "FR" || country == "MC") && ribLettersOutsideLibrary(s[4:]) &&
		(err == nil || errors.Is(err, stdiban.ErrNationalChecksum)) {
		// The library's RIB key is wrong for these letters (rib.go).
		if !ribKeyOK(s[4:]) {
			return "", &IBANError{Reason: ErrIBANRIBKey, Country: country}
		}
		err = nil
	}
	switch {
	case err == nil:
		return IBAN(s), nil
	case errors.Is(err, stdiban.ErrChecksum):
		return "", &IBANError{Reason: ErrIBANCheckDigits, Country: country}
	case errors.Is(err, stdiban.ErrCountrySpecific), errors.Is(err, stdiban.ErrBBAN):
		return "", &IBANError{Reason: ErrIBANFormat, Country: country}
	case errors.Is(err, stdiban.ErrNationalChecksum):
		if country == "FR" || country == "MC" {
			return "", &IBANError{Reason: ErrIBANRIBKey, Country: country}
		}
		return "", &IBANError{Reason: ErrIBANNationalKey, Country: country}
	default:
		// ErrLength or ErrCountryCode: ruled out above; keep the cause.
		return "", &IBANError{Reason: ErrIBANCountry, Country: country}
	}
}

// isCountry reports whether code is an officially assigned ISO 3166 code or
// Kosovo's XK (user-assigned, yet used by its IBANs and BICs); the other
// user-assigned codes (XA…XZ, AA, QM…QZ, ZZ) name no country.
func isCountry(code string) bool {
	c, err := iso3166.ParseAlpha2(code)
	return err == nil && (c.Status == iso3166.OfficiallyAssigned || code == "XK")
}

func isLetter(c byte) bool { return c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
