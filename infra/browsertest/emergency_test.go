package browsertest

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/chromedp"
)

// The emergency number of a residence, without an account: found on the
// Assistance page by town, postal code or name, as a link that calls;
// then offline, in the installed app, from the copy of the directory the
// service worker keeps; and on the worker's last-resort page.
func TestEmergencyNumberWithoutAccount(t *testing.T) {
	b := start(t)
	b.visit("/assistance", "Assistance")
	if strings.Contains(eval[string](b, `document.body.innerText`), "sera bientôt") {
		t.Errorf("the Assistance page still says the number «sera bientôt» in Contacts utiles")
	}
	if got := b.text("#urgence"); got != "Urgence technique : trouvez le numéro de votre résidence" {
		t.Errorf("emergency section title %q", got)
	}

	// Too short: said next to the field, nothing asked.
	b.fill("#q", "a")
	b.clickText("button", "Trouver le numéro")
	b.waitFor(`!document.getElementById("q-erreur").hidden`, "the field's error")
	if got := b.text("#q-erreur"); !strings.Contains(got, "au moins 2 lettres") {
		t.Errorf("short query error %q", got)
	}
	b.check("urgence-trop-court")

	b.clear("#q")
	b.fill("#q", "saint denis")
	b.clickText("button", "Trouver le numéro")
	b.waitFor(`document.querySelectorAll(".emergency-results li").length === 1`, "one residence found")
	if got := b.text("#urgence ~ [role=status]"); got != "1 résidence trouvée pour « saint denis »." {
		t.Errorf("status %q", got)
	}
	if got := b.text(".emergency-results h3"); got != "Résidence Les Jardins" {
		t.Errorf("residence %q", got)
	}
	if got := eval[string](b, `document.querySelector(".emergency-results a[href='tel:0199009999']")?.textContent || ""`); got != "Appeler le 01\u00a099\u00a000\u00a099\u00a099" {
		t.Errorf("call link %q; want a tel: link to 01 99 00 99 99", got)
	}
	if got := b.text(".emergency-results li"); !strings.Contains(got, "93200 Saint-Denis") || !strings.Contains(got, "24h/24") {
		t.Errorf("result %q; want the town and hours", got)
	}
	b.check("urgence-resultat")

	b.clear("#q")
	b.fill("#q", "Paris")
	b.clickText("button", "Trouver le numéro")
	b.waitFor(`document.querySelector("#urgence ~ [role=status]").textContent.startsWith("Aucune résidence")`, "no residence found")
	if n := eval[int](b, `document.querySelectorAll(".emergency-results li").length`); n != 0 {
		t.Errorf("%d results for Paris", n)
	}

	// Offline: the copy of the whole directory answers.
	b.waitFor(`navigator.serviceWorker.ready.then(() => navigator.serviceWorker.controller !== null)`, "the service worker in control")
	b.waitFor(`caches.open("extranet-locataire-urgence").then((c) => c.match("/api/v1/emergency-contacts")).then((r) => r && r.json()).then((d) => d && d.results.length === 3)`,
		"the emergency directory in the cache")
	b.offline()
	b.visit("/assistance", "Assistance")
	b.waitFor(`!document.getElementById("hors-ligne").hidden`, "the offline banner")
	if !eval[bool](b, `!!document.querySelector("#hors-ligne a[href='/assistance#urgence']")`) {
		t.Errorf("the offline banner does not lead to the emergency numbers")
	}
	b.fill("#q", "93")
	b.clickText("button", "Trouver le numéro")
	b.waitFor(`document.querySelectorAll(".emergency-results li").length === 2`, "two residences found offline")
	if got := b.text(".emergency-found"); !strings.Contains(got, "hors ligne") || !strings.Contains(got, "Résidence Les Cèdres") || !strings.Contains(got, "Résidence Les Jardins") {
		t.Errorf("offline results %q", got)
	}
	b.check("hors-ligne-urgence")

	// The worker's last resort, when even the app's page is not kept.
	eval[bool](b, `caches.keys().then((keys) => Promise.all(keys.filter((k) => k !== "extranet-locataire-urgence").map((k) => caches.open(k).then((c) => c.delete("/"))))).then(() => true)`)
	b.visit("/assistance?urgence=Aubervilliers", "Hors ligne")
	if got := b.text("main"); !strings.Contains(got, "1 résidence trouvée") || !strings.Contains(got, "Résidence Les Cèdres") {
		t.Errorf("last-resort page says %q", got)
	}
	if n := eval[int](b, `document.querySelectorAll("a[href='tel:0199009999']").length`); n != 1 {
		t.Errorf("last-resort page: %d call links; want 1", n)
	}
	b.check("hors-ligne-page-de-secours")
}

// Past the API's limit of searches per address (429), as after a 5xx, the
// search answers from the kept copy of the directory, saying discreetly
// that it may be a day old; without a copy, it says to wait a minute and
// where else the number is, not that "attempts" are limited "for security".
func TestEmergencyNumberPastTheLimit(t *testing.T) {
	b := start(t)
	b.visit("/assistance", "Assistance")
	b.waitFor(`navigator.serviceWorker.ready.then(() => navigator.serviceWorker.controller !== null)`, "the service worker in control")
	b.waitFor(`caches.open("extranet-locataire-urgence").then((c) => c.match("/api/v1/emergency-contacts")).then((r) => r && r.json()).then((d) => d && d.results.length === 3)`,
		"the emergency directory in the cache")

	// Searches from this address until the API refuses them.
	if !eval[bool](b, `(async () => {
		for (let i = 0; i < 200; i++) {
			const r = await fetch("/api/v1/emergency-contacts?q=zz", { cache: "no-store" });
			if (r.status === 429) return true;
		}
		return false;
	})()`) {
		t.Fatal("the API never answered 429")
	}

	b.fill("#q", "saint denis")
	b.clickText("button", "Trouver le numéro")
	b.waitFor(`document.querySelectorAll(".emergency-results li").length === 1 || !!document.querySelector(".error-summary")`, "an answer")
	if got := b.text(".emergency-found"); !strings.Contains(got, "Résidence Les Jardins") || !strings.Contains(got, "peut dater d’un jour") || strings.Contains(got, "hors ligne") {
		t.Errorf("results past the limit %q; want the kept copy's, said to be maybe a day old", got)
	}
	if eval[bool](b, `!!document.querySelector(".error-summary")`) {
		t.Errorf("an error is shown past the limit: %q", b.text(".error-summary"))
	}
	b.check("urgence-copie-gardee")

	// Without a copy: the page's own message.
	eval[bool](b, `caches.delete("extranet-locataire-urgence")`)
	b.clear("#q")
	b.fill("#q", "saint denis")
	b.clickText("button", "Trouver le numéro")
	b.waitFor(`!!document.querySelector(".error-summary")`, "the error")
	got := b.text(".error-summary")
	if !strings.Contains(got, "patientez une minute") || !strings.Contains(got, "avis d’échéance") || !strings.Contains(got, "112") ||
		strings.Contains(got, "sécurité") || strings.Contains(got, "tentatives") {
		t.Errorf("past the limit without a copy, the page says %q", got)
	}
	if n := eval[int](b, `document.querySelectorAll(".emergency-results li").length`); n != 0 {
		t.Errorf("%d results without a copy", n)
	}
	b.check("urgence-limite-sans-copie")
}

// When the search fails on the server's side (5xx), the page answers from
// the directory as the service worker gives it, as past the limit.
func TestEmergencyNumberServerError(t *testing.T) {
	b := start(t)
	b.visit("/assistance", "Assistance")
	b.waitFor(`navigator.serviceWorker.ready.then(() => navigator.serviceWorker.controller !== null)`, "the service worker in control")
	b.waitFor(`caches.open("extranet-locataire-urgence").then((c) => c.match("/api/v1/emergency-contacts")).then((r) => r && r.json()).then((d) => d && d.results.length === 3)`,
		"the emergency directory in the cache")

	// Every search (with a query) answers 503, as a failing function would.
	ctx, cancel := context.WithCancel(b.ctx)
	defer cancel()
	paused := chromedp.Events(ctx, fetch.RequestPaused)
	if _, err := chromedp.Call(ctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: `*/api/v1/emergency-contacts\?q=*`}}}); err != nil {
		t.Fatalf("intercept the searches: %v", err)
	}
	go func() {
		for ev, err := range paused {
			if err != nil {
				return
			}
			_, _ = chromedp.Call(ctx, fetch.FulfillRequest, fetch.FulfillRequestParams{
				RequestID: ev.RequestID, ResponseCode: 503,
				ResponseHeaders: []*fetch.HeaderEntry{{Name: "Content-Type", Value: "application/problem+json"}},
				Body:            []byte(`{"type":"about:blank","title":"Service indisponible","status":503,"code":"internal","detail":"Le service est momentanément indisponible."}`),
			})
		}
	}()

	b.fill("#q", "saint denis")
	b.clickText("button", "Trouver le numéro")
	b.waitFor(`document.querySelectorAll(".emergency-results li").length === 1 || !!document.querySelector(".error-summary")`, "an answer")
	if got := b.text(".emergency-found"); !strings.Contains(got, "Résidence Les Jardins") || !strings.Contains(got, "peut dater d’un jour") {
		t.Errorf("results on a server error %q; want the directory's, said to be maybe a day old", got)
	}
	if eval[bool](b, `!!document.querySelector(".error-summary")`) {
		t.Errorf("an error is shown on a server error: %q", b.text(".error-summary"))
	}
	b.check("urgence-erreur-serveur")
}
