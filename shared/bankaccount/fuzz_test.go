package bankaccount_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/citejardins/extranet/shared/bankaccount"
)

// FuzzParseIBAN: whatever is typed, ParseIBAN does not panic, and an IBAN it
// accepts is in electronic form, of its country's length, reads back the same
// from its printed form, and its masked form hides all but eight characters.
func FuzzParseIBAN(f *testing.F) {
	for _, s := range []string{validFR, "FR76 3000 6000 0112 3456 7890 189", "DE89370400440532013000",
		"GB29NWBK60161331926819", "IS140159260076545510730339", "NO9386011117947", "HU42117730161111101800000000",
		"IT60X0542811101000000123456", "fr7630006000011234567890190", "", "FR", "XX00", "FR7\u00a0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, typed string) {
		iban, err := bankaccount.ParseIBAN(typed)
		if err != nil {
			var ie *bankaccount.IBANError
			if !errors.As(err, &ie) || bankaccount.Advice(err) == "" {
				t.Fatalf("ParseIBAN(%q): error %v is no IBANError", typed, err)
			}
			return
		}
		s := string(iban)
		if len(s) != bankaccount.Lengths[iban.Country()] || strings.ToUpper(s) != s || strings.ContainsAny(s, " \t") {
			t.Fatalf("ParseIBAN(%q) = %q: not in electronic form", typed, s)
		}
		again, err := bankaccount.ParseIBAN(iban.Printed())
		if err != nil || again != iban {
			t.Fatalf("printed %q reads back %q, %v", iban.Printed(), again, err)
		}
		if m := iban.Masked(); strings.Count(m, string(bankaccount.MaskRune)) != len(s)-8 {
			t.Fatalf("masked %q of %q", m, s)
		}
	})
}
