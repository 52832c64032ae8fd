package erp

import "testing"

// TestCheckTextBidiAndFormulas checks that ERP text gets the portal's whole
// text rule: no bidi control and no formula start, besides the controls.
func TestCheckTextBidiAndFormulas(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"Facture \u202egpj.exe", "caractère de contrôle du sens d’écriture interdit (U+202A à U+202E, U+2066 à U+2069)"},
		{"=HYPERLINK(\"http://x\")", "commence par «\u00a0=\u00a0» ou «\u00a0@\u00a0», qu’un tableur prendrait pour une formule"},
		{"\u200b＝1+1", "commence par «\u00a0=\u00a0» ou «\u00a0@\u00a0», qu’un tableur prendrait pour une formule"},
		{"@SUM(1)", "commence par «\u00a0=\u00a0» ou «\u00a0@\u00a0», qu’un tableur prendrait pour une formule"},
		{"- Remise 10 %", ""},
		{"Loyer = 512,34", ""},
	} {
		if got := checkText(tt.in, 50); got != tt.want {
			t.Errorf("checkText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
