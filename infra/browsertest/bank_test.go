package browsertest

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/citejardins/extranet/infra/sesemu"
)

// A French IBAN whose mod 97 and RIB key are right, its BIC, and the same
// IBAN with a wrong last digit.
const (
	goodIBAN = "FR76 3000 6000 0112 3456 7890 189"
	goodBIC  = "AGRIFRPP"
	badIBAN  = "FR76 3000 6000 0112 3456 7890 188"
)

// fillBank types an account and the password into the form shown.
func (b *browser) fillBank(iban, bic, holder, password string) {
	b.t.Helper()
	for sel, text := range map[string]string{"#iban": iban, "#bic": bic, "#holder": holder, "#password": password} {
		b.clear(sel)
		if text != "" {
			b.fill(sel, text)
		}
	}
}

// TestBankDetails: LEFÈVRE, who has none yet, records her bank details in
// Mes coordonnées bancaires. A wrong IBAN is said at its field, a wrong
// password at its own, each changing nothing; then the account is saved,
// shown masked, and a mail tells her address. At 390×844 and 320×640,
// axe-core clean.
func TestBankDetails(t *testing.T) {
	b := start(t)
	b.tenant("1234567", "LEFÈVRE", "1985-11-03", "celine.lefevre@example.org")
	b.phone(390, 844)
	b.click(`.sections a[href="/mon-espace/coordonnees-bancaires"]`)
	b.waitLoaded("Mes coordonnées bancaires")
	if !eval[bool](b, `!!document.querySelector("[data-aucune-coordonnee]")`) {
		t.Errorf("no «none yet» for a lease without bank details")
	}
	if got := eval[string](b, `document.getElementById("holder").value`); got != "Céline LEFÈVRE" {
		t.Errorf("holder prefilled %q", got)
	}
	b.check("rib-vide")

	// A wrong IBAN: at its field, nothing saved.
	b.phone(390, 844)
	b.fillBank(badIBAN, goodBIC, "Céline Lefèvre", "une phrase facile à retenir")
	b.clickText("button", "Enregistrer")
	b.waitFor(`document.querySelector("#iban[aria-invalid=true]")`, "the IBAN's error")
	if got := b.text("[data-field=iban] .field-error"); !strings.Contains(got, "IBAN") {
		t.Errorf("IBAN error %q", got)
	}
	if got := b.focused(); !strings.HasPrefix(got, "div:") {
		t.Errorf("focus on %q, want the error summary", got)
	}
	if st := b.get("/api/v1/bank-details", true).status; st != 404 {
		t.Errorf("after a wrong IBAN, GET /bank-details: %d, want 404 (nothing saved)", st)
	}
	b.shot("rib-erreur-iban")
	b.phone(320, 640)
	b.shot("rib-erreur-iban")
	b.check("rib-erreur-iban")

	// A wrong password: at its field.
	b.fillBank(goodIBAN, goodBIC, "Céline Lefèvre", "pas mon mot de passe")
	b.clickText("button", "Enregistrer")
	b.waitFor(`document.querySelector("#password[aria-invalid=true]")`, "the password's error")
	if eval[bool](b, `!!document.querySelector("#iban[aria-invalid=true]")`) {
		t.Errorf("the right IBAN is still marked wrong")
	}
	if st := b.get("/api/v1/bank-details", true).status; st != 404 {
		t.Errorf("after a wrong password, GET /bank-details: %d, want 404", st)
	}

	// Saved.
	b.fillBank(goodIBAN, goodBIC, "Céline Lefèvre", "une phrase facile à retenir")
	b.clickText("button", "Enregistrer")
	b.waitFor(`document.querySelector("[data-coordonnees-enregistrees]")`, "the confirmation")
	if got := b.focused(); !strings.HasPrefix(got, "div:Vos coordonnées bancaires sont enregistrées") {
		t.Errorf("focus on %q, want the confirmation", got)
	}
	shown := eval[string](b, `document.querySelector("[data-iban-masque] [aria-hidden]").textContent`)
	if !strings.HasPrefix(shown, "FR76") || !strings.ContainsAny(shown, "*•") || strings.Contains(shown, "3000 6000") || !strings.HasSuffix(strings.ReplaceAll(shown, " ", ""), "0189") {
		t.Errorf("IBAN shown %q, want it masked but its country and last four", shown)
	}
	if said := eval[string](b, `document.querySelector("[data-iban-masque] .visually-hidden").textContent`); said != "FR76, masqué, se terminant par 0189" {
		t.Errorf("screen readers read the IBAN as %q", said)
	}
	if got := b.text("[data-bic]") + "|" + b.text("[data-titulaire]"); got != goodBIC+"|Céline Lefèvre" {
		t.Errorf("BIC|holder %q", got)
	}
	if got := eval[string](b, `document.getElementById("iban").value + document.getElementById("password").value`); got != "" {
		t.Errorf("the form keeps %q after saving", got)
	}
	b.mailWith("celine.lefevre@example.org", "coordonnées bancaires")
	b.phone(390, 844)
	b.shot("rib-enregistre")
	b.phone(320, 640)
	// At 320 px the masked IBAN is one line, inside its card (review
	// 10c, F7).
	if got := eval[[]float64](b, `(() => { const s = document.querySelector("[data-iban-masque] [aria-hidden]"); const c = s.closest(".card") || document.querySelector("main"); return [s.getClientRects().length, s.getBoundingClientRect().right - c.getBoundingClientRect().right]; })()`); got[0] != 1 || got[1] > 0 {
		t.Errorf("at 320 px the masked IBAN is on %v lines and %v px past its card, want one line inside it", got[0], got[1])
	}
	b.shot("rib-enregistre")
	b.check("rib-enregistre")

	// Read again: the page shows what the API keeps.
	b.visit("/mon-espace/coordonnees-bancaires", "Mes coordonnées bancaires")
	b.waitLoaded("Mes coordonnées bancaires")
	if got := eval[string](b, `document.querySelector("[data-iban-masque] [aria-hidden]").textContent`); got != shown {
		t.Errorf("after a reload the IBAN reads %q, was %q", got, shown)
	}
}

// mailWith waits for a mail to an address whose subject or text holds words.
func (b *browser) mailWith(to, words string) sesemu.Message {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	m, err := b.stack.Mail.WaitFor(ctx, func(m sesemu.Message) bool {
		return slices.Contains(m.To, to) && (strings.Contains(m.Subject, words) || strings.Contains(m.Text, words))
	})
	if err != nil {
		b.t.Fatalf("no mail to %s saying «%s»: %v", to, words, err)
	}
	return m
}
