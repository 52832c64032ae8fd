package account

import (
	"strings"
	"testing"
)

// TestAccountDeletedMailSaysWhatIsKept: the deleted account's last mail says
// what the landlord keeps and for how long, as Mon profil does, without
// "compte" for the rent account right after the portal account was said
// deleted. Before: "votre bailleur garde votre dossier locataire (compte,
// avis d’échéance, quittances, demandes), comme la loi le lui demande".
func TestAccountDeletedMailSaysWhatIsKept(t *testing.T) {
	m := accountDeletedMail("a@example.fr", "Julien", "https://x.example/creer-mon-compte")
	for _, want := range []string{"compte de loyers", "pendant votre bail", "10\u00a0ans"} {
		if !strings.Contains(m.Text, want) || !strings.Contains(m.HTML, want) {
			t.Errorf("the deletion mail does not say %q:\n%s", want, m.Text)
		}
	}
	if strings.Contains(m.Text, "(compte,") {
		t.Errorf("the deletion mail calls the rent account «compte»:\n%s", m.Text)
	}
}
