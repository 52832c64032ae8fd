package password

import (
	_ "embed"
	"fmt"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Length limits, in Unicode code points (runes), not bytes nor grapheme
// clusters: "é" typed as one precomposed character counts 1, which is what
// users expect from the French keyboard they type on.
const (
	// MinRunes is the CNIL floor for a password-only login.
	MinRunes = 12
	// MaxRunes is well above the 128 that the spec promises to accept, so
	// passphrases and password-manager output always fit, while still
	// bounding the work one request can ask of the server.
	MaxRunes = 256
	// maxBytes lets Check refuse a huge input without scanning it. Since a
	// rune is at most 4 bytes in UTF-8 it never refuses a password that
	// MaxRunes would accept.
	maxBytes = 4 * MaxRunes
)

// Reasons a password is refused, found in PolicyError.Reason. They are
// stable identifiers for the caller to map to user-facing (French) messages.
const (
	TooShort = "too_short"
	TooLong  = "too_long"
	Common   = "common"
)

// PolicyError is returned by Check when a password breaks the policy.
type PolicyError struct {
	Reason string // one of TooShort, TooLong, Common
}

// Error is for logs and developers; users should see a message chosen from
// Reason.
func (e *PolicyError) Error() string {
	switch e.Reason {
	case TooShort:
		return fmt.Sprintf("password: too short (at least %d characters)", MinRunes)
	case TooLong:
		return fmt.Sprintf("password: too long (at most %d characters)", MaxRunes)
	case Common:
		return "password: too common (found in a list of leaked passwords)"
	}
	return "password: refused (" + e.Reason + ")"
}

// Check applies the password policy to a new password: at least MinRunes
// and at most MaxRunes code points, and not a common password. Any Unicode
// is accepted and there are no composition rules (CNIL deliberation
// 2022-100 favours length and blocklists over forced character classes).
// The password is taken as typed: no trimming, no normalisation.
//
// A password is common when, lowercased, it is in the embedded list, or when
// it is a listed word of at least 8 characters followed only by digits,
// punctuation or symbols ("Basketball2024!"), the most common way people
// stretch a short password to a length rule.
func Check(pw string) error {
	if len(pw) > maxBytes {
		return &PolicyError{Reason: TooLong}
	}
	switch n := utf8.RuneCountInString(pw); {
	case n < MinRunes:
		return &PolicyError{Reason: TooShort}
	case n > MaxRunes:
		return &PolicyError{Reason: TooLong}
	}
	if isCommon(commonSet(), pw) {
		return &PolicyError{Reason: Common}
	}
	return nil
}

// minStemRunes limits the stem rule to recognisable padded passwords: with a
// short stem, most of the length (and strength) is in the padding itself.
const minStemRunes = 8

func isCommon(set map[string]struct{}, pw string) bool {
	lower := strings.ToLower(pw)
	if _, ok := set[lower]; ok {
		return true
	}
	stem := strings.TrimRightFunc(lower, func(r rune) bool {
		return unicode.IsDigit(r) || unicode.IsPunct(r) || unicode.IsSymbol(r)
	})
	if stem == lower || utf8.RuneCountInString(stem) < minStemRunes {
		return false
	}
	_, ok := set[stem]
	return ok
}

// common.txt is described in common.README.md.
//
//go:embed common.txt
var commonTxt string

// The map is built on first use rather than at init because this code runs
// in AWS Lambda, where init time is paid on every cold start, including for
// the many invocations (login) that never call Check.
var commonSet = sync.OnceValue(func() map[string]struct{} {
	set := make(map[string]struct{}, strings.Count(commonTxt, "\n"))
	for line := range strings.Lines(commonTxt) {
		line = strings.TrimRight(line, "\r\n")
		if line != "" {
			set[line] = struct{}{}
		}
	}
	return set
})
