package account

import (
	"strings"
	"unicode/utf8"
)

// MaskEmail is the hint of an address that a mail may give to someone who
// proved a signatory's identity but typed another address ("an account
// already exists for this signatory"): the first letter of the local part,
// the first letter of the domain's first label, each followed by "•••",
// then the domain's last label (its top-level domain), as is. The labels
// between are hidden: a work address's domain would name the employer to
// whoever typed the signatory's identity (a former partner knows it).
//
//	celine.lefevre@exemple.fr     -> c•••@e•••.fr
//	julien@mail.exemple.co.uk     -> j•••@m•••.uk
//	c.lefevre@rh.mairie-ville.fr  -> c•••@r•••.fr
//	Élodie@Café.fr                -> É•••@C•••.fr
//
// Letters are runes, not bytes (an accented first letter stays whole); a
// domain without a dot keeps only its first letter. Input that is not an
// address (no "@", an empty part) gives "•••": never any part of it.
func MaskEmail(email string) string {
	const dots = "•••"
	local, domain, ok := strings.Cut(strings.TrimSpace(email), "@")
	if !ok || local == "" || domain == "" || strings.Contains(domain, "@") {
		return dots
	}
	first := func(s string) string {
		r, n := utf8.DecodeRuneInString(s)
		if r == utf8.RuneError {
			return ""
		}
		return s[:n]
	}
	label, _, hasDot := strings.Cut(domain, ".")
	if label == "" {
		return dots
	}
	out := first(local) + dots + "@" + first(label) + dots
	if hasDot {
		out += domain[strings.LastIndex(domain, "."):]
	}
	return out
}
