package browsertest

// Mon assurance's file field: each refusal (checked in the page, by the
// API's 422 on the landed file, by S3) is said next to the file field, on
// the input that holds the file. From review 9d.

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sendCertificateForm sends a certificate through the page's form.
func sendCertificateForm(b *browser, file, insurer, policy string) {
	b.t.Helper()
	b.choose("#fichier", file)
	for sel, text := range map[string]string{"#insurer": insurer, "#policyNumber": policy, "#startDate": "01/12/2026", "#endDate": "30/11/2027"} {
		b.clear(sel)
		b.fill(sel, text)
	}
}

// The file field: each refusal is said next to the input the tenant used,
// before anything travels.
func TestInsurancePageFileErrorsMarkTheInputUsed(t *testing.T) {
	b := start(t)
	b.tenant("7654321", "N'DIAYE", "1990-01-30", "abdou.ndiaye@example.org")
	b.visit("/mon-espace/assurance", "Mon assurance")
	b.waitLoaded("Mon assurance")
	dir := t.TempDir()
	mk := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	big := mk("gros.pdf", append([]byte("%PDF-1.4\n"), make([]byte, 10*1024*1024)...))
	empty := mk("vide.pdf", nil)
	txt := mk("notes.txt", []byte("hello"))
	eval[bool](b, `(() => { window.__posts = 0; const o = window.fetch; window.fetch = (u, ...r) => { if (String(u).includes("/insurance/uploads")) window.__posts++; return o(u, ...r); }; return true; })()`)
	for _, c := range []struct{ input, file, want string }{
		{"#fichier", big, "dépasse 10 Mo"},
		{"#fichier", empty, "vide"},
		{"#fichier", txt, "ni un PDF"},
		{"#photo", txt, "ni un PDF"},
	} {
		b.choose(c.input, c.file)
		for sel, text := range map[string]string{"#insurer": "MAIF", "#policyNumber": "1", "#startDate": "01/12/2026", "#endDate": "30/11/2027"} {
			b.clear(sel)
			b.fill(sel, text)
		}
		b.click(`form[aria-label="Envoyer une nouvelle attestation"] button[type="submit"]`)
		b.waitFor(`document.querySelector(".error-summary")`, "the error")
		if got := b.text("#fichier-erreur"); !strings.Contains(got, c.want) {
			t.Errorf("%s %s: the file's error reads %q", c.input, filepath.Base(c.file), got)
		}
		// The input that holds the file is the one marked invalid and
		// described by the error (WCAG 3.3.1, RGAA 11.10).
		st := eval[string](b, `(() => { const i = document.querySelector(`+js(c.input)+`); return (i.getAttribute("aria-invalid") || "-") + "|" + (i.getAttribute("aria-describedby") || ""); })()`)
		if !strings.HasPrefix(st, "true|") || !strings.Contains(st, "fichier-erreur") {
			t.Errorf("%s %s: the input used is %q (aria-invalid|aria-describedby); want invalid, described by #fichier-erreur", c.input, filepath.Base(c.file), st)
		}
	}
	if n := eval[int](b, `window.__posts`); n != 0 {
		t.Errorf("%d uploads asked for files the page knew were wrong", n)
	}
	b.check("erreurs-fichier")
}

// A file the check refuses (422) is said next to the file field too, not
// only in the summary.
func TestInsurancePageRefusedFileTiedToField(t *testing.T) {
	b := start(t)
	b.tenant("7654321", "N'DIAYE", "1990-01-30", "abdou.ndiaye@example.org")
	b.visit("/mon-espace/assurance", "Mon assurance")
	b.waitLoaded("Mon assurance")
	f := filepath.Join(t.TempDir(), "tronque.pdf")
	os.WriteFile(f, samplePDF("Attestation", 40_000)[:2000], 0o644)
	sendCertificateForm(b, f, "MAIF", "1")
	b.click(`form[aria-label="Envoyer une nouvelle attestation"] button[type="submit"]`)
	b.waitFor(`document.querySelector(".error-summary")`, "the refusal")
	t.Logf("summary: %s", b.text(".error-summary"))
	if got := b.text("#fichier-erreur"); got == "" {
		t.Errorf("the refused file's reason is not next to the file field (#fichier-erreur empty)")
	}
	if got := eval[string](b, `document.getElementById("fichier").getAttribute("aria-invalid") || ""`); got != "true" {
		t.Errorf("#fichier aria-invalid %q after the file was refused", got)
	}
}

// TestInsurancePageS3RefusalTiedToField: an upload S3 refuses (here a POST
// without its fields) is said next to the file field too.
func TestInsurancePageS3RefusalTiedToField(t *testing.T) {
	b := start(t)
	b.tenant("7654321", "N'DIAYE", "1990-01-30", "abdou.ndiaye@example.org")
	b.visit("/mon-espace/assurance", "Mon assurance")
	b.waitLoaded("Mon assurance")
	f := filepath.Join(t.TempDir(), "attestation.pdf")
	if err := os.WriteFile(f, samplePDF("Attestation", 40_000), 0o644); err != nil {
		t.Fatal(err)
	}
	eval[bool](b, `(() => { const s = XMLHttpRequest.prototype.send; XMLHttpRequest.prototype.send = function () { return s.call(this, new FormData()); }; return true; })()`)
	sendCertificateForm(b, f, "MAIF", "1")
	b.click(`form[aria-label="Envoyer une nouvelle attestation"] button[type="submit"]`)
	b.waitFor(`document.querySelector(".error-summary")`, "the refusal")
	t.Logf("summary: %s", b.text(".error-summary"))
	if got := b.text("#fichier-erreur"); got == "" {
		t.Errorf("the upload's refusal is not next to the file field (#fichier-erreur empty)")
	}
	if got := eval[string](b, `document.getElementById("fichier").getAttribute("aria-invalid") || ""`); got != "true" {
		t.Errorf("#fichier aria-invalid %q after S3 refused the upload", got)
	}
}
