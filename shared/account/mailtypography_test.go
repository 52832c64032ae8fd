package account

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestMailsAreFrenchTypography (review 10c, F5): every mail the account
// service sends (sign-up, reset, notices, address change, password
// change, payment) writes the French apostrophe (’, "L’équipe" in the
// signature) and a non-breaking space before ":" and inside « », in its
// subject, its text and its HTML.
func TestMailsAreFrenchTypography(t *testing.T) {
	at := time.Date(2026, 11, 30, 18, 0, 0, 0, time.UTC)
	mails := map[string]Mail{
		"activation":    activationMail("a@example.fr", "Céline", "https://x.example/activation?token=t", 48*time.Hour),
		"reset":         resetMail("a@example.fr", "Céline", "https://x.example/reset?token=t", time.Hour),
		"existing":      existingAccountMail("a@example.fr", "Céline", "https://x.example/connexion", "https://x.example/mot-de-passe-oublie"),
		"address taken": addressTakenMail("a@example.fr", "", "https://x.example/connexion", "https://x.example/mot-de-passe-oublie"),
		"replaced":      replacedMail("a@example.fr", "https://x.example/inscription"),
		"email change":  emailChangeMail("b@example.fr", "Céline", "https://x.example/confirmation?token=t", 48*time.Hour),
		"email notice":  emailChangeNotice("a@example.fr", "Céline", "b@example.fr", "https://x.example/mon-espace/preferences"),
		"password":      passwordChangedMail("a@example.fr", "Céline", at, "https://x.example"),
		"payment":       paymentReceivedMail("a@example.fr", "Céline", 35000, "https://x.example/mon-espace/paiements"),
	}
	straight := regexp.MustCompile(`\pL('|&#39;)\pL`)
	for name, m := range mails {
		for part, s := range map[string]string{"subject": m.Subject, "text": m.Text, "html": m.HTML} {
			if loc := straight.FindStringIndex(s); loc != nil {
				t.Errorf("%s mail, %s: a straight apostrophe in %q", name, part, s[max(0, loc[0]-30):min(len(s), loc[1]+30)])
			}
			for _, bad := range []string{" :", "« ", " »"} {
				if i := strings.Index(s, bad); i >= 0 {
					t.Errorf("%s mail, %s: %q with an ordinary space in %q", name, part, bad, s[max(0, i-30):min(len(s), i+30)])
				}
			}
		}
		if !strings.Contains(m.Text, "\n\nL’équipe Extranet Locataire\n") || !strings.Contains(m.HTML, "<p>L’équipe Extranet Locataire</p>") {
			t.Errorf("%s mail: no signature «L’équipe Extranet Locataire»:\n%s", name, m.Text)
		}
	}
}
