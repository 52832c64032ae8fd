package bankaccount_test

import (
	"errors"
	"fmt"
	"math/big"
	"strings"
	"testing"

	"github.com/citejardins/extranet/shared/bankaccount"
)

// withCheckDigits computes an IBAN's ISO 13616 check digits from its country
// and BBAN, independently of the package (ISO 7064 MOD 97-10 on
// BBAN + country + "00", letters as 10–35, with math/big): 98 − n mod 97.
func withCheckDigits(t *testing.T, country, bban string) string {
	t.Helper()
	var digits strings.Builder
	for _, c := range bban + country + "00" {
		if c >= 'A' && c <= 'Z' {
			digits.WriteString(big.NewInt(int64(c - 'A' + 10)).String())
		} else {
			digits.WriteRune(c)
		}
	}
	n, ok := new(big.Int).SetString(digits.String(), 10)
	if !ok {
		t.Fatalf("not a number: %q", digits.String())
	}
	check := 98 - new(big.Int).Mod(n, big.NewInt(97)).Int64()
	return country + string(rune('0'+check/10)) + string(rune('0'+check%10)) + bban
}

// ribKey is the French RIB key of a bank code, branch code and account
// number (digits only): 97 − (89·bank + 15·branch + 3·account) mod 97.
func ribKey(bank, branch, account int64) int64 {
	return 97 - (89*bank+15*branch+3*account)%97
}

// A real French IBAN (the example of the Banque de France's specification:
// bank 30006, branch 00001, account 12345678901, RIB key 89).
const validFR = "FR7630006000011234567890189"

func TestRule_IBANAcceptsValidIBANsAsTyped(t *testing.T) {
	for typed, want := range map[string]string{
		validFR:                                          validFR,
		"FR76 3000 6000 0112 3456 7890 189":              validFR,
		"fr76 3000 6000 0112 3456 7890 189":              validFR,
		"FR76\t3000\u00a06000\u202f0112 3456 7890 189\n": validFR,
		"DE89 3704 0044 0532 0130 00":                    "DE89370400440532013000",
		"GB29 NWBK 6016 1331 9268 19":                    "GB29NWBK60161331926819",
		"BE68 5390 0754 7034":                            "BE68539007547034",
		"MC58 1122 2000 0101 2345 6789 030":              "MC5811222000010123456789030",
	} {
		got, err := bankaccount.ParseIBAN(typed)
		if err != nil || string(got) != want {
			t.Errorf("ParseIBAN(%q) = %q, %v; want %q", typed, got, err, want)
		}
	}
}

func TestRule_IBANMod97(t *testing.T) {
	// One digit changed: the ISO 13616 check fails.
	_, err := bankaccount.ParseIBAN("FR7630006000011234567890188")
	if !errors.Is(err, bankaccount.ErrIBANCheckDigits) {
		t.Errorf("one digit changed: err = %v, want ErrIBANCheckDigits", err)
	}
	// Two neighbours swapped (the mistake mod 97 is there for).
	_, err = bankaccount.ParseIBAN("FR7630006000011234567809189")
	if !errors.Is(err, bankaccount.ErrIBANCheckDigits) {
		t.Errorf("swap: err = %v, want ErrIBANCheckDigits", err)
	}
	// Check digits 97 + d: same remainder, never issued (ISO 7064 gives 02–98).
	bban := "30006000011234567890189"
	iban := withCheckDigits(t, "FR", bban)
	if iban != validFR {
		t.Fatalf("helper: %s, want %s", iban, validFR)
	}
	for _, cd := range []string{"00", "01", "99"} {
		if _, err := bankaccount.ParseIBAN("FR" + cd + bban); !errors.Is(err, bankaccount.ErrIBANCheckDigits) {
			t.Errorf("check digits %s: err = %v, want ErrIBANCheckDigits", cd, err)
		}
	}
	// A check digit that is a letter.
	if _, err := bankaccount.ParseIBAN("FR7A" + bban); !errors.Is(err, bankaccount.ErrIBANCheckDigits) {
		t.Errorf("letter check digit: err = %v, want ErrIBANCheckDigits", err)
	}
}

func TestRule_IBANCountryLength(t *testing.T) {
	// A French IBAN one character short or long, with check digits that
	// pass mod 97, so that only the length is wrong.
	for _, bban := range []string{"3000600001123456789018", "300060000112345678901890"} {
		iban := withCheckDigits(t, "FR", bban)
		_, err := bankaccount.ParseIBAN(iban)
		var ie *bankaccount.IBANError
		if !errors.Is(err, bankaccount.ErrIBANLength) || !errors.As(err, &ie) || ie.Want != 27 || ie.Got != len(iban) {
			t.Errorf("ParseIBAN(%s) = %v, want ErrIBANLength 27/%d", iban, err, len(iban))
		}
		advice := bankaccount.Advice(err)
		if !strings.Contains(advice, "Un IBAN français compte 27 caractères") {
			t.Errorf("advice %q does not give the French length", advice)
		}
	}
	// Every SEPA country's length is enforced.
	for country, n := range bankaccount.Lengths {
		iban := withCheckDigits(t, country, strings.Repeat("1", n-3))
		if _, err := bankaccount.ParseIBAN(iban); !errors.Is(err, bankaccount.ErrIBANLength) {
			t.Errorf("%s one short: err = %v, want ErrIBANLength", country, err)
		}
	}
}

// TestRule_IBANRIBKey builds a French IBAN whose ISO 13616 check digits are
// right (computed here over the whole BBAN) but whose RIB key is not: the
// account 30006 00001 12345678901 has RIB key 89; with key 90 and check
// digits recomputed, mod 97 passes and only the French key can catch it.
func TestRule_IBANRIBKey(t *testing.T) {
	if k := ribKey(30006, 1, 12345678901); k != 89 {
		t.Fatalf("RIB key of the example = %d, want 89", k)
	}
	wrongKey := withCheckDigits(t, "FR", "30006000011234567890190")
	n := new(big.Int)
	var digits strings.Builder
	for _, c := range wrongKey[4:] + "1527" + wrongKey[2:4] { // F=15, R=27
		digits.WriteRune(c)
	}
	n.SetString(digits.String(), 10)
	if r := new(big.Int).Mod(n, big.NewInt(97)).Int64(); r != 1 {
		t.Fatalf("the constructed IBAN %s fails mod 97 (remainder %d)", wrongKey, r)
	}
	_, err := bankaccount.ParseIBAN(wrongKey)
	if !errors.Is(err, bankaccount.ErrIBANRIBKey) {
		t.Fatalf("ParseIBAN(%s) = %v, want ErrIBANRIBKey", wrongKey, err)
	}
	if a := bankaccount.Advice(err); !strings.Contains(a, "clé RIB") {
		t.Errorf("advice %q does not name the RIB key", a)
	}
	// The same for Monaco, which uses the French RIB.
	if _, err := bankaccount.ParseIBAN(withCheckDigits(t, "MC", "11222000010123456789031")); !errors.Is(err, bankaccount.ErrIBANRIBKey) {
		t.Errorf("MC with a wrong key: err = %v, want ErrIBANRIBKey", err)
	}
	// A right key computed here for another account is accepted.
	key := ribKey(20041, 10005, 500000)
	bban := "20041" + "10005" + "00000500000" + string(rune('0'+key/10)) + string(rune('0'+key%10))
	if _, err := bankaccount.ParseIBAN(withCheckDigits(t, "FR", bban)); err != nil {
		t.Errorf("right RIB key %02d: %v", key, err)
	}
}

// ribDigits writes a RIB's letters as digits by the French standard's table
// (A–I → 1–9, J–R → 1–9, S–Z → 2–9).
func ribDigits(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'A' && r <= 'I':
			return '1' + (r - 'A')
		case r >= 'J' && r <= 'R':
			return '1' + (r - 'J')
		case r >= 'S' && r <= 'Z':
			return '2' + (r - 'S')
		}
		return r
	}, s)
}

// TestRule_IBANRIBKeyWithLetters: French account numbers may hold letters,
// which the RIB key counts as digits. mavolin/standards v1.0.2 maps O, P, Q
// and R wrongly (rib.go); every letter must give the standard's key, and a
// wrong key must still be refused.
func TestRule_IBANRIBKeyWithLetters(t *testing.T) {
	for c := 'A'; c <= 'Z'; c++ {
		acct := "0000000" + string(c) + "123"
		n, _ := new(big.Int).SetString(ribDigits("2004101005"+acct)+"00", 10)
		key := 97 - new(big.Int).Mod(n, big.NewInt(97)).Int64()
		right := withCheckDigits(t, "FR", fmt.Sprintf("2004101005%s%02d", acct, key))
		if _, err := bankaccount.ParseIBAN(right); err != nil {
			t.Errorf("account %s with its RIB key %02d: %v", acct, key, err)
		}
		wrong := withCheckDigits(t, "FR", fmt.Sprintf("2004101005%s%02d", acct, (key+1)%97))
		if _, err := bankaccount.ParseIBAN(wrong); !errors.Is(err, bankaccount.ErrIBANRIBKey) {
			t.Errorf("account %s with key %02d instead of %02d: %v, want ErrIBANRIBKey", acct, (key+1)%97, key, err)
		}
	}
}

func TestRule_IBANCountry(t *testing.T) {
	for typed, want := range map[string]error{
		"":                                  bankaccount.ErrIBANEmpty,
		"   \t ":                            bankaccount.ErrIBANEmpty,
		"FR76-3000-6000":                    bankaccount.ErrIBANCharacters,
		"FR76 3000 6000 0112 3456 7890 18é": bankaccount.ErrIBANCharacters,
		"7630006000011234567890189":         bankaccount.ErrIBANCountry,
		"XX7630006000011234567890189":       bankaccount.ErrIBANCountry,
		// Turkey and Brazil have IBANs but are outside the SEPA area.
		"TR330006100519786457841326":    bankaccount.ErrIBANNotSEPA,
		"BR1800360305000010009795493C1": bankaccount.ErrIBANNotSEPA,
		"US64SVBKUS6S3300958879":        bankaccount.ErrIBANNotSEPA,
	} {
		if _, err := bankaccount.ParseIBAN(typed); !errors.Is(err, want) {
			t.Errorf("ParseIBAN(%q) = %v, want %v", typed, err, want)
		}
	}
	// A German IBAN with a letter where its BBAN has digits.
	if _, err := bankaccount.ParseIBAN(withCheckDigits(t, "DE", "37040044053201300A")); !errors.Is(err, bankaccount.ErrIBANFormat) {
		t.Errorf("DE with a letter: err = %v, want ErrIBANFormat", err)
	}
}

func TestIBANForms(t *testing.T) {
	iban, err := bankaccount.ParseIBAN(validFR)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := iban.Printed(), "FR76 3000 6000 0112 3456 7890 189"; got != want {
		t.Errorf("Printed = %q, want %q", got, want)
	}
	if got, want := iban.Masked(), "FR76 •••• •••• •••• •••• •••0 189"; got != want {
		t.Errorf("Masked = %q, want %q", got, want)
	}
	if iban.Country() != "FR" {
		t.Errorf("Country = %q", iban.Country())
	}
	be, _ := bankaccount.ParseIBAN("BE68539007547034")
	if got, want := be.Masked(), "BE68 •••• •••• 7034"; got != want {
		t.Errorf("Masked = %q, want %q", got, want)
	}
}

// TestMaskedHidesTheAccount: whatever the country, the masked form shows only
// the first four characters and the last four.
func TestMaskedHidesTheAccount(t *testing.T) {
	for country, n := range bankaccount.Lengths {
		iban, err := bankaccount.ParseIBAN(withCheckDigits(t, country, strings.Repeat("0", n-4)))
		if err != nil {
			continue // a BBAN of zeros is not in every country's format
		}
		visible := 0
		for _, r := range strings.ReplaceAll(iban.Masked(), " ", "") {
			if r != bankaccount.MaskRune {
				visible++
			}
		}
		if visible != 4+bankaccount.VisibleTail {
			t.Errorf("%s: %q shows %d characters", country, iban.Masked(), visible)
		}
	}
}

func TestRule_BIC(t *testing.T) {
	fr, _ := bankaccount.ParseIBAN(validFR)
	for typed, want := range map[string]error{
		"BNPAFRPP":       nil,
		"bnpa fr pp xxx": nil,
		"BDAFGPGP":       nil, // a Guadeloupe bank: FR IBANs
		"":               bankaccount.ErrBICEmpty,
		"BNPAFRP":        bankaccount.ErrBICFormat,
		"BNPAFRPPXX":     bankaccount.ErrBICFormat,
		"BNPA-FRPP":      bankaccount.ErrBICFormat,
		"BNPA12PP":       bankaccount.ErrBICFormat,
		"BNPAXXPP":       bankaccount.ErrBICCountry,
		"DEUTDEFF":       bankaccount.ErrBICMismatch,
	} {
		got, err := bankaccount.ParseBIC(typed, fr)
		if !errors.Is(err, want) || (want == nil && got == "") {
			t.Errorf("ParseBIC(%q) = %q, %v; want %v", typed, got, err, want)
		}
		if err != nil && bankaccount.Advice(err) == bankaccount.Advice(errors.New("other")) {
			t.Errorf("ParseBIC(%q): no precise advice for %v", typed, err)
		}
	}
}

func TestRule_Holder(t *testing.T) {
	for typed, want := range map[string]string{
		"  Élodie   LEFÈVRE ": "Élodie LEFÈVRE",
		"M. ou Mme N’DIAYE":   "M. ou Mme N’DIAYE",
		"SCI Les Œillets (2)": "SCI Les Œillets (2)",
	} {
		got, err := bankaccount.ParseHolder(typed)
		if err != nil || got != want {
			t.Errorf("ParseHolder(%q) = %q, %v; want %q", typed, got, err, want)
		}
	}
	if got := bankaccount.SEPA("Élodie LEFÈVRE"); got != "Elodie LEFEVRE" {
		t.Errorf("SEPA = %q", got)
	}
	for typed, want := range map[string]error{
		"":                      bankaccount.ErrHolderEmpty,
		" \t\n":                 bankaccount.ErrHolderEmpty,
		strings.Repeat("A", 71): bankaccount.ErrHolderTooLong,
		strings.Repeat("Œ", 36): bankaccount.ErrHolderTooLong, // 72 in SEPA form
		"Élodie 😀":              bankaccount.ErrHolderCharacters,
		"李小龍":                   bankaccount.ErrHolderCharacters,
		"123 / 456":             bankaccount.ErrHolderCharacters,
		"A\x00B":                bankaccount.ErrHolderCharacters,
	} {
		if _, err := bankaccount.ParseHolder(typed); !errors.Is(err, want) {
			t.Errorf("ParseHolder(%q) = %v, want %v", typed, err, want)
		}
	}
	if _, err := bankaccount.ParseHolder(strings.Repeat("A", 70)); err != nil {
		t.Errorf("70 characters: %v", err)
	}
}

func TestAdviceIsPreciseForEachReason(t *testing.T) {
	seen := map[string]error{}
	for _, err := range []error{
		bankaccount.ErrIBANEmpty, bankaccount.ErrIBANCharacters, bankaccount.ErrIBANCountry,
		bankaccount.ErrIBANNotSEPA, bankaccount.ErrIBANLength, bankaccount.ErrIBANCheckDigits,
		bankaccount.ErrIBANFormat, bankaccount.ErrIBANRIBKey, bankaccount.ErrIBANNationalKey,
		bankaccount.ErrBICEmpty, bankaccount.ErrBICFormat, bankaccount.ErrBICCountry,
		bankaccount.ErrBICMismatch, bankaccount.ErrHolderEmpty, bankaccount.ErrHolderTooLong,
		bankaccount.ErrHolderCharacters,
	} {
		a := bankaccount.Advice(err)
		if other, dup := seen[a]; dup {
			t.Errorf("%v and %v share the advice %q", err, other, a)
		}
		seen[a] = err
	}
}

// A bank of New Caledonia with an FR IBAN is refused as outside SEPA, and
// the advice says so rather than "not the IBAN's country".
func TestBICOfAPacificTerritoryGetsItsOwnAdvice(t *testing.T) {
	iban, err := bankaccount.ParseIBAN(validFR)
	if err != nil {
		t.Fatal(err)
	}
	_, err = bankaccount.ParseBIC("BNPANCNX", iban)
	if !errors.Is(err, bankaccount.ErrBICNotSEPA) || !strings.Contains(bankaccount.Advice(err), "hors de la zone SEPA") {
		t.Errorf("ParseBIC(NC bank) = %v (%s), want ErrBICNotSEPA and its advice", err, bankaccount.Advice(err))
	}
}
