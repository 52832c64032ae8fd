package rie

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/aws/aws-lambda-go/events"
)

// Event is one sample event of events/: an API Gateway HTTP API request,
// payload format 2.0.
type Event struct {
	File    string // its path
	Raw     []byte // the file as written, placeholders included
	Request events.APIGatewayV2HTTPRequest
}

// placeholder is how events mark what only a run knows: {{token}}, {{session}}.
var placeholder = regexp.MustCompile(`\{\{([A-Za-z0-9_]+)\}\}`)

// LoadEvents reads every events/*.json of the repository, strictly (a field
// that APIGatewayV2HTTPRequest does not have is an error), and returns them
// by route key, such as "POST /api/v1/signup".
func LoadEvents(root string) (map[string]Event, error) {
	files, err := filepath.Glob(filepath.Join(root, "events", "*.json"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no event in %s", filepath.Join(root, "events"))
	}
	out := map[string]Event{}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		req, err := decodeEvent(raw)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		if prev, ok := out[req.RouteKey]; ok {
			return nil, fmt.Errorf("%s and %s both have the route key %q", prev.File, f, req.RouteKey)
		}
		out[req.RouteKey] = Event{File: f, Raw: raw, Request: req}
	}
	return out, nil
}

func decodeEvent(raw []byte) (events.APIGatewayV2HTTPRequest, error) {
	var req events.APIGatewayV2HTTPRequest
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return req, err
	}
	if dec.More() {
		return req, fmt.Errorf("more than one JSON value")
	}
	return req, nil
}

// Placeholders lists the placeholder names an event uses.
func (e Event) Placeholders() []string {
	seen := map[string]bool{}
	var names []string
	for _, m := range placeholder.FindAllSubmatch(e.Raw, -1) {
		if n := string(m[1]); !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}

var contentLength = regexp.MustCompile(`("content-length"\s*:\s*")[0-9]+(")`)

// plainValue is what a placeholder may be replaced with: characters that
// need no escaping, even in a JSON body that is itself inside a JSON string.
var plainValue = regexp.MustCompile(`^[A-Za-z0-9._~+/=@-]*$`)

// Fill returns the event with each {{name}} replaced by vars[name], and its
// content-length header set to the new body's length. A placeholder without
// a value, or a value that would need escaping, is an error.
func (e Event) Fill(vars map[string]string) ([]byte, error) {
	for name, v := range vars {
		if !plainValue.MatchString(v) {
			return nil, fmt.Errorf("value of {{%s}} %q: only letters, digits and ._~+/=@- are allowed", name, v)
		}
	}
	var missing []string
	out := placeholder.ReplaceAllFunc(e.Raw, func(m []byte) []byte {
		name := string(placeholder.FindSubmatch(m)[1])
		v, ok := vars[name]
		if !ok {
			missing = append(missing, name)
			return m
		}
		return []byte(v)
	})
	if len(missing) > 0 {
		return nil, fmt.Errorf("%s: no value for %s", e.File, strings.Join(missing, ", "))
	}
	req, err := decodeEvent(out)
	if err != nil {
		return nil, fmt.Errorf("%s once filled: %w", e.File, err)
	}
	n := len(req.Body)
	if req.IsBase64Encoded {
		b, err := base64.StdEncoding.DecodeString(req.Body)
		if err != nil {
			return nil, fmt.Errorf("%s: body is not base64: %w", e.File, err)
		}
		n = len(b)
	}
	out = contentLength.ReplaceAll(out, []byte("${1}"+strconv.Itoa(n)+"${2}"))
	return out, nil
}
