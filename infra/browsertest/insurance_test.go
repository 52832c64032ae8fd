package browsertest

// Mon assurance on a phone (390×844): the camera's attributes, real uploads
// from Chromium to the presigned POST of the S3 emulator (another origin),
// with the progress shown and announced; a good PDF accepted for review, a
// PNG sent under a .pdf name refused with the API's reason, the form kept.

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/citejardins/extranet/infra/localstack"
)

// objects lists the documents bucket's objects under a prefix, with their bytes.
func objects(t *testing.T, stack *localstack.Stack, prefix string) map[string][]byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	client := stack.S3Client()
	list, err := client.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(localstack.DocumentsBucket), Prefix: aws.String(prefix)})
	if err != nil {
		t.Fatalf("list %s: %v", prefix, err)
	}
	out := map[string][]byte{}
	for _, o := range list.Contents {
		obj, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(localstack.DocumentsBucket), Key: o.Key})
		if err != nil {
			t.Fatalf("get %s: %v", *o.Key, err)
		}
		var buf bytes.Buffer
		buf.ReadFrom(obj.Body)
		obj.Body.Close()
		out[*o.Key] = buf.Bytes()
	}
	return out
}

// choose puts a file of the machine in a file input, as a person picks it.
func (b *browser) choose(sel, file string) {
	b.t.Helper()
	b.do(chromedp.SetUploadFiles(chromedp.CSS(sel), []string{file}))
}

// watchUpload records, from now on, every value of the progress bar and
// every text of its live region.
func (b *browser) watchUpload() {
	b.t.Helper()
	eval[bool](b, `(() => { window.__progress = []; window.__said = [];
		const p = document.getElementById("envoi-progression"), s = document.getElementById("envoi-etat");
		new MutationObserver(() => window.__progress.push(Number(p.value))).observe(p, { attributes: true, attributeFilter: ["value"] });
		new MutationObserver(() => window.__said.push(s.textContent.replace(/[\u00a0\u202f]/g, " "))).observe(s, { childList: true, characterData: true, subtree: true });
		return true; })()`)
}

// throttleUpload slows the browser's uploads to bytes per second (0: back to full speed).
func (b *browser) throttleUpload(bytesPerSecond float64) {
	b.t.Helper()
	var rules []*network.Conditions
	if bytesPerSecond > 0 {
		rules = []*network.Conditions{{DownloadThroughput: -1, UploadThroughput: bytesPerSecond}}
	}
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	if _, err := chromedp.Call(ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{MatchedNetworkConditions: rules}); err != nil {
		b.t.Fatalf("throttle uploads: %v", err)
	}
}

func TestInsurancePage(t *testing.T) {
	b := start(t)
	b.tenant("7654321", "N'DIAYE", "1990-01-30", "abdou.ndiaye@example.org")
	b.phone(390, 844)
	dir := t.TempDir()

	// From the home page, with the flyer's words.
	if got := b.text(`.sections a[href="/mon-espace/assurance"]`); got != "Mon assurance" {
		t.Fatalf("the home page's link to Mon assurance reads %q", got)
	}
	b.click(`.sections a[href="/mon-espace/assurance"]`)
	b.waitLoaded("Mon assurance")
	before := b.get("/api/v1/insurance", true)
	var state struct {
		Status string `json:"status"`
	}
	if before.status != 200 || json.Unmarshal(before.body, &state) != nil {
		t.Fatalf("GET /api/v1/insurance: %d %.200s", before.status, before.body)
	}
	if got := eval[string](b, `document.querySelector("[data-etat-assurance]").dataset.etatAssurance`); got != state.Status {
		t.Errorf("the page shows the state %q, the API %q", got, state.Status)
	}

	// The chooser and the camera: both take a PDF, a JPEG or a PNG; the
	// second opens the phone's back camera.
	type input struct {
		Accept  string `json:"accept"`
		Capture string `json:"capture"`
		Label   string `json:"label"`
	}
	for id, want := range map[string]input{
		"fichier": {"application/pdf,image/jpeg,image/png", "", "Choisir un fichier"},
		"photo":   {"application/pdf,image/jpeg,image/png", "environment", "Ou prendre une photo (sur un téléphone)"},
	} {
		got := eval[input](b, `(() => { const i = document.getElementById("`+id+`"); return { accept: i.getAttribute("accept"), capture: i.getAttribute("capture") || "", label: i.labels[0]?.innerText || "" }; })()`)
		if got != want {
			t.Errorf("#%s: %+v, want %+v", id, got, want)
		}
	}
	if got := eval[string](b, `document.getElementById("envoi-progression").labels[0]?.innerText + "|" + document.getElementById("envoi-etat").getAttribute("role")`); got != "Envoi du fichier|status" {
		t.Errorf("the progress bar's label and live region: %q", got)
	}
	b.check("assurance")
	b.phone(390, 844)

	// By keyboard: the file, the camera, then the fields in order, then the button.
	b.tabTo("#fichier", 60)
	for _, id := range []string{"photo", "insurer", "policyNumber", "startDate", "endDate", "button:Envoyer mon attestation"} {
		b.tabOnce(id)
	}

	// Nothing filled: said before anything travels.
	b.click(`form button[type="submit"]`)
	b.waitFor(`document.querySelector(".error-summary")`, "the form's errors")
	if got := b.text(".error-summary h2"); got != "5 informations sont à corriger" {
		t.Errorf("an empty form: %q", got)
	}
	if got := b.text("#fichier-erreur"); !strings.Contains(got, "Choisissez le fichier de votre attestation") {
		t.Errorf("the file's error reads %q", got)
	}

	fill := func() {
		for sel, text := range map[string]string{"#insurer": "MAIF", "#policyNumber": "123456789AB", "#startDate": "01/12/2026", "#endDate": "30/11/2027"} {
			b.clear(sel)
			b.fill(sel, text)
		}
	}

	// A good PDF, 1.5 MB, sent at 1 MB/s: the bar moves, and says so.
	good := samplePDF("Attestation d'assurance habitation MAIF 123456789AB", 1_500_000)
	goodFile := filepath.Join(dir, "attestation-maif.pdf")
	if err := os.WriteFile(goodFile, good, 0o644); err != nil {
		t.Fatal(err)
	}
	b.choose("#fichier", goodFile)
	b.waitFor(`document.getElementById("fichier-choisi").innerText.includes("attestation-maif.pdf")`, "the file chosen")
	fill()
	b.watchUpload()
	b.throttleUpload(1_000_000)
	b.click(`form button[type="submit"]`)
	b.waitFor(`!document.querySelector(".upload-progress").hidden`, "the progress bar")
	b.waitFor(`document.querySelector("[data-confirmation]")`, "the certificate sent")
	b.throttleUpload(0)
	progress := eval[[]float64](b, `window.__progress`)
	said := eval[[]string](b, `window.__said`)
	var midway bool
	for _, v := range progress {
		midway = midway || (v > 0 && v < 100)
	}
	if !midway || len(progress) == 0 || progress[len(progress)-1] != 100 {
		t.Errorf("the progress bar went %v; want values between 0 and 100, then 100", progress)
	}
	if !strings.Contains(strings.Join(said, "|"), "Envoi en cours : ") || !strings.Contains(strings.Join(said, "|"), "Fichier envoyé (100 %)") {
		t.Errorf("the live region said %q", said)
	}
	if got := eval[string](b, `document.querySelector("[data-etat-assurance]").dataset.etatAssurance`); got != "pending" {
		t.Errorf("after sending, the state is %q, want pending", got)
	}
	if got := eval[string](b, `document.querySelector("[data-etat-assurance]").textContent.replace(/\u00a0/g, " ")`); got != "État : En cours de vérification" {
		t.Errorf("after sending, the state reads %q", got)
	}
	if n := eval[int](b, `document.querySelectorAll("[data-attestation]").length`); n != 1 {
		t.Errorf("%d certificates in the history, want 1", n)
	}
	if got := b.text("[data-attestation]"); !strings.Contains(got, "MAIF") || !strings.Contains(got, "attestation-maif.pdf") || !strings.Contains(got, "123456789AB") {
		t.Errorf("the history's certificate reads %q", got)
	}
	// The file went through the browser to storage, byte for byte.
	var stored bool
	for key, body := range objects(t, b.stack, "insurance/certificates/") {
		if bytes.Equal(body, good) {
			stored = true
			t.Logf("stored as %s", key)
		}
	}
	if !stored {
		t.Errorf("the PDF sent is not under insurance/certificates/")
	}
	b.check("assurance-envoyee")
	b.phone(390, 844)

	// A PNG named .pdf: the browser declares a PDF, the check of the file
	// refuses it and says why; the form keeps what was typed.
	img := image.NewRGBA(image.Rect(0, 0, 200, 100))
	for x := 0; x < 200; x++ {
		img.Set(x, 50, color.Black)
	}
	var pngBytes bytes.Buffer
	if err := png.Encode(&pngBytes, img); err != nil {
		t.Fatal(err)
	}
	badFile := filepath.Join(dir, "attestation-scan.pdf")
	if err := os.WriteFile(badFile, pngBytes.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	b.choose("#fichier", badFile)
	b.waitFor(`document.getElementById("fichier-choisi").innerText.includes("attestation-scan.pdf")`, "the second file chosen")
	fill()
	b.watchUpload()
	b.click(`form button[type="submit"]`)
	b.waitFor(`document.querySelector(".error-summary")`, "the refusal")
	if got := b.text(".error-summary h2"); got != "Votre attestation n’a pas été acceptée" {
		t.Errorf("the refusal's title %q", got)
	}
	reason := b.text(".error-summary p")
	t.Logf("refused: %s", reason)
	if !strings.Contains(reason, "PDF") {
		t.Errorf("the refusal does not say why (the file is no PDF): %q", reason)
	}
	if got := eval[[]float64](b, `window.__progress`); len(got) == 0 || got[len(got)-1] != 100 {
		t.Errorf("the refused file's upload went %v; want it sent in full before the check", got)
	}
	if got := eval[string](b, `document.getElementById("insurer").value + "|" + document.getElementById("endDate").value`); got != "MAIF|30/11/2027" {
		t.Errorf("after the refusal, the form holds %q; want what was typed", got)
	}
	if got := eval[string](b, `document.title`); !strings.HasPrefix(got, "Erreur : Mon assurance") {
		t.Errorf("after the refusal, the title is %q", got)
	}
	if n := eval[int](b, `document.querySelectorAll("[data-attestation]").length`); n != 1 {
		t.Errorf("%d certificates in the history after a refusal, want 1", n)
	}
	var quarantined bool
	for _, body := range objects(t, b.stack, "insurance/quarantine/") {
		quarantined = quarantined || bytes.Equal(body, pngBytes.Bytes())
	}
	if !quarantined {
		t.Errorf("the refused file is not under insurance/quarantine/")
	}
	for _, body := range objects(t, b.stack, "insurance/certificates/") {
		if bytes.Equal(body, pngBytes.Bytes()) {
			t.Errorf("the refused file is among the certificates")
		}
	}
	b.check("assurance-refusee")

	// The landlord refuses the first certificate through the ERP's
	// assurances file: the page says so, with the landlord's reason.
	id := eval[string](b, `document.querySelector("[data-attestation]").dataset.attestation`)
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	today := time.Now().In(paris)
	const motif = "Le logement assuré n’est pas le vôtre : vérifiez l’adresse"
	file := "reference;id_attestation;statut;date;motif\n0007654321;" + id + ";refusee;" + today.Format("02/01/2006") + ";" + motif + "\n"
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if rep, err := b.stack.Import(ctx, "assurances_delta_"+today.Format("20060102")+".csv", []byte(file)); err != nil || !strings.Contains(string(rep), `"rejected": 0`) {
		t.Fatalf("import the landlord's refusal: %v\n%s", err, rep)
	}
	b.visit("/mon-espace/assurance", "Mon assurance")
	b.waitLoaded("Mon assurance")
	if got := eval[string](b, `document.querySelector("[data-etat-assurance]").dataset.etatAssurance`); got != "refused" {
		t.Errorf("after the landlord's refusal, the state is %q", got)
	}
	if got := b.text("[data-motif]"); got != "Motif du refus : "+motif {
		t.Errorf("the refusal's reason reads %q", got)
	}
	if got := b.text(`[data-attestation="` + id + `"]`); !strings.Contains(got, "Refusée") || !strings.Contains(got, motif) || !strings.Contains(got, "Refusée le\n"+frenchDay(today)) {
		t.Errorf("the history's refused certificate reads %q", got)
	}
	b.check("assurance-refus-bailleur")
	b.logOut()
}
