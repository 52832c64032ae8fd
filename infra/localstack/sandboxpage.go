package localstack

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"html"
	"net/http"
)

// sandboxCSS makes the sandbox checkout page readable on a phone (320 px
// wide): large buttons, one under the other. It is the page's one <style>,
// allowed by its hash in the page's CSP (no inline style attribute, no
// 'unsafe-inline').
const sandboxCSS = `body{margin:0;font-family:system-ui,sans-serif;font-size:1.125rem;line-height:1.5;color:#1a1a1a}
main{max-width:32rem;margin:0 auto;padding:1rem}
h1{font-size:1.5rem;line-height:1.25}
form{margin:0 0 .75rem}
button{display:block;width:100%;min-height:3rem;padding:.75rem 1rem;font:inherit;font-weight:700;border:2px solid #0b4f8a;border-radius:.25rem;cursor:pointer}
.payer{color:#fff;background:#0b4f8a}
.annuler{color:#0b4f8a;background:#fff}
button:focus-visible{outline:3px solid #1a1a1a;outline-offset:2px}`

var sandboxCSP = func() string {
	sum := sha256.Sum256([]byte(sandboxCSS))
	return "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'; form-action 'self'; frame-ancestors 'none'"
}()

// sandboxPage writes the sandbox checkout page of checkout id: the amount
// (already in words, "350,00 €"), state (a paragraph of HTML, or empty)
// and the Payer (when payer) and Annuler buttons.
func sandboxPage(w http.ResponseWriter, amount, state, id string, payer bool) {
	e := html.EscapeString
	button := ""
	if payer {
		button = `<form method="post" action="/_dev/checkout/` + e(id) + `/payer"><button type="submit" class="payer">Payer</button></form>
`
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Security-Policy", sandboxCSP)
	fmt.Fprintf(w, `<!doctype html><html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Paiement (bac à sable local)</title><style>%s</style></head><body><main>
<h1>Paiement par carte (bac à sable local)</h1>
<p>Page d’essai de la pile locale, à la place de la page du prestataire de paiement. Aucune carte n’est débitée.</p>
<p>Montant&nbsp;: <strong>%s</strong></p>%s
%s<form method="post" action="/_dev/checkout/%s/annuler"><button type="submit" class="annuler">Annuler</button></form>
</main></body></html>`, sandboxCSS, e(amount), state, button, e(id))
}
