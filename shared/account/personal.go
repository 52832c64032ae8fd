package account

import (
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/citejardins/extranet/shared/tenancy"
)

// Personal is what the portal knows of the person choosing a password. None
// of it may appear in the password: OWASP ASVS 5.0 asks for a documented list
// of context-specific words (V6.1.2) kept out of new passwords (V6.2.11), and
// these are the words anyone who knows the tenant, or holds one of their rent
// notices, would try first. This list is that documentation:
//
//   - the email's local part, whole ("marie.dupont") and each of its pieces
//     of 3 characters or more ("marie", "dupont");
//   - every surname and first name, whole and each piece of 3 characters or
//     more ("N'DIAYE": "ndiaye", "diaye"; "Jean-Pierre": "jean", "pierre");
//   - the lease reference ("8889999");
//   - every date of birth, in the ways French people write it: 19780412,
//     12041978, 04121978, 120478, 780412, 041278, 1241978, 1978412, and with
//     the month in letters, in full or abbreviated, and a four- or two-digit
//     year (12avril1978, 12 avr. 1978, 12 Avril 78, 1eravril1978).
//
// They are compared without regard to case or accents (tenancy.FoldName),
// after mapping compatibility forms to plain letters and digits (NFKC:
// fullwidth "ｄｕｐｏｎｔ", "１２０４１９７８") and dropping the characters that
// show as nothing ("dup\u200bont"). Names are searched in the password with
// its separators kept, so that "le mari est là" does not contain "marie";
// the email, the reference and the dates with its separators dropped, so
// that 12/04/1978, 12-04-1978, 12.04.1978 and 12 04 1978 are all 12041978.
// Pieces shorter than 3 characters (the "N" of N'DIAYE, a surname "Li") are
// not searched: almost every passphrase would contain them.
//
// Two near misses are accepted on purpose, as they would refuse real
// passphrases: look-alike letters of other scripts (a Cyrillic "о" in
// "dupоnt"), and a name spaced out letter by letter ("d u p o n t"), which
// only joining every letter of the password would find.
type Personal struct {
	Email      string
	Reference  string
	Names      []string // surnames and first names
	BirthDates []tenancy.Date
}

// personalOf is what a lease and an account's email say of the tenant: the
// email, the reference, and the names and dates of birth of every signatory.
func personalOf(email string, lease tenancy.Lease) Personal {
	p := Personal{Email: email, Reference: lease.Reference}
	for _, s := range lease.Signatories {
		p.Names = append(p.Names, s.LastName, s.FirstName)
		if s.DateOfBirth != (tenancy.Date{}) {
			p.BirthDates = append(p.BirthDates, s.DateOfBirth)
		}
	}
	return p
}

// typedPersonal is what a sign-up form says of the tenant, before it is
// matched with a lease: ref and dob are the parsed reference and date, zero
// when they did not parse.
func typedPersonal(req SignUpRequest, ref string, dob tenancy.Date) Personal {
	p := Personal{Email: req.Email, Reference: ref, Names: []string{req.LastName}}
	if dob != (tenancy.Date{}) {
		p.BirthDates = []tenancy.Date{dob}
	}
	return p
}

// Kinds of personal data, as personalIn reports them.
const (
	inEmail     = "votre adresse email"
	inName      = "votre nom ou votre prénom"
	inReference = "votre référence client"
	inBirthDate = "votre date de naissance"
)

// personalIn returns what personal data pw contains, as French phrases in
// a fixed order (inEmail, inName, inReference, inBirthDate).
func personalIn(pw string, p Personal) []string {
	spaced := foldSpaced(pw)
	joined := strings.ReplaceAll(spaced, " ", "")
	var found []string
	local, _, _ := strings.Cut(strings.TrimSpace(p.Email), "@")
	if p.Email != "" && containsWord(spaced, joined, local) {
		found = append(found, inEmail)
	}
	for _, n := range p.Names {
		if containsWord(spaced, joined, n) {
			found = append(found, inName)
			break
		}
	}
	if ref := tenancy.FoldName(p.Reference); len(ref) >= minWordRunes && strings.Contains(joined, ref) {
		found = append(found, inReference)
	}
	for _, d := range p.BirthDates {
		if containsDate(joined, d) {
			found = append(found, inBirthDate)
			break
		}
	}
	return found
}

// minWordRunes is the shortest piece of a name or email searched for.
const minWordRunes = 3

// foldSpaced folds s as tenancy.FoldName does, but turns each run of other
// characters (spaces, punctuation) into one space. Before folding:
//
//   - compatibility forms are mapped to their plain letters and digits
//     (Unicode NFKC: fullwidth "ｄｕｐｏｎｔ" and "１２０４１９７８",
//     mathematical "𝐝𝐮𝐩𝐨𝐧𝐭", circled "ⓓⓤⓟⓞⓝⓣ", superscript "¹²"), which
//     look like the word to a person but not to a byte comparison;
//   - characters that show as nothing are dropped, not read as a space, so
//     that "dup\u200bont" is "dupont": see unseen.
//
// Look-alikes from other scripts (a Cyrillic "о" in "dupоnt") are not
// mapped: Unicode has no fold for them short of its confusables table, and
// applying that to a whole password would read every Cyrillic or Greek
// passphrase as Latin.
func foldSpaced(s string) string {
	var b strings.Builder
	space := true
	for _, r := range norm.NFKC.String(s) {
		if unseen(r) {
			continue
		}
		f := tenancy.FoldName(string(r))
		if f == "" {
			if !space && !unicode.Is(unicode.Mn, r) {
				b.WriteByte(' ')
				space = true
			}
			continue
		}
		b.WriteString(f)
		space = false
	}
	return strings.TrimRight(b.String(), " ")
}

// unseen reports whether r shows as nothing, or as a filler with no
// meaning, in a word: the format characters (Unicode category Cf: zero-width
// space, joiners U+200C and U+200D, word joiner U+2060, soft hyphen, byte
// order mark, bidi controls), combining marks (accents typed apart and
// variation selectors; the letter they sit on is kept) and the blank fillers
// U+115F, U+1160, U+2800, U+3164 and U+FFA0. These are what the password
// policy calls invisible (password.Weakness), less white space and
// control characters, which separate words as a space does.
func unseen(r rune) bool {
	switch r {
	case '\u115F', '\u1160', '\u2800', '\u3164', '\uFFA0':
		return true
	}
	return unicode.In(r, unicode.Cf, unicode.Mn, unicode.Me, unicode.Variation_Selector)
}

// containsWord reports whether a name or email part is in the password:
// the whole word, separators dropped, in joined (when it has several
// pieces), or one of its pieces in spaced.
func containsWord(spaced, joined, word string) bool {
	pieces := strings.Fields(foldSpaced(word))
	if len(pieces) > 1 {
		if whole := strings.Join(pieces, ""); len(whole) >= minWordRunes && strings.Contains(joined, whole) {
			return true
		}
	}
	for _, piece := range pieces {
		if len([]rune(piece)) >= minWordRunes && strings.Contains(spaced, piece) {
			return true
		}
	}
	return false
}

// frenchMonths are the month names in French, folded, in full and in their
// usual abbreviations (the Imprimerie nationale's, as printed on forms and
// calendars: "janv.", "févr.", "avr.", "juil.", "sept.", "oct.", "nov.",
// "déc."; mars, mai, juin and août are not shortened).
var frenchMonths = [12][]string{
	{"janvier", "janv"}, {"fevrier", "fevr"}, {"mars"}, {"avril", "avr"},
	{"mai"}, {"juin"}, {"juillet", "juil"}, {"aout"},
	{"septembre", "sept"}, {"octobre", "oct"}, {"novembre", "nov"}, {"decembre", "dec"},
}

// dateForms are the ways a date is written, folded and separators dropped:
// the day, month and year in digits, in the French, ISO and US orders, with
// and without leading zeros, with a four- or two-digit year; and the French
// order with the month in letters, in full or abbreviated, the day with or
// without a leading zero ("1er" for the first), the year in four or two
// digits (12avril1978, 12avr78, 1eravril78). A day and month without the
// year, or a month and year without the day, are not forms of the date.
func dateForms(d tenancy.Date) []string {
	y, m, dd := d.Year, int(d.Month), d.Day
	yy := y % 100
	forms := []string{
		fmt.Sprintf("%04d%02d%02d", y, m, dd),  // 19780412 (ISO)
		fmt.Sprintf("%02d%02d%04d", dd, m, y),  // 12041978 (French)
		fmt.Sprintf("%02d%02d%04d", m, dd, y),  // 04121978 (US)
		fmt.Sprintf("%02d%02d%02d", dd, m, yy), // 120478
		fmt.Sprintf("%02d%02d%02d", yy, m, dd), // 780412
		fmt.Sprintf("%02d%02d%02d", m, dd, yy), // 041278
		fmt.Sprintf("%d%d%04d", dd, m, y),      // 1241978 (12/4/1978)
		fmt.Sprintf("%04d%d%d", y, m, dd),      // 1978412
	}
	if d.Month < 1 || d.Month > 12 {
		return forms
	}
	days := []string{fmt.Sprintf("%d", dd), fmt.Sprintf("%02d", dd)}
	if dd == 1 {
		days = append(days, "1er")
	}
	years := []string{fmt.Sprintf("%04d", y), fmt.Sprintf("%02d", yy)}
	for _, day := range days {
		for _, month := range frenchMonths[d.Month-1] {
			for _, year := range years {
				forms = append(forms, day+month+year)
			}
		}
	}
	return forms
}

func containsDate(joined string, d tenancy.Date) bool {
	for _, f := range dateForms(d) {
		if strings.Contains(joined, f) {
			return true
		}
	}
	return false
}

// personalMessage says what to change in a password that holds personal data.
func personalMessage(found []string) string {
	what := found[0]
	switch len(found) {
	case 1:
	case 2:
		what += " et " + found[1]
	default:
		what = strings.Join(found[:len(found)-1], ", ") + " et " + found[len(found)-1]
	}
	return fmt.Sprintf("Votre mot de passe contient %s\u00a0: ce sont les premières choses qu’un fraudeur essaierait. Choisissez-en un sans vos informations personnelles (nom, prénom, date de naissance, adresse email, référence client).", what)
}
