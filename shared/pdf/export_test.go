package pdf

import "github.com/citejardins/extranet/shared/notice"

// FpdfCompressed renders the notices as one document with fpdf's own page
// compression, for comparison with Render and RenderBatch.
func FpdfCompressed(r *Renderer, ns []notice.Notice) ([]byte, error) {
	title := "Avis d’échéance à imprimer"
	if len(ns) == 1 {
		title = "Avis d’échéance " + periodWords(ns[0].Period)
	}
	return r.write(ns, title, true)
}

// Uncompressed renders one notice without page compression, so that a
// test can read the text strings as the font's single-byte codes.
func Uncompressed(r *Renderer, n notice.Notice) ([]byte, error) {
	return r.write([]notice.Notice{n}, "Avis d’échéance "+periodWords(n.Period), false)
}
