package sesemu

import (
	"bytes"
	"encoding/json"
	"html/template"
	"net/http"
	"regexp"
	"strings"
	"time"
)

// InboxHandler serves the dev inbox. A path ending in "/inbox" gets an HTML
// page for people (newest first); any other path gets the JSON array of
// [Message] values (oldest first) for scripts and end-to-end tests. The
// handler only looks at the path suffix, so it works wherever it is mounted,
// e.g. GET /_dev/mail and GET /_dev/mail/inbox.
func (s *Server) InboxHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		// The inbox changes with every send; a cached copy would hide the
		// mail a developer is waiting for.
		w.Header().Set("Cache-Control", "no-store")
		if strings.HasSuffix(strings.TrimSuffix(r.URL.Path, "/"), "/inbox") {
			s.serveInboxHTML(w)
			return
		}
		s.serveInboxJSON(w)
	})
}

func (s *Server) serveInboxJSON(w http.ResponseWriter) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	// Keep <, > and & readable for people reading the inbox with curl; the
	// Content-Type and nosniff already stop browsers treating it as HTML.
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s.Messages()); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(buf.Bytes())
}

func (s *Server) serveInboxHTML(w http.ResponseWriter) {
	msgs := s.Messages()
	view := inboxView{Count: len(msgs)}
	for i := len(msgs) - 1; i >= 0; i-- {
		m := msgs[i]
		view.Messages = append(view.Messages, messageView{
			Message:  m,
			Date:     m.SentAt.Format("02/01/2006 à 15:04:05 (MST)"),
			ISODate:  m.SentAt.Format(time.RFC3339),
			TextPart: linkify(m.Text),
		})
	}

	// Rendering into a buffer first means a template error yields a clean
	// 500 instead of half a page.
	var buf bytes.Buffer
	if err := inboxTemplate.Execute(&buf, view); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	// Mail HTML is untrusted: the sandboxed iframe already forbids scripts,
	// and this policy (inherited by srcdoc frames) is a second lock.
	h.Set("Content-Security-Policy", "script-src 'none'; object-src 'none'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(buf.Bytes())
}

type inboxView struct {
	Count    int
	Messages []messageView
}

type messageView struct {
	Message
	Date     string
	ISODate  string
	TextPart []textSegment
}

// textSegment is a run of a text body: plain text, or a link when URL is
// set. Keeping them apart lets html/template escape the text and vet the
// URL, instead of building HTML by hand.
type textSegment struct {
	Text string
	URL  string
}

var urlPattern = regexp.MustCompile(`https?://[^\s<>"]+`)

// linkify splits text so that URLs can be rendered as links. Trailing
// punctuation is left out of a URL because in prose it almost always ends
// the sentence rather than the address.
func linkify(text string) []textSegment {
	var segs []textSegment
	last := 0
	for _, loc := range urlPattern.FindAllStringIndex(text, -1) {
		start, end := loc[0], loc[1]
		end = start + len(strings.TrimRight(text[start:end], ".,;:!?)]}'"))
		if end-start <= len("https://") {
			continue
		}
		if start > last {
			segs = append(segs, textSegment{Text: text[last:start]})
		}
		u := text[start:end]
		segs = append(segs, textSegment{Text: u, URL: u})
		last = end
	}
	if last < len(text) {
		segs = append(segs, textSegment{Text: text[last:]})
	}
	return segs
}

var inboxTemplate = template.Must(template.New("inbox").Parse(`<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Boîte de réception (développement)</title>
<style>
body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 60rem; padding: 1rem; color: #1a1a1a; }
article { border: 1px solid #ccc; border-radius: .5rem; margin: 1rem 0; padding: 1rem; }
h2 { font-size: 1.15rem; margin: 0 0 .5rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 0 0 1rem; }
dt { font-weight: bold; }
dd { margin: 0; overflow-wrap: anywhere; }
pre { background: #f5f5f5; padding: .75rem; white-space: pre-wrap; overflow-wrap: anywhere; }
iframe { border: 1px solid #ccc; width: 100%; height: 30rem; background: #fff; }
</style>
</head>
<body>
<header>
<h1>Boîte de réception (développement)</h1>
<p>Courriels interceptés par l’émulateur SES local : aucun n’a été réellement envoyé.
{{if eq .Count 0}}Aucun message pour l’instant.{{else if eq .Count 1}}1 message.{{else}}{{.Count}} messages, du plus récent au plus ancien.{{end}}</p>
</header>
<main>
{{range .Messages}}<article id="msg-{{.ID}}">
<h2>{{if .Subject}}{{.Subject}}{{else}}(sans objet){{end}}</h2>
<dl>
<dt>De</dt><dd>{{.From}}</dd>
<dt>À</dt><dd>{{range $i, $to := .To}}{{if $i}}, {{end}}{{$to}}{{end}}</dd>
<dt>Date</dt><dd><time datetime="{{.ISODate}}">{{.Date}}</time></dd>
<dt>Objet</dt><dd>{{.Subject}}</dd>
</dl>
{{if .Text}}<section>
<h3>Version texte</h3>
<pre>{{range .TextPart}}{{if .URL}}<a href="{{.URL}}" rel="noopener noreferrer" target="_blank">{{.Text}}</a>{{else}}{{.Text}}{{end}}{{end}}</pre>
</section>
{{end}}{{if .HTML}}<section>
<h3>Version HTML</h3>
<iframe sandbox srcdoc="{{.HTML}}" title="Version HTML du message : {{.Subject}}" referrerpolicy="no-referrer" loading="lazy"></iframe>
</section>
{{end}}</article>
{{end}}</main>
</body>
</html>
`))
