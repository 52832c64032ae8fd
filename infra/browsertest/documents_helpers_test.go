package browsertest

// Helpers of the Mes documents tests: notices seeded as the monthly run
// stores them, a small real PDF, the page's controls, and fetching a link
// with the browser's session.

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/citejardins/extranet/infra/localstack"
	"github.com/citejardins/extranet/shared/document"
	"github.com/citejardins/extranet/shared/tenancy"
)

// seedNotice stores lease ref's notice of the period as the monthly run
// does: the PDF in the documents bucket, then the document item. It is
// issued on the 20th of the month before and due on the 1st.
func seedNotice(t *testing.T, stack *localstack.Stack, ref string, period time.Time, amountCents int64, pdf []byte) document.Document {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	p := period.Format("2006-01")
	key := fmt.Sprintf("notices/test/%s/%s.pdf", ref, p)
	if _, err := stack.S3Client().PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(localstack.DocumentsBucket), Key: aws.String(key),
		Body: bytes.NewReader(pdf), ContentType: aws.String("application/pdf")}); err != nil {
		t.Fatalf("put %s: %v", key, err)
	}
	issued := period.AddDate(0, -1, 19)
	due := tenancy.Date{Year: period.Year(), Month: period.Month(), Day: 1}
	d, err := stack.Store().PutDocument(ctx, ref, document.Document{
		Kind: document.Notice, Title: "Avis d’échéance " + monthNames[period.Month()-1] + " " + strconv.Itoa(period.Year()), Period: p,
		Date: tenancy.Date{Year: issued.Year(), Month: issued.Month(), Day: issued.Day()}, ContentType: "application/pdf",
		SizeBytes: int64(len(pdf)), FileName: "avis-echeance-" + p + ".pdf", Key: key, AmountDueCents: &amountCents, DueDate: &due,
	})
	if err != nil {
		t.Fatalf("put the notice of %s for %s: %v", p, ref, err)
	}
	return d
}

// monthYear is "décembre 2026"; frenchDay "1er décembre 2026", as the app writes them.
func monthYear(t time.Time) string { return monthNames[t.Month()-1] + " " + strconv.Itoa(t.Year()) }

// ofMonth is "de décembre 2026", "d’août 2026".
func ofMonth(t time.Time) string {
	if strings.ContainsRune("aeiouéy", []rune(monthNames[t.Month()-1])[0]) {
		return "d’" + monthYear(t)
	}
	return "de " + monthYear(t)
}

func frenchDay(t time.Time) string {
	day := strconv.Itoa(t.Day())
	if t.Day() == 1 {
		day = "1er"
	}
	return day + " " + monthYear(t)
}

var monthNames = []string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}

func fileURLOf(d document.Document) string { return "/api/v1/documents/" + d.ID + "/file" }

// samplePDF is a real one-page PDF that says text, padded to about size
// bytes by a comment in its page's content (a notice weighs some 30 KB).
func samplePDF(text string, size int) []byte {
	content := "BT /F1 18 Tf 72 760 Td (" + text + ") Tj ET\n"
	if pad := size - 600 - len(content); pad > 0 {
		content += "%" + strings.Repeat(" ", pad) + "\n"
	}
	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", len(content), content),
	}
	var out bytes.Buffer
	out.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = out.Len()
		fmt.Fprintf(&out, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := out.Len()
	fmt.Fprintf(&out, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&out, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&out, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)
	return out.Bytes()
}

// waitDocuments waits for Mes documents with its list loaded.
func (b *browser) waitDocuments() {
	b.t.Helper()
	b.waitLoaded("Mes documents")
	b.waitFor(`document.getElementById("documents-etat") && !document.getElementById("documents-etat").innerText.startsWith("Chargement")`, "the documents")
}

// filter chooses a kind (avis, utiles or "" for all) and a year ("" for all), and shows them.
func (b *browser) filter(kind, year string) {
	b.t.Helper()
	eval[bool](b, `(() => { for (const [id, v] of [["type", `+js(kind)+`], ["annee", `+js(year)+`]]) {
		const s = document.getElementById(id); s.value = v; s.dispatchEvent(new Event("change", { bubbles: true }));
		if (s.value !== v) throw new Error(id + " has no option " + v); } return true; })()`)
	b.clickText("button", "Afficher")
}

// shownDocuments lists the ids of the documents shown, in order.
func (b *browser) shownDocuments() []string {
	b.t.Helper()
	return eval[[]string](b, `[...document.querySelectorAll("[data-document]")].map((li) => li.dataset.document)`)
}

type fetched struct {
	status   int
	location string
	body     []byte
}

// get fetches a URL (a path of the portal, or an absolute one) with the
// browser's cookies, following redirects or not.
func (b *browser) get(u string, follow bool) fetched {
	b.t.Helper()
	if strings.HasPrefix(u, "/") {
		u = b.stack.URL + u
	}
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	cookies, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{b.stack.URL + "/"}})
	if err != nil {
		b.t.Fatalf("read the browser's cookies: %v", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	if strings.HasPrefix(u, b.stack.URL+"/") {
		for _, c := range cookies.Cookies {
			req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
		}
	}
	client := &http.Client{}
	if !follow {
		client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	}
	resp, err := client.Do(req)
	if err != nil {
		b.t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatalf("GET %s: %v", u, err)
	}
	return fetched{status: resp.StatusCode, location: resp.Header.Get("Location"), body: body}
}

// downloaded waits for the one file the browser saves into dir, and reads it.
func (b *browser) downloaded(dir string) []byte {
	b.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		entries, _ := os.ReadDir(dir)
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
			if strings.HasSuffix(e.Name(), ".crdownload") {
				continue
			}
			if raw, err := os.ReadFile(filepath.Join(dir, e.Name())); err == nil && len(raw) > 0 {
				return raw
			}
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("nothing downloaded; the folder holds %v\npage: %s", names, b.describe())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func distinct(ids []string) bool {
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			return false
		}
		seen[id] = true
	}
	return true
}
