package pdf

import (
	"errors"
	"testing"
)

// A document not laid out as fpdf writes one is refused, not mangled.
func TestCompressPagesRefusesOtherLayouts(t *testing.T) {
	for _, doc := range []string{
		"",
		"%PDF-1.4\nnot a document\n",
		"%PDF-1.4\n1 0 obj\n<<>>\nendobj\nstartxref\n999\n%%EOF\n",
		"%PDF-1.4\n1 0 obj\n<<>>\nendobj\nxref\n0 2\n0000000000 65535 f \n0000000099 00000 n \ntrailer\n<<>>\nstartxref\n29\n%%EOF\n",
		"%PDF-1.4\n1 0 obj\n<<>>\nendobj\nxref\n0 3\n0000000000 65535 f \n0000000009 00000 n \n0000000009 00000 n \ntrailer\n<<>>\nstartxref\n29\n%%EOF\n",
	} {
		if _, err := compressPages([]byte(doc)); !errors.Is(err, errLayout) {
			t.Errorf("%q: err %v, want errLayout", doc, err)
		}
	}
}
