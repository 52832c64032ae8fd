package emailaddr_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/citejardins/extranet/shared/emailaddr"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in, want string
		err      error
	}{
		{"marie.dupont@exemple.fr", "marie.dupont@exemple.fr", nil},
		{"  Marie.Dupont@Exemple.FR ", "Marie.Dupont@Exemple.FR", nil},
		{"celine.test@exämple.fr", "celine.test@xn--exmple-cua.fr", nil},
		{"celine.test@EXÄMPLE.fr", "celine.test@xn--exmple-cua.fr", nil},
		{"celine.test@xn--exmple-cua.fr", "celine.test@xn--exmple-cua.fr", nil},
		{"celine@ｅｘａｍｐｌｅ.fr", "celine@example.fr", nil}, // fullwidth, mapped for lookup
		{"celine@faß.de", "celine@xn--fa-hia.de", nil},  // IDNA 2008: ß kept
		{"a+tag@sub.exemple.fr", "a+tag@sub.exemple.fr", nil},
		{"", "", emailaddr.ErrEmpty},
		{"   ", "", emailaddr.ErrEmpty},
		{"céline.test@example.fr", "", emailaddr.ErrLocalPart},
		{"céline.test@exämple.fr", "", emailaddr.ErrLocalPart},
		{"celine\u200b@example.fr", "", emailaddr.ErrLocalPart},
		{"celine@exa_mple.fr", "", emailaddr.ErrDomain},
		{"celine@-exemple.fr", "", emailaddr.ErrDomain},
		{"celine@xn--zz.fr", "", emailaddr.ErrDomain}, // not Punycode
		{"celine@exemple..fr", "", emailaddr.ErrSyntax},
		{"celine@[192.0.2.1]", "", emailaddr.ErrSyntax},
		{"celine@exemple", "", emailaddr.ErrSyntax},
		{"celine@exemple.fr.", "", emailaddr.ErrSyntax},
		{"Céline <celine@exemple.fr>", "", emailaddr.ErrSyntax},
		{"celine", "", emailaddr.ErrSyntax},
		{strings.Repeat("a", 64) + "@" + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 63) + ".fr", "", emailaddr.ErrTooLong},
		{"a@" + strings.Repeat("é", 60) + ".fr", "", emailaddr.ErrDomain}, // a label over 63 bytes in ASCII
	}
	for _, tt := range tests {
		got, err := emailaddr.Parse(tt.in)
		if got != tt.want || !errors.Is(err, tt.err) {
			t.Errorf("Parse(%q) = %q, %v; want %q, %v", tt.in, got, err, tt.want, tt.err)
		}
		if err != nil && emailaddr.Advice(err) == "" {
			t.Errorf("no advice for %v", err)
		}
	}
}

func TestKey(t *testing.T) {
	for _, same := range [][]string{
		{"celine.test@xn--exmple-cua.fr", "Celine.Test@EXÄMPLE.FR", " celine.test@exämple.fr "},
		{"marie@exemple.fr", "MARIE@Exemple.Fr"},
	} {
		for _, s := range same[1:] {
			if got, want := emailaddr.Key(s), emailaddr.Key(same[0]); got != want {
				t.Errorf("Key(%q) = %q, want %q (the key of %q)", s, got, want, same[0])
			}
		}
	}
	if got := emailaddr.Key("Céline@Exemple.fr"); got != "céline@exemple.fr" {
		t.Errorf("Key of an address Parse refuses = %q, want it lower-cased", got)
	}
}

// FuzzParse checks the address parser on any input: an accepted address is
// 7-bit ASCII, at most MaxBytes, a fixed point of Parse, and has the same key
// as the input.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"marie.dupont@exemple.fr", "celine.test@exämple.fr", "céline@example.fr",
		"celine@ｅｘａｍｐｌｅ.fr", "\"quoted\"@exemple.fr", "a@b.c", "celine@faß.de", "x@xn--exmple-cua.fr", "a@[::1]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		got, err := emailaddr.Parse(raw)
		if err != nil {
			if got != "" {
				t.Fatalf("Parse(%q) = %q with error %v", raw, got, err)
			}
			return
		}
		if len(got) > emailaddr.MaxBytes {
			t.Fatalf("Parse(%q) = %q, over %d bytes", raw, got, emailaddr.MaxBytes)
		}
		for i := 0; i < len(got); i++ {
			if got[i] < 0x21 || got[i] > 0x7e {
				t.Fatalf("Parse(%q) = %q, not printable 7-bit ASCII", raw, got)
			}
		}
		if again, err := emailaddr.Parse(got); again != got || err != nil {
			t.Fatalf("Parse(Parse(%q)) = %q, %v; want %q", raw, again, err, got)
		}
		if emailaddr.Key(got) != emailaddr.Key(raw) {
			t.Fatalf("Key(%q) = %q, but the key of its parsed form %q is %q", raw, emailaddr.Key(raw), got, emailaddr.Key(got))
		}
	})
}
