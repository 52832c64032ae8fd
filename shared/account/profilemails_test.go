package account

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestProfileMailsAreFrenchTypography holds Mon profil's mails to the rules
// of TestMailsAreFrenchTypography, and checks that a notice never carries a
// link that confirms anything.
func TestProfileMailsAreFrenchTypography(t *testing.T) {
	mails := map[string]Mail{
		"login email":     loginEmailMail("b@example.fr", "Céline", "https://x.example/confirmation-adresse-connexion?token=t", 48*time.Hour),
		"login notice":    loginEmailNotice("a@example.fr", "Céline", "b@example.fr", "https://x.example/mon-espace/profil"),
		"login taken":     loginEmailTakenMail("b@example.fr", "https://x.example/connexion"),
		"login changed":   loginEmailChangedMail("a@example.fr", "Céline", "b@example.fr", "https://x.example/nouveau-mot-de-passe?token=t", 7*24*time.Hour),
		"recovered":       accountRecoveredMail("a@example.fr", "Céline", "b@example.fr", "https://x.example/connexion"),
		"recovered, same": accountRecoveredMail("a@example.fr", "Céline", "", "https://x.example/connexion"),
		"account deleted": accountDeletedMail("a@example.fr", "Céline", "https://x.example/creer-mon-compte"),
	}
	straight := regexp.MustCompile(`\pL('|&#39;)\pL`)
	for name, m := range mails {
		for part, s := range map[string]string{"subject": m.Subject, "text": m.Text, "html": m.HTML} {
			if loc := straight.FindStringIndex(s); loc != nil {
				t.Errorf("%s mail, %s: a straight apostrophe in %q", name, part, s[max(0, loc[0]-30):min(len(s), loc[1]+30)])
			}
			for _, bad := range []string{" :", "« ", " »", " ;"} {
				if i := strings.Index(s, bad); i >= 0 {
					t.Errorf("%s mail, %s: %q with an ordinary space in %q", name, part, bad, s[max(0, i-30):min(len(s), i+30)])
				}
			}
		}
		if !strings.Contains(m.Text, "\n\nL’équipe Extranet Locataire\n") {
			t.Errorf("%s mail: no signature:\n%s", name, m.Text)
		}
		// The recovery link of "login changed" gives the account back, and
		// goes to the address that could already reset it.
		if name != "login email" && name != "login changed" && strings.Contains(m.Text, "token=") {
			t.Errorf("%s mail carries a link with a token:\n%s", name, m.Text)
		}
	}
	if !strings.Contains(mails["login email"].Text, "48 heures") {
		t.Errorf("the link's mail does not say its validity:\n%s", mails["login email"].Text)
	}
	if c := mails["login changed"].Text; !strings.Contains(c, "b@example.fr") || !strings.Contains(c, "7 jours") {
		t.Errorf("the change's mail does not name the new address or the link's validity:\n%s", c)
	}
	if c := mails["recovered"].Text; !strings.Contains(c, "L’adresse b@example.fr ne permet plus") {
		t.Errorf("the recovery's mail does not name the address taken off:\n%s", c)
	}
	if c := mails["recovered, same"].Text; strings.Contains(c, "L’adresse") || !strings.Contains(c, "de nouveau celle-ci") {
		t.Errorf("the recovery's mail, the address unchanged:\n%s", c)
	}
	if !strings.Contains(mails["login notice"].Text, "b@example.fr") {
		t.Errorf("the notice does not name the new address:\n%s", mails["login notice"].Text)
	}
}
