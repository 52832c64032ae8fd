package browsertest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// The whole journey of a tenant, with the mouse: sign-up with the
// reference as printed on the notice and the surname in lower case, the
// activation email (sent again: only the last link works), login, the home
// page with the lease, logout.
func TestSignUpActivateLogInLogOut(t *testing.T) {
	b := start(t)
	const email = "marie.dupont@example.org"
	const password = "ma maison a des volets bleus"

	b.visit("/", "Connexion")
	b.check("connexion")
	b.click(`aside a[href="/creer-mon-compte"]`)
	b.waitTitle("Créer mon compte")
	b.check("creer-mon-compte")

	b.fill("#reference", "L/0008889999-99966899+3")
	b.fill("#lastName", "dupont")
	b.fill("#dateOfBirth", "12/04/1978")
	b.fill("#email", email)
	b.fill("#password", password)
	b.clickText("button", "Afficher le mot de passe")
	if got := eval[string](b, `document.getElementById("password").type`); got != "text" {
		t.Errorf("after «Afficher», the password field is of type %q, want text", got)
	}
	b.clickText("button", "Masquer le mot de passe")
	if got := b.text("#password-compteur"); !strings.Contains(got, "longueur suffisante") {
		t.Errorf("password counter says %q", got)
	}
	b.click(`form button[type="submit"]`)
	b.waitTitle("Consultez votre boîte mail")
	if got := b.focused(); got != "h1:Consultez votre boîte mail" {
		t.Errorf("after sign-up, focus on %q, want the page's heading", got)
	}
	if got := b.text("main"); !strings.Contains(got, email) || !strings.Contains(got, "courriers indésirables") ||
		!strings.Contains(got, "Si ces informations correspondent à un bail, un email va être envoyé à") {
		t.Errorf("the confirmation does not say «if this information matches a lease», name the address and the spam folder:\n%s", got)
	}
	b.check("email-envoye")

	first := b.mailLink(email, "/activation", 1)
	b.clickText("button", "Renvoyer l’email")
	b.waitFor(`document.querySelector(".status")?.innerText.includes("un nouvel email d’activation va lui être envoyé dans les prochaines minutes")`, "the resend confirmation")
	second := b.mailLink(email, "/activation", 2)

	// The first link was replaced by the second.
	b.do(chromedp.Navigate(first))
	b.waitTitle("Ce lien d’activation ne fonctionne plus")
	if got := eval[string](b, `location.search`); got != "" {
		t.Errorf("the used link's token stays in the address bar: %q", got)
	}
	b.check("activation-lien-remplace")

	b.do(chromedp.Navigate(second))
	b.waitTitle("Connexion")
	b.waitFor(`document.querySelector(".notice--success")?.innerText.includes("Votre compte est activé")`, "the activation notice")
	if got := eval[string](b, `document.getElementById("email").value`); got != email {
		t.Errorf("after activation, the email field holds %q, want %q", got, email)
	}
	b.check("connexion-compte-active")

	b.fill("#password", password)
	b.click(`form button[type="submit"]`)
	b.waitTitle("Accueil de votre espace")
	if got := b.text("h1"); got != "Bonjour Marie" {
		t.Errorf("home heading %q, want «Bonjour Marie»", got)
	}
	if got := b.text("[data-reference]"); got != "8889999" {
		t.Errorf("home shows the reference %q, want 8889999", got)
	}
	if got := b.text("main"); !strings.Contains(got, "12 rue des Jardins") || !strings.Contains(got, "93200 Saint-Denis") {
		t.Errorf("home does not show the lease's address:\n%s", got)
	}
	for _, section := range []string{"Mes documents", "Mon solde", "Mes paiements en ligne", "Prélèvement automatique", "Mes coordonnées bancaires", "Contacts utiles"} {
		if got := b.text("main"); !strings.Contains(got, section) {
			t.Errorf("home lacks the section %q", section)
		}
	}
	// The session is in the HttpOnly cookie only.
	if got := b.storage(); got != `{"local":[],"session":[],"cookie":""}` {
		t.Errorf("the app keeps something in the browser: %s", got)
	}
	b.check("accueil")

	b.clickText("button", "Se déconnecter")
	b.waitTitle("Connexion")
	b.waitFor(`document.querySelector(".notice")?.innerText.includes("Vous êtes déconnecté")`, "the logout notice")
	if got := eval[string](b, `location.pathname + location.search`); got != "/" {
		t.Errorf("after logout, address %q, want /", got)
	}
	b.check("deconnexion")

	// The home page again: no data, an invitation to log in.
	b.do(chromedp.Navigate(b.stack.URL + "/mon-espace"))
	b.waitTitle("Connexion")
	b.waitFor(`document.querySelector(".notice")?.innerText.includes("Connectez-vous pour accéder à votre espace")`, "the login invitation")
	if got := b.text("body"); strings.Contains(got, "8889999") || strings.Contains(got, "Saint-Denis") {
		t.Errorf("after logout, the page still shows personal data:\n%s", got)
	}

	for _, u := range b.cachedURLs() {
		if (strings.HasPrefix(u, "/api/") && u != "/api/v1/emergency-contacts") || strings.HasPrefix(u, "/mon-espace") {
			t.Errorf("the service worker cached %s", u)
		}
	}
}

// A wrong date of birth: the summary says the lease was not found and what
// to check, and takes the focus. Before that, the empty form and an
// impossible date.
func TestSignUpErrors(t *testing.T) {
	b := start(t)
	b.visit("/creer-mon-compte", "Créer mon compte")

	b.click(`form button[type="submit"]`)
	b.waitTitle("Erreur : Créer mon compte")
	for _, id := range []string{"reference", "lastName", "dateOfBirth", "email", "password"} {
		if got := eval[string](b, `document.getElementById(`+js(id)+`).getAttribute("aria-invalid") + " " + document.getElementById(`+js(id)+`).getAttribute("aria-describedby")`); !strings.HasPrefix(got, "true ") || !strings.Contains(got, id+"-erreur") {
			t.Errorf("field %s: aria-invalid and aria-describedby are %q", id, got)
		}
	}
	if got := eval[int](b, `document.querySelectorAll(".error-summary li a").length`); got != 5 {
		t.Errorf("the summary links to %d fields, want 5", got)
	}
	if got := eval[bool](b, `document.activeElement.matches(".error-summary[role=alert]")`); !got {
		t.Errorf("focus on %q, want the error summary", b.focused())
	}
	b.check("creer-mon-compte-champs-vides")
	// From the summary, a link leads to its field.
	b.press(kb.Tab)
	if got := b.focused(); !strings.HasPrefix(got, "a:Saisissez votre référence client") {
		t.Errorf("first Tab from the summary on %q, want the link to the reference", got)
	}
	b.enter()
	if got := b.focused(); got != "reference" {
		t.Errorf("the summary's link led to %q, want the reference field", got)
	}

	b.fill("#reference", "8889999")
	b.fill("#lastName", "DUPONT")
	b.fill("#dateOfBirth", "31/02/1978")
	b.fill("#email", "marie.dupont@example.org")
	b.fill("#password", "un mot de passe assez long")
	b.click(`form button[type="submit"]`)
	b.waitFor(`document.getElementById("dateOfBirth-erreur")?.innerText.includes("JJ/MM/AAAA") && document.querySelectorAll(".error-summary li").length === 1`, "the date's error alone")
	b.check("creer-mon-compte-date-impossible")

	b.clear("#dateOfBirth")
	b.fill("#dateOfBirth", "13/04/1978")
	b.click(`form button[type="submit"]`)
	b.waitFor(`document.querySelector(".error-summary h2")?.innerText === "Nous n’avons pas trouvé votre bail"`, "the identity mismatch")
	if got := b.text(".error-summary"); !strings.Contains(got, "date de naissance") {
		t.Errorf("the summary does not say to check the date of birth:\n%s", got)
	}
	if got := eval[bool](b, `document.activeElement.matches(".error-summary")`); !got {
		t.Errorf("focus on %q, want the error summary", b.focused())
	}
	if got := eval[int](b, `document.querySelectorAll("[aria-invalid=true]").length`); got != 0 {
		t.Errorf("%d fields marked invalid; the API does not say which one is wrong", got)
	}
	b.check("creer-mon-compte-bail-introuvable")
}

// Sign-up, activation and login with the keyboard only: Tab, typing, Enter.
// The activation link is opened as the email would open it.
func TestKeyboardOnly(t *testing.T) {
	b := start(t)
	const email = "celine.lefevre@example.org"
	const password = "les tilleuls fleurissent en juin"

	b.visit("/", "Connexion")
	b.tabTo(`a[href="/creer-mon-compte"]`, 20)
	b.check("clavier-focus-sur-un-lien")
	b.enter()
	b.waitTitle("Créer mon compte")
	if got := b.focused(); got != "h1:Créer mon compte" {
		t.Errorf("after following the link, focus on %q, want the heading", got)
	}
	// The fields in order, one Tab each.
	b.tabOnce("reference")
	b.press("L/0001234567-12345678+9")
	b.tabOnce("lastName")
	b.press("lefevre")
	// The date of birth's notice (why it is asked) links to the privacy
	// policy, before its field.
	b.tabOnce("a:En savoir plus sur vos données")
	b.tabOnce("dateOfBirth")
	b.press("03111985")
	b.tabOnce("email")
	b.press(email)
	b.tabOnce("password")
	b.press(password)
	b.check("clavier-formulaire-rempli")
	b.enter()
	b.waitTitle("Consultez votre boîte mail")
	b.check("clavier-email-envoye")

	b.do(chromedp.Navigate(b.mailLink(email, "/activation", 1)))
	b.waitTitle("Connexion")
	b.waitFor(`document.getElementById("email").value === `+js(email), "the email filled in")
	b.tabTo("#password", 5)
	b.press(password)
	b.enter()
	b.waitTitle("Accueil de votre espace")
	if got := b.text("[data-reference]"); got != "1234567" {
		t.Errorf("home shows the reference %q, want 1234567", got)
	}

	// Through the header's menu (a bar at 1280 px) to its last entry.
	b.tabTo(`.site-header [data-deconnexion]`, 12)
	b.enter()
	b.waitTitle("Connexion")
	b.waitFor(`document.querySelector(".notice")?.innerText.includes("Vous êtes déconnecté")`, "the logout notice")
}

// Forgotten password: the request, the emailed link, a too short password,
// the new one, login with it; then the used link.
func TestPasswordReset(t *testing.T) {
	b := start(t)
	const email = "abdou.ndiaye@example.org"
	activeAccount(t, b, "7654321", "N'DIAYE", "1990-01-30", email, "mon ancien mot de passe")

	b.visit("/", "Connexion")
	b.click(`a[href="/mot-de-passe-oublie"]`)
	b.waitTitle("Mot de passe oublié")
	b.check("mot-de-passe-oublie")
	b.fill("#email", email)
	b.click(`form button[type="submit"]`)
	b.waitTitle("Consultez votre boîte mail")
	b.check("mot-de-passe-oublie-envoye")

	link := b.mailLink(email, "/nouveau-mot-de-passe", 1)
	b.do(chromedp.Navigate(link))
	b.waitTitle("Choisir un nouveau mot de passe")
	b.check("nouveau-mot-de-passe")

	b.fill("#password", "trop court")
	b.click(`form button[type="submit"]`)
	b.waitFor(`document.getElementById("password-erreur")?.innerText.includes("au moins 12")`, "the length error")
	b.check("nouveau-mot-de-passe-trop-court")

	b.fill("#password", " mais maintenant assez long")
	b.click(`form button[type="submit"]`)
	b.waitTitle("Connexion")
	b.waitFor(`document.querySelector(".notice--success")?.innerText.includes("Votre mot de passe a été changé")`, "the confirmation")
	b.fill("#email", email)
	b.fill("#password", "trop court mais maintenant assez long")
	b.click(`form button[type="submit"]`)
	b.waitTitle("Accueil de votre espace")
	if got := b.text("h1"); got != "Bonjour Abdou" {
		t.Errorf("home heading %q, want «Bonjour Abdou»", got)
	}

	b.do(chromedp.Navigate(link))
	b.waitTitle("Choisir un nouveau mot de passe")
	b.fill("#password", "encore un autre mot de passe")
	b.click(`form button[type="submit"]`)
	b.waitFor(`document.querySelector(".error-summary h2")?.innerText === "Ce lien ne fonctionne plus"`, "the used link's error")
	b.check("nouveau-mot-de-passe-lien-utilise")
}

// The pages without a journey, and the login's errors.
func TestOtherPages(t *testing.T) {
	b := start(t)

	b.visit("/assistance", "Assistance")
	for _, want := range []string{"L/000", "co-titulaire", "MAJUSCULES", "courriers indésirables", "Obtenir de l’aide"} {
		if got := b.text("main"); !strings.Contains(got, want) {
			t.Errorf("the assistance page lacks %q", want)
		}
	}
	b.check("assistance")
	b.fill("#email", "personne@example.org")
	b.click(`form:has(#email) button[type="submit"]`)
	b.waitFor(`document.querySelector(".status .notice")?.innerText.includes("Si un compte en attente")`, "the resend answer")

	b.visit("/accessibilite", "Déclaration d’accessibilité")
	for _, want := range []string{"RGAA", "Défenseur des droits", "non conforme"} {
		if got := b.text("main"); !strings.Contains(got, want) {
			t.Errorf("the accessibility statement lacks %q", want)
		}
	}
	b.check("accessibilite")

	b.visit("/activation", "Ce lien d’activation est incomplet")
	b.check("activation-lien-incomplet")

	b.visit("/cette-page-n-existe-pas", "Page introuvable")
	b.check("page-introuvable")

	// A pending account: the login says so and offers the email again.
	const pending = "en.attente@example.org"
	postJSON(t, b, "/api/v1/signup", map[string]string{"reference": "1234567", "lastName": "Lefèvre",
		"dateOfBirth": "1985-11-03", "email": pending, "password": "un mot de passe qui patiente"}, http.StatusAccepted)
	b.mailLink(pending, "/activation", 1) // the account is stored by the mail worker, after the answer
	b.visit("/", "Connexion")
	b.fill("#email", pending)
	b.fill("#password", "un mot de passe qui patiente")
	b.click(`form button[type="submit"]`)
	b.waitFor(`document.querySelector(".error-summary h2")?.innerText === "Activez d’abord votre compte"`, "the pending account's message")
	b.clickText("button", "Renvoyer l’email d’activation")
	b.waitFor(`document.querySelector(".error-summary [role=status]")?.innerText.startsWith("C’est demandé : un nouvel email d’activation va partir")`, "the resend confirmation")
	b.mailLink(pending, "/activation", 2)
	b.check("connexion-compte-non-active")

	// Wrong passwords, then the wait.
	const email = "marie.dupont@example.org"
	activeAccount(t, b, "8889999", "DUPONT", "1978-04-12", email, "le bon mot de passe de la locataire")
	b.visit("/", "Connexion")
	b.fill("#email", email)
	for i := 1; ; i++ {
		b.clear("#password")
		b.fill("#password", "un mauvais mot de passe")
		b.click(`form button[type="submit"]`)
		b.waitFor(`document.querySelector(".error-summary") && document.querySelector("form button[type=submit]").getAttribute("aria-disabled") === null`, "the login's answer")
		title := b.text(".error-summary h2")
		if title == "Trop de tentatives" {
			break
		}
		if title != "Adresse email ou mot de passe incorrect" || i > 10 {
			t.Fatalf("login #%d: summary %q", i, title)
		}
		if i == 1 {
			b.check("connexion-identifiants-incorrects")
		}
	}
	// The API counts failures in a sliding 15-minute window: the wait is
	// until the oldest failure is 15 minutes old (after 23:45, on the
	// browser's clock, "demain vers 0 h 08": TestWaitMessage checks the
	// words).
	if got := b.text(".error-summary"); !regexp.MustCompile(`Patientez (une minute|\d+ minutes) avant de réessayer \((demain )?vers \d+ h \d\d\)`).MatchString(got) {
		t.Errorf("the wait is not told from Retry-After:\n%s", got)
	}
	b.check("connexion-trop-de-tentatives")
}

// Installed app, offline: the help pages still open; the home page says
// there is no connection; the service worker kept no API response but the
// public emergency directory.
func TestOffline(t *testing.T) {
	b := start(t)
	b.visit("/", "Connexion")
	b.waitFor(`navigator.serviceWorker.ready.then(() => navigator.serviceWorker.controller !== null)`, "the service worker in control")
	// The cache of the worker's current version (sw.js VERSION).
	sw, err := os.ReadFile(filepath.Join(repoRoot(t), "web", "sw.js"))
	if err != nil {
		t.Fatal(err)
	}
	version := regexp.MustCompile(`const VERSION = '([^']+)';`).FindSubmatch(sw)
	if version == nil {
		t.Fatal("no VERSION in sw.js")
	}
	b.waitFor(`caches.open("extranet-locataire-`+string(version[1])+`").then((c) => c.keys()).then((k) => k.length >= 20)`, "the app's files in the cache")
	manifest := eval[string](b, `fetch("/manifest.webmanifest").then((r) => r.json()).then((m) => m.name + "|" + m.lang + "|" + m.start_url)`)
	if manifest != "Extranet Locataire|fr|/mon-espace" {
		t.Errorf("manifest: %s", manifest)
	}

	b.offline()
	b.visit("/assistance", "Assistance")
	b.waitFor(`!document.getElementById("hors-ligne").hidden`, "the offline banner")
	b.check("hors-ligne-assistance")

	b.visit("/mon-espace", "Erreur : Accueil de votre espace")
	if got := b.text(".error-summary h2"); got != "Pas de connexion" {
		t.Errorf("offline home says %q", got)
	}
	b.check("hors-ligne-mon-espace")

	b.visit("/mon-espace/solde", "Erreur : Mon solde")
	if got := b.text(".error-summary h2"); got != "Pas de connexion" {
		t.Errorf("offline account page says %q", got)
	}
	if !eval[bool](b, `!!document.querySelector("main .space-nav a[href='/mon-espace']") && !!document.querySelector("main button.button")`) {
		t.Errorf("offline account page offers neither «Réessayer» nor the way to the other pages")
	}
	b.check("hors-ligne-mon-compte")

	// The notice email's link, offline: on to Mes documents, which says there is no connection.
	b.visit("/documents.html", "Erreur : Mes documents")
	if got := b.text(".error-summary h2") + " " + eval[string](b, `location.pathname`); got != "Pas de connexion /mon-espace/documents" {
		t.Errorf("offline, /documents.html leads to %q", got)
	}

	for _, u := range b.cachedURLs() {
		if (strings.HasPrefix(u, "/api/") && u != "/api/v1/emergency-contacts") || strings.HasPrefix(u, "/mon-espace") {
			t.Errorf("the service worker cached %s", u)
		}
	}
}

// activeAccount signs up and activates an account through the API, for
// tests whose subject comes after.
func activeAccount(t *testing.T, b *browser, ref, lastName, dob, email, password string) {
	t.Helper()
	postJSON(t, b, "/api/v1/signup", map[string]string{"reference": ref, "lastName": lastName,
		"dateOfBirth": dob, "email": email, "password": password}, http.StatusAccepted)
	link := b.mailLink(email, "/activation", 1)
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	postJSON(t, b, "/api/v1/activation", map[string]string{"token": u.Query().Get("token")}, http.StatusOK)
}

func postJSON(t *testing.T, b *browser, path string, body any, want int) {
	t.Helper()
	raw, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post(b.stack.URL+path, "application/json", bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != want {
		t.Fatalf("POST %s: %s, want %d", path, resp.Status, want)
	}
}

// Dates of birth as people type them, read by the app's own module.
func TestDatesAsTyped(t *testing.T) {
	b := start(t)
	b.visit("/", "Connexion")
	tests := []struct{ typed, want string }{
		{"12/04/1978", "1978-04-12"},
		{" 12-04-1978 ", "1978-04-12"},
		{"12.4.1978", "1978-04-12"},
		{"12 04 1978", "1978-04-12"},
		{"12041978", "1978-04-12"},
		{"1978-04-12", "1978-04-12"},
		{"29/02/1980", "1980-02-29"},
		{"29/02/1981", ""},
		{"31/04/1978", ""},
		{"12/13/1978", ""},
		{"1/1/1899", ""},
		{"120478", ""},
		{"le 12 avril 1978", ""},
		{"", ""},
	}
	for _, tt := range tests {
		got := eval[string](b, `import("/js/dates.js").then((m) => m.toISODate(`+js(tt.typed)+`))`)
		if got != tt.want {
			t.Errorf("toISODate(%q) = %q, want %q", tt.typed, got, tt.want)
		}
	}
}
