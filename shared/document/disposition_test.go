package document

import (
	"mime"
	"net/url"
	"strings"
	"testing"
)

func TestAttachment(t *testing.T) {
	for _, tt := range []struct{ name, want string }{
		{"avis-echeance-2026-12.pdf", `attachment; filename="avis-echeance-2026-12.pdf"; filename*=UTF-8''avis-echeance-2026-12.pdf`},
		{"Règlement intérieur.pdf", `attachment; filename="Reglement interieur.pdf"; filename*=UTF-8''R%C3%A8glement%20int%C3%A9rieur.pdf`},
		{`a"b\c/d%e.pdf`, `attachment; filename="a_b_c_d_e.pdf"; filename*=UTF-8''a%22b_c_d%25e.pdf`},
		{"Élan €.pdf", `attachment; filename="Elan _.pdf"; filename*=UTF-8''%C3%89lan%20%E2%82%AC.pdf`},
		{"", `attachment; filename="document"; filename*=UTF-8''document`},
	} {
		if got := Attachment(tt.name); got != tt.want {
			t.Errorf("Attachment(%q) =\n %s\nwant\n %s", tt.name, got, tt.want)
		}
	}
}

// Go's own parser (as browsers do) reads the exact name back from filename*.
func TestAttachmentReadsBack(t *testing.T) {
	for _, name := range []string{"avis-echeance-2026-12.pdf", "Règlement intérieur (2026).pdf", "Guide Eco'Loc.pdf", "l'été; x=1.pdf"} {
		disp, params, err := mime.ParseMediaType(Attachment(name))
		if err != nil || disp != "attachment" || params["filename"] != name {
			t.Errorf("ParseMediaType(Attachment(%q)) = %q, %q, %v", name, disp, params, err)
		}
		if u, err := url.PathUnescape(strings.SplitN(Attachment(name), "UTF-8''", 2)[1]); err != nil || u != name {
			t.Errorf("filename* of %q decodes to %q, %v", name, u, err)
		}
	}
}
