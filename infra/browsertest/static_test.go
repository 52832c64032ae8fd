package browsertest

// Checks of the web app that need no browser: how the local stack serves
// it, the manifest and its icons, the service worker's list of files, the
// absence of inline code, and the production CSP. They always run.

import (
	"context"
	"encoding/json"
	"fmt"
	"image"
	_ "image/png"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/citejardins/extranet/infra/localstack"
)

func TestServedHeaders(t *testing.T) {
	stack, err := localstack.Start(context.Background(), localstack.Options{Addr: "127.0.0.1:0", DataDir: t.TempDir(), Root: repoRoot(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer stack.Close()

	tests := []struct {
		method, path string
		status       int
		ctype, cache string
	}{
		{"GET", "/", 200, "text/html; charset=utf-8", "no-cache"},
		{"GET", "/creer-mon-compte", 200, "text/html; charset=utf-8", "no-cache"},
		{"GET", "/activation?token=abc", 200, "text/html; charset=utf-8", "no-cache"},
		{"GET", "/mon-espace", 200, "text/html; charset=utf-8", "no-store"},
		{"GET", "/mon-espace/documents", 200, "text/html; charset=utf-8", "no-store"},
		{"GET", "/mon-espace/quittances?annee=2025", 200, "text/html; charset=utf-8", "no-store"},
		{"GET", "/mon-espace/assurance", 200, "text/html; charset=utf-8", "no-store"},
		{"GET", "/js/views/receipts.js", 200, "text/javascript; charset=utf-8", "no-cache"},
		{"GET", "/js/upload.js", 200, "text/javascript; charset=utf-8", "no-cache"},
		{"GET", "/index.html", 200, "text/html; charset=utf-8", "no-cache"},
		{"GET", "/documents.html", 200, "text/html; charset=utf-8", "no-cache"},
		{"GET", "/js/app.js", 200, "text/javascript; charset=utf-8", "no-cache"},
		{"GET", "/css/app.css", 200, "text/css; charset=utf-8", "no-cache"},
		{"GET", "/sw.js", 200, "text/javascript; charset=utf-8", "no-cache"},
		{"GET", "/manifest.webmanifest", 200, "application/manifest+json", "no-cache"},
		{"GET", "/icons/icon-192.png", 200, "image/png", "no-cache"},
		{"GET", "/icons/icon.svg", 200, "image/svg+xml", "no-cache"},
		{"HEAD", "/js/app.js", 200, "text/javascript; charset=utf-8", "no-cache"},
		{"GET", "/js/nothing.js", 404, "text/plain; charset=utf-8", "no-store"},
		{"GET", "/js.d/", 404, "text/plain; charset=utf-8", "no-store"},
		{"GET", "/.git/config", 404, "text/plain; charset=utf-8", "no-store"},
		{"POST", "/", 405, "text/plain; charset=utf-8", ""},
	}
	for _, tt := range tests {
		req, _ := http.NewRequest(tt.method, stack.URL+tt.path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		h := resp.Header
		if resp.StatusCode != tt.status || h.Get("Content-Type") != tt.ctype || h.Get("Cache-Control") != tt.cache {
			t.Errorf("%s %s: %d, %q, Cache-Control %q; want %d, %q, %q", tt.method, tt.path,
				resp.StatusCode, h.Get("Content-Type"), h.Get("Cache-Control"), tt.status, tt.ctype, tt.cache)
		}
		if got := h.Get("Content-Security-Policy"); got != localstack.WebCSP(stack.Endpoints["S3"]) || !strings.Contains(got, "connect-src 'self' http://127.0.0.1:") {
			t.Errorf("%s %s: CSP %q", tt.method, tt.path, got)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") != "no-referrer" || h.Get("X-Frame-Options") != "DENY" {
			t.Errorf("%s %s: security headers missing: %v", tt.method, tt.path, h)
		}
	}

	// The API keeps its own headers.
	resp, err := http.Get(stack.URL + "/api/v1/me")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 || resp.Header.Get("Cache-Control") != "no-store" || resp.Header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("GET /api/v1/me: %s, %v", resp.Status, resp.Header)
	}
}

func TestManifest(t *testing.T) {
	web := filepath.Join(repoRoot(t), "web")
	raw, err := os.ReadFile(filepath.Join(web, "manifest.webmanifest"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Name, Lang, Scope, Display string
		Icons                      []struct{ Src, Sizes, Type, Purpose string }
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	var s struct {
		ShortName       string `json:"short_name"`
		StartURL        string `json:"start_url"`
		ThemeColor      string `json:"theme_color"`
		BackgroundColor string `json:"background_color"`
	}
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatal(err)
	}
	if m.Name != "Extranet Locataire" || m.Lang != "fr" || s.StartURL != "/mon-espace" || m.Scope != "/" || m.Display != "standalone" || s.ShortName == "" || s.ThemeColor == "" || s.BackgroundColor == "" {
		t.Errorf("manifest: %+v %+v", m, s)
	}
	have := map[string]bool{}
	for _, icon := range m.Icons {
		file := filepath.Join(web, filepath.FromSlash(icon.Src))
		f, err := os.Open(file)
		if err != nil {
			t.Errorf("icon %s: %v", icon.Src, err)
			continue
		}
		if icon.Type == "image/png" {
			cfg, format, err := image.DecodeConfig(f)
			if err != nil || format != "png" {
				t.Errorf("icon %s: %v %s", icon.Src, err, format)
			} else if got := fmt.Sprintf("%dx%d", cfg.Width, cfg.Height); got != icon.Sizes {
				t.Errorf("icon %s is %s, the manifest says %s", icon.Src, got, icon.Sizes)
			}
		}
		f.Close()
		have[icon.Purpose+" "+icon.Sizes] = true
	}
	for _, want := range []string{"any 192x192", "any 512x512", "maskable 192x192", "maskable 512x512"} {
		if !have[want] {
			t.Errorf("manifest has no %s icon", want)
		}
	}
}

// The service worker's SHELL must list every file the app needs offline:
// all of web/ but itself and the icons' sources.
func TestServiceWorkerShell(t *testing.T) {
	web := filepath.Join(repoRoot(t), "web")
	src, err := os.ReadFile(filepath.Join(web, "sw.js"))
	if err != nil {
		t.Fatal(err)
	}
	block := regexp.MustCompile(`(?s)const SHELL = \[(.*?)\];`).FindSubmatch(src)
	if block == nil {
		t.Fatal("no SHELL list in sw.js")
	}
	var listed []string
	for _, m := range regexp.MustCompile(`'([^']+)'`).FindAllSubmatch(block[1], -1) {
		listed = append(listed, string(m[1]))
	}
	var files []string
	err = filepath.WalkDir(web, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel := "/" + filepath.ToSlash(strings.TrimPrefix(p, web+string(filepath.Separator)))
		switch {
		case rel == "/sw.js", strings.HasSuffix(rel, ".md"), rel == "/icons/maskable.svg":
		case rel == "/index.html":
			files = append(files, "/")
		default:
			files = append(files, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(listed)
	slices.Sort(files)
	if !slices.Equal(listed, files) {
		t.Errorf("sw.js SHELL lists\n  %v\nweb/ holds\n  %v", listed, files)
	}
}

// The CSP forbids inline script and style; the app must not need them. Nor
// may it keep anything in Web Storage: the session is in the HttpOnly cookie.
func TestNoInlineCodeNorStorage(t *testing.T) {
	web := filepath.Join(repoRoot(t), "web")
	forbidden := []struct {
		ext  string
		re   *regexp.Regexp
		what string
	}{
		{".html", regexp.MustCompile(`<script(?:\s[^>]*)?>\s*[^<\s]`), "inline <script>"},
		{".html", regexp.MustCompile(`\sstyle\s*=`), "style attribute"},
		{".html", regexp.MustCompile(`<style`), "<style> element"},
		{".html", regexp.MustCompile(`\son[a-z]+\s*=`), "event handler attribute"},
		{".js", regexp.MustCompile(`\.style\b|'style'|"style"`), "inline style"},
		{".js", regexp.MustCompile(`innerHTML|outerHTML|insertAdjacentHTML|document\.write`), "HTML from strings"},
		{".js", regexp.MustCompile(`\beval\(|new Function`), "eval"},
		{".js", regexp.MustCompile(`localStorage|sessionStorage|indexedDB|document\.cookie`), "browser storage"},
	}
	err := filepath.WalkDir(web, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, f := range forbidden {
			if filepath.Ext(p) == f.ext && f.re.Match(b) {
				t.Errorf("%s: %s (%s)", p, f.what, f.re.Find(b))
			}
		}
		if filepath.Ext(p) == ".html" {
			for _, tag := range regexp.MustCompile(`<script[^>]*>`).FindAll(b, -1) {
				if !regexp.MustCompile(`\ssrc="/`).Match(tag) {
					t.Errorf("%s: a script not loaded from the app's own files: %s", p, tag)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Production serves the app with the same CSP as the local stack.
func TestTemplateCSP(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(repoRoot(t), "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	// A !Sub of the local stack's text, with the documents bucket as the
	// uploads' origin.
	re := regexp.MustCompile(`(?m)^\s+ContentSecurityPolicy: !Sub\n\s+- "([^"]+)"\n\s+- UploadOrigin: (.+)$`)
	found := re.FindAllSubmatch(raw, -1)
	if len(found) == 0 || len(found) != strings.Count(string(raw), "ContentSecurityPolicy:")/2 {
		t.Fatalf("template.yaml sets %d ContentSecurityPolicy as a !Sub of the local stack's text, out of %d", len(found), strings.Count(string(raw), "ContentSecurityPolicy:")/2)
	}
	for _, m := range found {
		if got := string(m[1]); got != localstack.WebContentSecurityPolicy {
			t.Errorf("template.yaml CSP\n  %s\nlocal stack\n  %s", got, localstack.WebContentSecurityPolicy)
		}
		if got := string(m[2]); got != `!Sub "https://${DocumentsBucket.RegionalDomainName}"` {
			t.Errorf("template.yaml CSP: UploadOrigin %s, want the documents bucket's regional address", got)
		}
	}
}
