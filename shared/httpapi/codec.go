package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strings"
	"sync"

	"github.com/citejardins/extranet/shared/fault"
)

// maxBody caps request bodies: the largest legitimate one (a sign-up with a
// 256-character password) is well under a kilobyte.
const maxBody = 16 << 10

// decode reads a JSON request body into v, strictly: the right media type,
// one object, exactly the documented field names, under the size cap.
func decode(w http.ResponseWriter, r *http.Request, v any) error {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return fault.New(fault.UnsupportedMedia, "La requête doit être envoyée au format JSON (Content-Type: application/json).")
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return fault.New(fault.BodyTooLarge, "La requête est trop volumineuse.")
		}
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
	return fault.New(fault.MalformedBody, "La requête est illisible : un objet JSON avec les champs attendus est nécessaire.")
}

// encode writes v as JSON with the status.
func encode(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
