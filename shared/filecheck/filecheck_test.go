package filecheck_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/citejardins/extranet/shared/filecheck"
	"github.com/citejardins/extranet/shared/filecheck/samples"
	"github.com/citejardins/extranet/shared/insurance"
)

func reasonOf(t *testing.T, err error) insurance.Reason {
	t.Helper()
	if err == nil {
		return ""
	}
	var r *insurance.Refusal
	if !errors.As(err, &r) {
		t.Fatalf("error %v is not a refusal", err)
	}
	return r.Reason
}

// TestCheckAccepts: a valid PDF (classic and with object streams), JPEG and
// PNG pass.
func TestCheckAccepts(t *testing.T) {
	c := filecheck.New()
	files := map[string]struct {
		ct   string
		data []byte
	}{
		"pdf":               {insurance.PDF, samples.PDF()},
		"pdf object stream": {insurance.PDF, samples.ObjectStreamPDF("")},
		"jpeg":              {insurance.JPEG, samples.JPEG()},
		"png":               {insurance.PNG, samples.PNG()},
		// Empty names trees name no script nor file.
		"pdf with empty names trees": {insurance.PDF, samples.ObjectStreamPDF("/Names << /JavaScript << /Names [] >> /EmbeddedFiles << /Kids [] >> >>")},
	}
	// Real PDFs: the demo's landlord documents, made by fpdf with
	// compressed streams and embedded fonts.
	for _, p := range []string{"all/guide-eco-loc.pdf", "residences/SD01/reglement-interieur.pdf"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "infra", "demo", "documents", "landlord", filepath.FromSlash(p)))
		if err != nil {
			t.Fatal(err)
		}
		files[p] = struct {
			ct   string
			data []byte
		}{insurance.PDF, b}
	}
	for name, f := range files {
		if err := c.Check(context.Background(), f.ct, f.data); err != nil {
			t.Errorf("%s: %v, want accepted", name, err)
		}
	}
}

// TestCheckRefuses: each way a file is refused, with its reason.
func TestCheckRefuses(t *testing.T) {
	c := filecheck.New()
	for _, tc := range []struct {
		name string
		ct   string
		data []byte
		want insurance.Reason
		// parsed: the refusal must come from the parsed objects, not the
		// raw scan (the name is only inside a compressed object stream).
		parsed bool
	}{
		{"png declared as pdf", insurance.PDF, samples.PNG(), insurance.TypeMismatch, false},
		{"pdf declared as jpeg", insurance.JPEG, samples.PDF(), insurance.TypeMismatch, false},
		{"text declared as pdf", insurance.PDF, []byte("hello"), insurance.TypeMismatch, false},
		{"over 10 MiB", insurance.PDF, append(samples.PDF(), make([]byte, insurance.MaxBytes)...), insurance.TooLarge, false},
		{"truncated pdf", insurance.PDF, samples.TruncatedPDF(), insurance.Unreadable, false},
		{"pdf header only", insurance.PDF, []byte("%PDF-1.7\n%%EOF\n"), insurance.Unreadable, false},
		{"javascript", insurance.PDF, samples.JavaScriptPDF(), insurance.JavaScript, false},
		{"javascript with #xx escapes", insurance.PDF, samples.EscapedJavaScriptPDF(), insurance.JavaScript, false},
		{"javascript in an object stream", insurance.PDF,
			samples.ObjectStreamPDF("/OpenAction 6 0 R", "<< /S /JavaScript /JS (app.alert\\(1\\)) >>"), insurance.JavaScript, true},
		{"escaped javascript in an object stream", insurance.PDF,
			samples.ObjectStreamPDF("/OpenAction 6 0 R", "<< /S /#4AavaScript /#4A#53 (app.alert\\(1\\)) >>"), insurance.JavaScript, true},
		{"javascript names tree in an object stream", insurance.PDF,
			samples.ObjectStreamPDF("/Names << /J#61vaScript 6 0 R >>", "<< /Names [(a) 7 0 R] >>", "<< /S /URI /URI (https://exemple.fr) >>"), insurance.JavaScript, true},
		{"javascript in an object no table lists", insurance.PDF, samples.OrphanJavaScriptPDF(), insurance.JavaScript, false},
		{"launch", insurance.PDF, samples.LaunchPDF(), insurance.LaunchAction, false},
		{"launch in an object stream", insurance.PDF,
			samples.ObjectStreamPDF("/OpenAction 6 0 R", "<< /S /Launch /F (calc.exe) >>"), insurance.LaunchAction, true},
		{"embedded file", insurance.PDF, samples.EmbeddedFilePDF(), insurance.EmbeddedFile, false},
		{"file attachment annotation in an object stream", insurance.PDF,
			samples.ObjectStreamPDF("/PageLabels 6 0 R", "<< /Type /Annot /Subtype /FileAttachment /FS (x.exe) >>"), insurance.EmbeddedFile, true},
		{"encrypted", insurance.PDF, samples.EncryptedPDF(), insurance.Encrypted, false},
		{"corrupt png", insurance.PNG, samples.PNG()[:60], insurance.Unreadable, false},
		{"corrupt jpeg", insurance.JPEG, samples.JPEG()[:200], insurance.Unreadable, false},
		{"decompression bomb png", insurance.PNG, samples.HugePNG(60000, 60000), insurance.ImageTooLarge, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := c.Check(context.Background(), tc.ct, tc.data)
			if got := reasonOf(t, err); got != tc.want {
				t.Fatalf("reason %q (%v), want %q", got, err, tc.want)
			}
			if tc.parsed && strings.Contains(err.Error(), "raw ") {
				t.Errorf("%v: found by the raw scan, want found in the parsed object stream", err)
			}
		})
	}
}
