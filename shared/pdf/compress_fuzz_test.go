package pdf

import (
	"bytes"
	"testing"
)

// compressPages reads fpdf's output back: whatever it is given, it refuses
// or answers a PDF, and never panics.
func FuzzCompressPages(f *testing.F) {
	f.Add([]byte("%PDF-1.3\n1 0 obj\n<</Length 2>>\nstream\nab\nendstream\nendobj\nxref\n0 2\n0000000000 65535 f \n0000000009 00000 n \ntrailer\n<</Size 2>>\nstartxref\n61\n%%EOF\n"))
	f.Fuzz(func(t *testing.T, doc []byte) {
		out, err := compressPages(doc)
		if err == nil && !bytes.HasPrefix(out, []byte("%PDF-")) {
			t.Errorf("accepted %q and answered %q", doc, out[:min(len(out), 16)])
		}
	})
}
