package erp

import (
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/citejardins/extranet/shared/safetext"
	"github.com/citejardins/extranet/shared/tenancy"
)

// Caps on values, so that a hostile or broken file cannot put megabytes in a
// name nor odd characters in a storage key.
const (
	MaxText  = 200 // runes, for names, labels and addresses
	MaxShort = 32  // runes, for phone numbers, dwelling types and floors
	MaxID    = 64  // bytes, for the ERP's ids
	MaxEmail = 254 // bytes (RFC 5321 path limit)
	// MaxLabel is the most runes of a notice line's label, which the
	// notice prints on one line.
	MaxLabel = 100
	// MaxNoticeLines is the most lines of one lease and period in a
	// lignes_avis file: the notice is one page.
	MaxNoticeLines = 15
)

// maxEuros bounds amounts well below int64 overflow; no rent comes near.
const maxEuros = 999_999_999

// ParseEuros reads an amount in euros as the ERP writes it ("1 234,56",
// "-25,50", "12", "0,5") and returns it in cents. The decimal separator is a
// comma, with at most two decimals; spaces, no-break spaces (U+00A0) and
// narrow no-break spaces (U+202F) may group the thousands. Surrounding spaces
// are ignored.
func ParseEuros(s string) (int64, error) {
	t := strings.TrimSpace(s)
	neg := false
	if t != "" && t[0] == '-' {
		neg, t = true, t[1:]
	}
	var euros int64
	digits, group, grouped := 0, 0, false
	i := 0
integer:
	for i < len(t) {
		c := t[i]
		sep := 0
		switch {
		case c >= '0' && c <= '9':
			euros = euros*10 + int64(c-'0')
			if euros > maxEuros {
				return 0, errors.New(show(s) + "\u00a0: montant trop grand")
			}
			digits++
			group++
			i++
			continue
		case c == ',':
			break integer
		case c == ' ':
			sep = 1
		case strings.HasPrefix(t[i:], "\u00a0"):
			sep = len("\u00a0")
		case strings.HasPrefix(t[i:], "\u202f"):
			sep = len("\u202f")
		default:
			return 0, notAmount(s)
		}
		// A separator closes a group: the first of one to three digits, the
		// others of three, so that "12 34" is not taken for 1234.
		if group == 0 || group > 3 || (grouped && group != 3) {
			return 0, notAmount(s)
		}
		grouped, group = true, 0
		i += sep
	}
	if digits == 0 || (grouped && group != 3) {
		return 0, notAmount(s)
	}
	cents := euros * 100
	if i < len(t) { // t[i] == ','
		dec := t[i+1:]
		switch {
		case len(dec) == 1 && isDigit(dec[0]):
			cents += int64(dec[0]-'0') * 10
		case len(dec) == 2 && isDigit(dec[0]) && isDigit(dec[1]):
			cents += int64(dec[0]-'0')*10 + int64(dec[1]-'0')
		default:
			return 0, notAmount(s)
		}
	}
	if neg {
		cents = -cents
	}
	return cents, nil
}

func notAmount(s string) error {
	return errors.New(show(s) + " n’est pas un montant (ex. 1234,56)")
}

// ParseDate reads a date written JJ/MM/AAAA, with both digits of the day and
// month, and rejects impossible days such as 31/02/2026 and years before 1900.
func ParseDate(s string) (tenancy.Date, error) {
	t := strings.TrimSpace(s)
	if len(t) == 10 && t[2] == '/' && t[5] == '/' && allDigits(t[0:2]) && allDigits(t[3:5]) && allDigits(t[6:10]) {
		if d, ok := civilDate(atoi(t[6:10]), atoi(t[3:5]), atoi(t[0:2])); ok {
			return d, nil
		}
	}
	return tenancy.Date{}, errors.New(show(s) + " n’est pas une date (JJ/MM/AAAA)")
}

// ParseBool reads O/N, oui/non or 1/0, in any case.
func ParseBool(s string) (bool, error) {
	t := strings.TrimSpace(s)
	switch {
	case t == "1" || strings.EqualFold(t, "O") || strings.EqualFold(t, "oui"):
		return true, nil
	case t == "0" || strings.EqualFold(t, "N") || strings.EqualFold(t, "non"):
		return false, nil
	}
	return false, errors.New(show(s) + " n’est ni O ni N")
}

// civilDate checks a day of the calendar. Years before 1900 are ERP
// placeholders or typos, never a real date of birth or lease.
func civilDate(year, month, day int) (tenancy.Date, bool) {
	if year < 1900 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month) {
		return tenancy.Date{}, false
	}
	return tenancy.Date{Year: year, Month: time.Month(month), Day: day}, true
}

func daysIn(year, month int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

func before(a, b tenancy.Date) bool {
	if a.Year != b.Year {
		return a.Year < b.Year
	}
	if a.Month != b.Month {
		return a.Month < b.Month
	}
	return a.Day < b.Day
}

// checkText returns why s is not acceptable text of at most max runes, or "":
// the portal's one text rule (package safetext) on one line. Control
// characters are refused (a line break in a name would end up in an email
// header), and so are bidi controls and a formula start.
func checkText(s string, max int) string {
	if _, err := safetext.Check(s, safetext.Rule{MaxRunes: max}); err != nil {
		return err.Error()
	}
	return ""
}

// checkID returns why s cannot be an ERP id, or "". Ids end up in storage
// keys, so they keep to a plain alphabet (no '#', no spaces).
func checkID(s string) string {
	if len(s) > MaxID {
		return show(s) + "\u00a0: identifiant trop long (" + strconv.Itoa(MaxID) + " caractères au plus)"
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(isDigit(c) || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-' || c == '_' || c == '.' || c == '/' || c == ':') {
			return show(s) + "\u00a0: identifiant invalide (lettres sans accent, chiffres et - _ . /\u00a0: seulement)"
		}
	}
	return ""
}

// checkPaymentID returns why s is not a payment id of the portal (32 hex
// digits, payment.IDFor; any case, stored in lower case), or "".
func checkPaymentID(s string) string {
	ok := len(s) == 32
	for i := 0; ok && i < len(s); i++ {
		c := s[i] | 0x20 // lower case of a letter; digits keep their value
		ok = isDigit(s[i]) || c >= 'a' && c <= 'f'
	}
	if !ok {
		return show(s) + " n’est pas un identifiant de paiement du portail (32 caractères 0-9 et a-f, " +
			"le paymentId de l’événement payment_received)"
	}
	return ""
}

// checkEmail returns why s is not an email address, or "". It checks the form
// only: whether the address works is the mailer's business.
func checkEmail(s string) string {
	if len(s) > MaxEmail {
		return "adresse trop longue (" + strconv.Itoa(MaxEmail) + " caractères au plus)"
	}
	at := strings.IndexByte(s, '@')
	local, domain := "", ""
	if at >= 0 {
		local, domain = s[:at], s[at+1:]
	}
	dot := strings.LastIndexByte(domain, '.')
	if local == "" || dot <= 0 || dot == len(domain)-1 || strings.IndexByte(domain, '@') >= 0 ||
		strings.ContainsAny(s, " \t\r\n\"(),:;<>[\\]") || checkText(s, MaxEmail) != "" {
		return show(s) + " n’est pas une adresse email"
	}
	return ""
}

// checkPhone returns why s is not a phone number as people write them, or "".
func checkPhone(s string) string {
	digits := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case isDigit(c):
			digits++
		case c == ' ' || c == '+' || c == '.' || c == '-' || c == '(' || c == ')':
		default:
			return show(s) + " n’est pas un numéro de téléphone"
		}
	}
	if digits < 3 || len(s) > MaxShort {
		return show(s) + " n’est pas un numéro de téléphone"
	}
	return ""
}

// checkPostalCode returns why s is not a French postal code, or "".
func checkPostalCode(s string) string {
	if len(s) != 5 || !allDigits(s) {
		return show(s) + " n’est pas un code postal (5 chiffres)"
	}
	return ""
}

// canonicalReference is tenancy.NormalizeReference with a fast path, free of
// allocation, for the form ERPs write: digits only, maybe zero-padded.
func canonicalReference(s string) (string, bool) {
	if s != "" && len(s) <= tenancy.MaxReferenceDigits && allDigits(s) {
		s = strings.TrimLeft(s, "0")
		return s, s != ""
	}
	ref, err := tenancy.NormalizeReference(s)
	return ref, err == nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// atoi reads a short run of ASCII digits already checked by allDigits.
func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// show quotes a value for a report, cut short so that a hostile file cannot
// fill the report, with control characters escaped.
func show(s string) string {
	const max = 40
	if utf8.RuneCountInString(s) > max {
		n := 0
		for i := range s {
			if n == max {
				return strconv.Quote(s[:i]) + "…"
			}
			n++
		}
	}
	return strconv.Quote(s)
}
