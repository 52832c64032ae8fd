package emailaddr_test

import (
	"errors"
	"net/netip"
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
		check(t, tt.in, tt.want, tt.err)
	}
}

func check(t *testing.T, in, want string, wantErr error) {
	t.Helper()
	got, err := emailaddr.Parse(in)
	if got != want || !errors.Is(err, wantErr) {
		t.Errorf("Parse(%q) = %q, %v; want %q, %v", in, got, err, want, wantErr)
	}
	if err != nil && emailaddr.Advice(err) == "" {
		t.Errorf("no advice for %v", err)
	}
}

// TestParseNoPublicMailbox checks what SES would refuse or what cannot be a
// public mailbox, found accepted by the security review after issue 7: a
// local part over 64 octets (RFC 5321 §4.5.3.1.1), a domain that is an IP
// address without brackets, and a top-level label that is not a top-level
// domain (all digits, RFC 3696 §2; or any other ASCII label that is not all
// letters, which no delegated TLD is).
func TestParseNoPublicMailbox(t *testing.T) {
	tests := []struct {
		in, want string
		err      error
	}{
		{strings.Repeat("a", 64) + "@exemple.fr", strings.Repeat("a", 64) + "@exemple.fr", nil},
		{strings.Repeat("a", 65) + "@exemple.fr", "", emailaddr.ErrLocalTooLong},
		{strings.Repeat("a.", 40) + "b@exemple.fr", "", emailaddr.ErrLocalTooLong},

		{"celine@127.0.0.1", "", emailaddr.ErrDomainIP},
		{"celine@192.0.2.10", "", emailaddr.ErrDomainIP},
		{"celine@１２７．０．０．１", "", emailaddr.ErrDomainIP}, // fullwidth, mapped for lookup
		{"celine@127.1", "", emailaddr.ErrTopLevel},     // inet_aton's short form
		{"celine@0x7f.0x0.0x0.0x1", "", emailaddr.ErrTopLevel},
		{"celine@example.123", "", emailaddr.ErrTopLevel},
		{"celine@example.f1", "", emailaddr.ErrTopLevel},
		{"celine@example.fr-", "", emailaddr.ErrDomain},
		{"celine@example.f-r", "", emailaddr.ErrTopLevel},
		{"celine@123.example.fr", "celine@123.example.fr", nil}, // digits below the top level are fine
		{"celine@example.FR", "celine@example.FR", nil},
		{"celine@example.xn--p1ai", "celine@example.xn--p1ai", nil}, // .рф
		{"celine@пример.рф", "celine@xn--e1afmkfd.xn--p1ai", nil},
		{"celine@example.ｆｒ", "celine@example.fr", nil},
	}
	for _, tt := range tests {
		check(t, tt.in, tt.want, tt.err)
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
// 7-bit ASCII, at most MaxBytes, with a local part of at most MaxLocalBytes,
// a domain that is no IP address and ends in a top-level label of letters
// (or an A-label), a fixed point of Parse, and has the same key as the input.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"marie.dupont@exemple.fr", "celine.test@exämple.fr", "céline@example.fr",
		"celine@ｅｘａｍｐｌｅ.fr", "\"quoted\"@exemple.fr", "a@b.c", "celine@faß.de", "x@xn--exmple-cua.fr", "a@[::1]",
		"celine@127.0.0.1", "celine@１２７．０．０．１", "celine@example.123", "celine@0x7f.0x1", "celine@example.xn--p1ai",
		strings.Repeat("a", 65) + "@exemple.fr"} {
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
		at := strings.LastIndexByte(got, '@')
		local, domain := got[:at], got[at+1:]
		if len(local) > emailaddr.MaxLocalBytes {
			t.Fatalf("Parse(%q) = %q, local part over %d bytes", raw, got, emailaddr.MaxLocalBytes)
		}
		if _, err := netip.ParseAddr(domain); err == nil {
			t.Fatalf("Parse(%q) = %q, an IP address for a domain", raw, got)
		}
		tld := strings.ToLower(domain[strings.LastIndexByte(domain, '.')+1:])
		if !strings.HasPrefix(tld, "xn--") && strings.TrimLeft(tld, "abcdefghijklmnopqrstuvwxyz") != "" {
			t.Fatalf("Parse(%q) = %q, top-level label %q not all letters", raw, got, tld)
		}
		if again, err := emailaddr.Parse(got); again != got || err != nil {
			t.Fatalf("Parse(Parse(%q)) = %q, %v; want %q", raw, again, err, got)
		}
		if emailaddr.Key(got) != emailaddr.Key(raw) {
			t.Fatalf("Key(%q) = %q, but the key of its parsed form %q is %q", raw, emailaddr.Key(raw), got, emailaddr.Key(got))
		}
	})
}
