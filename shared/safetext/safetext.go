// Package safetext is the one rule for free text the portal keeps and hands
// on: what tenants type (change requests) and what the ERP's files carry
// (names, labels, addresses). Such text ends up in emails, in the landlord's
// exports and in spreadsheets, so it must not carry:
//   - control characters (C0, DEL, C1): a line break in a name would end up in
//     an email header, a NUL cuts strings short in other programs;
//   - bidirectional embedding, override and isolate controls (U+202A–U+202E,
//     U+2066–U+2069), which make text display in another order than it reads
//     ("Trojan Source", CVE-2021-42574; Unicode TR #9 §2.1–2.2);
//   - a formula start: a cell whose first visible character is "=" or "@"
//     (or their fullwidth and small forms, which spreadsheets also take) is a
//     formula to Excel and LibreOffice (OWASP, "CSV Injection"). Invisible
//     characters (spaces, zero-width and other format characters) before it
//     do not hide it.
//
// "+" and "-" also start formulas, but refusing them would hurt: a tenant's
// letter lists with "- " and gives a phone number as "+33 6…", an ERP label
// may read "-10 % remise". Text holding them is kept; whoever writes it into
// a spreadsheet cell must escape it (as the web app's statement CSV does).
//
// The reasons are errors with a French text, fit for an import report; a
// service that answers a tenant words its own sentence from them.
package safetext

import (
	"errors"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Rule says what text is accepted.
type Rule struct {
	// MaxRunes bounds the text's length in Unicode code points.
	MaxRunes int
	// Lines allows line breaks: CRLF, CR LF's Unicode cousins U+2028 and
	// U+2029 become LF; a lone CR is still refused. The formula rule then
	// applies to the start of each line.
	Lines bool
}

// The reasons Check refuses text, besides *TooLongError.
var (
	ErrNotUTF8   = errors.New("caractères illisibles (texte UTF-8 attendu)")
	ErrLineBreak = errors.New("saut de ligne interdit")
	ErrControl   = errors.New("caractère de contrôle interdit")
	ErrBidi      = errors.New("caractère de contrôle du sens d’écriture interdit (U+202A à U+202E, U+2066 à U+2069)")
	ErrFormula   = errors.New("commence par «\u00a0=\u00a0» ou «\u00a0@\u00a0», qu’un tableur prendrait pour une formule")
)

// TooLongError is text over Rule.MaxRunes.
type TooLongError struct{ Runes, Max int }

func (e *TooLongError) Error() string {
	return "trop long (" + strconv.Itoa(e.Runes) + " caractères, " + strconv.Itoa(e.Max) + " au plus)"
}

// lineBreaks normalises the line breaks of multi-line text to LF.
var lineBreaks = strings.NewReplacer("\r\n", "\n", "\u2028", "\n", "\u2029", "\n")

// Check returns the text, with its line breaks normalised to LF under
// Rule.Lines (unchanged otherwise), or why it is refused: ErrNotUTF8,
// *TooLongError, ErrLineBreak, ErrControl, ErrBidi or ErrFormula. It does not
// trim: callers decide what surrounding space means.
func Check(s string, rule Rule) (string, error) {
	if rule.Lines && strings.ContainsAny(s, "\r\u2028\u2029") {
		s = lineBreaks.Replace(s)
	}
	if len(s) > rule.MaxRunes {
		if n := utf8.RuneCountInString(s); n > rule.MaxRunes {
			return "", &TooLongError{Runes: n, Max: rule.MaxRunes}
		}
	}
	lineStart := true // no visible character yet on this line
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '\n' && rule.Lines:
				lineStart = true
				i++
				continue
			case c == '\n' || c == '\r':
				return "", ErrLineBreak
			case c < 0x20 || c == 0x7f:
				return "", ErrControl
			}
			if lineStart {
				if c == '=' || c == '@' {
					return "", ErrFormula
				}
				lineStart = c == ' '
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			return "", ErrNotUTF8
		case r < 0xa0: // C1, NEL among them
			return "", ErrControl
		case r == '\u2028' || r == '\u2029':
			return "", ErrLineBreak
		case IsBidiControl(r):
			return "", ErrBidi
		}
		if lineStart {
			if IsFormulaStart(r) {
				return "", ErrFormula
			}
			lineStart = IsInvisible(r)
		}
		i += size
	}
	return s, nil
}

// IsBidiControl reports whether r is one of the explicit directional
// embedding, override or isolate controls (Unicode TR #9 §2.1–2.2). The
// implicit marks (U+200E, U+200F, U+061C) are not: right-to-left names use
// them, and they cannot reorder text.
func IsBidiControl(r rune) bool {
	return r >= '\u202a' && r <= '\u202e' || r >= '\u2066' && r <= '\u2069'
}

// IsFormulaStart reports whether r, as the first visible character of a
// cell, makes it a formula that this package refuses: "=" and "@", and
// their fullwidth (U+FF1D, U+FF20) and small (U+FE66, U+FE6B) forms.
func IsFormulaStart(r rune) bool {
	switch r {
	case '=', '@', '\uff1d', '\uff20', '\ufe66', '\ufe6b':
		return true
	}
	return false
}

// IsInvisible reports whether r shows nothing by itself: white space, format
// characters (zero-width spaces and joiners, the BOM, soft hyphen…), variation
// selectors and the other default-ignorable code points.
func IsInvisible(r rune) bool {
	return unicode.In(r, unicode.White_Space, unicode.Cf, unicode.Variation_Selector, unicode.Other_Default_Ignorable_Code_Point)
}
