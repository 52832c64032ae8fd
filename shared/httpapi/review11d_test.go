package httpapi_test

// Review of issue 11 (Mon profil's data export), walked as a tenant who
// opens the downloaded file.

import (
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"
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

// TestReadmeWalkthroughTakesItsOwnLink runs the README's walk-through,
// steps 1 to 3 (sign up Marie, read the activation link in the local
// inbox, activate) with bash and curl, as a newcomer pastes them, after
// another sign-up (Julien, as the README's demo paragraph suggests) left its
// own activation mail in the inbox. Before, step 2 took the inbox's last
// activation link as soon as there was one, before Marie's mail had left:
// step 3 activated Julien's account and answered his address.
func TestReadmeWalkthroughTakesItsOwnLink(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl not installed")
	}
	t.Parallel()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	block := regexp.MustCompile(`(?s)\n(# 1\. Sign up.*?)\n# 4\.`).FindSubmatch(readme)
	if block == nil {
		t.Fatal("README: no walk-through steps 1 to 3")
	}
	a := start(t, nil)
	status, _, body := a.do(t, "POST", "/api/v1/signup", obj{"reference": "1234567", "lastName": "lefevre", "dateOfBirth": "1983-06-21",
		"email": "julien.lefevre@exemple.fr", "password": tenantPassword}, nil)
	wantStatus(t, "Julien's sign-up", status, http.StatusAccepted, body)
	a.settle(t)

	script := "API=" + a.base + "/api/v1\n" + strings.ReplaceAll(string(block[1]), "http://127.0.0.1:8080", a.base)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "bash", "-c", script).CombinedOutput()
	if err != nil {
		t.Fatalf("the README's steps 1 to 3: %v\n%s\n%s", err, script, out)
	}
	if !strings.Contains(string(out), `{"status":"active","email":"marie.dupont@example.fr"}`) {
		t.Errorf("the README's step 3 did not activate Marie's account:\n%s", out)
	}
}
