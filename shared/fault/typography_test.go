package fault_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestTenantMessagesAreFrenchTypography (issue 11, part 6) walks the Go
// source of shared/ and checks every string literal a tenant reads in a
// problem: the message of fault.New and fault.TooMany, the Message and
// Fields of a fault.Error literal, the message of Fields.Add (any two-
// argument Add whose second argument is French text), the msg* constants,
// and every French literal of the ERP import's reports (read by the
// landlord's staff). Each must write the apostrophe ’ (never ' between
// letters) and a non-breaking space (U+00A0) before : ; ? ! € and inside
// « ». The mails have their own test (account.TestMailsAreFrenchTypography).
func TestTenantMessagesAreFrenchTypography(t *testing.T) {
	straight := regexp.MustCompile(`\pL'\pL`)
	plain := regexp.MustCompile(`[ \t][:;?!€»]|« `)
	french := regexp.MustCompile(`[a-zà-ÿ]{2,} [a-zà-ÿ]{2,}`)
	// frenchOnly: accents, French quotes or an elision (l’, d’, qu’…),
	// which English error texts do not have.
	frenchOnly := regexp.MustCompile(`[éèêàâçôûîùœ’«»]|(^|[^\pL])(l|d|n|s|qu|jusqu)['’]\pL`)
	checked := 0
	check := func(fset *token.FileSet, lit ast.Expr, what string) {
		ast.Inspect(lit, func(n ast.Node) bool {
			b, ok := n.(*ast.BasicLit)
			if !ok || b.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(b.Value)
			if err != nil || !french.MatchString(s) && !strings.ContainsAny(s, ":;?!€«»") {
				return true
			}
			checked++
			if loc := straight.FindStringIndex(s); loc != nil {
				t.Errorf("%s (%s): a straight apostrophe in %q", fset.Position(b.Pos()), what, s[max(0, loc[0]-20):min(len(s), loc[1]+20)])
			}
			if loc := plain.FindStringIndex(s); loc != nil {
				t.Errorf("%s (%s): an ordinary space in %q; want U+00A0", fset.Position(b.Pos()), what, s[max(0, loc[0]-20):min(len(s), loc[1]+20)])
			}
			return true
		})
	}
	root := filepath.Join("..")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == "testdata" {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		// The ERP import's reports (shared/erp, shared/importer, and the
		// safetext errors they quote) are read by the landlord's staff:
		// every French literal there.
		switch filepath.Base(filepath.Dir(path)) {
		case "erp", "importer", "safetext":
			ast.Inspect(f, func(n ast.Node) bool {
				if b, ok := n.(*ast.BasicLit); ok && b.Kind == token.STRING {
					if s, err := strconv.Unquote(b.Value); err == nil && frenchOnly.MatchString(s) {
						check(fset, b, "ERP report")
					}
				}
				return true
			})
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.CallExpr:
				sel, ok := x.Fun.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				pkg, _ := sel.X.(*ast.Ident)
				switch {
				case pkg != nil && pkg.Name == "fault" && (sel.Sel.Name == "New" || sel.Sel.Name == "TooMany") && len(x.Args) == 2:
					check(fset, x.Args[1], "fault."+sel.Sel.Name)
				case sel.Sel.Name == "Add" && len(x.Args) == 2:
					check(fset, x.Args[1], "Fields.Add")
				}
			case *ast.KeyValueExpr:
				if k, ok := x.Key.(*ast.Ident); ok && (k.Name == "Message" || k.Name == "Fields") {
					check(fset, x.Value, "fault.Error "+k.Name)
				}
			case *ast.ValueSpec:
				for i, name := range x.Names {
					if strings.HasPrefix(name.Name, "msg") && i < len(x.Values) {
						check(fset, x.Values[i], name.Name)
					}
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 100 {
		t.Errorf("checked %d messages; the walk misses them (want at least 100)", checked)
	}
	t.Logf("%d tenant messages checked", checked)
}
