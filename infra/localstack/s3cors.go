package localstack

import (
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"

	"gopkg.in/yaml.v3"
)

// CORSRule is one rule of a bucket's CorsConfiguration in the template. Its
// AllowedOrigins name the deployment's origin (PublicUrl); locally that is
// the stack's public origin.
type CORSRule struct {
	Methods []string
	Headers []string // "*" allows any
	MaxAge  int
}

// corsRulesOf reads a bucket's CorsConfiguration.CorsRules.
func corsRulesOf(props *yaml.Node) []CORSRule {
	var out []CORSRule
	rules := get(props, "CorsConfiguration", "CorsRules")
	for i := 0; rules != nil && i < len(rules.Content); i++ {
		r := rules.Content[i]
		rule := CORSRule{Methods: scalars(get(r, "AllowedMethods")), Headers: scalars(get(r, "AllowedHeaders"))}
		if n := get(r, "MaxAge"); n != nil {
			rule.MaxAge, _ = strconv.Atoi(n.Value)
		}
		out = append(out, rule)
	}
	return out
}

func scalars(n *yaml.Node) []string {
	var out []string
	for i := 0; n != nil && i < len(n.Content); i++ {
		if n.Content[i].Kind == yaml.ScalarNode {
			out = append(out, n.Content[i].Value)
		}
	}
	return out
}

// s3CORS answers browsers as S3 does under the buckets' CORS rules of the
// template, for the stack's public origin only: a preflight that a rule
// allows gets 200 with the Access-Control-Allow-* headers, one no rule
// allows 403 (S3's "CORSResponse: This CORS request is not allowed"); the
// actual request of an allowed origin and method gets
// Access-Control-Allow-Origin, others none. gofakes3's own CORS headers
// (any origin, any method) are dropped, so that the browser tests see what
// production does.
type s3CORS struct {
	next   http.Handler
	rules  map[string][]CORSRule // by local bucket name
	origin atomic.Pointer[string]
}

func (c *s3CORS) setOrigin(publicURL string) {
	if u, err := url.Parse(publicURL); err == nil && u.Host != "" {
		o := u.Scheme + "://" + u.Host
		c.origin.Store(&o)
	}
}

// rule returns the rule of the request's bucket (path-style) that allows
// origin and method, if any.
func (c *s3CORS) rule(r *http.Request, origin, method string) (CORSRule, bool) {
	if o := c.origin.Load(); o == nil || origin != *o {
		return CORSRule{}, false
	}
	bucket, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	for _, rule := range c.rules[bucket] {
		if slices.Contains(rule.Methods, method) {
			return rule, true
		}
	}
	return CORSRule{}, false
}

func (c *s3CORS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	origin := r.Header.Get("Origin")
	if r.Method == http.MethodOptions && origin != "" && r.Header.Get("Access-Control-Request-Method") != "" {
		rule, ok := c.rule(r, origin, r.Header.Get("Access-Control-Request-Method"))
		asked := r.Header.Get("Access-Control-Request-Headers")
		if ok && asked != "" && !slices.Contains(rule.Headers, "*") {
			for _, h := range strings.Split(asked, ",") {
				if !slices.ContainsFunc(rule.Headers, func(a string) bool { return strings.EqualFold(a, strings.TrimSpace(h)) }) {
					ok = false
				}
			}
		}
		if !ok {
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(http.StatusForbidden)
			io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+
				`<Error><Code>AccessForbidden</Code><Message>CORSResponse: This CORS request is not allowed.</Message></Error>`)
			return
		}
		h := w.Header()
		h.Set("Access-Control-Allow-Origin", origin)
		h.Set("Access-Control-Allow-Methods", strings.Join(rule.Methods, ", "))
		if asked != "" {
			h.Set("Access-Control-Allow-Headers", asked)
		}
		if rule.MaxAge > 0 {
			h.Set("Access-Control-Max-Age", strconv.Itoa(rule.MaxAge))
		}
		h.Add("Vary", "Origin, Access-Control-Request-Headers, Access-Control-Request-Method")
		w.WriteHeader(http.StatusOK)
		return
	}
	cw := &corsWriter{w: w, header: http.Header{}}
	if _, ok := c.rule(r, origin, r.Method); ok && origin != "" {
		cw.allow = origin
	}
	c.next.ServeHTTP(cw, r)
	cw.flush()
}

// corsWriter passes a response on without gofakes3's CORS headers, with
// the rule's.
type corsWriter struct {
	w      http.ResponseWriter
	header http.Header
	allow  string
	sent   bool
}

func (cw *corsWriter) Header() http.Header { return cw.header }

func (cw *corsWriter) WriteHeader(code int) {
	if cw.sent {
		return
	}
	cw.sent = true
	h := cw.w.Header()
	for k, v := range cw.header {
		if !strings.HasPrefix(k, "Access-Control-") {
			h[k] = v
		}
	}
	if cw.allow != "" {
		h.Set("Access-Control-Allow-Origin", cw.allow)
		h.Add("Vary", "Origin")
	}
	cw.w.WriteHeader(code)
}

func (cw *corsWriter) Write(p []byte) (int, error) {
	cw.WriteHeader(http.StatusOK)
	return cw.w.Write(p)
}

func (cw *corsWriter) flush() { cw.WriteHeader(http.StatusOK) }
