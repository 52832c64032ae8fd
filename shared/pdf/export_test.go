package pdf

import "github.com/citejardins/extranet/shared/notice"

// FpdfCompressed renders the notices as one document with fpdf's own page
// compression, for comparison with Render and RenderBatch.
func FpdfCompressed(r *Renderer, ns []notice.Notice) ([]byte, error) {
	title := "Avis d'échéance à imprimer"
	if len(ns) == 1 {
		title = "Avis d'échéance " + periodWords(ns[0].Period)
	}
	return r.write(ns, title, true)
}
