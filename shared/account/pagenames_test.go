package account

import (
	"strings"
	"testing"
)

// TestPaymentMailNamesMonSolde (issue 11, names): the payment mail sends
// the tenant to the money page by its name in the web app's menu, « Mon
// solde », no longer « Mon compte » (where tenants look for their settings).
func TestPaymentMailNamesMonSolde(t *testing.T) {
	m := paymentReceivedMail("a@example.fr", "Céline", 35000, "https://x.example/mon-espace/paiements")
	for part, s := range map[string]string{"text": m.Text, "html": m.HTML} {
		if !strings.Contains(s, "«\u00a0Mon solde\u00a0»") {
			t.Errorf("payment mail, %s: no «\u00a0Mon solde\u00a0» in %q", part, s)
		}
		if strings.Contains(s, "Mon compte") {
			t.Errorf("payment mail, %s: still names «Mon compte»: %q", part, s)
		}
	}
}
