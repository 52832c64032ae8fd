package httpapi

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/citejardins/extranet/shared/attestation"
	"github.com/citejardins/extranet/shared/document"
	"github.com/citejardins/extranet/shared/statement"
)

// The account statement as PDF and the tenancy certificate: documents made
// on the tenant's request, for the session's lease only.

// statements holds the services of the statement and the certificates
// (WithStatements); nil in a function that has not the documents bucket.
type statements struct {
	statement *statement.Service
	certs     *attestation.Service
}

// WithStatements serves the statement PDF with st and the certificates
// with certs (portal.New gives them to the functions that have the
// documents bucket).
func (s *Server) WithStatements(st *statement.Service, certs *attestation.Service) *Server {
	s.stmts = statements{statement: st, certs: certs}
	return s
}

var errNoStatements = errors.New("statements: no service wired")

// handleStatementPDF answers the statement of the period (?from=&to=, as
// GET /api/v1/account/entries takes them) as an attachment. A statement is
// made for the asking tenant and says their balance: never cached.
func (s *Server) handleStatementPDF() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.stmts.statement == nil {
			s.writeError(w, r, errNoStatements)
			return
		}
		q, err := query(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		st, body, err := s.stmts.statement.Render(r.Context(), s.ref(r), q.Get("from"), q.Get("to"))
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		h := w.Header()
		h.Set("Content-Type", "application/pdf")
		h.Set("Content-Disposition", document.Attachment(st.FileName()))
		h.Set("Content-Length", strconv.Itoa(len(body)))
		h.Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(body)
	})
}

type certificateRequest struct {
	Kind string `json:"kind"`
}

// handleCreateCertificate makes the certificate asked for: 201 with the new
// document, or 200 with the one made earlier today from the same facts.
func (s *Server) handleCreateCertificate() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.stmts.certs == nil {
			s.writeError(w, r, errNoStatements)
			return
		}
		var req certificateRequest
		if err := decode(w, r, &req); err != nil {
			s.writeError(w, r, err)
			return
		}
		d, created, err := s.stmts.certs.Issue(r.Context(), s.ref(r), req.Kind)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		status := http.StatusOK
		if created {
			status = http.StatusCreated
		}
		w.Header().Set("Location", "/api/v1/documents/"+d.ID)
		encode(w, status, documentOf(d))
	})
}
