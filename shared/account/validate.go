package account

import (
	"fmt"
	"unicode/utf8"

	"github.com/citejardins/extranet/shared/emailaddr"
	"github.com/citejardins/extranet/shared/fault"
)

// Password length bounds, in characters (CNIL deliberation 2022-100 accepts
// 12 characters without composition rules when attempts are throttled).
const (
	MinPasswordRunes = 12
	MaxPasswordRunes = 256
	maxEmailBytes    = 254
	maxNameRunes     = 100
)

// checkEmail applies the portal's one address rule (package emailaddr) and
// returns the address in the form to store and to send to, or "".
func checkEmail(f fault.Fields, raw string) string {
	email, err := emailaddr.Parse(raw)
	if err != nil {
		f.Add("email", emailaddr.Advice(err))
		return ""
	}
	return email
}

// checkPassword applies the password rules to a new password: the length
// (CNIL deliberation 2022-100), the policy of the Passwords adapter (not
// blank, not a repetition, not common), and no personal data (OWASP ASVS 5.0
// V6.2.11; see Personal). Each refusal says what to change, in French.
func (s *Service) checkPassword(f fault.Fields, pw string, about Personal) {
	n := utf8.RuneCountInString(pw)
	switch {
	case pw == "":
		f.Add("password", "Choisissez un mot de passe d’au moins 12 caractères.")
	case !utf8.ValidString(pw):
		f.Add("password", "Ce mot de passe contient des caractères non reconnus. Choisissez-en un autre.")
	case n < MinPasswordRunes:
		f.Add("password", fmt.Sprintf("Votre mot de passe doit contenir au moins 12 caractères (il en a %d). Une phrase facile à retenir convient très bien.", n))
	case n > MaxPasswordRunes || len(pw) > 4*MaxPasswordRunes:
		f.Add("password", "Votre mot de passe est trop long\u00a0: 256 caractères au maximum.")
	default:
		switch s.passwords.Weakness(pw) {
		case WeakBlank:
			f.Add("password", "Votre mot de passe ne contient que des espaces ou des caractères invisibles. Choisissez-en un avec des lettres, des chiffres ou des signes, par exemple une phrase facile à retenir.")
		case WeakCommon:
			f.Add("password", "Ce mot de passe est trop courant et facile à deviner. Choisissez-en un autre, par exemple une phrase que vous seul connaissez.")
		case WeakRepeated:
			f.Add("password", "Votre mot de passe répète le même caractère ou la même suite de caractères\u00a0: il est facile à deviner. Choisissez-en un plus varié, par exemple une phrase que vous seul connaissez.")
		case "":
			if found := personalIn(pw, about); len(found) > 0 {
				f.Add("password", personalMessage(found))
			}
		default:
			f.Add("password", "Ce mot de passe est trop facile à deviner. Choisissez-en un autre, par exemple une phrase que vous seul connaissez.")
		}
	}
}
