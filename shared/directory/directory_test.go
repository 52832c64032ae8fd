package directory_test

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/citejardins/extranet/shared/directory"
	"github.com/citejardins/extranet/shared/fault"
)

func TestQuery(t *testing.T) {
	for _, tt := range []struct {
		q, want string
		ok      bool
	}{
		{"Saint-Denis", "saintdenis", true},
		{"  SAINT DENIS ", "saintdenis", true},
		{"l'Haÿ-les-Roses", "lhaylesroses", true},
		{"93", "93", true},
		{"", "", false},
		{"a", "", false},
		{"- ' .", "", false},
		{"ab\x00", "", false},
		{"\xff\xfe", "", false},
		{strings.Repeat("a", 101), "", false},
	} {
		got, err := directory.Query(tt.q)
		if got != tt.want || (err == nil) != tt.ok {
			t.Errorf("Query(%q) = %q, %v; want %q, ok %v", tt.q, got, err, tt.want, tt.ok)
		}
		if err != nil && !fault.Is(err, fault.Invalid) {
			t.Errorf("Query(%q): %v is not a validation error", tt.q, err)
		}
	}
}

type noStore struct{}

func (noStore) SearchDirectory(context.Context, string, int) ([]directory.Entry, bool, error) {
	panic("a refused query reached the store")
}
func (noStore) Directory(context.Context) ([]directory.Entry, error) { return nil, nil }

// A refused query is neither counted nor searched.
func TestSearchRefusesBeforeCounting(t *testing.T) {
	counted := 0
	s := directory.NewService(noStore{}, func(context.Context, string) error { counted++; return nil })
	if _, err := s.Search(context.Background(), "a", "192.0.2.1"); !fault.Is(err, fault.Invalid) || counted != 0 {
		t.Errorf("short query: %v, counted %d; want a validation error, not counted", err, counted)
	}
}

// FuzzQueryFindsTheName checks, for any text a tenant or the ERP may write,
// that Query never panics, and that a residence is found by any query typed
// as the start of its name or of a word of it.
func FuzzQueryFindsTheName(f *testing.F) {
	for _, s := range []string{"Résidence Les Jardins", "Saint-Denis", "L'Haÿ-les-Roses", "ẞtraße", "Cafe\u0301 Bleu", "93200", "", "\xff"} {
		f.Add(s, 3)
	}
	f.Fuzz(func(t *testing.T, name string, cut int) {
		q, err := directory.Query(name)
		if err != nil {
			return
		}
		if utf8.RuneCountInString(q) < directory.MinQuery || q != directory.Fold(q) {
			t.Fatalf("Query(%q) = %q: too short or not folded", name, q)
		}
		terms := directory.Terms(directory.Entry{Residence: name})
		words := strings.FieldsFunc(name, func(r rune) bool { return directory.Fold(string(r)) == "" })
		if cut < 0 {
			cut = -cut
		}
		if len(words) > 0 {
			// Typed from a word on, possibly cut short.
			typed := strings.Join(words[cut%min(len(words), 8):], " ")
			if p := directory.Fold(typed); len(p) >= 2 && !hasPrefixed(terms, p) {
				t.Fatalf("%q not found by %q (terms %q)", name, typed, terms)
			}
		}
		if !hasPrefixed(terms, q) {
			t.Fatalf("%q not found by itself (terms %q)", name, terms)
		}
	})
}

func hasPrefixed(terms []string, p string) bool {
	for _, t := range terms {
		if strings.HasPrefix(t, p) {
			return true
		}
	}
	return false
}
