package tenancy

import (
	"strings"
	"unicode"
)

// FoldName reduces a surname to what identifies it, so that what a tenant
// types matches what the ERP holds whatever the case, accents, spaces,
// hyphens or apostrophes: FoldName("N'DIAYE") == FoldName("ndiaye") and
// FoldName("LEFÈVRE") == FoldName("lefevre").
func FoldName(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if base, ok := latinFold[r]; ok {
			b.WriteString(base)
			continue
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			// Through upper case first, so that letters with two lower-case
			// forms (µ and μ, ſ and s) fold alike.
			lower := unicode.ToLower(unicode.ToUpper(r))
			// A letter outside the table may fold to one inside it (ẞ to
			// ß): fold that one too, so that folding twice changes nothing.
			if base, ok := latinFold[lower]; ok {
				b.WriteString(base)
				continue
			}
			b.WriteRune(lower)
		}
		// Everything else (spaces, hyphens, apostrophes of every kind, dots,
		// combining accents typed separately) carries no identity.
	}
	return b.String()
}

// SameName reports whether two surnames match once folded. An empty name
// never matches.
func SameName(a, b string) bool {
	fa := FoldName(a)
	return fa != "" && fa == FoldName(b)
}

// latinFold maps the accented letters of French and of the languages most
// common among tenants to their base letters. A table rather than Unicode
// decomposition keeps this package on the standard library.
var latinFold = func() map[rune]string {
	groups := map[string]string{
		"a":  "aàáâãäåāăąAÀÁÂÃÄÅĀĂĄ",
		"ae": "æÆ",
		"c":  "cçćĉċčCÇĆĈĊČ",
		"d":  "dďđDĎĐ",
		"e":  "eèéêëēĕėęěEÈÉÊËĒĔĖĘĚ",
		"g":  "gĝğġģGĜĞĠĢ",
		"h":  "hĥħHĤĦ",
		"i":  "iìíîïĩīĭįıIÌÍÎÏĨĪĬĮİ",
		"j":  "jĵJĴ",
		"k":  "kķKĶ",
		"l":  "lĺļľŀłLĹĻĽĿŁ",
		"n":  "nñńņňNÑŃŅŇ",
		"o":  "oòóôõöøōŏőOÒÓÔÕÖØŌŎŐ",
		"oe": "œŒ",
		"r":  "rŕŗřRŔŖŘ",
		"s":  "sśŝşšșSŚŜŞŠȘ",
		"ss": "ß",
		"t":  "tţťŧțTŢŤŦȚ",
		"u":  "uùúûüũūŭůűųUÙÚÛÜŨŪŬŮŰŲ",
		"w":  "wŵWŴ",
		"y":  "yýÿŷYÝŸŶ",
		"z":  "zźżžZŹŻŽ",
	}
	m := make(map[rune]string, 256)
	for base, letters := range groups {
		for _, r := range letters {
			m[r] = base
		}
	}
	return m
}()
