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
	"net/netip"
	"strings"

	"golang.org/x/net/idna"
)

// MaxBytes bounds an address in its ASCII form (RFC 5321 §4.5.3.1.3: a path
// is at most 256 octets, two of them the angle brackets).
const MaxBytes = 254

// MaxLocalBytes bounds the local part, the part before the @ (RFC 5321
// §4.5.3.1.1: "The maximum total length of a user name or other local-part
// is 64 octets"). Mail servers may refuse longer ones, and SES checks
// addresses against RFC 5321.
const MaxLocalBytes = 64

// The reasons Parse refuses an address. Advice turns each into French.
var (
	ErrEmpty     = errors.New("empty email address")
	ErrSyntax    = errors.New("malformed email address")
	ErrLocalPart = errors.New("email local part is not ASCII")
	ErrDomain    = errors.New("email domain is not a valid domain name")
	ErrTooLong   = errors.New("email address too long")
	// ErrLocalTooLong: a local part over MaxLocalBytes.
	ErrLocalTooLong = errors.New("email local part too long")
	// ErrDomainIP: an IP address where the domain should be.
	ErrDomainIP = errors.New("email domain is an IP address")
	// ErrTopLevel: a last label that is no top-level domain.
	ErrTopLevel = errors.New("email domain has no valid top-level domain")
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
// deliver it), ErrLocalTooLong (a local part over MaxLocalBytes), ErrDomain
// (not a valid domain name under IDNA 2008/UTS #46), ErrDomainIP (an IPv4
// address without brackets, "celine@127.0.0.1"; bracketed address literals
// are ErrSyntax), ErrTopLevel (a last label that is not all letters nor an
// A-label, "example.123") or ErrTooLong (over MaxBytes once in ASCII).
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
	if len(local) > MaxLocalBytes {
		return "", ErrLocalTooLong
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
	dot := strings.LastIndexByte(ascii, '.')
	if dot <= 0 || dot == len(ascii)-1 {
		return "", ErrSyntax // a bare host name, or a root-dot form
	}
	if _, err := netip.ParseAddr(ascii); err == nil {
		return "", ErrDomainIP // 127.0.0.1: a host, not a mail domain
	}
	if !topLevel(ascii[dot+1:]) {
		return "", ErrTopLevel
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
		return "La partie avant le «\u00a0@\u00a0» ne peut contenir ni accent ni caractère spécial\u00a0: notre service d’envoi ne sait pas les acheminer. Utilisez une adresse sans accent avant le «\u00a0@\u00a0», par exemple celine.martin@exemple.fr."
	case errors.Is(err, ErrDomain):
		return "La partie après le «\u00a0@\u00a0» n’est pas un nom de domaine valide. Vérifiez-la, par exemple\u00a0: prenom.nom@exemple.fr."
	case errors.Is(err, ErrLocalTooLong):
		return "La partie avant le «\u00a0@\u00a0» est trop longue\u00a0: 64 caractères au maximum. Vérifiez votre adresse email, ou utilisez-en une plus courte."
	case errors.Is(err, ErrDomainIP):
		return "Après le «\u00a0@\u00a0», saisissez le nom de domaine de votre messagerie (par exemple gmail.com ou orange.fr), pas une adresse IP."
	case errors.Is(err, ErrTopLevel):
		return "La fin de l’adresse, après le dernier point, doit être une extension comme .fr ou .com. Vérifiez-la, par exemple\u00a0: prenom.nom@exemple.fr."
	case errors.Is(err, ErrTooLong):
		return "Cette adresse email est trop longue\u00a0: 254 caractères au maximum."
	}
	return "Cette adresse email n’est pas valide. Vérifiez-la, par exemple\u00a0: prenom.nom@exemple.fr."
}

// topLevel reports whether label can be a top-level domain: all ASCII
// letters, or an IDNA A-label ("xn--p1ai", .рф; already checked by the
// profile). RFC 3696 §2 rules out an all-numeric top-level label, which would
// read as an IPv4 address ("example.123", "127.1"); ICANN only delegates
// ASCII top-level domains made of letters (gTLD Applicant Guidebook
// §2.2.1.3.2), so a digit or a hyphen anywhere else in it ("example.f1",
// "0x7f.0x1") names no public mailbox either.
func topLevel(label string) bool {
	if len(label) > 4 && strings.EqualFold(label[:4], "xn--") {
		return true
	}
	for i := 0; i < len(label); i++ {
		if c := label[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
