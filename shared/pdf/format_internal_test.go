package pdf

import (
	"testing"

	"github.com/citejardins/extranet/shared/notice"
	"github.com/citejardins/extranet/shared/tenancy"
)

func TestEuros(t *testing.T) {
	tests := []struct {
		cents int64
		want  string
	}{
		{0, "0,00\u202F€"},
		{5, "0,05\u202F€"},
		{51234, "512,34\u202F€"},
		{100000, "1\u202F000,00\u202F€"},
		{123456789, "1\u202F234\u202F567,89\u202F€"},
		{-18000, "\u2212\u202F180,00\u202F€"},
		{-2550, "\u2212\u202F25,50\u202F€"},
		{-100000000, "\u2212\u202F1\u202F000\u202F000,00\u202F€"},
	}
	for _, tt := range tests {
		if got := euros(tt.cents); got != tt.want {
			t.Errorf("euros(%d) = %q, want %q", tt.cents, got, tt.want)
		}
	}
}

func TestDatesAndPeriods(t *testing.T) {
	if got := date(tenancy.Date{Year: 1, Month: 1, Day: 1}); got != "01/01/0001" {
		t.Errorf("date of the year 1: %q, want the year with 4 digits", got)
	}
	if got := date(tenancy.Date{Year: 2026, Month: 12, Day: 5}); got != "05/12/2026" {
		t.Errorf("date = %q, want 05/12/2026", got)
	}
	for p, want := range map[notice.Period]string{
		{Year: 2026, Month: 12}: "décembre 2026",
		{Year: 2027, Month: 2}:  "février 2027",
		{Year: 2027, Month: 8}:  "août 2027",
	} {
		if got := periodWords(p); got != want {
			t.Errorf("periodWords(%v) = %q, want %q", p, got, want)
		}
	}
}

func TestAddressLines(t *testing.T) {
	a := tenancy.Address{Street: "12 rue des Jardins", Complement: "Bâtiment B", PostalCode: "93200", City: "Saint-Denis"}
	tests := []struct {
		names []string
		addr  tenancy.Address
		want  []string
	}{
		{[]string{"Marie DUPONT"}, a, []string{"Marie DUPONT", "Bâtiment B", "12 rue des Jardins", "93200 SAINT-DENIS"}},
		{[]string{"A", "B"}, tenancy.Address{Street: "1 rue X", PostalCode: "75001", City: "Paris"},
			[]string{"A", "B", "1 rue X", "75001 PARIS"}},
		{[]string{"A", "B", "C", "D", "E"}, a, []string{"A", "B", "C, D, E", "Bâtiment B", "12 rue des Jardins", "93200 SAINT-DENIS"}},
	}
	for _, tt := range tests {
		got := addressLines(tt.names, tt.addr)
		if len(got) > windowLines || len(got) != len(tt.want) {
			t.Errorf("addressLines(%v) = %q, want %q", tt.names, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("addressLines(%v) = %q, want %q", tt.names, got, tt.want)
				break
			}
		}
	}
}

func TestIBANGroups(t *testing.T) {
	if got := groups("fr76 3000600001123456 7890189"); got != "FR76 3000 6000 0112 3456 7890 189" {
		t.Errorf("groups = %q", got)
	}
}

func TestNamesAndElision(t *testing.T) {
	for _, tt := range []struct {
		ns   []string
		want string
	}{
		{nil, ""}, {[]string{"A"}, "A"}, {[]string{"A", "B"}, "A et B"}, {[]string{"A", "B", "C"}, "A, B et C"},
	} {
		if got := names(tt.ns); got != tt.want {
			t.Errorf("names(%q) = %q, want %q", tt.ns, got, tt.want)
		}
	}
	for in, want := range map[string]string{"Abdou N'DIAYE": "d’Abdou N'DIAYE", "Hélène": "d’Hélène", "Élise": "d’Élise",
		"Office public de l'habitat": "d’Office public de l'habitat", "Marie DUPONT": "de Marie DUPONT", "": "de "} {
		if got := de(in); got != want {
			t.Errorf("de(%q) = %q, want %q", in, got, want)
		}
	}
	if got := typographic("N'DIAYE, l'APL"); got != "N’DIAYE, l’APL" {
		t.Errorf("typographic: %q", got)
	}
}
