package bankaccount

import "strings"

// github.com/mavolin/standards v1.0.2 transliterates the letters of a French
// account number for the RIB key as A–I → 1–9, J–N → 1–5 and S–Z → 2–9, and
// leaves O, P, Q and R as they are (iban/national_checksum.go,
// franceTransliterate): a valid RIB whose account number holds one of them
// is refused, and a wrong one may pass. For those accounts the key is
// checked here, with the whole table of the French standard (J–R → 1–9);
// every other account keeps the library's verdict.

// ribLettersOutsideLibrary reports whether a French or Monegasque BBAN has
// a letter the library mistranslates.
func ribLettersOutsideLibrary(bban string) bool { return strings.ContainsAny(bban, "OPQR") }

// ribKeyOK checks the RIB key of a French or Monegasque BBAN (bank code 5,
// branch code 5, account number 11, key 2): with letters as digits, the
// 23-digit number is a multiple of 97, i.e. key = 97 − (89·bank + 15·branch
// + 3·account) mod 97.
func ribKeyOK(bban string) bool {
	if len(bban) != 23 {
		return false
	}
	rem := 0
	for _, r := range bban {
		var d int
		switch {
		case r >= '0' && r <= '9':
			d = int(r - '0')
		case r >= 'A' && r <= 'I':
			d = int(r-'A') + 1
		case r >= 'J' && r <= 'R':
			d = int(r-'J') + 1
		case r >= 'S' && r <= 'Z':
			d = int(r-'S') + 2
		default:
			return false
		}
		rem = (rem*10 + d) % 97
	}
	return rem == 0
}
