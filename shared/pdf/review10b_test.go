package pdf_test

// Review of issue 10: see /work/wt/review10b/README.md.

import (
	"strings"
	"testing"
	"time"

	"github.com/citejardins/extranet/shared/pdf"
	"github.com/citejardins/extranet/shared/tenancy"
)

// The mandate prints the signature's day in Paris and its time in UTC
// side by side: a mandate signed at 00:30 Paris on 1 December (23:30 UTC
// on 30 November) reads "Signé électroniquement le 01/12/2026 à 23:30
// UTC", an instant a day later than the signature. The date and time of
// signature must name one instant (Paris time, as every other date the
// tenant reads).
func TestReview10b_MandateSignatureDateAndTimeAreOneInstant(t *testing.T) {
	m := sampleMandate()
	m.SignedAt = time.Date(2026, 11, 30, 23, 30, 0, 0, time.UTC)
	m.SignedOn = tenancy.ParisDate(m.SignedAt) // 2026-12-01
	doc, err := (&pdf.Renderer{}).RenderMandate(m)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(strings.Fields(pdfText(t, doc)), " ")
	if !strings.Contains(got, "Signé électroniquement le 01/12/2026 à 00:30") {
		t.Errorf("mandate PDF does not state the signature's instant in Paris time (01/12/2026 à 00:30):\n%s", got)
	}
}
