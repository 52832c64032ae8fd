package httpapi

// The export's guide (export_guide.go) against the export's types.

import (
	"reflect"
	"strings"
	"testing"
)

// jsonPaths lists the paths of the JSON keys a value of type t can hold:
// "account.loginEmail", "documents[].title".
func jsonPaths(t reflect.Type, prefix string, out map[string]bool) {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		if t.Kind() == reflect.Slice {
			prefix += "[]"
		}
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || t.PkgPath() != reflect.TypeOf(exportJSON{}).PkgPath() {
		return
	}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		p := name
		if prefix != "" {
			p = prefix + "." + name
		}
		out[p] = true
		if p != "guide" { // the guide's own keys need no guide
			jsonPaths(f.Type, p, out)
		}
	}
}

// TestExportGuideCoversEveryField: the guide at the head of the data export
// explains each key the file can hold (payments and bank details included,
// which TestExportExplainsItsFields's tenant has none of), and only those.
func TestExportGuideCoversEveryField(t *testing.T) {
	want := map[string]bool{}
	jsonPaths(reflect.TypeOf(exportJSON{}), "", want)
	for _, p := range []string{"account.loginEmail", "documents[].title", "payments[].amountCents", "bankDetails.iban", "preferences.paperlessBy.lastName"} {
		if !want[p] {
			t.Fatalf("jsonPaths misses %s: %v", p, want)
		}
	}
	explained := map[string]bool{}
	for _, g := range exportGuide {
		if explained[g.Field] {
			t.Errorf("the guide explains %s twice", g.Field)
		}
		explained[g.Field] = true
	}
	for p := range want {
		if !explained[p] {
			t.Errorf("the export's guide does not explain %s", p)
		}
	}
	for p := range explained {
		if !want[p] {
			t.Errorf("the export's guide explains %s, a field the file never holds", p)
		}
	}
}
