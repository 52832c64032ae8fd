package pdf_test

import (
	"bytes"
	"testing"

	"github.com/citejardins/extranet/shared/notice"
	"github.com/citejardins/extranet/shared/pdf"
)

// Render and RenderBatch compress the pages after fpdf (compress.go): the
// documents are byte for byte those fpdf writes with its own compression,
// for each demo notice alone and for a batch of them.
func TestPagesCompressedAsFpdfDoes(t *testing.T) {
	demo := demoNotices(t)
	r := &pdf.Renderer{PortalURL: "https://extranet.example.fr"}
	var batch []notice.Notice
	for _, ref := range []string{"8889999", "1234567", "7654321"} {
		n := demo[ref]
		batch = append(batch, n, n)
		got, err := r.Render(n)
		if err != nil {
			t.Fatal(err)
		}
		want, err := pdf.FpdfCompressed(r, []notice.Notice{n})
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("lease %s: Render gives %d bytes, fpdf's compression %d; they differ", ref, len(got), len(want))
		}
		if !bytes.Contains(got, []byte("/Filter /FlateDecode")) {
			t.Errorf("lease %s: no compressed stream", ref)
		}
	}
	got, err := r.RenderBatch(batch)
	if err != nil {
		t.Fatal(err)
	}
	want, err := pdf.FpdfCompressed(r, batch)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("batch of %d: RenderBatch gives %d bytes, fpdf's compression %d; they differ", len(batch), len(got), len(want))
	}
	if n := bytes.Count(got, []byte("<</Filter /FlateDecode /Length ")); n != len(batch) {
		t.Errorf("batch of %d: %d compressed page streams", len(batch), n)
	}
}
