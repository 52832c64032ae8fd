package pdf_test

import (
	"testing"

	"github.com/citejardins/extranet/shared/notice"
	"github.com/citejardins/extranet/shared/pdf"
)

// BenchmarkRender renders the three demo notices in turn, one PDF each, on
// one goroutine: notices per second per core (goal ≥ 500), bytes of one.
func BenchmarkRender(b *testing.B) {
	demo := demoNotices(b)
	ns := []notice.Notice{demo["8889999"], demo["1234567"], demo["7654321"]}
	r := new(pdf.Renderer)
	b.ReportAllocs()
	size, i := 0, 0
	for b.Loop() {
		doc, err := r.Render(ns[i%len(ns)])
		if err != nil {
			b.Fatal(err)
		}
		size += len(doc)
		i++
	}
	b.ReportMetric(float64(size)/float64(i), "bytes/notice")
}

// BenchmarkRenderBatch100 renders a print batch of 100 notices.
func BenchmarkRenderBatch100(b *testing.B) {
	demo := demoNotices(b)
	var ns []notice.Notice
	for i := range 100 {
		ns = append(ns, demo[[]string{"8889999", "1234567", "7654321"}[i%3]])
	}
	r := new(pdf.Renderer)
	b.ReportAllocs()
	var size int
	for b.Loop() {
		doc, err := r.RenderBatch(ns)
		if err != nil {
			b.Fatal(err)
		}
		size = len(doc)
	}
	b.ReportMetric(float64(size), "bytes/batch")
}
