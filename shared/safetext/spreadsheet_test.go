package safetext_test

import (
	"testing"
	"unicode/utf8"

	"github.com/citejardins/extranet/shared/safetext"
)

func TestSpreadsheetCell(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"", ""},
		{"12 rue des Lilas", "12 rue des Lilas"},
		{"LEFÈVRE Céline / LEFÈVRE Julien", "LEFÈVRE Céline / LEFÈVRE Julien"},
		{"a=b", "a=b"},
		{"0001234567", "0001234567"},
		{"=1+1", "'=1+1"},
		{"+33 6 12 34 56 78", "'+33 6 12 34 56 78"},
		{"-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"},
		{"@SUM(1)", "'@SUM(1)"},
		{"\t=1+1", "'\t=1+1"},
		{"\rx", "'\rx"},
		{"  =1", "'  =1"},
		{"\u00a0+1", "'\u00a0+1"},
		{"\u200b=1", "'\u200b=1"},
		{"\ufeff-1", "'\ufeff-1"},
		{"\u200f@x", "'\u200f@x"},
		{"\u202e=1", "'\u202e=1"},
		{"\u2066+1", "'\u2066+1"},
		{"\u00ad-1", "'\u00ad-1"},
		{"\ufe0f=1", "'\ufe0f=1"},
		{"＝1", "'＝1"},
		{"＋1", "'＋1"},
		{"－1", "'－1"},
		{"＠x", "'＠x"},
		{"﹦1", "'﹦1"},
		{"﹢1", "'﹢1"},
		{"﹣1", "'﹣1"},
		{"﹫x", "'﹫x"},
		{"\xff=1", "\xff=1"},
		{" x=1", " x=1"},
	} {
		if got := safetext.SpreadsheetCell(tt.in); got != tt.want {
			t.Errorf("SpreadsheetCell(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

// Whatever the input, the cell either is the text unchanged or the text
// after an apostrophe, and never starts a formula.
func FuzzSpreadsheetCell(f *testing.F) {
	for _, s := range []string{"=1", "\u200b+1", "x", "\t", "＠"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := safetext.SpreadsheetCell(s)
		if got != s && got != "'"+s {
			t.Fatalf("SpreadsheetCell(%q) = %q", s, got)
		}
		if got[0:min(1, len(got))] == "'" {
			return
		}
		for i, r := range got {
			if i == 0 && (r == '\t' || r == '\r') {
				t.Fatalf("SpreadsheetCell(%q) = %q starts with a control", s, got)
			}
			if r == utf8.RuneError || !safetext.IsInvisible(r) {
				switch r {
				case '=', '+', '-', '@', '＝', '＋', '－', '＠', '﹦', '﹢', '﹣', '﹫':
					t.Fatalf("SpreadsheetCell(%q) = %q starts a formula", s, got)
				}
				return
			}
		}
	})
}
