package browsertest

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/citejardins/extranet/infra/localstack"
	"github.com/citejardins/extranet/shared/document"
)

// Mes documents, for a tenant with two years of rent notices and for one
// with none: the newest notice on the home page with its amount and due
// date, the list by year, the filters, « Afficher plus », the download
// (the API's redirect, then the PDF's bytes), the emailed link
// /documents.html, and the link from Mes préférences.
func TestDocumentsPage(t *testing.T) {
	b := start(t)
	downloads := t.TempDir()
	yes := true
	if _, err := chromedp.CallBrowser(b.ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
		Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: downloads, EventsEnabled: &yes,
	}); err != nil {
		t.Fatalf("allow downloads: %v", err)
	}

	// LEFÈVRE: 25 monthly notices up to next month's (the coming period, as
	// the monthly run issues it), each issued on the 20th of the month
	// before; the newest asks 850,00 € by the 1st of next month.
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().In(paris)
	next := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, 1, 0)
	year, lastYear := next.Year(), next.Year()-1
	pdf := samplePDF("Avis d'echeance "+next.Format("2006-01"), 34_000)
	var notices []document.Document
	for p := next; len(notices) < 25; p = p.AddDate(0, -1, 0) {
		amount := int64(50000)
		if len(notices) == 0 {
			amount = 85000
		}
		notices = append(notices, seedNotice(t, b.stack, "1234567", p, amount, pdf))
	}
	newest := notices[0]

	t.Run("NDIAYE-empty", func(t *testing.T) {
		b := b.sub(t)
		b.tenant("7654321", "N'DIAYE", "1990-01-30", "abdou.ndiaye@example.org")
		if got := eval[string](b, `document.querySelector("[data-dernier-document]")?.dataset.dernierDocument ?? ""`); strings.HasPrefix(got, "notice-") {
			t.Errorf("the home page shows a notice (%s) for a lease without any", got)
		}
		b.clickText("a", "Mes documents")
		b.waitDocuments()
		if got := b.focused(); got != "h1:Mes documents" {
			t.Errorf("after following the link, focus on %q, want the heading", got)
		}
		// The landlord's useful documents are everyone's: the notices are
		// asked for, so that the page is empty whatever the stack ships.
		b.filter("avis", "")
		b.waitFor(`document.querySelector("[data-vide]")`, "the empty state")
		if got := strings.Join(strings.Fields(b.text("#documents-etat")), " "); got != "Aucun avis d’échéance pour l’instant. Votre premier avis d’échéance arrivera ici dès qu’il sera émis, chaque mois avant sa date d’échéance. Si vous avez choisi de le recevoir sans papier, un email vous préviendra." {
			t.Errorf("empty state %q", got)
		}
		if n := eval[int](b, `document.querySelectorAll("[data-document]").length`); n != 0 {
			t.Errorf("%d documents shown for a lease without notices", n)
		}
		b.check("documents-vide")
		// Another tenant's document: not found, and no bytes.
		resp := b.get(fileURLOf(newest), false)
		if resp.status != http.StatusNotFound || bytes.Contains(resp.body, []byte("%PDF")) {
			t.Errorf("GET another tenant's file: %d, %d bytes; want 404 and no PDF", resp.status, len(resp.body))
		}
		b.logOut()
	})

	t.Run("LEFEVRE", func(t *testing.T) {
		b := b.sub(t)
		b.tenant("1234567", "LEFÈVRE", "1985-11-03", "celine.lefevre@example.org")

		// Home: the newest document (the API's first: the landlord's files,
		// dated the day the stack loaded them, sort among the notices by
		// date), its link opening its file, and the way to all documents.
		b.waitFor(`document.querySelector("[data-dernier-document]")`, "the newest document on the home page")
		newestShown := eval[string](b, `fetch("/api/v1/documents").then((r) => r.json()).then((p) => p.documents[0].id + "|" + p.documents[0].title)`)
		id, title, _ := strings.Cut(newestShown, "|")
		if got := b.text("[data-dernier-document] .card__link"); got != title {
			t.Errorf("home's newest document %q, want the API's newest %q", got, title)
		}
		if got := eval[string](b, `document.querySelector("[data-dernier-document] a[data-telecharger]")?.getAttribute("href") ?? ""`); got != "/api/v1/documents/"+id+"/file" {
			t.Errorf("home's newest document's link %q, want its file", got)
		}
		if !eval[bool](b, `!!(document.querySelector("[data-bloc-solde]").compareDocumentPosition(document.querySelector("[data-dernier-document]")) & Node.DOCUMENT_POSITION_FOLLOWING)`) {
			t.Errorf("the newest document is not below the balance")
		}
		if !eval[bool](b, `!!document.querySelector("a[href='/mon-espace/documents']:not(.sections a)") && !!document.querySelector(".sections a[href='/mon-espace/documents']")`) {
			t.Errorf("the home page does not link to Mes documents below the newest document and in the sections")
		}
		b.check("accueil-avis")

		// Mes documents, from the link below the newest document.
		b.clickText("a", "Tous mes documents")
		b.waitDocuments()
		if got := b.text(".space-nav [aria-current=page]"); got != "Mes documents" {
			t.Errorf("the menu marks %q as the current page", got)
		}
		// The notices newest first (the landlord's files sort among them by date).
		first := b.shownDocuments()
		var firstNotices []string
		for _, id := range first {
			if strings.HasPrefix(id, "notice-") {
				firstNotices = append(firstNotices, id)
			}
		}
		if len(firstNotices) < 2 || firstNotices[0] != newest.ID || firstNotices[1] != notices[1].ID {
			t.Fatalf("documents shown %v, want the notices newest first (%s, %s…)", first, newest.ID, notices[1].ID)
		}
		card := `[data-document="` + newest.ID + `"]`
		if got := b.text(card + " h3"); got != "Avis d’échéance "+monthYear(next) {
			t.Errorf("first title %q", got)
		}
		if got, want := b.text(card+" .document__meta"), "Avis d’échéance · émis le "+frenchDay(next.AddDate(0, -1, 19)); got != want {
			t.Errorf("first document's kind and date %q, want %q", got, want)
		}
		if got, want := b.text(card+" [data-a-payer]"), "850,00 € à payer avant le "+frenchDay(next); got != want {
			t.Errorf("first document's amount %q, want %q", got, want)
		}
		// A notice of last year: what it asked, not a debt today.
		old := notices[13]
		if got, want := b.text(`[data-document="`+old.ID+`"] [data-a-payer]`), "500,00 € demandés pour le "+frenchDay(old.DueDate.Time()); got != want {
			t.Errorf("notice of %s: amount %q, want %q", old.Period, got, want)
		}
		size := "PDF, " + strconv.Itoa((len(pdf)+500)/1000) + " Ko"
		// The link's text as a screen reader reads it; the title is not shown.
		if got := eval[string](b, `document.querySelector(`+js(card+" a[data-telecharger]")+`).textContent.replace(/\u00a0/g, " ")`); got != "Télécharger « Avis d’échéance "+monthYear(next)+" » ("+size+")" {
			t.Errorf("first document's link reads %q to a screen reader", got)
		}
		if got := b.text(card + " a[data-telecharger]"); !strings.HasSuffix(got, "("+size+")") {
			t.Errorf("first document's link %q does not end with (%s)", got, size)
		}
		if got := b.text("main .lead"); !strings.Contains(got, "PDF") || !strings.Contains(got, "téléchargements") {
			t.Errorf("the page does not say that documents download as PDF: %q", got)
		}
		b.check("documents")
		// A tenant on paper notices is invited to go paperless.
		if got := eval[string](b, `document.querySelector('[data-sans-papier="non"]').textContent`); got != "Recevoir vos avis d’échéance sans papier, avec un email chaque mois\u00A0: Mes préférences." {
			t.Errorf("the invitation to go paperless reads %q", got)
		}

		// « Afficher plus » until every document is shown, under its year.
		landlord := eval[int](b, `fetch("/api/v1/documents?kind=landlord").then((r) => r.json()).then(async (p) => {
			let n = p.documents.length, c = p.nextCursor;
			while (c) { const q = await (await fetch("/api/v1/documents?kind=landlord&cursor=" + encodeURIComponent(c))).json(); n += q.documents.length; c = q.nextCursor; }
			return n; })`)
		total := len(notices) + landlord
		if len(first) < total && eval[bool](b, `document.getElementById("afficher-plus").hidden`) {
			t.Errorf("%d of %d documents shown, and no «Afficher plus»", len(first), total)
		}
		for clicks := 0; !eval[bool](b, `document.getElementById("afficher-plus").hidden`); clicks++ {
			if clicks > 10 {
				t.Fatalf("«Afficher plus» still shows after %d clicks", clicks)
			}
			before := len(b.shownDocuments())
			b.click("#afficher-plus")
			b.waitFor(`document.querySelectorAll("[data-document]").length > `+strconv.Itoa(before), "more documents")
			b.waitFor(`document.getElementById("afficher-plus").getAttribute("aria-disabled") === null`, "the button ready again")
		}
		all := b.shownDocuments()
		if len(all) != total || !distinct(all) {
			t.Errorf("%d documents shown (distinct: %v), want %d (%d notices, %d useful documents)", len(all), distinct(all), total, len(notices), landlord)
		}
		if got, want := b.text("#documents-etat"), strconv.Itoa(total)+" documents, tous affichés."; !strings.HasSuffix(got, want) {
			t.Errorf("state after the last page %q, want it to end with %q", got, want)
		}
		if !eval[bool](b, `document.activeElement?.matches("[data-document]") ?? false`) {
			t.Errorf("after the last page, focus on %q, want the first document just shown", b.focused())
		}
		// Years in order, newest first, each notice under its period's year (the API's year filter).
		type group struct {
			Year string   `json:"year"`
			IDs  []string `json:"ids"`
		}
		groups := eval[[]group](b, `[...document.querySelectorAll(".doc-year")].map((s) => ({ year: s.querySelector("h2").innerText,
			ids: [...s.querySelectorAll("[data-document]")].map((li) => li.dataset.document) }))`)
		byID := map[string]document.Document{}
		for _, d := range notices {
			byID[d.ID] = d
		}
		var years []string
		for _, g := range groups {
			years = append(years, g.Year)
			for _, id := range g.IDs {
				if d, ok := byID[id]; ok && d.Period[:4] != g.Year {
					t.Errorf("notice %s of %s is under %s", id, d.Period, g.Year)
				}
			}
		}
		if got, want := strings.Join(years, ","), fmt.Sprintf("%d,%d,%d", year, lastYear, lastYear-1); !strings.HasPrefix(got, want) {
			t.Errorf("years %s, want %s first", got, want)
		}
		b.check("documents-tous")

		// The filters: the notices of last year, said in words, kept in the address.
		ly := strconv.Itoa(lastYear)
		b.filter("avis", ly)
		b.waitFor(`location.search === "?type=avis&annee=`+ly+`" && document.getElementById("documents-etat").innerText.includes("`+ly+`")`, "the notices of last year")
		var want []string
		for _, d := range notices {
			if strings.HasPrefix(d.Period, ly+"-") {
				want = append(want, d.ID)
			}
		}
		if got := b.shownDocuments(); strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("notices of %s shown %v, want %v", ly, got, want)
		}
		if got := b.text("#documents-etat"); got != "Avis d’échéance de "+ly+" : 12 documents, tous affichés." {
			t.Errorf("state %q", got)
		}
		if got := eval[[]string](b, `[...document.querySelectorAll(".doc-year h2")].map((h) => h.innerText)`); strings.Join(got, ",") != ly {
			t.Errorf("years shown %v, want %s only", got, ly)
		}
		b.check("documents-annee")
		// The address keeps the choice: a reload shows the same.
		b.visit("/mon-espace/documents?type=avis&annee="+ly, "Mes documents")
		b.waitDocuments()
		if got := eval[string](b, `document.getElementById("type").value + " " + document.getElementById("annee").value`); got != "avis "+ly {
			t.Errorf("after a reload, the filter shows %q", got)
		}
		if got := b.shownDocuments(); len(got) != 12 {
			t.Errorf("after a reload, %d documents shown, want 12", len(got))
		}
		// Three years back: the lease (since 2019) is offered it, and has no notice then.
		none := strconv.Itoa(year - 3)
		b.filter("avis", none)
		b.waitFor(`document.querySelector("[data-vide]")`, "no notice in "+none)
		if got := b.text("#documents-etat"); !strings.HasPrefix(got, "Aucun avis d’échéance en "+none+".") {
			t.Errorf("empty year %q", got)
		}
		// A year or kind the page does not know, in the address: all documents.
		b.visit("/mon-espace/documents?type=factures&annee=1999", "Mes documents")
		b.waitDocuments()
		if got := eval[string](b, `document.getElementById("type").value + "|" + document.getElementById("annee").value + "|" + document.querySelectorAll("[data-document]").length`); got != "||20" {
			t.Errorf("with an unknown kind and year in the address, the page shows %q; want every document, a page of 20", got)
		}
		b.filter("", "")
		b.waitFor(`location.search === "" && document.querySelectorAll("[data-document]").length > 0`, "all documents again")

		// The download: the API's redirect, then the PDF's bytes.
		href := eval[string](b, `document.querySelector(`+js(card+" a[data-telecharger]")+`).getAttribute("href")`)
		resp := b.get(href, false)
		if resp.status != http.StatusFound || resp.location == "" {
			t.Fatalf("GET %s: %d, Location %q; want 302 to the file", href, resp.status, resp.location)
		}
		file := b.get(resp.location, true)
		if file.status != http.StatusOK || !bytes.Equal(file.body, pdf) {
			t.Errorf("GET the file: %d, %d bytes (PDF: %v); want 200 and the %d bytes stored", file.status, len(file.body), bytes.HasPrefix(file.body, []byte("%PDF-")), len(pdf))
		}
		// And in the browser: the link saves the file.
		b.click(card + " a[data-telecharger]")
		if got := b.downloaded(downloads); !bytes.Equal(got, pdf) {
			t.Errorf("the browser saved %d bytes, want the %d of the notice", len(got), len(pdf))
		}

		// The emailed link: /documents.html leads to Mes documents.
		b.visit("/documents.html", "Mes documents")
		b.waitDocuments()
		if got := eval[string](b, `location.pathname`); got != "/mon-espace/documents" {
			t.Errorf("/documents.html led to %s", got)
		}

		// Mes préférences: the paperless choice and its confirmation link here.
		b.clickText("a", "Mes préférences")
		b.waitLoaded("Mes préférences")
		if !eval[bool](b, `!!document.querySelector("#sans-papier-aide a[href='/mon-espace/documents']")`) {
			t.Errorf("the paperless choice does not link to Mes documents")
		}
		b.click("#sans-papier")
		b.click(`form button[type="submit"]`)
		b.waitFor(`document.querySelector(".status .notice--success")?.innerText.includes("Vos préférences sont enregistrées")`, "the saved preferences")
		if got := b.text(".status .notice--success"); !strings.Contains(got, "Vos avis d’échéance arriveront dans votre espace, dans Mes documents") ||
			!eval[bool](b, `!!document.querySelector(".status .notice--success a[href='/mon-espace/documents']")`) {
			t.Errorf("the confirmation does not link to Mes documents:\n%s", got)
		}
		b.check("preferences-sans-papier")

		// Paperless now: Mes documents says so instead of inviting her.
		b.clickText("a", "Mes documents")
		b.waitDocuments()
		b.waitFor(`document.querySelector('[data-sans-papier="oui"]')`, "the paperless line")
		if got := eval[string](b, `document.querySelector('[data-sans-papier="oui"]').textContent`); !strings.HasPrefix(got, "Vous recevez vos avis d’échéance sans papier\u00A0:") ||
			eval[bool](b, `!!document.querySelector('[data-sans-papier="non"]')`) {
			t.Errorf("a paperless tenant reads %q, or is still invited to go paperless", got)
		}
		b.logOut()

		// Logged out, the emailed link asks to log in to see Mes documents
		// (no talk of an expired session), then opens it.
		b.do(chromedp.Navigate(b.stack.URL + "/documents.html"))
		b.waitTitle("Connexion")
		b.waitFor(`document.querySelector(".notice")?.innerText.includes("Connectez-vous pour voir Mes documents")`, "the login invitation")
		if got := b.text(".notice"); strings.Contains(got, "expiré") || strings.Contains(got, "pas encore connecté") {
			t.Errorf("the login forced by the emailed link reads %q", got)
		}
		b.check("connexion-mes-documents")
		b.fill("#email", "celine.lefevre@example.org")
		b.fill("#password", "une phrase facile à retenir")
		b.click(`form button[type="submit"]`)
		b.waitDocuments()
		if got := eval[string](b, `location.pathname + location.search`); got != "/mon-espace/documents" {
			t.Errorf("after the login, %s; want /mon-espace/documents", got)
		}
		b.logOut()
	})

	t.Run("DUPONT-direct-debit", func(t *testing.T) {
		b := b.sub(t)
		notice := seedNotice(t, b.stack, "8889999", next, 60000, samplePDF("Avis", 0))
		b.tenant("8889999", "DUPONT", "1978-04-12", "marie.dupont@example.org")
		b.visit("/mon-espace/documents", "Mes documents")
		b.waitDocuments()
		card := `[data-document="` + notice.ID + `"] [data-a-payer]`
		b.waitFor(`document.querySelector(`+js(card)+`)`, "the notice in Mes documents")
		if got := b.text(card); got != "600,00 €, prélevés automatiquement le "+frenchDay(next) {
			t.Errorf("the notice of a direct debit lease says %q", got)
		}
		b.logOut()
	})
}

// Mes documents with nothing at all: no notice yet, and a landlord who has
// published no useful document (the demo's files are taken away).
func TestDocumentsEmpty(t *testing.T) {
	b := start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	client := b.stack.S3Client()
	list, err := client.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(localstack.DocumentsBucket), Prefix: aws.String("landlord/")})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range list.Contents {
		if _, err := client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(localstack.DocumentsBucket), Key: o.Key}); err != nil {
			t.Fatal(err)
		}
	}
	b.tenant("7654321", "N'DIAYE", "1990-01-30", "abdou.ndiaye@example.org")
	b.visit("/mon-espace/documents", "Mes documents")
	b.waitDocuments()
	if got := strings.Join(strings.Fields(b.text("#documents-etat")), " "); got != "Aucun document pour l’instant. Votre premier avis d’échéance arrivera ici dès qu’il sera émis, chaque mois avant sa date d’échéance. Si vous avez choisi de le recevoir sans papier, un email vous préviendra." {
		t.Errorf("empty state %q", got)
	}
	if !eval[bool](b, `document.getElementById("afficher-plus").hidden && !document.querySelector(".doc-year")`) {
		t.Errorf("the empty page shows «Afficher plus» or a year")
	}
	b.check("documents-vide")
}

// Sizes, formats, periods and the notice's sentence, by the app's own modules.
func TestDocumentsFormatting(t *testing.T) {
	b := start(t)
	b.visit("/", "Connexion")
	tests := []struct{ expr, want string }{
		{`f.fileSize(34120)`, "34\u00a0Ko"},
		{`f.fileSize(34500)`, "35\u00a0Ko"},
		{`f.fileSize(120)`, "1\u00a0Ko"},
		{`f.fileSize(0)`, "1\u00a0Ko"},
		{`f.fileSize(999499)`, "999\u00a0Ko"},
		{`f.fileSize(1250000)`, "1,3\u00a0Mo"},
		{`f.fileType("application/pdf")`, "PDF"},
		{`f.fileType("application/octet-stream")`, "Fichier"},
		{`f.periodName("2026-12")`, "décembre 2026"},
		{`f.periodName("2027-01")`, "janvier 2027"},
		{`f.ofWord(f.periodName("2026-08"))`, "d’août 2026"},
		{`f.ofWord(f.periodName("2026-04"))`, "d’avril 2026"},
		{`f.ofWord(f.periodName("2026-10"))`, "d’octobre 2026"},
		{`f.ofWord(f.periodName("2026-12"))`, "de décembre 2026"},
		{`d.fileWords({ contentType: "application/pdf", sizeBytes: 34120 })`, "PDF, 34\u00a0Ko"},
		{`d.dueSentence({ amountDueCents: 85000, dueDate: "2026-12-01" }, false, "2026-11-30")`, "850,00\u00a0€ à payer avant le 1er\u00a0décembre\u00a02026"},
		{`d.dueSentence({ amountDueCents: 85000, dueDate: "2026-12-01" }, false, "2026-12-01")`, "850,00\u00a0€ à payer avant le 1er\u00a0décembre\u00a02026"},
		{`d.dueSentence({ amountDueCents: 85000, dueDate: "2026-12-01" }, false, "2026-12-02")`, "850,00\u00a0€ demandés pour le 1er\u00a0décembre\u00a02026"},
		{`d.dueSentence({ amountDueCents: 123456, dueDate: "2027-01-05" }, true, "2026-12-20")`, "1\u202f234,56\u00a0€, prélevés automatiquement le 5\u00a0janvier\u00a02027"},
		{`d.dueSentence({ amountDueCents: 123456, dueDate: "2027-01-05" }, true, "2027-01-06")`, "1\u202f234,56\u00a0€, prélevés le 5\u00a0janvier\u00a02027"},
		{`d.dueSentence({ amountDueCents: 0, dueDate: "2026-12-01" }, false, "2026-11-30")`, "Rien à payer pour cette échéance : votre compte la couvre déjà."},
		{`d.dueSentence({ amountDueCents: 0, dueDate: "2026-12-01" }, false, "2027-01-01")`, "Rien n’était à payer pour cette échéance."},
		{`d.dueSentence({ amountDueCents: null }, false)`, ""},
		{`f.parisToday(new Date("2026-11-30T23:30:00Z"))`, "2026-12-01"},
		{`f.parisToday(new Date("2026-06-30T21:59:00Z"))`, "2026-06-30"},
		{`d.documentsPath({})`, "/documents"},
		{`d.documentsPath({ kind: "notice", year: "2025", cursor: "a b&c" })`, "/documents?kind=notice&year=2025&cursor=a+b%26c"},
		{`d.fileURL("notice-2026-12-3f9a1c0b7d2e")`, "/api/v1/documents/notice-2026-12-3f9a1c0b7d2e/file"},
		{`d.fileURL("a/b")`, "/api/v1/documents/a%2Fb/file"},
		{`d.yearOf({ period: "2027-01", date: "2026-12-20" })`, "2027"},
		{`d.yearOf({ period: null, date: "2026-03-02" })`, "2026"},
		{`d.yearOf({})`, ""},
	}
	// Where the login page goes back to: a page of the space, nowhere else.
	for typed, want := range map[string]string{
		"/mon-espace/documents?type=avis": "/mon-espace/documents?type=avis",
		"/mon-espace":                     "/mon-espace",
		"/assistance":                     "",
		"/mon-espace/../assistance":       "",
		"/mon-espace-pirate":              "",
		"//evil.example/mon-espace":       "",
		"/\\evil.example/mon-espace":      "",
		"https://evil.example/mon-espace": "",
		"javascript:alert(1)":             "",
		"":                                "",
	} {
		tests = append(tests, struct{ expr, want string }{`s.returnPath(` + js(typed) + `)`, want})
	}
	for _, tt := range tests {
		got := eval[string](b, `Promise.all([import("/js/format.js"), import("/js/views/documents.js"), import("/js/space.js")]).then(([f, d, s]) => `+tt.expr+`)`)
		if got != tt.want {
			t.Errorf("%s = %q, want %q", tt.expr, got, tt.want)
		}
	}
}
