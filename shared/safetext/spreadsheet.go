package safetext

import (
	"strings"
	"unicode/utf8"
)

// SpreadsheetCell returns s fit for a text cell of a CSV file that a
// spreadsheet will open: s itself, or s preceded by an apostrophe when a
// spreadsheet would take it for a formula (OWASP, "CSV Injection"). That is
// when s starts with a tab or a carriage return, or when its first visible
// character, after any white space and invisible characters (IsInvisible:
// zero-width spaces, joiners, byte order marks, bidi marks…), is "=", "+",
// "-" or "@", in their ASCII, fullwidth (＝＋－＠) or small (﹦﹢﹣﹫) forms.
// It is the rule of the web app's statement CSV (csvCell in
// web/js/views/account.js). Quoting for the separator is the CSV writer's.
// Invalid UTF-8 is taken byte by byte (U+FFFD is visible, so it ends the
// search).
func SpreadsheetCell(s string) string {
	if strings.HasPrefix(s, "\t") || strings.HasPrefix(s, "\r") {
		return "'" + s
	}
	for _, r := range s {
		if r == utf8.RuneError {
			return s
		}
		if isSpreadsheetFormulaStart(r) {
			return "'" + s
		}
		if !IsInvisible(r) {
			return s
		}
	}
	return s
}

// isSpreadsheetFormulaStart reports whether r, as a cell's first visible
// character, makes it a formula: IsFormulaStart's "=" and "@", and "+" and
// "-" with their fullwidth (U+FF0B, U+FF0D) and small (U+FE62, U+FE63)
// forms.
func isSpreadsheetFormulaStart(r rune) bool {
	switch r {
	case '+', '-', '\uff0b', '\uff0d', '\ufe62', '\ufe63':
		return true
	}
	return IsFormulaStart(r)
}
