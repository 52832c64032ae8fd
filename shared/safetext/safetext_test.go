package safetext_test

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/citejardins/extranet/shared/safetext"
)

func TestCheck(t *testing.T) {
	line := safetext.Rule{MaxRunes: 20}
	letter := safetext.Rule{MaxRunes: 40, Lines: true}
	tooLong := &safetext.TooLongError{}
	tests := []struct {
		in   string
		rule safetext.Rule
		want string
		err  error
	}{
		{"Lefèvre – d’Arc €\ufffd", line, "Lefèvre – d’Arc €\ufffd", nil},
		{"", line, "", nil},
		{"a=b @c +33 -1", line, "a=b @c +33 -1", nil},
		{"+33 6 12 34 56 78", line, "+33 6 12 34 56 78", nil},
		{"- remise", line, "- remise", nil},
		{"\u200fعلي\u200f", line, "\u200fعلي\u200f", nil},
		{strings.Repeat("é", 21), line, "", tooLong},
		{"a\nb", line, "", safetext.ErrLineBreak},
		{"a\rb", line, "", safetext.ErrLineBreak},
		{"a\u2028b", line, "", safetext.ErrLineBreak},
		{"a\tb", line, "", safetext.ErrControl},
		{"a\x00b", line, "", safetext.ErrControl},
		{"a\x7fb", line, "", safetext.ErrControl},
		{"a\u0085b", line, "", safetext.ErrControl},
		{"a\u202eb", line, "", safetext.ErrBidi},
		{"a\u2067b", line, "", safetext.ErrBidi},
		{"a\xffb", line, "", safetext.ErrNotUTF8},
		{"=1+1", line, "", safetext.ErrFormula},
		{"@SUM(1)", line, "", safetext.ErrFormula},
		{"＝1+1", line, "", safetext.ErrFormula},
		{"＠x", line, "", safetext.ErrFormula},
		{"﹦1", line, "", safetext.ErrFormula},
		{"\u200b=1", line, "", safetext.ErrFormula},
		{"\ufeff\u00a0 \u2060\u00ad\ufe0f=1", line, "", safetext.ErrFormula},
		{"a\r\nb\u2029c", letter, "a\nb\nc", nil},
		{"a\n- b\n+33", letter, "a\n- b\n+33", nil},
		{"a\r\n=1", letter, "", safetext.ErrFormula},
		{"a\n \u200b＝1", letter, "", safetext.ErrFormula},
		{"a\rb", letter, "", safetext.ErrLineBreak},
		{strings.Repeat("a\r\n", 20), letter, strings.Repeat("a\n", 20), nil}, // counted after CRLF → LF
	}
	for _, tt := range tests {
		got, err := safetext.Check(tt.in, tt.rule)
		ok := errors.Is(err, tt.err)
		if _, isLong := tt.err.(*safetext.TooLongError); isLong {
			ok = errors.As(err, &tooLong)
		}
		if got != tt.want || !ok {
			t.Errorf("Check(%q, %+v) = %q, %v; want %q, %v", tt.in, tt.rule, got, err, tt.want, tt.err)
		}
	}
}

// FuzzCheck checks the text rule on any input: what it accepts it accepts
// again unchanged, within the length, with no control but LF (and that only
// in multi-line text), no bidi control, and no line whose first visible
// character starts a formula.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{"Bonjour,\r\n\r\n- ligne", "\u200b=1", "＝1", "a\u202eb", "a\x00", "\xff", "é\u2028@x"} {
		f.Add(s, true)
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, s string, lines bool) {
		rule := safetext.Rule{MaxRunes: 64, Lines: lines}
		got, err := safetext.Check(s, rule)
		if err != nil {
			return
		}
		if !utf8.ValidString(got) {
			t.Fatalf("Check(%q) = %q, not UTF-8", s, got)
		}
		if again, err := safetext.Check(got, rule); again != got || err != nil {
			t.Fatalf("Check(Check(%q)) = %q, %v; want %q", s, again, err, got)
		}
		if utf8.RuneCountInString(got) > rule.MaxRunes {
			t.Fatalf("Check(%q) = %q, over %d runes", s, got, rule.MaxRunes)
		}
		for _, ln := range strings.Split(got, "\n") {
			first := true
			for _, r := range ln {
				if r < 0x20 || r >= 0x7f && r < 0xa0 || r == '\u2028' || r == '\u2029' || safetext.IsBidiControl(r) {
					t.Fatalf("Check(%q) = %q, with %U", s, got, r)
				}
				if first && !safetext.IsInvisible(r) {
					if safetext.IsFormulaStart(r) {
						t.Fatalf("Check(%q) = %q, a line starting with %q", s, got, r)
					}
					first = false
				}
			}
		}
		if !lines && strings.Contains(got, "\n") {
			t.Fatalf("Check(%q) on one line = %q, with a line feed", s, got)
		}
	})
}
