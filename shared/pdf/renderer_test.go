package pdf_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/citejardins/extranet/shared/erp"
	"github.com/citejardins/extranet/shared/notice"
	"github.com/citejardins/extranet/shared/pdf"
	"github.com/citejardins/extranet/shared/tenancy"
)

// maxNoticeBytes is the goal for one notice (issue 8, benchmarks).
const maxNoticeBytes = 40_000

// pdfText reads a PDF's text back with poppler's pdftotext -layout, narrow
// and plain no-break spaces turned into spaces.
func pdfText(t *testing.T, doc []byte) string {
	t.Helper()
	out := popplerTool(t, "pdftotext", doc, "-layout")
	return strings.NewReplacer("\u202F", " ", "\u00A0", " ").Replace(out)
}

// popplerTool runs a poppler tool on doc (written to a file) and returns
// its output; the test is skipped where the tool is missing.
func popplerTool(t *testing.T, tool string, doc []byte, args ...string) string {
	t.Helper()
	path, err := exec.LookPath(tool)
	if err != nil {
		t.Skipf("%s is not installed (Debian: apt-get install poppler-utils): cannot read the PDF back", tool)
	}
	f := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(f, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(path, append(args, f, "-")...)
	if tool == "pdfinfo" {
		cmd = exec.Command(path, f)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || stderr.Len() > 0 {
		t.Fatalf("%s: %v %s", tool, err, stderr.String())
	}
	return string(out)
}

// wantText checks that text holds each phrase, words separated by any
// run of white space (pdftotext -layout pads columns with spaces).
func wantText(t *testing.T, text string, phrases ...string) {
	t.Helper()
	for _, p := range phrases {
		words := strings.Fields(p)
		for i, w := range words {
			words[i] = regexp.QuoteMeta(w)
		}
		if !regexp.MustCompile(strings.Join(words, `\s+`)).MatchString(text) {
			t.Errorf("the notice does not say %q; its text:\n%s", p, text)
		}
	}
}

func TestDemoNoticesReadBack(t *testing.T) {
	ns := demoNotices(t)
	r := &pdf.Renderer{PortalURL: "https://extranet.example.fr"}
	tests := []struct {
		ref  string
		want []string
	}{
		{"8889999", []string{
			"Marie DUPONT", "Bâtiment B, 3e étage, porte 32", "12 rue des Jardins", "93200 SAINT-DENIS",
			"Référence : L/0008889999", "Date d’émission : 25/11/2026", "Date d’échéance : 05/12/2026",
			"Avis d’échéance — décembre 2026", "du 01/12/2026 au 31/12/2026",
			"Loyer 512,34 €", "Provisions pour charges 87,66 €", "Total de la période 600,00 €",
			"Solde de votre compte au 25/11/2026 : aucune somme due 0,00 €",
			"Montant prélevé le 05/12/2026 600,00 €",
			"la somme de 600,00 € sera prélevée le 05/12/2026",
			"Référence unique du mandat (RUM) : communiquée à la mise en place du mandat",
			"Identifiant créancier SEPA (ICS) : communiqué à la mise en place du mandat",
		}},
		{"1234567", []string{
			"Céline LEFÈVRE", "Julien LEFÈVRE", "Appartement 11", "4 allée des Tilleuls", "92230 GENNEVILLIERS",
			"Référence : L/0001234567", "Date d’échéance : 01/12/2026",
			"Loyer 430,00 €", "Provisions pour charges 70,00 €", "Total de la période 500,00 €",
			"Solde de votre compte au 25/11/2026 : reste dû 350,00 €",
			"Montant à payer avant le 01/12/2026 850,00 €",
			"Par virement, au bénéficiaire Cité Jardins Habitat", "IBAN : FR76 3000 6000 0112 3456 7890 189", "BIC : AGRIFRPPXXX",
			"écrivez votre référence L/0001234567",
		}},
		{"7654321", []string{
			"Abdou N'DIAYE", "Escalier A", "27 avenue Jean Jaurès", "93300 AUBERVILLIERS",
			"Référence : L/0007654321", "Date d’échéance : 01/12/2026",
			"Loyer 389,90 €", "Provisions pour charges 60,10 €",
			"Aide au logement (APL) versée au bailleur — en votre faveur − 180,00 €",
			"Total de la période 270,00 €",
			"Solde de votre compte au 25/11/2026 : crédit en votre faveur − 25,50 €",
			"Montant à payer avant le 01/12/2026 244,50 €",
			"Par chèque à l’ordre de Cité Jardins Habitat, avec votre référence L/0007654321",
			"8 rue de la République, 93200 Saint-Denis",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.ref, func(t *testing.T) {
			doc, err := r.Render(ns[tt.ref])
			if err != nil {
				t.Fatal(err)
			}
			if len(doc) > maxNoticeBytes {
				t.Errorf("notice is %d bytes, goal ≤ %d", len(doc), maxNoticeBytes)
			}
			text := pdfText(t, doc)
			wantText(t, text, tt.want...)
			wantText(t, text, "Cité Jardins Habitat", "8 rue de la République", "Tél. 01 99 00 50 00",
				"Cet avis n’est pas une quittance.", "« Mes documents » sur votre espace locataire https://extranet.example.fr")
			if strings.Contains(strings.ToLower(text), "tient lieu de quittance") {
				t.Error(`the notice says "tient lieu de quittance": a notice is not a receipt`)
			}
			if pages := pageCount(t, doc); pages != 1 {
				t.Errorf("%d pages, want 1", pages)
			}
		})
	}
}

func pageCount(t *testing.T, doc []byte) int {
	t.Helper()
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)$`).FindStringSubmatch(popplerTool(t, "pdfinfo", doc))
	if m == nil {
		t.Fatal("pdfinfo gave no page count")
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

func TestRenderIsDeterministic(t *testing.T) {
	for ref, n := range demoNotices(t) {
		// Two renderers, as two Lambda processes would be.
		a, err := new(pdf.Renderer).Render(n)
		if err != nil {
			t.Fatal(err)
		}
		b, err := new(pdf.Renderer).Render(n)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("lease %s: two renderings of the same notice differ", ref)
		}
		if !bytes.Contains(a, []byte("/CreationDate (D:20261125000000")) {
			t.Errorf("lease %s: the creation date is not the issue date", ref)
		}
		// Another issue date is another document.
		n.IssueDate = tenancy.Date{Year: 2026, Month: 11, Day: 26}
		c, err := new(pdf.Renderer).Render(n)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Equal(a, c) {
			t.Errorf("lease %s: the issue date does not change the document", ref)
		}
	}
}

func TestRenderBatchHasOnePagePerNoticeInOrder(t *testing.T) {
	demo := demoNotices(t)
	order := []string{"7654321", "8889999", "1234567"}
	var ns []notice.Notice
	for i := range 12 {
		ns = append(ns, demo[order[i%3]])
	}
	doc, err := new(pdf.Renderer).RenderBatch(ns)
	if err != nil {
		t.Fatal(err)
	}
	if got := pageCount(t, doc); got != len(ns) {
		t.Fatalf("%d pages, want %d", got, len(ns))
	}
	// pdftotext separates pages with a form feed.
	pages := strings.Split(strings.TrimSuffix(pdfText(t, doc), "\f"), "\f")
	if len(pages) != len(ns) {
		t.Fatalf("%d pages of text, want %d", len(pages), len(ns))
	}
	for i, p := range pages {
		if want := notice.PrintedReference(ns[i].Reference); !strings.Contains(p, want) {
			t.Errorf("page %d does not carry %s", i+1, want)
		}
	}
	one, err := new(pdf.Renderer).Render(ns[0])
	if err != nil {
		t.Fatal(err)
	}
	// The fonts are embedded once: 12 pages cost far less than 12 notices.
	if len(doc) > 3*len(one) {
		t.Errorf("a batch of 12 is %d bytes, one notice %d: the fonts seem embedded per page", len(doc), len(one))
	}
}

func TestBadNoticesAreRefused(t *testing.T) {
	n := demoNotices(t)["8889999"]
	for name, bad := range map[string]func(*notice.Notice){
		"no issue date": func(n *notice.Notice) { n.IssueDate = tenancy.Date{} },
		"no due date":   func(n *notice.Notice) { n.DueDate = tenancy.Date{} },
		"no period":     func(n *notice.Notice) { n.Period = notice.Period{} },
	} {
		m := n
		bad(&m)
		if _, err := new(pdf.Renderer).Render(m); err == nil {
			t.Errorf("%s: rendered", name)
		}
		if _, err := new(pdf.Renderer).RenderBatch([]notice.Notice{n, m}); err == nil {
			t.Errorf("%s: rendered in a batch", name)
		}
	}
	if _, err := new(pdf.Renderer).RenderBatch(nil); !errors.Is(err, pdf.ErrEmptyBatch) {
		t.Errorf("empty batch: %v, want ErrEmptyBatch", err)
	}
}

func TestHowToPayFollowsThePaymentMethod(t *testing.T) {
	base := demoNotices(t)["1234567"] // 850,00 € to pay by 01/12/2026
	tests := []struct {
		name   string
		change func(*notice.Notice)
		want   []string
		not    []string
	}{
		{"transfer without IBAN", func(n *notice.Notice) { n.Landlord.IBAN, n.Landlord.BIC = "", "" },
			[]string{"Par virement : demandez nos coordonnées bancaires au 01 99 00 50 00", "référence L/0001234567"},
			[]string{"IBAN", "chèque", "Prélèvement"}},
		{"cheque", func(n *notice.Notice) { n.PaymentMethod = tenancy.Cheque },
			[]string{"Par chèque à l’ordre de Cité Jardins Habitat", "envoyé à : Cité Jardins Habitat, Service clients, 8 rue de la République, 93200 Saint-Denis."},
			[]string{"IBAN", "Prélèvement"}},
		{"card", func(n *notice.Notice) { n.PaymentMethod = tenancy.Card },
			[]string{"Payez par carte bancaire, en ligne, sur votre espace locataire (https://extranet.example.fr)"},
			[]string{"IBAN", "chèque"}},
		{"TIP", func(n *notice.Notice) { n.PaymentMethod = tenancy.TIP },
			[]string{"Payez par carte bancaire, en ligne, sur votre espace locataire"}, []string{"IBAN"}},
		{"cash", func(n *notice.Notice) { n.PaymentMethod = tenancy.Cash },
			[]string{"Payez à l’accueil de votre agence en présentant cet avis"}, []string{"IBAN"}},
		{"unknown method: transfer and cheque", func(n *notice.Notice) { n.PaymentMethod = "" },
			[]string{"IBAN : FR76 3000", "Par chèque à l’ordre de"}, []string{"Prélèvement"}},
		{"direct debit with RUM and ICS", func(n *notice.Notice) {
			n.PaymentMethod = tenancy.DirectDebit
			n.Landlord.ICS = "FR12ZZZ123456"
			n.DirectDebit = &notice.DirectDebit{Date: n.DueDate, AmountCents: n.AmountDueCents, RUM: "RUM-1234567-01"}
		}, []string{"la somme de 850,00 € sera prélevée le 01/12/2026", "(RUM) : RUM-1234567-01", "(ICS) : FR12ZZZ123456"},
			[]string{"communiqué", "IBAN"}},
		{"direct debit, nothing to pay", func(n *notice.Notice) {
			n.PaymentMethod = tenancy.DirectDebit
			n.PreviousBalanceCents, n.AmountDueCents = -60000, 0
			n.DirectDebit = &notice.DirectDebit{Date: n.DueDate}
		}, []string{"Aucun prélèvement ne sera fait ce mois-ci", "Montant à payer avant le 01/12/2026 0,00 €",
			"votre crédit restant de 100,00 € sera reporté sur votre prochain avis"},
			[]string{"sera prélevée"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := base
			n.Landlord.AddressLines = append([]string(nil), base.Landlord.AddressLines...)
			tt.change(&n)
			doc, err := (&pdf.Renderer{PortalURL: "https://extranet.example.fr"}).Render(n)
			if err != nil {
				t.Fatal(err)
			}
			text := pdfText(t, doc)
			wantText(t, text, tt.want...)
			for _, s := range tt.not {
				if strings.Contains(text, s) {
					t.Errorf("the notice says %q", s)
				}
			}
		})
	}
}

func TestFrenchLettersAndLongAddressesReadBack(t *testing.T) {
	n := demoNotices(t)["1234567"]
	n.Recipients = []string{"Ægidius ÀÂÇÉÈÊËÎÏÔŒÙÛÜŸ", "Zoé àâçéèêëîïôœùûüÿ", "Łukasz Wiśniewski", "Jean-Noël D'ALMEIDA-GONÇALVES DE LA MOTTE-PICQUET"}
	n.Address.Complement = "Résidence « Les Hêtres », bâtiment C"
	n.Lines = append(n.Lines, notice.Line{Label: "Régularisation des charges 2025", Kind: notice.Settlement, AmountCents: 123456})
	n.PeriodCents += 123456
	n.AmountDueCents += 123456
	doc, err := new(pdf.Renderer).Render(n)
	if err != nil {
		t.Fatal(err)
	}
	// The thousands separator and the space before € are narrow no-break
	// spaces and the credit's sign a minus sign, through the font encoding's
	// glyph names (Adobe Glyph List: "minus", "uniXXXX"); pdftotext turns
	// every Unicode space into a plain one, so read the encoding itself.
	if !bytes.Contains(doc, []byte("/Differences [129 /minus 141 /uni202F]")) {
		t.Error("the font encoding does not map the minus sign and the narrow no-break space")
	}
	text := pdfText(t, doc)
	wantText(t, text, "Ægidius ÀÂÇÉÈÊËÎÏÔŒÙÛÜŸ", "Zoé àâçéèêëîïôœùûüÿ",
		// Six lines at most: the names that do not fit share the last name line.
		"Lukasz Wisniewski, Jean-Noël D'ALMEIDA-GONÇALVES DE…",
		"Résidence « Les Hêtres », bâtiment C", "92230 GENNEVILLIERS",
		"Régularisation des charges 2025 1 234,56 €", "Total de la période 1 734,56 €",
		"Montant à payer avant le 01/12/2026 2 084,56 €")
}

// An ERP label of erp.MaxLabel characters, the widest letter or real
// French words, is fitted to its column (smaller, then cut with "…",
// keeping "(en votre faveur)"): the amount beside it stays readable.
func TestLongLabelsKeepTheirAmountReadable(t *testing.T) {
	french := "Régularisation des charges locatives 2025 (eau froide, chauffage collectif, ascenseur, espace vert)"
	if n := utf8.RuneCountInString(french); n > erp.MaxLabel {
		t.Fatalf("the French label has %d runes, more than erp.MaxLabel", n)
	}
	n := demoNotices(t)["7654321"]
	n.Lines = []notice.Line{
		{Label: strings.Repeat("W", erp.MaxLabel), Kind: notice.Rent, AmountCents: 38990},
		{Label: strings.Repeat("W", erp.MaxLabel), Kind: notice.HousingBenefit, AmountCents: -18000},
		{Label: french, Kind: notice.Settlement, AmountCents: 123456},
	}
	n.PeriodCents = 38990 - 18000 + 123456
	n.AmountDueCents = n.PeriodCents + n.PreviousBalanceCents
	doc, err := new(pdf.Renderer).Render(n)
	if err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, doc)
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`(?m)^\s*W{20,}…\s+389,90 €$`),
		regexp.MustCompile(`(?m)^\s*W{20,}… — en votre faveur\s+− 180,00 €$`),
		regexp.MustCompile(`(?m)^\s*Régularisation des charges locatives 2025 \(eau froide, [^\n]*\s+1 234,56 €$`),
	} {
		if !want.MatchString(text) {
			t.Errorf("no line matches %s: the label runs into its amount; the text:\n%s", want, text)
		}
	}
	wantText(t, text, "Total de la période 1 444,46 €")
}

// The previous balance is dated when the run read it: the issue date, or
// the period's eve for a notice issued after the period began (what is
// dated in the period is on its lines, not in the balance).
func TestBalanceIsDatedWhenItIsKnown(t *testing.T) {
	for _, tt := range []struct {
		period       string
		issued, want tenancy.Date
	}{
		{"2027-02", tenancy.Date{Year: 2026, Month: 12, Day: 20}, tenancy.Date{Year: 2026, Month: 12, Day: 20}},
		{"2026-12", tenancy.Date{Year: 2026, Month: 11, Day: 30}, tenancy.Date{Year: 2026, Month: 11, Day: 30}},
		{"2026-12", tenancy.Date{Year: 2026, Month: 12, Day: 3}, tenancy.Date{Year: 2026, Month: 11, Day: 30}},
	} {
		n := demoNotices(t)["1234567"]
		p, err := notice.ParsePeriod(tt.period)
		if err != nil {
			t.Fatal(err)
		}
		n.Period, n.IssueDate = p, tt.issued
		n.DueDate = tenancy.Date{Year: p.First().Year, Month: p.First().Month, Day: 5}
		doc, err := new(pdf.Renderer).Render(n)
		if err != nil {
			t.Fatal(err)
		}
		text := pdfText(t, doc)
		wantText(t, text, fmt.Sprintf("Solde de votre compte au %02d/%02d/%d : reste dû 350,00 €", tt.want.Day, tt.want.Month, tt.want.Year))
		if strings.Contains(text, "antérieur") {
			t.Errorf("period %s issued %v: the notice still says \"antérieur\"", tt.period, tt.issued)
		}
	}
}

func TestManyLinesStayOnOnePage(t *testing.T) {
	n := demoNotices(t)["7654321"]
	n.PaymentMethod = tenancy.DirectDebit // the longest way to pay
	n.DirectDebit = &notice.DirectDebit{Date: n.DueDate}
	for i := range 13 {
		n.Lines = append(n.Lines, notice.Line{Label: "Ligne " + strconv.Itoa(i+1), Kind: notice.Other, AmountCents: 100})
	}
	n.PeriodCents += 1300
	n.AmountDueCents += 1300
	n.DirectDebit.AmountCents = n.AmountDueCents
	doc, err := new(pdf.Renderer).Render(n)
	if err != nil {
		t.Fatal(err)
	}
	if pages := pageCount(t, doc); pages != 1 {
		t.Fatalf("%d pages, want 1", pages)
	}
	text := pdfText(t, doc)
	wantText(t, text, "Ligne 13 1,00 €", "Total de la période 283,00 €", "Montant prélevé le 01/12/2026 257,50 €",
		"la somme de 257,50 € sera prélevée le 01/12/2026", "Cet avis n’est pas une quittance.")
	// How to pay ends above the footer: its last line comes before it.
	if strings.Index(text, "(ICS) : communiqué") > strings.LastIndex(text, "Cet avis n’est pas une quittance.") {
		t.Error("how to pay runs into the footer")
	}
}

// One Renderer serves a worker's concurrent goroutines: 40 render at once
// and each gets the bytes a lone rendering gives.
func TestRenderConcurrently(t *testing.T) {
	demo := demoNotices(t)
	refs := []string{"8889999", "1234567", "7654321"}
	r := new(pdf.Renderer)
	want := map[string][]byte{}
	for _, ref := range refs {
		doc, err := r.Render(demo[ref])
		if err != nil {
			t.Fatal(err)
		}
		want[ref] = doc
	}
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := range 40 {
		wg.Go(func() {
			ref := refs[i%3]
			doc, err := r.Render(demo[ref])
			if err == nil && !bytes.Equal(doc, want[ref]) {
				err = errors.New("lease " + ref + ": a concurrent rendering differs")
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

// The notice's own words follow French typography: the apostrophe ’, a
// narrow no-break space before : and ? and inside « », and a credit line
// says "— en votre faveur" rather than a second pair of parentheses. The
// text is read back raw, without pdfText's space folding.
func TestNoticeFollowsFrenchTypography(t *testing.T) {
	n := demoNotices(t)["7654321"]
	n.Lines = append(n.Lines, notice.Line{Label: "Régularisation chauffage (trop-perçu)", Kind: notice.Settlement, AmountCents: -4260})
	n.PeriodCents -= 4260
	n.AmountDueCents -= 4260
	doc, err := new(pdf.Renderer).Render(n)
	if err != nil {
		t.Fatal(err)
	}
	// pdftotext reads a narrow no-break space as a space: the spaces are
	// checked in the page's own bytes (the font's codes: 0x8D U+202F,
	// 0x92 ’, 0xAB «, 0xBB »).
	plain, err := pdf.Uncompressed(new(pdf.Renderer), n)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"(Date d\x92\xe9ch\xe9ance\x8d:)", "Une question\x8d? ", "\xab\x8dMes documents\x8d\xbb"} {
		if !bytes.Contains(plain, []byte(want)) {
			t.Errorf("the page has no %q", want)
		}
	}
	raw := popplerTool(t, "pdftotext", doc, "-layout")
	for _, want := range []string{
		"Avis d’échéance — décembre 2026", "Cet avis n’est pas une quittance.", "Par chèque à l’ordre",
		"Régularisation chauffage (trop-perçu) — en votre faveur",
	} {
		if !strings.Contains(raw, want) {
			t.Errorf("the notice does not say %q; its text:\n%s", want, raw)
		}
	}
	if s := strings.ReplaceAll(raw, "N'DIAYE", ""); strings.Contains(s, "'") || strings.Contains(s, ") (en votre faveur)") {
		t.Errorf("the notice still has a straight apostrophe or doubled parentheses; its text:\n%s", raw)
	}
}
