package tenancy

import (
	"strings"
	"testing"
)

func TestSEPAText(t *testing.T) {
	for in, want := range map[string]string{
		"L/0001234567 LEFÈVRE":      "L/0001234567 LEFEVRE",
		"L/0007654321 N’DIAYE":      "L/0007654321 N'DIAYE",
		"  Bœuf  &  Çà_ñ  ":         "Boeuf Ca n",
		"Müller–Straße (1+2)? a:b,": "Muller-Strasse (1+2)? a:b,",
		"郭 Zoë":                     "Zoe",
	} {
		if got := SEPAText(in, 140); got != want {
			t.Errorf("SEPAText(%q) = %q, want %q", in, got, want)
		}
	}
	long := SEPAText("L/0001234567 "+strings.Repeat("ÉA", 100), 140)
	if len(long) != 140 || !strings.HasPrefix(long, "L/0001234567 EAEA") {
		t.Errorf("long wording: %d chars %q", len(long), long)
	}
	if got := SEPAText("AB    CD", 3); got != "AB" {
		t.Errorf("cut at a space: %q, want AB", got)
	}
}
