// Package directory is the public directory of emergency numbers: for each
// residence, its emergency technical service (the ERP contact of role
// "urgence"), findable without an account by town, postal code or residence
// name. It holds only what is public: the residence's name, postal code and
// town, and the service's name, phone and hours; never a lease, a person or
// an email.
package directory

import (
	"context"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/citejardins/extranet/shared/fault"
	"github.com/citejardins/extranet/shared/tenancy"
)

// Entry is a residence with its emergency technical service.
type Entry struct {
	ResidenceID string // the ERP's id; not shown to tenants
	Residence   string // the residence's name
	PostalCode  string
	City        string
	Name        string // the service's name
	Phone       string
	Hours       string
}

// Of builds the directory entry of a residence from its emergency contact.
// ok is false when the residence has no emergency contact with a phone:
// such a residence is not listed.
func Of(r tenancy.Residence, c tenancy.Contact) (Entry, bool) {
	if c.Role != tenancy.Emergency || strings.TrimSpace(c.Phone) == "" {
		return Entry{}, false
	}
	return Entry{ResidenceID: r.ID, Residence: r.Name, PostalCode: r.PostalCode, City: r.City,
		Name: c.Name, Phone: c.Phone, Hours: c.Hours}, true
}

// Bounds of a search.
const (
	// MaxResults is the most entries a search returns; past it the answer
	// says there are more, and the tenant types more of the name.
	MaxResults = 20
	// MinQuery and MaxQuery bound a query, in letters and digits once
	// folded (MinQuery) and in characters as typed (MaxQuery).
	MinQuery = 2
	MaxQuery = 100
	// maxWords bounds the index terms of one name: each word starts one.
	maxWords = 8
)

// Fold reduces a query or a name to what a search compares: lower case,
// without accents, spaces, hyphens nor apostrophes (tenancy.FoldName), so
// "Saint-Denis", "saint denis" and "SAINT DENIS" are alike.
func Fold(s string) string { return tenancy.FoldName(s) }

// Terms returns the folded terms under which a residence is found: its
// postal code, and for its name and its town, the folded text from each
// word on ("Résidence Les Jardins" gives "residencelesjardins",
// "lesjardins" and "jardins"), so that a search for any prefix of the name
// or of a word of it finds the residence. Terms are unique and never empty.
func Terms(e Entry) []string {
	var out []string
	seen := map[string]bool{}
	add := func(t string) {
		if t != "" && !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	add(Fold(e.PostalCode))
	for _, text := range []string{e.Residence, e.City} {
		words := splitWords(text)
		for i := 0; i < len(words) && i < maxWords; i++ {
			add(Fold(strings.Join(words[i:], "")))
		}
	}
	return out
}

// splitWords splits text on what Fold drops (spaces, hyphens, apostrophes,
// punctuation).
func splitWords(text string) []string {
	return strings.FieldsFunc(text, func(r rune) bool { return Fold(string(r)) == "" })
}

// Query checks a query as typed and returns it folded. Errors: a
// fault.Invalid on field "q" when it is too long, not text, or has fewer
// than MinQuery letters or digits.
func Query(q string) (string, error) {
	const field = "q"
	f := fault.Fields{}
	switch {
	case !utf8.ValidString(q) || strings.ContainsFunc(q, unicode.IsControl):
		f.Add(field, "Saisissez le nom de votre ville, son code postal ou le nom de votre résidence, en lettres et chiffres.")
	case utf8.RuneCountInString(q) > MaxQuery:
		f.Add(field, "Votre recherche est trop longue\u00a0: saisissez seulement le nom de votre ville, son code postal ou le nom de votre résidence.")
	case utf8.RuneCountInString(Fold(q)) < MinQuery:
		f.Add(field, "Saisissez au moins 2 lettres ou chiffres\u00a0: le nom de votre ville, son code postal ou le nom de votre résidence.")
	}
	if err := f.Err(); err != nil {
		return "", err
	}
	return Fold(q), nil
}

// Store reads the directory.
type Store interface {
	// SearchDirectory returns the entries with a term starting with the
	// folded prefix, each residence once, at most max of them, and whether
	// there were more.
	SearchDirectory(ctx context.Context, prefix string, max int) ([]Entry, bool, error)
	// Directory returns every entry, sorted by town then residence name.
	Directory(ctx context.Context) ([]Entry, error)
}

// Throttle counts a request of a client address and refuses it past the
// limit (a fault.TooManyRequests).
type Throttle func(ctx context.Context, client string) error

// Service answers the public searches.
type Service struct {
	store    Store
	throttle Throttle
}

// NewService returns the service; throttle may be nil (no limit).
func NewService(store Store, throttle Throttle) *Service {
	return &Service{store: store, throttle: throttle}
}

// Result is a search's answer.
type Result struct {
	Entries []Entry
	More    bool // more residences matched than MaxResults
}

// Search finds the residences whose postal code, town or name (or a word
// of it) starts with q. Errors: fault.Invalid (see Query), then
// fault.TooManyRequests from the throttle.
func (s *Service) Search(ctx context.Context, q, client string) (Result, error) {
	prefix, err := Query(q)
	if err != nil {
		return Result{}, err
	}
	if err := s.allow(ctx, client); err != nil {
		return Result{}, err
	}
	es, more, err := s.store.SearchDirectory(ctx, prefix, MaxResults)
	return Result{Entries: es, More: more}, err
}

// All returns the whole directory, for the installed app to keep offline.
// Errors: fault.TooManyRequests from the throttle.
func (s *Service) All(ctx context.Context, client string) ([]Entry, error) {
	if err := s.allow(ctx, client); err != nil {
		return nil, err
	}
	return s.store.Directory(ctx)
}

func (s *Service) allow(ctx context.Context, client string) error {
	if s.throttle == nil {
		return nil
	}
	return s.throttle(ctx, client)
}
