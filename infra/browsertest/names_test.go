package browsertest

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// oldNames are the pages' names before issue 11, as a tenant would read
// them in a message: "Mon compte" (the money page, now Mon solde; tenants
// looked there for their settings), "Mon contrat" (Mon logement),
// "Modifier mon dossier" (Mes demandes) and "Mes paiements" alone (Mes
// paiements en ligne: the balance page lists the other payments).
var oldNames = regexp.MustCompile(`Mon compte|Mon contrat|Modifier mon dossier|Mes paiements($|[^ ]| [^e]| e[^n])`)

// TestNoOldPageNames: no text a tenant reads names a page by its old name:
// the web app's scripts and pages, and the string literals of the Go code
// (mails, problems' messages, PDFs), tests aside.
func TestNoOldPageNames(t *testing.T) {
	root := repoRoot(t)
	literal := regexp.MustCompile("\"(?:[^\"\\\\\\n]|\\\\.)*\"|`[^`]*`")
	var found []string
	for _, dir := range []string{"web", "shared", "functions", "infra"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && (d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".")) {
				return filepath.SkipDir
			}
			if d.IsDir() || strings.HasSuffix(p, "_test.go") {
				return nil
			}
			rel, _ := filepath.Rel(root, p)
			var texts []string
			switch filepath.Ext(p) {
			case ".go":
				src, err := os.ReadFile(p)
				if err != nil {
					return err
				}
				texts = literal.FindAllString(string(src), -1)
			case ".js", ".html":
				src, err := os.ReadFile(p)
				if err != nil {
					return err
				}
				// Comments too: they say what the page is called.
				texts = strings.Split(string(src), "\n")
			}
			for _, s := range texts {
				s = strings.ReplaceAll(strings.ReplaceAll(s, `\u00a0`, " "), `\u00A0`, " ")
				s = strings.ReplaceAll(s, "\u00a0", " ")
				// What a page was called before, said as such.
				if strings.Contains(s, "before issue 11") || strings.Contains(s, "once \"Mon compte\"") || strings.Contains(s, "Mon compte\" became") {
					continue
				}
				if m := oldNames.FindString(s); m != "" {
					found = append(found, rel+": "+strings.TrimSpace(s))
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range found {
		t.Errorf("an old page name: %s", f)
	}
}
