package sesemu

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ses"
)

// getInbox serves one request through InboxHandler the way the lead mounts
// it, under /_dev/mail.
func getInbox(t *testing.T, emu *Server, path string) (*http.Response, string) {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle("GET /_dev/mail", emu.InboxHandler())
	mux.Handle("GET /_dev/mail/inbox", emu.InboxHandler())
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequestWithContext(t.Context(), http.MethodGet, path, nil))
	resp := rec.Result()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d, want 200; body: %s", path, resp.StatusCode, body)
	}
	return resp, string(body)
}

func sendAll(t *testing.T, client *ses.Client, inputs ...*ses.SendEmailInput) {
	t.Helper()
	for _, in := range inputs {
		if _, err := client.SendEmail(t.Context(), in); err != nil {
			t.Fatalf("SendEmail: %v", err)
		}
	}
}

func TestInboxJSON(t *testing.T) {
	emu, client, _ := newTestSES(t)

	resp, body := getInbox(t, emu, "/_dev/mail")
	if got := strings.TrimSpace(body); got != "[]" {
		t.Errorf("empty inbox = %s, want []", got)
	}

	second := activationEmail("paul@example.com")
	second.Message.Subject.Data = aws.String("Deuxième message")
	sendAll(t, client, activationEmail("zoe@example.com"), second)

	resp, body = getInbox(t, emu, "/_dev/mail")
	if got := resp.Header.Get("Content-Type"); got != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", got)
	}

	var raw []map[string]json.RawMessage
	if err := json.Unmarshal([]byte(body), &raw); err != nil {
		t.Fatalf("inbox is not a JSON array of objects: %v; body: %s", err, body)
	}
	wantKeys := []string{"from", "html", "id", "sentAt", "subject", "text", "to"}
	for i, obj := range raw {
		var keys []string
		for k := range obj {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		if !slices.Equal(keys, wantKeys) {
			t.Errorf("message %d has keys %v, want %v", i, keys, wantKeys)
		}
	}

	var got []Message
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	if want := emu.Messages(); !reflect.DeepEqual(got, want) {
		t.Errorf("JSON inbox:\n got %#v\nwant %#v (Messages, oldest first)", got, want)
	}
	if len(got) == 2 && got[1].Subject != "Deuxième message" {
		t.Errorf("second entry subject = %q, want the later message last", got[1].Subject)
	}
}

func TestInboxHTML(t *testing.T) {
	emu, client, _ := newTestSES(t)
	hostile := activationEmail("zoe@example.com")
	hostile.Message.Subject.Data = aws.String(`<script>alert("objet")</script> Facture`)
	hostile.Message.Body.Html.Data = aws.String(`<p>Payez</p><script>alert("corps")</script>`)
	hostile.Message.Body.Text.Data = aws.String("Voir <b>ici</b> : https://extranet.local/factures?id=7&x=1.\n")
	sendAll(t, client, activationEmail("first@example.com"), hostile)

	resp, page := getInbox(t, emu, "/_dev/mail/inbox")
	if got := resp.Header.Get("Content-Type"); got != "text/html; charset=utf-8" {
		t.Errorf("Content-Type = %q, want text/html; charset=utf-8", got)
	}

	mustContain := []string{
		`<html lang="fr">`,
		`&lt;script&gt;alert(&#34;objet&#34;)&lt;/script&gt; Facture`,
		// The mail HTML goes into srcdoc attribute-escaped, so the browser
		// renders it as a separate, script-less document.
		`<iframe sandbox srcdoc="&lt;p&gt;Payez&lt;/p&gt;&lt;script&gt;alert(&#34;corps&#34;)&lt;/script&gt;"`,
		`Voir &lt;b&gt;ici&lt;/b&gt; : <a href="https://extranet.local/factures?id=7&amp;x=1" rel="noopener noreferrer" target="_blank">https://extranet.local/factures?id=7&amp;x=1</a>.`,
		"first@example.com",
	}
	for _, want := range mustContain {
		if !strings.Contains(page, want) {
			t.Errorf("inbox page lacks %q\npage:\n%s", want, page)
		}
	}
	if strings.Contains(strings.ToLower(page), "<script") {
		t.Errorf("inbox page contains a raw <script tag:\n%s", page)
	}
	if newest, oldest := strings.Index(page, "Facture"), strings.Index(page, "first@example.com"); newest < 0 || oldest < 0 || newest > oldest {
		t.Errorf("newest message at offset %d, oldest at %d: want newest first", newest, oldest)
	}
}

func TestLinkify(t *testing.T) {
	tests := []struct {
		in   string
		want []textSegment
	}{
		{"", nil},
		{"pas de lien", []textSegment{{Text: "pas de lien"}}},
		{
			"Lien : https://a.example/x?y=1. Fin",
			[]textSegment{{Text: "Lien : "}, {Text: "https://a.example/x?y=1", URL: "https://a.example/x?y=1"}, {Text: ". Fin"}},
		},
		{
			"(http://a.example)",
			[]textSegment{{Text: "("}, {Text: "http://a.example", URL: "http://a.example"}, {Text: ")"}},
		},
		{"https://", []textSegment{{Text: "https://"}}},
	}
	for _, tt := range tests {
		if got := linkify(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("linkify(%q) = %#v, want %#v", tt.in, got, tt.want)
		}
	}
}
