package localstack

import (
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// WebContentSecurityPolicy is the app's Content-Security-Policy, here and in
// production (template.yaml's WebHeadersPolicy, a !Sub of this text; a
// browser test keeps both equal). No inline script or style, nothing from
// elsewhere but one origin the app sends to: ${UploadOrigin}, the documents
// bucket, which takes the insurance certificates' presigned POSTs
// (production: its regional address; here: the S3 emulator's, see WebCSP);
// Trusted Types for script URLs, with the one policy ("sw") that registers
// the service worker.
const WebContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; " +
	"font-src 'self'; connect-src 'self' ${UploadOrigin}; manifest-src 'self'; worker-src 'self'; object-src 'none'; " +
	"base-uri 'none'; form-action 'self'; frame-ancestors 'none'; " +
	"require-trusted-types-for 'script'; trusted-types sw"

// WebCSP is WebContentSecurityPolicy with the origin of the uploads' bucket
// filled in ("http://127.0.0.1:40123" for the local S3 emulator).
func WebCSP(uploadOrigin string) string {
	return strings.Replace(WebContentSecurityPolicy, "${UploadOrigin}", uploadOrigin, 1)
}

// webTypes are the media types of the app's files, set here rather than
// guessed: the system's MIME table varies between machines and knows no
// .webmanifest, and module scripts must be served as JavaScript.
var webTypes = map[string]string{
	".html":        "text/html; charset=utf-8",
	".css":         "text/css; charset=utf-8",
	".js":          "text/javascript; charset=utf-8",
	".webmanifest": "application/manifest+json",
	".json":        "application/json",
	".svg":         "image/svg+xml",
	".png":         "image/png",
	".ico":         "image/x-icon",
	".md":          "text/markdown; charset=utf-8",
	".txt":         "text/plain; charset=utf-8",
}

// isPrivatePage reports whether a page of the app shows personal data. They
// all live under /mon-espace, as in template.yaml's cache behaviours.
func isPrivatePage(p string) bool {
	return p == "/mon-espace" || strings.HasPrefix(p, "/mon-espace/")
}

// webApp serves the web app's static files, as CloudFront does in
// production. Paths without a file extension are the app's own pages
// (/activation, /creer-mon-compte, /mon-espace/quittances...) and get
// index.html; pages with personal data are sent no-store, the others and
// the files no-cache (kept, but checked again before use: the files have no
// version in their names). csp is WebCSP's.
func webApp(dir, csp string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			h.Set("Allow", "GET, HEAD")
			http.Error(w, "Méthode non autorisée", http.StatusMethodNotAllowed)
			return
		}
		name := path.Clean("/" + r.URL.Path)
		if strings.Contains(name, "/.") {
			notFoundFile(w)
			return
		}
		if path.Ext(name) == "" {
			if isPrivatePage(name) {
				h.Set("Cache-Control", "no-store")
			} else {
				h.Set("Cache-Control", "no-cache")
			}
			serveFile(w, r, filepath.Join(dir, "index.html"))
			return
		}
		h.Set("Cache-Control", "no-cache")
		serveFile(w, r, filepath.Join(dir, filepath.FromSlash(name)))
	})
}

// serveFile sends one file, with its media type; never a folder listing nor
// http.ServeFile's redirects (/index.html → /).
func serveFile(w http.ResponseWriter, r *http.Request, file string) {
	f, err := os.Open(file)
	if err != nil {
		notFoundFile(w)
		return
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || fi.IsDir() {
		notFoundFile(w)
		return
	}
	ctype, ok := webTypes[strings.ToLower(filepath.Ext(file))]
	if !ok {
		ctype = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ctype)
	http.ServeContent(w, r, fi.Name(), fi.ModTime(), f)
}

func notFoundFile(w http.ResponseWriter) {
	w.Header().Set("Cache-Control", "no-store")
	http.Error(w, "Fichier introuvable", http.StatusNotFound)
}
