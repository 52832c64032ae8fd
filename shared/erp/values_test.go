package erp

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/citejardins/extranet/shared/tenancy"
)

func TestParseName(t *testing.T) {
	tests := []struct {
		key    string
		want   FileInfo
		reason string // substring of the refusal; "" when the name is good
	}{
		{key: "imports/baux_complet_20261101.csv", want: FileInfo{Leases, Snapshot, day(2026, 11, 1)}},
		{key: "imports/ecritures_delta_20261125_soir.csv", want: FileInfo{Entries, Delta, day(2026, 11, 25)}},
		{key: "imports/signataires_delta_20240229_export_2_final.csv", want: FileInfo{Signatories, Delta, day(2024, 2, 29)}},
		{key: "residences_complet_20260101.csv", want: FileInfo{Residences, Snapshot, day(2026, 1, 1)}},
		{key: "imports/contacts_complet_20260101.csv", want: FileInfo{Contacts, Snapshot, day(2026, 1, 1)}},
		{key: "imports/demandes_delta_20261231_ 2.csv", want: FileInfo{Requests, Delta, day(2026, 12, 31)}},
		{key: "imports/lignes_avis_complet_20261125.csv", want: FileInfo{NoticeLines, Snapshot, day(2026, 11, 25)}},
		{key: "imports/lignes_avis_delta_20261126_sls_2.csv", want: FileInfo{NoticeLines, Delta, day(2026, 11, 26)}},
		{key: "imports/lignes_avis_complet.csv", reason: "non conforme"},
		{key: "imports/lignes_avis_complet_20261125_.csv", reason: "non conforme"},
		{key: "imports/lignes_avis.csv", reason: "non conforme"},
		{key: "imports/lignes_complet_20261125.csv", reason: `type de fichier "lignes" inconnu`},
		{key: "imports/lignes_avis__20261125.csv", reason: `mode "" inconnu`},

		{key: "imports/baux_complet_20261101.csv.report.json", reason: `nom de fichier "baux_complet_20261101.csv.report.json" non conforme : attendu <type>_<mode>_<AAAAMMJJ>`},
		{key: "imports/baux_complet_20261101.CSV", reason: "non conforme"},
		{key: "imports/baux_complet_20261101_.csv", reason: "non conforme"},
		{key: "imports/baux_complet.csv", reason: "non conforme"},
		{key: "imports/.csv", reason: "non conforme"},
		{key: "imports/", reason: "non conforme"},
		{key: "", reason: "non conforme"},
		{key: "imports/loyers_complet_20261101.csv", reason: `type de fichier "loyers" inconnu : attendu residences, contacts, baux, signataires, ecritures, demandes, lignes_avis ou assurances`},
		{key: "imports/BAUX_complet_20261101.csv", reason: `type de fichier "BAUX" inconnu`},
		{key: "imports/baux_partiel_20261101.csv", reason: `mode "partiel" inconnu : attendu complet ou delta`},
		{key: "imports/baux__20261101.csv", reason: `mode "" inconnu`},
		{key: "imports/baux_complet_20261131.csv", reason: `date "20261131" du nom de fichier invalide : attendu AAAAMMJJ`},
		{key: "imports/baux_complet_20230229.csv", reason: "invalide"},
		{key: "imports/baux_complet_2026110.csv", reason: "invalide"},
		{key: "imports/baux_complet_01112026.csv", reason: "invalide"},
		{key: "imports/baux_complet_2026-11-01.csv", reason: "invalide"},
	}
	for _, tt := range tests {
		got, err := ParseName(tt.key)
		if tt.reason == "" {
			if err != nil || got != tt.want {
				t.Errorf("ParseName(%q) = %+v, %v; want %+v", tt.key, got, err, tt.want)
			}
			continue
		}
		if _, ok := err.(*FileError); !ok || !strings.Contains(err.Error(), tt.reason) {
			t.Errorf("ParseName(%q) = %+v, %v; want a *FileError with %q", tt.key, got, err, tt.reason)
		}
	}
}

func TestParseEuros(t *testing.T) {
	good := []struct {
		in   string
		want int64
	}{
		{"0", 0}, {"0,00", 0}, {"-0,00", 0}, {"12", 1200}, {"12,5", 1250}, {"12,05", 1205},
		{"1234,56", 123456}, {"1 234,56", 123456}, {"-25,50", -2550}, {" 456,78 ", 45678},
		{"1\u00a0234\u00a0567,89", 123456789}, {"1\u202f234,00", 123400}, {"12 345 678", 1234567800},
		{"999 999 999,99", 99999999999}, {"-999999999,99", -99999999999}, {"007,10", 710},
		{"\u00a0 12,30\t", 1230},
	}
	for _, tt := range good {
		if got, err := ParseEuros(tt.in); err != nil || got != tt.want {
			t.Errorf("ParseEuros(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
	bad := []struct{ in, reason string }{
		{"12,345", `"12,345" n’est pas un montant (ex. 1234,56)`},
		{"", "n’est pas un montant"},
		{"-", "n’est pas un montant"},
		{",50", "n’est pas un montant"},
		{"12,", "n’est pas un montant"},
		{"12.50", "n’est pas un montant"},
		{"1.234,56", "n’est pas un montant"},
		{"+12", "n’est pas un montant"},
		{"--12", "n’est pas un montant"},
		{"- 12", "n’est pas un montant"},
		{"\u221212", "n’est pas un montant"}, // minus sign
		{"12 €", "n’est pas un montant"},
		{"1e3", "n’est pas un montant"},
		{"12,5a", "n’est pas un montant"},
		{"12,-5", "n’est pas un montant"},
		{"1 2345", "n’est pas un montant"},
		{"12 34", "n’est pas un montant"},
		{"1234 567", "n’est pas un montant"},
		{"1  234", "n’est pas un montant"},
		{"1 234 ,5", "n’est pas un montant"},
		{" 1 ,5", "n’est pas un montant"},
		{"1 000 000 000", `"1 000 000 000" : montant trop grand`},
		{"99999999999999999999999", "montant trop grand"},
		{"٣", "n’est pas un montant"}, // not an ASCII digit
	}
	for _, tt := range bad {
		if got, err := ParseEuros(tt.in); err == nil || !strings.Contains(err.Error(), tt.reason) {
			t.Errorf("ParseEuros(%q) = %d, %v; want an error with %q", tt.in, got, err, tt.reason)
		}
	}
}

func TestParseDate(t *testing.T) {
	good := []struct {
		in   string
		want tenancy.Date
	}{
		{"05/11/2026", day(2026, 11, 5)}, {"29/02/2024", day(2024, 2, 29)}, {"29/02/2000", day(2000, 2, 29)},
		{"31/12/1900", day(1900, 12, 31)}, {"01/01/1900", day(1900, 1, 1)}, {" 12/04/1978 ", day(1978, 4, 12)},
		{"31/12/9999", day(9999, 12, 31)}, {"30/04/2026", day(2026, 4, 30)},
	}
	for _, tt := range good {
		if got, err := ParseDate(tt.in); err != nil || got != tt.want {
			t.Errorf("ParseDate(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	for _, in := range []string{
		"31/02/2026", "29/02/2026", "29/02/1900", "31/04/2026", "00/01/2026", "01/00/2026", "01/13/2026",
		"32/01/2026", "1/2/2026", "01/02/26", "2026-02-01", "01-02-2026", "01/02/2026 10:00", "", "31/12/1899",
		"01/01/0000", "0a/01/2026", "01/02/-026", "01/02/+026",
	} {
		if got, err := ParseDate(in); err == nil || !strings.Contains(err.Error(), "n’est pas une date (JJ/MM/AAAA)") {
			t.Errorf("ParseDate(%q) = %v, %v; want an error", in, got, err)
		}
	}
}

func TestParseBool(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"O", true}, {"o", true}, {"oui", true}, {"OUI", true}, {"Oui", true}, {"1", true}, {" O ", true},
		{"N", false}, {"n", false}, {"non", false}, {"NON", false}, {"0", false},
	}
	for _, tt := range tests {
		if got, err := ParseBool(tt.in); err != nil || got != tt.want {
			t.Errorf("ParseBool(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	for _, in := range []string{"", "Y", "yes", "true", "2", "ouii", "-1", "vrai", "O N"} {
		if got, err := ParseBool(in); err == nil || !strings.Contains(err.Error(), "n’est ni O ni N") {
			t.Errorf("ParseBool(%q) = %v, %v; want an error", in, got, err)
		}
	}
}

func TestChecks(t *testing.T) {
	tests := []struct {
		name   string
		check  func(string) string
		in     string
		reason string // "" when good
	}{
		{"id", checkID, "RES-01", ""},
		{"id", checkID, "2026/000123:a_b.c", ""},
		{"id", checkID, "A#1", "identifiant invalide"},
		{"id", checkID, "A 1", "identifiant invalide"},
		{"id", checkID, "Résidence", "identifiant invalide"},
		{"id", checkID, strings.Repeat("a", MaxID), ""},
		{"id", checkID, strings.Repeat("a", MaxID+1), "identifiant trop long"},
		{"email", checkEmail, "awa.ndiaye@example.fr", ""},
		{"email", checkEmail, "a+b@sub.example.co.uk", ""},
		{"email", checkEmail, "awa@", "n’est pas une adresse email"},
		{"email", checkEmail, "@example.fr", "n’est pas une adresse email"},
		{"email", checkEmail, "awa@example", "n’est pas une adresse email"},
		{"email", checkEmail, "awa@example.", "n’est pas une adresse email"},
		{"email", checkEmail, "awa@@example.fr", "n’est pas une adresse email"},
		{"email", checkEmail, "a wa@example.fr", "n’est pas une adresse email"},
		{"email", checkEmail, "awa@example.fr\r\nBcc: x@y.z", "n’est pas une adresse email"},
		{"email", checkEmail, strings.Repeat("a", 250) + "@b.fr", "adresse trop longue"},
		{"phone", checkPhone, "01 23 45 67 89", ""},
		{"phone", checkPhone, "+33 (0)1.23.45.67.89", ""},
		{"phone", checkPhone, "3919", ""},
		{"phone", checkPhone, "appelez", "n’est pas un numéro de téléphone"},
		{"phone", checkPhone, "12", "n’est pas un numéro de téléphone"},
		{"phone", checkPhone, strings.Repeat("1", MaxShort+1), "n’est pas un numéro de téléphone"},
		{"postal code", checkPostalCode, "93100", ""},
		{"postal code", checkPostalCode, "97411", ""},
		{"postal code", checkPostalCode, "9310", "n’est pas un code postal (5 chiffres)"},
		{"postal code", checkPostalCode, "2A004", "n’est pas un code postal"},
		{"text", func(s string) string { return checkText(s, 5) }, "Éléa!", ""},
		{"text", func(s string) string { return checkText(s, 5) }, "Éléa!!", "trop long (6 caractères, 5 au plus)"},
		{"text", func(s string) string { return checkText(s, 50) }, "a\nb", "saut de ligne interdit"},
		{"text", func(s string) string { return checkText(s, 50) }, "a\tb", "caractère de contrôle interdit"},
		{"text", func(s string) string { return checkText(s, 50) }, "a\u0085b", "caractère de contrôle interdit"},
		{"text", func(s string) string { return checkText(s, 50) }, "a\x7fb", "caractère de contrôle interdit"},
		{"text", func(s string) string { return checkText(s, 50) }, "Lefèvre – d’Arc €\ufffd", ""},
	}
	for _, tt := range tests {
		got := tt.check(tt.in)
		if (tt.reason == "") != (got == "") || !strings.Contains(got, tt.reason) {
			t.Errorf("%s check of %q = %q; want %q", tt.name, tt.in, got, tt.reason)
		}
	}
}

func TestShowCutsLongValues(t *testing.T) {
	got := show(strings.Repeat("é", 100))
	if want := strconv.Quote(strings.Repeat("é", 40)) + "…"; got != want {
		t.Errorf("show = %s; want %s", got, want)
	}
	if got := show("a\x00b"); got != `"a\x00b"` {
		t.Errorf("show = %s; want control characters escaped", got)
	}
}

// FuzzParseEuros checks the hand-written parser against a plain reading of
// what it accepted: separators removed, the comma made a dot, strconv.
func FuzzParseEuros(f *testing.F) {
	for _, s := range []string{"0", "1 234,56", "-25,50", "1\u00a0234", "12,345", "999 999 999,99", "1,5", " -0,01 "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		cents, err := ParseEuros(s)
		if err != nil {
			return
		}
		if cents > maxEuros*100+99 || cents < -(maxEuros*100+99) {
			t.Fatalf("ParseEuros(%q) = %d: out of bounds", s, cents)
		}
		plain := strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "").Replace(strings.TrimSpace(s))
		whole, frac, _ := strings.Cut(plain, ",")
		frac = (frac + "00")[:2]
		want, perr := strconv.ParseInt(whole+frac, 10, 64)
		if perr != nil || want != cents {
			t.Fatalf("ParseEuros(%q) = %d; plain reading %q gives %d (%v)", s, cents, whole+frac, want, perr)
		}
		// The canonical form reads back the same.
		neg, abs := "", cents
		if cents < 0 {
			neg, abs = "-", -cents
		}
		canon := neg + strconv.FormatInt(abs/100, 10) + "," + strconv.FormatInt(abs%100+100, 10)[1:]
		if again, err := ParseEuros(canon); err != nil || again != cents {
			t.Fatalf("ParseEuros(%q) = %d, %v; want %d", canon, again, err, cents)
		}
	})
}

func day(y int, m time.Month, d int) tenancy.Date { return tenancy.Date{Year: y, Month: m, Day: d} }
