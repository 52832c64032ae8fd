// Package emailaddr holds the one rule for the email addresses the portal
// takes from a person (sign-up, login, activation and reset requests, the
// notification address): the form Amazon SES can deliver to, and the key
// under which an address is unique.
//
// Amazon SES does not support the SMTPUTF8 extension (RFC 6531): "the local
// part of a destination email address (the part of the email address that
// precedes the @ sign) may only contain 7-bit ASCII characters. If the domain
// part of an address (the part after the @ sign) contains non-ASCII
// characters, they must be encoded using Punycode, as described in RFC3492"
// (Amazon SES API v2 reference, Destination:
// https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_Destination.html).
// So an address is kept and sent with its domain in ASCII (IDNA 2008, UTS #46
// lookup mapping: "exämple.fr" becomes "xn--exmple-cua.fr"), and an address
// whose local part is not ASCII is refused: no mail could reach it.
//
// The package is a domain package: its one import beyond the standard library
// is golang.org/x/net/idna, the Go team's IDNA implementation.
package emailaddr

import (
	"errors"
	"net/mail"
	"strings"

	"golang.org/x/net/idna"
)

// MaxBytes bounds an address in its ASCII form (RFC 5321 §4.5.3.1.3: a path
// is at most 256 octets, two of them the angle brackets).
const MaxBytes = 254

// The reasons Parse refuses an address. Advice turns each into French.
var (
	ErrEmpty     = errors.New("empty email address")
	ErrSyntax    = errors.New("malformed email address")
	ErrLocalPart = errors.New("email local part is not ASCII")
	ErrDomain    = errors.New("email domain is not a valid domain name")
	ErrTooLong   = errors.New("email address too long")
)

// profile maps a domain as a resolver would look it up (RFC 5891 §5: case
// folded, width and compatibility forms mapped, NFC), checks its labels
// (STD3 letters, digits and hyphens, hyphen placement, joiners, the bidi rule
// of RFC 5893) and the DNS lengths, and gives the ASCII form.
var profile = idna.New(
	idna.MapForLookup(),
	idna.BidiRule(),
	idna.VerifyDNSLength(true),
	idna.Transitional(false), // ß stays ß (IDNA 2008), as registries do
)

// Parse checks an address a person typed and returns it in the form to store
// and to send to: surrounding spaces removed, the local part as typed, the
// domain as typed when it is ASCII, else in its lower-case ASCII form
// (Punycode labels, "xn--…").
// It returns ErrEmpty, ErrSyntax (not one bare RFC 5322 address, or a domain
// without a dot), ErrLocalPart (a non-ASCII character before the @: SES cannot
// deliver it), ErrDomain (not a valid domain name under IDNA 2008/UTS #46) or
// ErrTooLong (over MaxBytes once in ASCII).
func Parse(raw string) (string, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return "", ErrEmpty
	}
	if len(s) > 4*MaxBytes {
		return "", ErrTooLong // no parsing of a huge input
	}
	addr, err := mail.ParseAddress(s)
	at := strings.LastIndexByte(s, '@')
	if err != nil || addr.Address != s || at < 1 {
		return "", ErrSyntax
	}
	local, domain := s[:at], s[at+1:]
	if !isASCII(local) {
		return "", ErrLocalPart
	}
	if strings.HasPrefix(domain, "[") { // an address literal, [192.0.2.1]
		return "", ErrSyntax
	}
	ascii, err := profile.ToASCII(domain)
	if err != nil {
		return "", ErrDomain
	}
	if isASCII(domain) {
		ascii = domain // as typed: the case of an ASCII domain does not matter
	}
	if dot := strings.LastIndexByte(ascii, '.'); dot <= 0 || dot == len(ascii)-1 {
		return "", ErrSyntax // a bare host name, or a root-dot form
	}
	out := local + "@" + ascii
	if len(out) > MaxBytes {
		return "", ErrTooLong
	}
	return out, nil
}

// Key returns the form under which an address is unique: the local part in
// lower case (mailbox providers ignore case, and so does the portal), the
// domain in lower-case ASCII. It takes any string, valid or not, so that a
// login typed with the Unicode form of a domain finds the account stored with
// its ASCII form; an address whose domain does not map is only lower-cased.
func Key(s string) string {
	s = strings.TrimSpace(s)
	if at := strings.LastIndexByte(s, '@'); at >= 0 {
		if ascii, err := profile.ToASCII(s[at+1:]); err == nil {
			s = s[:at+1] + ascii
		}
	}
	return strings.ToLower(s)
}

// Advice returns the French sentence that tells a person how to correct an
// address Parse refused with err.
func Advice(err error) string {
	switch {
	case errors.Is(err, ErrEmpty):
		return "Saisissez votre adresse email."
	case errors.Is(err, ErrLocalPart):
		return "La partie avant le « @ » ne peut contenir ni accent ni caractère spécial : notre service d'envoi ne sait pas les acheminer. Utilisez une adresse sans accent avant le « @ », par exemple celine.martin@exemple.fr."
	case errors.Is(err, ErrDomain):
		return "La partie après le « @ » n'est pas un nom de domaine valide. Vérifiez-la, par exemple : prenom.nom@exemple.fr."
	case errors.Is(err, ErrTooLong):
		return "Cette adresse email est trop longue : 254 caractères au maximum."
	}
	return "Cette adresse email n'est pas valide. Vérifiez-la, par exemple : prenom.nom@exemple.fr."
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
