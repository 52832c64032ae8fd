package httpapi_test

// Review of issue 11 (Mon profil's data export), walked as a tenant who
// opens the downloaded file.

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestExportExplainsItsFields: the downloaded file (Mon profil, "Télécharger
// mes données") opens on a guide that says in French what each of its
// fields means, every field the file can hold (payments and bank details
// included), and is indented for a text editor. Before, a tenant opening it
// met English keys and codes ("paperless", "kind": "landlord", "status":
// "active", amounts in cents) on one line, explained nowhere.
func TestExportExplainsItsFields(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	marie := a.loginTenant(t, dupont, "marie.dupont@exemple.fr")
	status, _, body := a.do(t, "PUT", "/api/v1/preferences", obj{"paperless": true}, marie.bearer)
	wantStatus(t, "paperless", status, http.StatusOK, body)
	status, _, body = a.do(t, "GET", exportPath, nil, marie.bearer)
	wantStatus(t, "export", status, http.StatusOK, body)
	file := map[string]any(body)
	guide, _ := file["guide"].([]any)
	explained := map[string]bool{}
	for _, g := range guide {
		e, _ := g.(map[string]any)
		field, _ := e["field"].(string)
		meaning, _ := e["meaning"].(string)
		if explained[field] {
			t.Errorf("the guide explains %s twice", field)
		}
		if len([]rune(meaning)) < 5 || strings.ContainsAny(meaning, "'") {
			t.Errorf("the guide's meaning of %s: %q, want French words with ’", field, meaning)
		}
		explained[field] = true
	}
	// Each key of this file is explained (TestExportGuideCoversEveryField
	// checks the keys the file may hold).
	var keys func(v any, prefix string)
	keys = func(v any, prefix string) {
		switch v := v.(type) {
		case map[string]any:
			for k, e := range v {
				p := k
				if prefix != "" {
					p = prefix + "." + k
				}
				if !explained[p] && prefix != "guide[]" {
					t.Errorf("the export's guide does not explain %s", p)
				}
				keys(e, p)
			}
		case []any:
			for _, e := range v {
				keys(e, prefix+"[]")
			}
		}
	}
	keys(file, "")
	if len(explained) == 0 {
		t.Fatalf("the export has no guide:\n%v", file)
	}

	// Indented: read raw, as the tenant's editor does.
	req, _ := http.NewRequest("GET", a.base+exportPath, nil)
	for k, v := range marie.bearer {
		req.Header.Set(k, v)
	}
	res, err := a.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(raw), "{\n  \"guide\": [\n") {
		t.Errorf("the file starts %q, want it indented and opening on the guide", raw[:min(60, len(raw))])
	}
}
