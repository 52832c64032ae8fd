package bankaccount

import (
	"errors"
	"slices"
	"strings"
	"unicode"

	stdbic "github.com/mavolin/standards/bic"
)

// The reasons ParseBIC refuses a BIC; Advice turns each into French.
var (
	ErrBICEmpty = errors.New("bic: empty")
	// ErrBICFormat: not 8 or 11 letters and digits, in the ISO 9362 shape
	// (4 for the bank, 2 letters for the country, 2 for the place, 3 for the
	// branch, optional).
	ErrBICFormat = errors.New("bic: not 8 or 11 letters and digits")
	// ErrBICCountry: its fifth and sixth letters name no country.
	ErrBICCountry = errors.New("bic: unknown country")
	// ErrBICNotSEPA: a bank of a territory that issues the IBAN's country's
	// IBANs but lies outside SEPA (a bank of New Caledonia, NC, with an FR
	// IBAN).
	ErrBICNotSEPA = errors.New("bic: bank outside the sepa area")
	// ErrBICMismatch: the bank's country is not the IBAN's.
	ErrBICMismatch = errors.New("bic: country differs from the iban's")
)

// BIC is a checked business identifier code (ISO 9362), 8 or 11 capital
// letters and digits, e.g. "BNPAFRPP" or "BNPAFRPPXXX".
type BIC string

// Country is the BIC's ISO 3166 country code (its 5th and 6th characters).
func (b BIC) Country() string { return string(b[4:6]) }

// ParseBIC reads a BIC as typed (spaces anywhere and lower case tolerated)
// and checks its shape (github.com/mavolin/standards/bic: 8 or 11 characters,
// an assigned ISO 3166 country) and that it is the bank of the IBAN: its
// country is the IBAN's, or a territory whose banks issue that country's IBANs
// (a bank of Guadeloupe, GP, issues FR IBANs) inside SEPA; a bank of New
// Caledonia, French Polynesia, Wallis and Futuna or the French Southern
// Territories (NC, PF, WF, TF), outside SEPA, is refused. A BIC whose country differs
// is almost always a typing mistake or the details of two accounts mixed,
// and a SEPA direct debit sent with it would be rejected.
//
// Errors: ErrBICEmpty, ErrBICFormat, ErrBICCountry, ErrBICNotSEPA,
// ErrBICMismatch.
func ParseBIC(typed string, of IBAN) (BIC, error) {
	if len(typed) > MaxTyped {
		return "", ErrBICFormat
	}
	var b strings.Builder
	for _, r := range typed {
		switch {
		case unicode.IsSpace(r):
		case r >= 'a' && r <= 'z':
			b.WriteRune(r - 'a' + 'A')
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			return "", ErrBICFormat
		}
	}
	s := b.String()
	if s == "" {
		return "", ErrBICEmpty
	}
	if len(s) != 8 && len(s) != 11 || !isLetter(s[4]) || !isLetter(s[5]) {
		return "", ErrBICFormat
	}
	if _, err := stdbic.Parse(s); err != nil {
		if errors.Is(err, stdbic.ErrLength) || errors.Is(err, stdbic.ErrBusinessPartyPrefix) ||
			errors.Is(err, stdbic.ErrBusinessPartySuffix) || errors.Is(err, stdbic.ErrBranchCode) {
			return "", ErrBICFormat
		}
		return "", ErrBICCountry
	}
	bic := BIC(s)
	if !isCountry(bic.Country()) {
		return "", ErrBICCountry
	}
	if of != "" && slices.Contains(outsideSEPA[of.Country()], bic.Country()) {
		return "", ErrBICNotSEPA
	}
	if of != "" && bic.Country() != of.Country() && !slices.Contains(bicCountries[of.Country()], bic.Country()) {
		return "", ErrBICMismatch
	}
	return bic, nil
}
