package httpapi

import (
	"errors"
	"net/http"

	"github.com/citejardins/extranet/shared/document"
)

// "Mes documents": the lease's notices and the landlord's useful documents,
// each read only within the session's lease; a file is downloaded through
// a short-lived presigned S3 link, issued after that check.

// WithDocuments serves "Mes documents" with d (portal.New gives one to the
// function that has the documents bucket).
func (s *Server) WithDocuments(d *document.Service) *Server {
	s.docs = d
	return s
}

var errNoDocuments = errors.New("documents: no service wired")

type documentJSON struct {
	ID             string  `json:"id"`
	Kind           string  `json:"kind"`
	Title          string  `json:"title"`
	Period         *string `json:"period"`
	Date           string  `json:"date"`
	ContentType    string  `json:"contentType"`
	SizeBytes      int64   `json:"sizeBytes"`
	AmountDueCents *int64  `json:"amountDueCents"`
	DueDate        *string `json:"dueDate"`
}

func documentOf(d document.Document) documentJSON {
	j := documentJSON{ID: d.ID, Kind: string(d.Kind), Title: d.Title, Date: d.Date.String(), ContentType: d.ContentType,
		SizeBytes: d.SizeBytes, AmountDueCents: d.AmountDueCents}
	if d.Period != "" {
		p := d.Period
		j.Period = &p
	}
	if d.DueDate != nil {
		j.DueDate = dateOrNull(*d.DueDate)
	}
	return j
}

type documentsResponse struct {
	Documents  []documentJSON `json:"documents"`
	NextCursor *string        `json:"nextCursor"`
}

type documentResponse struct {
	documentJSON
	DownloadURL string `json:"downloadUrl"`
}

func (s *Server) handleDocuments() http.Handler {
	return getHandler(s, func(r *http.Request, ref string) (documentsResponse, error) {
		if s.docs == nil {
			return documentsResponse{}, errNoDocuments
		}
		q, err := query(r)
		if err != nil {
			return documentsResponse{}, err
		}
		page, err := s.docs.List(r.Context(), ref, document.Query{Kind: q.Get("kind"), Year: q.Get("year"), Cursor: q.Get("cursor")})
		if err != nil {
			return documentsResponse{}, err
		}
		resp := documentsResponse{Documents: make([]documentJSON, len(page.Documents))}
		for i, d := range page.Documents {
			resp.Documents[i] = documentOf(d)
		}
		if page.Next != "" {
			resp.NextCursor = &page.Next
		}
		return resp, nil
	})
}

func (s *Server) handleDocument() http.Handler {
	return getHandler(s, func(r *http.Request, ref string) (documentResponse, error) {
		if s.docs == nil {
			return documentResponse{}, errNoDocuments
		}
		d, link, err := s.docs.Download(r.Context(), ref, r.PathValue("id"))
		if err != nil {
			return documentResponse{}, err
		}
		return documentResponse{documentJSON: documentOf(d), DownloadURL: link}, nil
	})
}

// handleDocumentFile answers 302 to the document's download link, for the
// web app's links (a plain <a href> carries the session cookie, not a
// bearer token). The link is a credential for five minutes: not cached.
func (s *Server) handleDocumentFile() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.docs == nil {
			s.writeError(w, r, errNoDocuments)
			return
		}
		_, link, err := s.docs.Download(r.Context(), s.ref(r), r.PathValue("id"))
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Location", link)
		w.WriteHeader(http.StatusFound)
	})
}
