package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/citejardins/extranet/shared/fault"
	"github.com/citejardins/extranet/shared/strictjson"
)

// maxBody caps request bodies: the largest legitimate one (a sign-up with a
// 256-character password) is well under a kilobyte.
const maxBody = 16 << 10

// maxDrain bounds what is read and thrown away of a body over maxBody, so
// that a client still sending it reads the 413 instead of a connection reset
// (a server that closes a connection with unread data makes its TCP stack
// answer RST, and the client loses the response). It is API Gateway's payload
// quota (10 MB): under Lambda the body is already in memory; in the local
// stack, beyond it, the connection is closed.
const maxDrain = 10 << 20

// decode reads a JSON request body into v, strictly: the right media type,
// one object, exactly the documented field names, each once, UTF-8 text with
// no lone surrogate escape (strictjson.Check), under the size cap.
func decode(w http.ResponseWriter, r *http.Request, v any) error {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return fault.New(fault.UnsupportedMedia, "La requête doit être envoyée au format JSON (Content-Type: application/json).")
	}
	// Not http.MaxBytesReader: past its limit it makes the server close the
	// connection without reading the rest, and the client gets a reset.
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return malformed()
	}
	if len(body) > maxBody {
		if n, _ := io.Copy(io.Discard, io.LimitReader(r.Body, maxDrain)); n == maxDrain {
			w.Header().Set("Connection", "close")
		}
		return fault.New(fault.BodyTooLarge, "La requête est trop volumineuse.")
	}
	switch err := strictjson.Check(body); {
	case errors.Is(err, strictjson.ErrNotUTF8), errors.Is(err, strictjson.ErrLoneSurrogate):
		return fault.New(fault.MalformedBody, "La requête contient des caractères illisibles\u00a0: le texte doit être encodé en UTF-8. Vérifiez votre saisie, puis réessayez.")
	case errors.Is(err, strictjson.ErrDuplicateName):
		return fault.New(fault.MalformedBody, "La requête est illisible\u00a0: un même champ y figure deux fois.")
	case err != nil:
		return malformed()
	}
	// encoding/json matches field names in any case; the API's names are
	// exact, so check the keys first.
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil || fields == nil {
		return malformed()
	}
	known := jsonNames(reflect.TypeOf(v).Elem())
	for k := range fields {
		if !known[k] {
			return malformed()
		}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return malformed()
	}
	return nil
}

var jsonNamesCache sync.Map // reflect.Type → map[string]bool

// jsonNames returns the JSON field names of a struct type.
func jsonNames(t reflect.Type) map[string]bool {
	if m, ok := jsonNamesCache.Load(t); ok {
		return m.(map[string]bool)
	}
	m := map[string]bool{}
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name == "" {
			name = t.Field(i).Name
		}
		m[name] = true
	}
	jsonNamesCache.Store(t, m)
	return m
}

func malformed() error {
	return fault.New(fault.MalformedBody, "La requête est illisible\u00a0: un objet JSON avec les champs attendus est nécessaire.")
}

// encode writes v as JSON with the status.
func encode(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// query parses the request's query string strictly, where url.Values drops
// what does not parse and keeps the first of repeated names: a pair whose
// name or value is not well percent-encoded (RFC 3986 §2.1) or not UTF-8, a
// ';' separator, or a name given twice is a validation_failed problem with a
// message for the parameter (by its name, or "query" when the name itself is
// unreadable). Unknown names are kept and left to the handler.
func query(r *http.Request) (url.Values, error) {
	const (
		badValue = "La valeur de ce paramètre est mal encodée dans l’adresse de la page. Corrigez l’adresse, ou revenez à la première page."
		twice    = "Ce paramètre figure deux fois dans l’adresse de la page. Gardez-en un seul, ou revenez à la première page."
	)
	f := fault.Fields{}
	q := url.Values{}
	for _, pair := range strings.Split(r.URL.RawQuery, "&") {
		if pair == "" {
			continue
		}
		rawName, rawValue, _ := strings.Cut(pair, "=")
		name, err := url.QueryUnescape(rawName)
		if err != nil || !utf8.ValidString(name) || strings.Contains(rawName, ";") {
			f.Add("query", "L’adresse de la page est mal formée. Corrigez-la, ou revenez à la première page.")
			continue
		}
		value, err := url.QueryUnescape(rawValue)
		switch {
		case err != nil || !utf8.ValidString(value) || strings.Contains(rawValue, ";"):
			f.Add(name, badValue)
		case q.Has(name):
			f.Add(name, twice)
		}
		q.Add(name, value)
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	return q, nil
}
