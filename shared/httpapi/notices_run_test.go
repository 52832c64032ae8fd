package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"path"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/citejardins/extranet/infra/localstack"
	"github.com/citejardins/extranet/shared/notice"
	"github.com/citejardins/extranet/shared/noticerun"
	"github.com/citejardins/extranet/shared/portal"
	"github.com/citejardins/extranet/shared/tenancy"
)

// The monthly notices on the local stack, as `make notices` runs them:
// POST /_dev/notices plans the period, the noticeworker drains the queue
// behind the SQS event source, then the print step runs.

// runNotices posts a period to /_dev/notices and returns its answer.
func (a *api) runNotices(t *testing.T, period string) localstack.NoticesResult {
	t.Helper()
	resp, err := http.Post(a.base+"/_dev/notices", "application/json", strings.NewReader(`{"period":"`+period+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST /_dev/notices: %d %s", resp.StatusCode, body)
	}
	var fields map[string]any
	if err := json.Unmarshal(body, &fields); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"period", "leases", "issued", "alreadyIssued", "mailed", "printed", "failed", "printBatch"} {
		if _, ok := fields[k]; !ok {
			t.Errorf("the answer lacks %q: %s", k, body)
		}
	}
	var res localstack.NoticesResult
	if err := json.Unmarshal(body, &res); err != nil {
		t.Fatal(err)
	}
	return res
}

// object reads an object of the documents bucket.
func (a *api) object(t *testing.T, key string) []byte {
	t.Helper()
	out, err := a.stack.S3Client().GetObject(context.Background(), &s3.GetObjectInput{Bucket: &localstack.DocumentsBucket, Key: &key})
	if err != nil {
		t.Fatalf("get %s: %v", key, err)
	}
	defer out.Body.Close()
	b, _ := io.ReadAll(out.Body)
	return b
}

// keys lists the documents bucket's keys under a prefix.
func (a *api) keys(t *testing.T, prefix string) []string {
	t.Helper()
	var keys []string
	p := s3.NewListObjectsV2Paginator(a.stack.S3Client(), &s3.ListObjectsV2Input{Bucket: &localstack.DocumentsBucket, Prefix: &prefix})
	for p.HasMorePages() {
		out, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range out.Contents {
			keys = append(keys, aws.ToString(o.Key))
		}
	}
	return keys
}

// pdfText reads a PDF's text back with pdftotext -layout (no-break spaces
// as spaces); the test is skipped where poppler is missing.
func pdfText(t *testing.T, doc []byte) string {
	t.Helper()
	tool, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Skip("pdftotext is not installed (Debian: apt-get install poppler-utils): cannot read the notices back")
	}
	cmd := exec.Command(tool, "-layout", "-", "-")
	cmd.Stdin = bytes.NewReader(doc)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return strings.NewReplacer("\u202F", " ", "\u00A0", " ").Replace(string(out))
}

// says checks that text holds each phrase, its words separated by any
// white space (pdftotext pads columns).
func says(t *testing.T, what, text string, phrases ...string) {
	t.Helper()
	for _, p := range phrases {
		words := strings.Fields(p)
		for i, w := range words {
			words[i] = regexp.QuoteMeta(w)
		}
		if !regexp.MustCompile(strings.Join(words, `\s+`)).MatchString(text) {
			t.Errorf("%s does not say %q; its text:\n%s", what, p, text)
		}
	}
}

// frenchEuros writes cents as the notice prints them: 1 234,56 € (the
// narrow no-break spaces read back as spaces), a minus sign for a credit.
func frenchEuros(c int64) string {
	sign := ""
	if c < 0 {
		sign, c = "− ", -c
	}
	whole := fmt.Sprint(c / 100)
	var b strings.Builder
	for i, d := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(d)
	}
	return fmt.Sprintf("%s%s,%02d €", sign, b.String(), c%100)
}

// expectedNotice builds a lease's notice for the period from what the
// store holds, as the worker does: the lease, the ERP's lines, and the
// balance before the period's first day.
func (a *api) expectedNotice(t *testing.T, ref string, p notice.Period) notice.Notice {
	t.Helper()
	ctx := context.Background()
	st := a.stack.Store()
	l, err := st.Lease(ctx, ref)
	if err != nil {
		t.Fatal(err)
	}
	lines, err := st.NoticeLines(ctx, ref, p)
	if err != nil {
		t.Fatal(err)
	}
	since, err := st.EntriesSince(ctx, ref, p.First())
	if err != nil {
		t.Fatal(err)
	}
	env, err := a.stack.FunctionEnv("noticeworker")
	if err != nil {
		t.Fatal(err)
	}
	return notice.Build(l, p, lines, l.BalanceCents-since, portal.LandlordFrom(func(k string) string { return env[k] }), tenancy.ParisDate(time.Now()))
}

// onOneLine reports whether a line of text holds first, then second.
func onOneLine(text, first, second string) bool {
	for _, line := range strings.Split(text, "\n") {
		if i := strings.Index(line, first); i >= 0 && strings.Contains(line[i+len(first):], second) {
			return true
		}
	}
	return false
}

func dateFR(d tenancy.Date) string { return fmt.Sprintf("%02d/%02d/%d", d.Day, int(d.Month), d.Year) }

func TestNoticesRunOnTheDemo(t *testing.T) {
	a := start(t, nil)
	ctx := context.Background()
	p := notice.Period{Year: 2026, Month: 12}

	// DUPONT signs up, activates and chooses paperless notices; the two
	// others stay on paper.
	me := a.loginTenant(t, dupont, "marie.dupont@exemple.fr")
	a.put(t, me.bearer, obj{"paperless": true})
	mailsBefore := a.mailCount()

	res := a.runNotices(t, "2026-12")
	if res.Period != "2026-12" || res.Leases != 3 || res.Issued != 3 || res.AlreadyIssued != 0 || res.Mailed != 1 ||
		res.Printed != 2 || res.Failed != 0 || res.DeadLettered != 0 || res.PrintBatch == nil {
		t.Fatalf("first run = %+v; want 3 leases issued, 1 mailed, 2 printed", res)
	}

	// The paperless tenant's mail: French, a link to the documents, no
	// amount in the subject, no attachment (sesemu keeps text and HTML).
	mails := a.mailsTo(t, mailsBefore, "marie.dupont@exemple.fr")
	if len(mails) != 1 {
		t.Fatalf("%d notice mails to DUPONT; want 1", len(mails))
	}
	m := mails[0]
	if !strings.Contains(m.Subject, "avis d’échéance") || !strings.Contains(m.Subject, "décembre 2026") || strings.Contains(m.Subject, "€") ||
		regexp.MustCompile(`\d+,\d\d`).MatchString(m.Subject) {
		t.Errorf("subject %q; want French, the period, no amount", m.Subject)
	}
	if !strings.Contains(m.Text, "Bonjour Marie") || !strings.Contains(m.Text, a.base+noticerun.DocumentsPage) || !strings.Contains(m.HTML, `href="`+a.base+noticerun.DocumentsPage+`"`) {
		t.Errorf("mail text %q / HTML %q; want a greeting and the link to the documents", m.Text, m.HTML)
	}

	// Each demo notice: in "Mes documents" (the store's document item), its
	// PDF in S3, with the amounts notice.Build gives, read back.
	for _, ref := range []string{"8889999", "1234567", "7654321"} {
		docs, err := a.stack.Store().Documents(ctx, ref)
		if err != nil {
			t.Fatal(err)
		}
		if len(docs) != 1 || docs[0].Kind != "notice" || docs[0].Period != "2026-12" || docs[0].Key != noticerun.NoticeKey(ref, p) {
			t.Fatalf("documents of %s = %+v; want the December notice", ref, docs)
		}
		want := a.expectedNotice(t, ref, p)
		if docs[0].AmountDueCents == nil || *docs[0].AmountDueCents != want.AmountDueCents {
			t.Errorf("%s: document amount %v; want %d", ref, docs[0].AmountDueCents, want.AmountDueCents)
		}
		t.Logf("notice of %s: %d lines, previous balance %s, to pay %s", ref, len(want.Lines), frenchEuros(want.PreviousBalanceCents), frenchEuros(want.AmountDueCents))
		text := pdfText(t, a.object(t, docs[0].Key))
		box := "Montant à payer avant le " + dateFR(want.DueDate)
		if dd := want.DirectDebit; dd != nil && dd.AmountCents > 0 {
			box = "Montant prélevé le " + dateFR(dd.Date)
		}
		phrases := []string{notice.PrintedReference(ref), box + " " + frenchEuros(want.AmountDueCents),
			"Total de la période " + frenchEuros(want.PeriodCents)}
		for _, l := range want.Lines { // a credit's label may be followed by "(en votre faveur)"
			if !onOneLine(text, l.Label, frenchEuros(l.AmountCents)) {
				t.Errorf("the notice of %s has no line %q of %s", ref, l.Label, frenchEuros(l.AmountCents))
			}
		}
		if want.DirectDebit != nil {
			phrases = append(phrases, "la somme de "+frenchEuros(want.DirectDebit.AmountCents)+" sera prélevée le "+dateFR(want.DirectDebit.Date))
		}
		says(t, "the notice of "+ref, text, phrases...)
		if strings.Contains(strings.ToLower(text), "tient lieu de quittance") {
			t.Errorf("the notice of %s says it stands for a receipt", ref)
		}
		// The README's figures, as a check on the derivation above.
		switch ref {
		case "8889999":
			says(t, "DUPONT's notice", text, "Montant prélevé le 05/12/2026 600,00 €", "la somme de 600,00 € sera prélevée le 05/12/2026")
		case "7654321":
			says(t, "N'DIAYE's notice", text, "244,50 €")
		}
	}

	// The print batch: the two paper tenants, in one PDF with a manifest.
	batch := a.object(t, *res.PrintBatch)
	manifest := string(a.object(t, path.Join(path.Dir(*res.PrintBatch), "manifest.csv")))
	lines := strings.Split(strings.TrimSpace(manifest), "\n")
	if len(lines) != 3 || !strings.Contains(manifest, "1234567") || !strings.Contains(manifest, "7654321") || strings.Contains(manifest, "8889999") {
		t.Errorf("manifest.csv =\n%s\nwant a header and LEFÈVRE and N'DIAYE", manifest)
	}
	pages := strings.Split(strings.TrimSuffix(pdfText(t, batch), "\f"), "\f")
	if len(pages) != 2 {
		t.Fatalf("print batch of %d pages; want 2", len(pages))
	}
	says(t, "the print batch", strings.Join(pages, "\n"), "LEFÈVRE", "N'DIAYE", notice.PrintedReference("1234567"), notice.PrintedReference("7654321"))

	// A second run issues, mails and prints nothing.
	objects := len(a.keys(t, ""))
	mailsBefore = a.mailCount()
	again := a.runNotices(t, "2026-12")
	if again.Leases != 3 || again.Issued != 0 || again.AlreadyIssued != 3 || again.Mailed != 0 || again.Printed != 0 || again.PrintBatch != nil {
		t.Errorf("second run = %+v; want 3 already issued and nothing else", again)
	}
	if n := a.mailCount(); n != mailsBefore {
		t.Errorf("the second run sent %d mails", n-mailsBefore)
	}
	if n := len(a.keys(t, "")); n != objects {
		t.Errorf("the second run wrote %d new objects", n-objects)
	}
}

func TestDevNoticesRefusesABadPeriod(t *testing.T) {
	a := start(t, nil)
	for _, body := range []string{`{"period":"2026-1"}`, `{"period":"2026-13"}`, `{}`, `{"period":"2026-12","extra":1}`, `not json`} {
		resp, err := http.Post(a.base+"/_dev/notices", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		var problem map[string]any
		json.NewDecoder(resp.Body).Decode(&problem)
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Content-Type") != "application/problem+json" || problem["code"] != "bad_period" ||
			!strings.Contains(fmt.Sprint(problem["detail"]), "AAAA-MM") {
			t.Errorf("%s: %d %s %v; want a 400 bad_period problem", body, resp.StatusCode, resp.Header.Get("Content-Type"), problem)
		}
	}
	for _, p := range []notice.Period{{Year: 2026, Month: 12}, {Year: 2026, Month: 1}} {
		if _, found, err := a.stack.Store().Run(context.Background(), p); err != nil || found {
			t.Errorf("run of %s: found %v, %v; want none started", p, found, err)
		}
	}
}
