package browsertest

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/citejardins/extranet/infra/sesemu"
)

// A sign-up on a lease that already has an account shows the page of any
// sign-up, which says no more than the API: the difference goes by mail, to
// the account's own address and, as a masked hint, to the address typed.
func TestSignUpOnAnActiveLeaseLooksLikeAnyOther(t *testing.T) {
	b := start(t)
	const owner, typed = "marie.dupont@example.org", "quelqu.un@example.org"
	activeAccount(t, b, "8889999", "DUPONT", "1978-04-12", owner, "un bon jardin fleuri au printemps")

	b.visit("/creer-mon-compte", "Créer mon compte")
	b.fill("#reference", "8889999")
	b.fill("#lastName", "Dupont")
	b.fill("#dateOfBirth", "12/04/1978")
	b.fill("#email", typed)
	b.fill("#password", "un tout autre mot de passe")
	b.click(`form button[type="submit"]`)
	b.waitTitle("Consultez votre boîte mail")
	got := b.text("main")
	if !strings.Contains(got, "Si ces informations correspondent à un bail, un email va être envoyé à "+typed) {
		t.Errorf("the page does not say «if this information matches a lease, an email will be sent to %s»:\n%s", typed, got)
	}
	if strings.Contains(got, "existe déjà") || strings.Contains(got, "déjà utilisée") {
		t.Errorf("the page tells that the lease or the address has an account:\n%s", got)
	}
	b.check("inscription-bail-deja-ouvert")

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	m, err := b.stack.Mail.WaitFor(ctx, func(m sesemu.Message) bool {
		return slices.Contains(m.To, owner) && strings.Contains(m.Subject, "déjà un compte")
	})
	if err != nil {
		t.Fatalf("no «you already have an account» mail to %s: %v", owner, err)
	}
	if !strings.Contains(m.Text, b.stack.URL+"/mot-de-passe-oublie") {
		t.Errorf("the reminder lacks the forgotten password link:\n%s", m.Text)
	}
	// The address typed gets a masked hint of the account's address
	// (issue 11: "an account already exists for this signatory", by mail,
	// never on the screen), and never the address itself.
	hint, err := b.stack.Mail.WaitFor(ctx, func(m sesemu.Message) bool { return slices.Contains(m.To, typed) })
	if err != nil {
		t.Fatalf("no mail to the address typed %s: %v", typed, err)
	}
	if !strings.Contains(hint.Text, "m•••@e•••.org") || strings.Contains(hint.Text+hint.HTML, owner) {
		t.Errorf("the mail to the address typed does not hint the account's address masked (m•••@e•••.org), or gives it whole:\n%s", hint.Text)
	}
}
