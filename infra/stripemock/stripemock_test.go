package stripemock_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/citejardins/extranet/infra/stripemock"
)

// TestStartForTest: stripe-mock listens on loopback, answers Stripe's API
// from its spec and validates what it gets.
func TestStartForTest(t *testing.T) {
	s := stripemock.StartForTest(t)
	if !strings.HasPrefix(s.URL, "http://127.0.0.1:") {
		t.Fatalf("URL %q, want a loopback address", s.URL)
	}
	post := func(key string, form url.Values) (int, map[string]any) {
		t.Helper()
		req, err := http.NewRequest(http.MethodPost, s.URL+"/v1/checkout/sessions", strings.NewReader(form.Encode()))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", "Bearer "+key)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var v map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, v
	}
	if code, v := post("sk_test_1", url.Values{"mode": {"payment"}, "success_url": {"https://example.fr/ok"}}); code != http.StatusOK || v["object"] != "checkout.session" {
		t.Errorf("a valid request: %d %v, want 200 and a checkout.session", code, v)
	}
	if code, _ := post("sk_test_1", url.Values{"mode": {"gratuit"}}); code != http.StatusBadRequest {
		t.Errorf("mode gratuit: %d, want 400 (validated against the spec)", code)
	}
	if code, _ := post("pas-une-cle", url.Values{"mode": {"payment"}}); code != http.StatusUnauthorized {
		t.Errorf("no secret key: %d, want 401", code)
	}
}
