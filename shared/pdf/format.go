package pdf

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/citejardins/extranet/shared/notice"
	"github.com/citejardins/extranet/shared/tenancy"
)

// French typography (Imprimerie nationale, Lexique des règles
// typographiques): a narrow no-break space groups thousands and separates
// the amount from "€"; the decimal mark is a comma; a credit takes the
// minus sign U+2212, not a hyphen.
const (
	nnbsp = "\u202F"
	minus = "\u2212"
)

// euros formats cents as "1 234,56 €" (narrow no-break spaces), negative
// amounts as "− 180,00 €".
func euros(cents int64) string {
	sign := ""
	u := uint64(cents)
	if cents < 0 {
		sign = minus + nnbsp
		u = uint64(-cents)
	}
	whole := strconv.FormatUint(u/100, 10)
	var b strings.Builder
	b.WriteString(sign)
	for i, d := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteString(nnbsp)
		}
		b.WriteRune(d)
	}
	frac := u % 100
	b.WriteByte(',')
	b.WriteByte(byte('0' + frac/10))
	b.WriteByte(byte('0' + frac%10))
	b.WriteString(nnbsp + "€")
	return b.String()
}

// date formats a civil date as JJ/MM/AAAA.
func date(d tenancy.Date) string {
	return fmt.Sprintf("%02d/%02d/%04d", d.Day, int(d.Month), d.Year)
}

var months = [...]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
	"septembre", "octobre", "novembre", "décembre"}

// periodWords writes a period as "décembre 2026".
func periodWords(p notice.Period) string {
	if p.Month < 1 || p.Month > 12 {
		return p.String()
	}
	return months[p.Month-1] + " " + strconv.Itoa(p.Year)
}

// names joins names as French lists them: "A", "A et B", "A, B et C".
func names(ns []string) string {
	switch n := len(ns); n {
	case 0:
		return ""
	case 1:
		return ns[0]
	default:
		return strings.Join(ns[:n-1], ", ") + " et " + ns[n-1]
	}
}

// de is "de " before s, elided to "d’" before a vowel or an h (taken as
// mute, as before most names): "de Marie", "d’Abdou", "d’Hélène".
func de(s string) string {
	r, _ := utf8.DecodeRuneInString(s)
	if strings.ContainsRune("aeiouyhàâäéèêëîïôöùûüÿæœ", unicode.ToLower(r)) {
		return "d’" + s
	}
	return "de " + s
}

// typographic gives text from the ERP (labels, names) the typographic
// apostrophe: "N'DIAYE" prints "N’DIAYE".
func typographic(s string) string { return strings.ReplaceAll(s, "'", "’") }
