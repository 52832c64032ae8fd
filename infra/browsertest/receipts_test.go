package browsertest

// Mes quittances and the PDFs of Mon solde, on a phone (390×844, and one
// at 320×640), against the demo leases: DUPONT's months all paid, each with
// its quittance; LEFÈVRE's November 2026 partly paid, with a reçu and never
// a quittance; the statement and the tenancy certificate as PDF.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// phone sets the viewport of a phone (b.check leaves a laptop's).
func (b *browser) phone(w, h int64) {
	b.t.Helper()
	b.do(chromedp.EmulateViewport(w, h, chromedp.EmulateMobile))
	b.settle()
}

// shot saves a full-page screenshot at the viewport set, named as b.check names its own.
func (b *browser) shot(name string) {
	b.t.Helper()
	b.shots++
	b.settle()
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	cancel()
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	w := eval[int](b, `window.innerWidth`)
	file := filepath.Join(b.out, fmt.Sprintf("%s-%02d-%s-%d.png", strings.ReplaceAll(b.t.Name(), "/", "-"), b.shots, name, w))
	if err := os.WriteFile(file, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// allowDownloads has the browser save downloads into a new folder, which it returns.
func (b *browser) allowDownloads() string {
	b.t.Helper()
	dir := b.t.TempDir()
	yes := true
	if _, err := chromedp.CallBrowser(b.ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
		Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir, EventsEnabled: &yes,
	}); err != nil {
		b.t.Fatalf("allow downloads: %v", err)
	}
	return dir
}

// pdfWords reads a PDF's text back with pdftotext, spaces folded, or skips
// the test where pdftotext is missing.
func pdfWords(t *testing.T, doc []byte) string {
	t.Helper()
	if !bytes.HasPrefix(doc, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %.40q", doc)
	}
	path, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Skip("pdftotext is not installed (Debian: apt-get install poppler-utils): cannot read the PDF back")
	}
	f := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(f, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(path, f, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return strings.Join(strings.Fields(strings.NewReplacer("\u202F", " ", "\u00A0", " ").Replace(string(out))), " ")
}

// receiptMonth is a month as GET /api/v1/receipts gives it.
type receiptMonth struct {
	Period    string  `json:"period"`
	Status    string  `json:"status"`
	DueCents  int64   `json:"dueCents"`
	PaidCents int64   `json:"paidCents"`
	Kind      *string `json:"kind"`
}

// apiMonths asks the API, with the browser's session, for a year's months.
func (b *browser) apiMonths(year string) map[string]receiptMonth {
	b.t.Helper()
	resp := b.get("/api/v1/receipts?year="+year, true)
	var body struct {
		Months []receiptMonth `json:"months"`
	}
	if resp.status != 200 || json.Unmarshal(resp.body, &body) != nil {
		b.t.Fatalf("GET /api/v1/receipts?year=%s: %d %.200s", year, resp.status, resp.body)
	}
	out := map[string]receiptMonth{}
	for _, m := range body.Months {
		out[m.Period] = m
	}
	return out
}

// waitReceipts waits for Mes quittances with a year's months shown.
func (b *browser) waitReceipts(year string) {
	b.t.Helper()
	b.waitLoaded("Mes quittances")
	b.waitFor(`document.getElementById("quittances-etat")?.innerText.startsWith(`+js(year+" ")+`) && document.getElementById("annee").value === `+js(year), "the months of "+year)
}

// shownMonth is a month's card as the page shows it.
type shownMonth struct {
	Status  string   `json:"status"`
	Words   string   `json:"words"`
	Amounts string   `json:"amounts"`
	Note    string   `json:"note"`
	Buttons []string `json:"buttons"`
}

func (b *browser) month(period string) shownMonth {
	b.t.Helper()
	return eval[shownMonth](b, `(() => { const c = document.querySelector('[data-mois="`+period+`"]'); if (!c) return null;
		const t = (e) => (e?.innerText || "").replace(/[\u00a0\u202f]/g, " ").trim();
		return { status: c.querySelector("[data-etat]").dataset.etat, words: c.querySelector("[data-etat]").textContent.replace(/[\u00a0\u202f]/g, " ").trim(),
			amounts: t(c.querySelector("[data-montants]")), note: t(c.querySelector(".month__note")),
			buttons: [...c.querySelectorAll("button")].map((x) => x.textContent.replace(/[\u00a0\u202f]/g, " ").trim()) }; })()`)
}

func TestReceiptsPage(t *testing.T) {
	b := start(t)

	t.Run("DUPONT-quittance", func(t *testing.T) {
		b := b.sub(t)
		b.tenant("8889999", "DUPONT", "1978-04-12", "marie.dupont@example.org")
		b.phone(390, 844)
		// From the home page, with the flyer's words.
		if got := b.text(`.sections a[href="/mon-espace/quittances"]`); got != "Mes quittances" {
			t.Errorf("the home page's link to Mes quittances reads %q", got)
		}
		if got := b.text("main"); !strings.Contains(got, "Télécharger vos duplicatas de quittances") || !strings.Contains(got, "Mettre à jour votre attestation d’assurance") {
			t.Errorf("the home page lacks the flyer's words for receipts and insurance")
		}
		b.click(`.sections a[href="/mon-espace/quittances"]`)
		b.waitLoaded("Mes quittances")
		if got := b.text(".space-nav [aria-current=page]"); got != "Mes quittances" {
			t.Errorf("the menu marks %q as the current page", got)
		}
		b.visit("/mon-espace/quittances?annee=2026", "Mes quittances")
		b.waitReceipts("2026")
		api := b.apiMonths("2026")
		// Every month of her history in 2026 paid, each with its quittance.
		for _, p := range []string{"2026-01", "2026-04", "2026-10", "2026-11"} {
			got := b.month(p)
			if got.Status != "paid" || got.Words != "État : Payé" || strings.Join(got.Buttons, "|") != "Obtenir la quittance "+ofMonthPeriod(p) {
				t.Errorf("%s shows %+v; want paid, «Payé», one button «Obtenir la quittance»", p, got)
			}
			if want := euros(api[p].DueCents) + " payés"; got.Amounts != want {
				t.Errorf("%s amounts %q, want %q", p, got.Amounts, want)
			}
		}
		if !eval[bool](b, `document.getElementById("regle-imputation").hidden`) {
			t.Errorf("the oldest-debt rule shows for a lease with every month paid")
		}
		b.check("quittances-dupont")
		b.phone(390, 844)

		dir := b.allowDownloads()
		b.click(`[data-mois="2026-10"] button[data-obtenir="rent_receipt"]`)
		b.waitFor(`document.querySelector('[data-mois="2026-10"] [data-pret]')`, "the quittance ready")
		doc := b.downloaded(dir)
		text := pdfWords(t, doc)
		if !strings.Contains(strings.ToLower(text), "quittance") || !strings.Contains(strings.ToLower(text), "octobre 2026") || !strings.Contains(text, "DUPONT") {
			t.Errorf("the downloaded quittance reads:\n%.600s", text)
		}
		if got := b.text(`[data-mois="2026-10"] [data-pret]`); !strings.HasPrefix(got, "Votre quittance d’octobre 2026 est prête") {
			t.Errorf("after the download, the month says %q", got)
		}
		// Asked again with nothing changed: the same document.
		id := eval[string](b, `document.querySelector('[data-mois="2026-10"] [data-pret]').dataset.pret`)
		b.click(`[data-mois="2026-10"] button[data-obtenir="rent_receipt"]`)
		b.waitFor(`document.querySelector('[data-mois="2026-10"] [data-pret]')?.dataset.pret === `+js(id), "the same quittance again")
		b.check("quittances-dupont-prete")
		// And it is in Mes documents.
		b.visit("/mon-espace/documents", "Mes documents")
		b.waitDocuments()
		if !eval[bool](b, `!!document.querySelector('[data-document=`+js(id)+`]')`) {
			t.Errorf("the quittance %s is not in Mes documents: %v", id, b.shownDocuments())
		}
		if got := b.text(`[data-document=` + js(id) + `] .document__meta`); !strings.HasPrefix(got, "Quittance de loyer · émis le ") {
			t.Errorf("the quittance's kind and date in Mes documents: %q", got)
		}
		// The kind filter finds the quittances; the certificates, none yet, say where to ask.
		b.filter("quittances", "")
		b.waitFor(`location.search === "?type=quittances" && !document.getElementById("documents-etat").innerText.startsWith("Chargement")`, "the quittances")
		if got := b.shownDocuments(); strings.Join(got, ",") != id {
			t.Errorf("the quittances shown: %v, want %s", got, id)
		}
		b.filter("attestations", "")
		b.waitFor(`document.querySelector("[data-vide]")`, "no certificate")
		if got := strings.Join(strings.Fields(b.text("#documents-etat")), " "); got != "Aucune attestation pour l’instant. Une attestation de situation locative se demande dans Mon solde. Les documents obtenus s’ajoutent ensuite ici." {
			t.Errorf("no certificate yet: %q", got)
		}
		b.check("documents-attestations-vide")
		b.logOut()

		// Logged out, the page's address asks to log in, then comes back to it (?retour=).
		b.do(chromedp.Navigate(b.stack.URL + "/mon-espace/quittances?annee=2025"))
		b.waitTitle("Connexion")
		b.fill("#email", "marie.dupont@example.org")
		b.fill("#password", "une phrase facile à retenir")
		b.click(`form button[type="submit"]`)
		b.waitReceipts("2025")
		if got := eval[string](b, `location.pathname + location.search`); got != "/mon-espace/quittances?annee=2025" {
			t.Errorf("after the login, %s; want /mon-espace/quittances?annee=2025", got)
		}
		b.logOut()
	})

	t.Run("LEFEVRE-recu-320", func(t *testing.T) {
		b := b.sub(t)
		b.tenant("1234567", "LEFÈVRE", "1985-11-03", "celine.lefevre@example.org")
		b.phone(320, 640)
		b.visit("/mon-espace/quittances?annee=2026", "Mes quittances")
		b.waitReceipts("2026")
		api := b.apiMonths("2026")
		nov := api["2026-11"]
		if nov.Status != "partial" || nov.Kind == nil || *nov.Kind != "payment_receipt" {
			t.Fatalf("the API's November 2026 for LEFÈVRE: %+v; want partial, payment_receipt", nov)
		}
		got := b.month("2026-11")
		if got.Status != "partial" || got.Words != "État : Payé en partie" || strings.Join(got.Buttons, "|") != "Obtenir un reçu de novembre 2026" {
			t.Errorf("November 2026 shows %+v; want «Payé en partie» and only «Obtenir un reçu»", got)
		}
		if want := euros(nov.PaidCents) + " payés sur " + euros(nov.DueCents); got.Amounts != want {
			t.Errorf("November 2026 amounts %q, want %q", got.Amounts, want)
		}
		if !strings.Contains(got.Note, "un reçu pour ce qui a été payé") {
			t.Errorf("November 2026 does not explain the reçu: %q", got.Note)
		}
		if eval[bool](b, `document.getElementById("regle-imputation").hidden`) || !strings.Contains(b.text("#regle-imputation"), "dette la plus ancienne") {
			t.Errorf("the oldest-debt rule is not explained on a year with a month partly paid")
		}
		// No month without a quittance offers one, and every month offers what the API says.
		for p, m := range api {
			shown := b.month(p)
			want := ""
			if m.Kind != nil && *m.Kind == "rent_receipt" {
				want = "Obtenir la quittance " + ofMonthPeriod(p)
			} else if m.Kind != nil && *m.Kind == "payment_receipt" {
				want = "Obtenir un reçu " + ofMonthPeriod(p)
			}
			if strings.Join(shown.Buttons, "|") != want {
				t.Errorf("%s (%s) offers %v, want %q", p, m.Status, shown.Buttons, want)
			}
			if (m.Status == "unpaid" || m.Status == "not_due") && shown.Note == "" {
				t.Errorf("%s (%s) says nothing of why it has no receipt", p, m.Status)
			}
		}
		// At 320 px nothing goes sideways.
		if w := eval[int](b, `document.documentElement.scrollWidth`); w > 320 {
			t.Errorf("at 320 px the page is %d px wide", w)
		}
		b.shot("quittances-lefevre")
		b.check("quittances-lefevre")
		b.phone(320, 640)

		// By keyboard: Tab to November's button, then Enter.
		dir := b.allowDownloads()
		b.tabTo(`[data-mois="2026-11"] button[data-obtenir="payment_receipt"]`, 40)
		b.enter()
		b.waitFor(`document.querySelector('[data-mois="2026-11"] [data-pret]')`, "the reçu ready")
		text := pdfWords(t, b.downloaded(dir))
		low := strings.ToLower(text)
		if !strings.Contains(low, "reçu") || !strings.Contains(low, "novembre 2026") || strings.Contains(low, "quittance de loyer") {
			t.Errorf("the downloaded reçu reads:\n%.600s", text)
		}
		if got := b.text(`[data-mois="2026-11"] [data-pret]`); !strings.HasPrefix(got, "Votre reçu de novembre 2026 est prêt") {
			t.Errorf("after the download, November says %q", got)
		}
		// A quittance asked for all the same (another client, an old page): refused, with the reason.
		if dec := api["2026-12"]; dec.Status == "unpaid" || dec.Status == "not_due" {
			status := eval[int](b, `fetch("/api/v1/receipts", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ period: "2026-12" }) }).then((r) => r.status)`)
			if status != 422 {
				t.Errorf("POST a receipt for December 2026 (%s): %d, want 422", dec.Status, status)
			}
		}
		b.check("quittances-lefevre-recu")
		b.logOut()
	})
}

// Mon solde: the statement of the year shown as PDF, and the attestation
// de situation locative, made then downloaded.
func TestAccountPDFs(t *testing.T) {
	b := start(t)
	b.tenant("1234567", "LEFÈVRE", "1985-11-03", "celine.lefevre@example.org")
	b.phone(390, 844)
	b.visit("/mon-espace/solde?annee=2026", "Mon solde")
	b.waitFor(`!document.getElementById("releve-pdf")?.hidden && document.getElementById("suivi-etat")?.innerText.startsWith("2026")`, "the statement of 2026")
	if got := eval[string](b, `document.getElementById("releve-pdf").getAttribute("href")`); got != "/api/v1/account/entries.pdf?from=2026-01-01&to=2026-12-31" {
		t.Errorf("the statement's PDF link %q", got)
	}
	if got := eval[string](b, `document.getElementById("releve-pdf").textContent.replace(/\u00a0/g, " ")`); got != "Télécharger le relevé (PDF) de 2026" {
		t.Errorf("the PDF link reads %q", got)
	}
	dir := b.allowDownloads()
	b.click("#releve-pdf")
	text := pdfWords(t, b.downloaded(dir))
	if !strings.Contains(text, "Virement reçu") || !strings.Contains(text, "270,00") {
		t.Errorf("the statement PDF lacks November's partial payment:\n%.800s", text)
	}
	b.check("compte-pdf")
	b.phone(390, 844)

	dir = b.allowDownloads()
	b.clickText("button", "Demander une attestation de situation locative")
	b.waitFor(`document.querySelector("[data-attestation-prete]")`, "the certificate ready")
	text = pdfWords(t, b.downloaded(dir))
	if !strings.Contains(strings.ToLower(text), "attestation") || !strings.Contains(text, "LEFÈVRE") || !strings.Contains(text, "350,00") {
		t.Errorf("the tenancy certificate reads:\n%.800s", text)
	}
	b.check("compte-attestation")
	b.logOut()
}

// euros writes cents as the app does, spaces plain: "1 234,56 €".
func euros(cents int64) string {
	if cents < 0 {
		cents = -cents
	}
	s := strconv.FormatInt(cents/100, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + " " + s[i:]
	}
	return fmt.Sprintf("%s,%02d €", s, cents%100)
}

// ofMonthPeriod is "de novembre 2026", "d’octobre 2026" for "2026-11", "2026-10".
func ofMonthPeriod(p string) string {
	t, err := time.Parse("2006-01", p)
	if err != nil {
		return p
	}
	return ofMonth(t)
}

// The words of Mes quittances, Mon assurance and Mon solde's PDFs, by the
// app's own modules.
func TestReceiptsInsuranceWords(t *testing.T) {
	b := start(t)
	b.visit("/", "Connexion")
	tests := []struct{ expr, want string }{
		{`r.amountSentence({ status: "paid", dueCents: 60000, paidCents: 60000 })`, "600,00\u00a0€ payés"},
		{`r.amountSentence({ status: "partial", dueCents: 50000, paidCents: 27000 })`, "270,00\u00a0€ payés sur 500,00\u00a0€"},
		{`r.amountSentence({ status: "unpaid", dueCents: 50000, paidCents: 0 })`, "500,00\u00a0€ restant à payer"},
		{`r.amountSentence({ status: "not_due", dueCents: 50000, paidCents: 0 })`, "500,00\u00a0€ à payer"},
		{`r.amountSentence({ status: "not_due", dueCents: 0, paidCents: 0 })`, "Montant pas encore connu"},
		{`r.amountSentence({ status: "paid", dueCents: 0, paidCents: 0 })`, "Rien à payer ce mois-ci"},
		{`r.receiptWord({ status: "paid", kind: "rent_receipt" })`, "la quittance"},
		{`r.receiptWord({ status: "partial", kind: "payment_receipt" })`, "un reçu"},
		{`r.receiptWord({ status: "unpaid", kind: null })`, ""},
		{`r.monthNote({ status: "paid" })`, ""},
		{`r.monthNote({ status: "partial" }).slice(0, 60)`, "Ce mois n’est pas entièrement payé : vous pouvez obtenir un "},
		{`r.monthNote({ status: "unpaid" }).slice(0, 45)`, "Rien n’est encore payé pour ce mois : ni quit"},
		{`r.monthNote({ status: "not_due" }).slice(0, 42)`, "L’échéance de ce mois n’est pas encore arr"},
		{`r.monthStatuses.paid + "|" + r.monthStatuses.partial + "|" + r.monthStatuses.unpaid + "|" + r.monthStatuses.not_due`, "Payé|Payé en partie|Non payé|À venir"},
		{`r.receiptsPath(2026)`, "/receipts?year=2026"},
		{`a.statementPDF("2026-01-01", "2026-12-31")`, "/api/v1/account/entries.pdf?from=2026-01-01&to=2026-12-31"},
		{`i.reminderDay("2027-01-01")`, "2027-01-01"},
		{`i.reminderDay({ date: "2027-01-02", kind: "ending" })`, "2027-01-02"},
		{`i.reminderDay(null)`, ""},
		{`i.reminderSentence("2026-12-15", "2026-11-30")`, "Prochain rappel par email : le 15\u00a0décembre\u00a02026. Si votre nouvelle attestation arrive avant, vous ne le recevrez pas."},
		{`i.reminderSentence("2026-11-30", "2026-11-30").slice(0, 44)`, "Prochain rappel par email : aujourd’hui. Si "},
		{`i.reminderSentence("2026-11-29", "2026-11-30").slice(0, 39)`, "Prochain rappel par email : aujourd’hui"},
		{`i.statusSentence({ status: "accepted", current: { endDate: "2027-11-30" } })`, "Votre bailleur a accepté votre attestation. Elle est valable jusqu’au 30\u00a0novembre\u00a02027."},
		{`i.statusSentence({ status: "expired", current: { endDate: "2026-11-01" } }).slice(0, 55)`, "Votre attestation a pris fin le 1er\u00a0novembre\u00a02026. Envo"},
		{`i.statusSentence({ status: "missing", required: true }).slice(0, 60)`, "Votre bailleur n’a pas encore reçu votre attestation d’assur"},
		{`i.statusSentence({ status: "missing", required: false }).slice(0, 50)`, "Vous n’avez pas encore envoyé d’attestation d’assu"},
		{`i.insuranceStatuses.pending + "|" + i.insuranceStatuses.refused + "|" + i.insuranceStatuses.expired`, "En cours de vérification|Refusée|Expirée"},
		{`u.fileProblem(null).slice(0, 30)`, "Choisissez le fichier de votre"},
		{`u.fileProblem({ type: "application/pdf", size: 1000 })`, ""},
		{`u.fileProblem({ type: "image/png", size: 10 * 1024 * 1024 })`, ""},
		{`u.fileProblem({ type: "image/png", size: 10 * 1024 * 1024 + 1 }).slice(0, 25)`, "Ce fichier dépasse 10 Mo."},
		{`u.fileProblem({ type: "image/heic", size: 1000 }).slice(0, 40)`, "Ce fichier n’est ni un PDF ni une photo "},
		{`u.fileProblem({ type: "application/pdf", size: 0 })`, "Ce fichier est vide. Choisissez un autre fichier."},
		{`u.uploadRefusal("EntityTooLarge").slice(0, 32)`, "Votre fichier dépasse 10 Mo. Env"},
		{`u.uploadRefusal("AccessDenied").slice(0, 40)`, "L’envoi a pris trop de temps et n’est pl"},
		{`u.uploadRefusal("").slice(0, 40)`, "Votre fichier n’a pas pu être envoyé. Ré"},
		{`f.documentKinds.rent_receipt + "|" + f.documentKinds.payment_receipt + "|" + f.documentKinds.tenancy_certificate`, "Quittance de loyer|Reçu de paiement|Attestation de situation locative"},
	}
	for _, tt := range tests {
		got := eval[string](b, `Promise.all([import("/js/views/receipts.js"), import("/js/views/insurance.js"), import("/js/upload.js"), import("/js/views/account.js"), import("/js/format.js")]).then(([r, i, u, a, f]) => `+tt.expr+`)`)
		if got != tt.want {
			t.Errorf("%s = %q, want %q", tt.expr, got, tt.want)
		}
	}
}
