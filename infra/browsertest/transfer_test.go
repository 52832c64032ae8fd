package browsertest

import (
	"context"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// TestAccountTransfer: Mon solde's "Payer par virement" shows the local
// stack's landlord account and LEFÈVRE's wording; each "Copier" button
// puts its exact text in the clipboard and says "Copié" (visibly and in a
// live region), at 390×844 and 320×640; without the clipboard the text is
// selected instead. axe-core clean, screenshots.
func TestAccountTransfer(t *testing.T) {
	b := start(t)
	b.tenant("1234567", "LEFÈVRE", "1985-11-03", "celine.lefevre@example.org")
	b.visit("/mon-espace/solde", "Mon solde")
	b.waitLoaded("Mon solde")
	b.waitFor(`document.querySelector("[data-virement=libelle]")`, "the transfer details")

	want := []struct{ key, label, shown, copied, name string }{
		{"iban", "IBAN", "FR76 3000 4000 0500 0012 3456 789", "FR7630004000050000123456789", "Copier l’IBAN"},
		{"bic", "BIC", "BNPAFRPPXXX", "BNPAFRPPXXX", "Copier le BIC"},
		{"titulaire", "Titulaire du compte", "La Cité Jardins", "La Cité Jardins", "Copier le nom du titulaire"},
		{"libelle", "Libellé du virement", "L/0001234567 LEFEVRE", "L/0001234567 LEFEVRE", "Copier le libellé du virement"},
	}
	if got := b.text("#titre-virement"); got != "Payer par virement" {
		t.Errorf("section title %q", got)
	}
	for _, w := range want {
		if got := eval[string](b, `document.querySelector("[data-virement=`+w.key+`]").textContent`); got != w.shown {
			t.Errorf("%s shown %q, want %q", w.key, got, w.shown)
		}
		name := eval[string](b, `document.querySelector("[data-copier=`+w.key+`]").textContent.replace(/\s+/g, " ").trim()`)
		if name != w.name {
			t.Errorf("%s button named %q, want %q", w.key, name, w.name)
		}
	}

	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	for _, perm := range []string{"clipboard-read", "clipboard-write"} {
		if _, err := chromedp.Call(ctx, cdpbrowser.SetPermission, cdpbrowser.SetPermissionParams{
			Permission: &cdpbrowser.PermissionDescriptor{Name: perm, AllowWithoutSanitization: true},
			Setting:    "granted", Origin: b.stack.URL,
		}); err != nil {
			t.Fatalf("grant %s: %v", perm, err)
		}
	}
	cancel()

	for _, size := range []struct{ w, h int64 }{{390, 844}, {320, 640}} {
		b.do(chromedp.EmulateViewport(size.w, size.h))
		b.settle()
		for _, w := range want {
			b.click(`[data-copier=` + w.key + `]`)
			b.waitFor(`document.querySelector("[data-copie]").textContent === `+js("Copié\u00a0: "+w.label+".")+
				` && document.querySelector("[data-copier=`+w.key+`] .copy-button__label").textContent === "Copié"`, "«Copié» for "+w.key)
			if got := eval[string](b, `navigator.clipboard.readText()`); got != w.copied {
				t.Errorf("%dpx: %s copied %q, want %q", size.w, w.key, got, w.copied)
			}
			if role := eval[string](b, `document.querySelector("[data-copie]").getAttribute("role")`); role != "status" {
				t.Errorf("the confirmation's role is %q, want status", role)
			}
		}
	}
	b.do(chromedp.EmulateViewport(1280, 800))
	b.check("virement")

	// Without the clipboard API (an old browser, a page not on HTTPS): the
	// wording is selected for the tenant to copy, and the page says so.
	eval[bool](b, `Object.defineProperty(navigator, "clipboard", { value: undefined, configurable: true }) && true`)
	b.click(`[data-copier=libelle]`)
	b.waitFor(`document.querySelector("[data-copie]").textContent.includes("sélectionné")`, "the fallback's message")
	if got := eval[string](b, `getSelection().toString()`); got != "L/0001234567 LEFEVRE" {
		t.Errorf("fallback selected %q, want the wording", got)
	}
	if msg := b.text("[data-copie]"); !strings.HasPrefix(msg, "Libellé du virement sélectionné") {
		t.Errorf("fallback message %q", msg)
	}
	b.check("virement-sans-presse-papiers")
}
