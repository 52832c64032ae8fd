package httpapi

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"

	"github.com/citejardins/extranet/shared/fault"
)

// maxBody caps request bodies: the largest legitimate one (a sign-up with a
// 256-character password) is well under a kilobyte.
const maxBody = 16 << 10

// decode reads a JSON request body into v, strictly: the right media type,
// one object, no unknown fields, under the size cap.
func decode(w http.ResponseWriter, r *http.Request, v any) error {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return fault.New(fault.UnsupportedMedia, "La requête doit être envoyée au format JSON (Content-Type: application/json).")
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return fault.New(fault.BodyTooLarge, "La requête est trop volumineuse.")
		}
		return malformed()
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return malformed()
	}
	return nil
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
