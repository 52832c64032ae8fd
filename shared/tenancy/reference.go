package tenancy

import (
	"errors"
	"strings"
	"unicode"
)

// MaxReferenceDigits bounds a reference: the notice prints it on ten digits
// after "L/", zeros included.
const MaxReferenceDigits = 10

// ErrBadReference means the text cannot be a client reference.
var ErrBadReference = errors.New("not a client reference")

// NormalizeReference turns a client reference as a tenant types it into its
// canonical form: the digits of the contract number without leading zeros.
//
// Notices print "L/0008889999-99966899+3" and the reference is what follows
// "L/000" up to the dash, so all of these give "8889999": "8889999",
// "0008889999", "L/0008889999-99966899+3", "l / 000 8889999 - 99966899+3".
// Spaces, dots and any kind of dash pasted from a PDF are tolerated.
func NormalizeReference(s string) (string, error) {
	var b strings.Builder
	for _, r := range s {
		switch {
		case unicode.IsSpace(r) || r == '.':
			continue
		case isDash(r):
			// What follows the dash is the account number and key: not part of
			// the reference, whatever it holds.
			return canonicalDigits(b.String())
		}
		b.WriteRune(r)
	}
	return canonicalDigits(b.String())
}

func canonicalDigits(s string) (string, error) {
	if len(s) > 0 && (s[0] == 'L' || s[0] == 'l') {
		s = s[1:]
		s = strings.TrimPrefix(s, "/")
	}
	if s == "" || len(s) > MaxReferenceDigits {
		return "", ErrBadReference
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return "", ErrBadReference
		}
	}
	s = strings.TrimLeft(s, "0")
	if s == "" {
		return "", ErrBadReference
	}
	return s, nil
}

func isDash(r rune) bool {
	switch r {
	case '-', '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2212', '\uFE63', '\uFF0D':
		return true
	}
	return false
}
