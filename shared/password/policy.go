package password

import (
	_ "embed"
	"fmt"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
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
	// Blank: only white space or invisible characters.
	Blank = "blank"
	// Repeated: one character, or one short run of characters, repeated.
	Repeated = "repeated"
)

// PolicyError is returned by Check when a password breaks the policy.
type PolicyError struct {
	Reason string // one of TooShort, TooLong, Blank, Repeated, Common
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
	case Blank:
		return "password: only white space or invisible characters"
	case Repeated:
		return "password: one character or one short run of characters repeated"
	}
	return "password: refused (" + e.Reason + ")"
}

// Check applies the password policy to a new password: at least MinRunes
// and at most MaxRunes code points, not only blank (see [Weakness]), not a
// repetition, and not a common password. Any Unicode
// is accepted and there are no composition rules (CNIL deliberation
// 2022-100 favours length and blocklists over forced character classes).
// The password is kept as typed: no trimming, no normalisation; only the
// comparisons of [Weakness] see it folded.
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
	if r := Weakness(pw); r != "" {
		return &PolicyError{Reason: r}
	}
	return nil
}

// Weakness is the policy's reason to refuse pw beyond its length: Blank,
// Common or Repeated, in that order, or "" when there is none.
//
//   - Blank: every character is white space or invisible (Unicode categories
//     Z*, Cc and Cf, variation selectors, the combining grapheme joiner and
//     the blank fillers U+115F, U+1160, U+2800, U+3164, U+FFA0), so twelve
//     spaces, no-break spaces or zero-width spaces, which look like nothing,
//     are refused.
//   - Repeated: once the blank characters are dropped, compatibility forms
//     mapped (NFKC: fullwidth "ａ" is "a") and letters lowered, the password
//     is a unit shorter than MinRunes written at least twice, give or take
//     up to maxStray characters changed, added at either end, or cut from
//     the last copy ("aaaaaaaaaaaa", "abababababab", "soleil soleil",
//     "aaaaaaaaaaaaaaaaaaaab", "ababababababc", "abcdeabcdeab"). Repeating
//     adds nothing a guesser has to find, so the password is as weak as its
//     unit and its one or two odd characters, which alone would be too
//     short. A unit of MinRunes or more, repeated, is left alone, and so is
//     any password with more than maxStray characters off the pattern: a
//     passphrase never comes that close to a short period.
//   - Common: see [Check]; the list is also looked up with compatibility
//     forms mapped ("ｐａｓｓｗｏｒｄ１２３４" is "password1234").
//
// NIST SP 800-63B §3.1.1.2 lists "repetitive or sequential characters"
// among what a blocklist should hold; OWASP ASVS 5.0 V6.2.4 the same.
func Weakness(pw string) string {
	folded := norm.NFKC.String(pw)
	visible := make([]rune, 0, len(folded))
	for _, r := range folded {
		if !invisible(r) {
			visible = append(visible, unicode.ToLower(r))
		}
	}
	switch {
	case len(visible) == 0:
		return Blank
	case isCommon(commonSet(), pw), folded != pw && isCommon(commonSet(), folded):
		return Common
	case repeats(visible):
		return Repeated
	}
	return ""
}

// invisible reports whether r shows as nothing, or as a blank.
func invisible(r rune) bool {
	switch r {
	case '\u034F', '\u115F', '\u1160', '\u2800', '\u3164', '\uFFA0':
		return true
	}
	return unicode.In(r, unicode.Z, unicode.Cc, unicode.Cf, unicode.Variation_Selector)
}

// maxStray is how many characters a near-repetition may have off its
// pattern.
const maxStray = 2

// repeats reports whether s is a unit shorter than MinRunes written at least
// twice, with at most maxStray characters off the pattern. For each unit
// length, the unit's character at each position is the one most often
// found there across the copies; every other character there is a stray.
// A character added at either end, or one cut short at the end, shifts no
// copy, so it costs one stray; one inserted in the middle shifts every copy
// after it and is not caught, which keeps the rule simple and cheap
// (MaxRunes × MinRunes steps at most).
func repeats(s []rune) bool {
	n := len(s)
	counts := make(map[rune]int)
	for unit := 1; unit < MinRunes && 2*unit <= n; unit++ {
		stray := 0
		for at := 0; at < unit && stray <= maxStray; at++ {
			clear(counts)
			most, copies := 0, 0
			for i := at; i < n; i += unit {
				counts[s[i]]++
				most = max(most, counts[s[i]])
				copies++
			}
			stray += copies - most
		}
		if stray <= maxStray {
			return true
		}
	}
	return false
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
