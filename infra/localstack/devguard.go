package localstack

import (
	"encoding/json"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// The /_dev/ pages (the mail inbox, the S3 door of make import, the
// notices run) are for the developer at this machine and its own tools
// (make import, make notices, curl), never for another site open in the
// same browser: a page elsewhere could otherwise read the inbox's
// activation links through the S3 door's CORS, or start a notices run with
// a simple cross-site POST. devGuard keeps them to:
//   - requests without Sec-Fetch-Site (curl, Go's client) or with
//     "same-origin" or "none" (an address typed in the browser);
//     "cross-site" and "same-site" (another port of localhost is the same
//     site) are refused;
//   - requests without Origin, or with the stack's own (its URL, its public
//     URL, or localhost on its port);
//   - requests whose Host is the stack's (127.0.0.1, localhost or [::1] on
//     its port, or its public URL's), against DNS rebinding;
//
// and answers anything else 403 with a problem. It never answers a CORS
// preflight with a grant (one comes with a foreign Origin).

// devGuard wraps the /_dev/ handlers of the stack listening at base (its
// URL) and publicURL.
func devGuard(h http.Handler, base, publicURL string) http.Handler {
	allowed := map[string]bool{}
	for _, u := range []string{base, publicURL} {
		if o := origin(u); o != "" {
			allowed[o] = true
		}
	}
	hosts := map[string]bool{}
	if u, err := url.Parse(base); err == nil {
		allowed["http://localhost:"+u.Port()] = true
		for _, h := range []string{u.Host, "localhost:" + u.Port(), "[::1]:" + u.Port()} {
			hosts[strings.ToLower(h)] = true
		}
	}
	if u, err := url.Parse(publicURL); err == nil && u.Host != "" {
		hosts[strings.ToLower(u.Host)] = true
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// DNS rebinding: a page of another site whose name now resolves to
		// this machine makes same-origin requests, without Origin; only the
		// Host it names tells it apart.
		if !hosts[strings.ToLower(r.Host)] {
			devProblem(w, http.StatusForbidden, "cross_site", "Page de développement refusée",
				"Les pages /_dev/ ne répondent qu'à l'extranet local lui-même, à curl et à make, à son adresse (127.0.0.1 ou localhost).")
			return
		}
		switch r.Header.Get("Sec-Fetch-Site") {
		case "", "same-origin", "none":
		default:
			devProblem(w, http.StatusForbidden, "cross_site", "Page de développement refusée",
				"Les pages /_dev/ ne répondent qu'à l'extranet local lui-même, à curl et à make.")
			return
		}
		if o := r.Header.Get("Origin"); o != "" && !allowed[o] {
			devProblem(w, http.StatusForbidden, "cross_site", "Page de développement refusée",
				"Les pages /_dev/ ne répondent qu'à l'extranet local lui-même, à curl et à make.")
			return
		}
		h.ServeHTTP(w, r)
	})
}

// origin is scheme://host[:port] of an absolute URL, lower case; "" if it
// is not one.
func origin(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return ""
	}
	host := strings.ToLower(u.Host)
	if h, p, err := net.SplitHostPort(host); err == nil && (u.Scheme == "http" && p == "80" || u.Scheme == "https" && p == "443") {
		host = h
	}
	return strings.ToLower(u.Scheme) + "://" + host
}

// requireJSON answers 415 with a problem unless the request's body is
// declared application/json (a cross-site form or text/plain POST is
// not; a cross-site JSON POST needs a preflight, which devGuard refuses).
func requireJSON(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
			devProblem(w, http.StatusUnsupportedMediaType, "json_expected", "Corps JSON attendu",
				`Envoyez l'en-tête Content-Type: application/json, par exemple curl -H 'Content-Type: application/json' -d '{"period":"2026-12"}'.`)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// devProblem writes an RFC 9457 problem.
func devProblem(w http.ResponseWriter, status int, code, title, detail string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"type": "about:blank", "status": status, "code": code, "title": title, "detail": detail})
}

// withoutCORS drops the CORS grants of a proxied answer (the S3
// emulator's Access-Control-Allow-Origin: *).
func withoutCORS(resp *http.Response) error {
	for k := range resp.Header {
		if strings.HasPrefix(k, "Access-Control-") {
			resp.Header.Del(k)
		}
	}
	return nil
}
