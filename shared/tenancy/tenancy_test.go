package tenancy

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestNormalizeReference(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"8889999", "8889999", true},
		{"0008889999", "8889999", true},
		{"L/0008889999-99966899+3", "8889999", true},
		{"l / 000 8889999 - 99966899+3", "8889999", true},
		{"L0008889999", "8889999", true},
		{"  888 99 99 ", "8889999", true},
		{"L/0008889999–99966899+3", "8889999", true}, // en dash from a PDF
		{"8889999-", "8889999", true},
		{"", "", false},
		{"L/", "", false},
		{"0000000", "", false},
		{"-8889999", "", false},
		{"888A999", "", false},
		{"8889999+3", "", false},
		{"12345678901", "", false}, // eleven digits
		{"LL8889999", "", false},
		{"/8889999", "", false},
	}
	for _, tt := range tests {
		got, err := NormalizeReference(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("NormalizeReference(%q) = %q, %v; want %q, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestSameName(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"LEFÈVRE", "lefevre", true},
		{"N'DIAYE", "ndiaye", true},
		{"N’DIAYE", "n diaye", true},
		{"DUPONT", "dupont", true},
		{"DUPONT", " Du-Pont ", true},
		{"DE LA FONTAINE", "delafontaine", true},
		{"ŒUVRARD", "oeuvrard", true},
		{"DUPONT", "DUPOND", false},
		{"DUPONT", "", false},
		{"", "", false},
		{"'-", "", false},
	}
	for _, tt := range tests {
		if got := SameName(tt.a, tt.b); got != tt.want {
			t.Errorf("SameName(%q, %q) = %v; want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestParseDate(t *testing.T) {
	for _, s := range []string{"1978-04-12", " 1985-11-03 "} {
		if _, err := ParseDate(s); err != nil {
			t.Errorf("ParseDate(%q): %v", s, err)
		}
	}
	for _, s := range []string{"", "12/04/1978", "1978-02-30", "1978-4-12", "19780412"} {
		if d, err := ParseDate(s); err == nil {
			t.Errorf("ParseDate(%q) = %v; want an error", s, d)
		}
	}
	d, _ := ParseDate("1978-04-12")
	if got := d.String(); got != "1978-04-12" {
		t.Errorf("String() = %q; want 1978-04-12", got)
	}
}

func FuzzNormalizeReference(f *testing.F) {
	for _, s := range []string{"8889999", "L/0008889999-99966899+3", "l / 000 8889999 - 99966899+3", "", "L", "0-", "éL/00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := NormalizeReference(s)
		if err != nil {
			if got != "" {
				t.Fatalf("error with a result %q", got)
			}
			return
		}
		if got == "" || len(got) > MaxReferenceDigits || got[0] == '0' {
			t.Fatalf("NormalizeReference(%q) = %q: not canonical", s, got)
		}
		if strings.Trim(got, "0123456789") != "" {
			t.Fatalf("NormalizeReference(%q) = %q: not digits", s, got)
		}
		// Canonical forms are fixed points, and the printed notice form maps back.
		if again, err := NormalizeReference(got); err != nil || again != got {
			t.Fatalf("not idempotent: %q -> %q (%v)", got, again, err)
		}
		printed := "L/" + strings.Repeat("0", MaxReferenceDigits-len(got)) + got + "-99966899+3"
		if back, err := NormalizeReference(printed); err != nil || back != got {
			t.Fatalf("printed form %q -> %q (%v); want %q", printed, back, err, got)
		}
	})
}

func FuzzFoldName(f *testing.F) {
	for _, s := range []string{"LEFÈVRE", "N'DIAYE", "de la Fontaine", "Œ", "ß", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := FoldName(s)
		if !utf8.ValidString(got) {
			t.Fatalf("FoldName(%q) = %q: invalid UTF-8", s, got)
		}
		if FoldName(got) != got {
			t.Fatalf("not idempotent: %q -> %q -> %q", s, got, FoldName(got))
		}
		for _, r := range got {
			if !(unicode.IsLetter(r) || unicode.IsDigit(r)) || r != unicode.ToLower(unicode.ToUpper(r)) {
				t.Fatalf("FoldName(%q) = %q keeps %q, which is not a lower-case letter or digit", s, got, r)
			}
		}
		// Latin letters fold to the same whatever their case.
		if latin := strings.Map(func(r rune) rune {
			if r < 0x250 {
				return r
			}
			return -1
		}, s); FoldName(strings.ToUpper(latin)) != FoldName(strings.ToLower(latin)) {
			t.Fatalf("case matters for %q: %q vs %q", latin, FoldName(strings.ToUpper(latin)), FoldName(strings.ToLower(latin)))
		}
	})
}
