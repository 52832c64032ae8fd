package browsertest

import (
	"encoding/json"
	"testing"
)

// TestStatementCSVFormulas checks that the statement CSV neutralises every
// text cell a spreadsheet would take for a formula, look-alikes included: the
// fullwidth and small forms of = + - @, and any of them after spaces or
// invisible characters (OWASP, "CSV Injection"). Text that only holds such a
// character further on is left as it is.
func TestStatementCSVFormulas(t *testing.T) {
	b := start(t)
	b.visit("/", "Connexion")
	tests := []struct{ in, want string }{
		{"=1+1", "'=1+1"},
		{"+33 6", "'+33 6"},
		{"-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\tx", "'\tx"},
		{"＝1+1", "'＝1+1"},
		{"＋1", "'＋1"},
		{"－1", "'－1"},
		{"＠SUM(A1)", "'＠SUM(A1)"},
		{"﹦1", "'﹦1"},
		{"\u200b=1+1", "'\u200b=1+1"},
		{"\ufeff\u2060=1+1", "'\ufeff\u2060=1+1"},
		{"\u00a0 \u3000=1+1", "'\u00a0 \u3000=1+1"},
		{"\u200d\ufe0f＝1", "'\u200d\ufe0f＝1"},
		{" =1; 2", "\"' =1; 2\""},
		{"Loyer = 512,34", "Loyer = 512,34"},
		{"Régularisation -10 %", "Régularisation -10 %"},
		{"Report", "Report"},
	}
	for _, tt := range tests {
		lit, _ := json.Marshal(tt.in) // a JSON string is a JavaScript string literal
		got := eval[string](b, `import("/js/views/account.js").then((a) => a.csvCell(`+string(lit)+`, true))`)
		if got != tt.want {
			t.Errorf("csvCell(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
