package filecheck_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/citejardins/extranet/shared/filecheck"
	"github.com/citejardins/extranet/shared/filecheck/samples"
	"github.com/citejardins/extranet/shared/insurance"
)

// FuzzCheckFile: whatever the bytes, Check answers nil or a refusal (never
// another error, never a panic), and accepts only bytes of the declared
// type.
func FuzzCheckFile(f *testing.F) {
	types := []string{insurance.PDF, insurance.JPEG, insurance.PNG}
	for _, s := range [][]byte{samples.PDF(), samples.ObjectStreamPDF(""), samples.JavaScriptPDF(), samples.EscapedJavaScriptPDF(),
		samples.LaunchPDF(), samples.EmbeddedFilePDF(), samples.EncryptedPDF(), samples.TruncatedPDF(),
		samples.ObjectStreamPDF("/OpenAction 6 0 R", "<< /S /JavaScript /JS (x) >>")} {
		f.Add(uint8(0), s)
	}
	f.Add(uint8(1), samples.JPEG())
	f.Add(uint8(2), samples.PNG())
	f.Add(uint8(2), samples.HugePNG(70000, 70000))
	c := filecheck.New()
	f.Fuzz(func(t *testing.T, kind uint8, data []byte) {
		ct := types[int(kind)%len(types)]
		err := c.Check(context.Background(), ct, data)
		var r *insurance.Refusal
		if err != nil && !errors.As(err, &r) {
			t.Fatalf("Check(%s) = %v, want nil or a refusal", ct, err)
		}
		if err == nil {
			magic := map[string][]byte{insurance.PDF: []byte("%PDF-"), insurance.JPEG: {0xff, 0xd8, 0xff}, insurance.PNG: []byte("\x89PNG")}[ct]
			if !bytes.HasPrefix(data, magic) {
				t.Fatalf("accepted as %s without its magic bytes: %q", ct, data[:min(len(data), 16)])
			}
		}
	})
}
