package account

import "testing"

func TestMaskEmail(t *testing.T) {
	for in, want := range map[string]string{
		"celine.lefevre@exemple.fr": "c•••@e•••.fr",
		"julien@mail.exemple.co.uk": "j•••@m•••.uk",
		// A work address's domain names the employer: only its top-level
		// domain shows.
		"celine.lefevre@rh.mairie-exemple.fr": "c•••@r•••.fr",
		"  Élodie@Café.fr ":                   "É•••@C•••.fr",
		"a@b.fr":                              "a•••@b•••.fr",
		"x@localhost":                         "x•••@l•••",
		"no-at-sign":                          "•••",
		"@exemple.fr":                         "•••",
		"c@":                                  "•••",
		"c@.fr":                               "•••",
		"c@d@e.fr":                            "•••",
		"":                                    "•••",
		"jean-pierre.martin@orange.fr":        "j•••@o•••.fr",
	} {
		if got := MaskEmail(in); got != want {
			t.Errorf("MaskEmail(%q) = %q, want %q", in, got, want)
		}
	}
}
