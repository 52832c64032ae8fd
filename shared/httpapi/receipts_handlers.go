package httpapi

import (
	"errors"
	"net/http"

	"github.com/citejardins/extranet/shared/notice"
	"github.com/citejardins/extranet/shared/receipt"
)

// Receipts (law 89-462 art. 21): the months of a year with what each may
// get, and a quittance or reçu made on request, stored once per version of
// its facts and then listed in "Mes documents".

// WithReceipts serves the receipts with r (portal.New gives one to the
// function that has the documents bucket and the landlord's settings).
func (s *Server) WithReceipts(r *receipt.Service) *Server {
	s.receipts = r
	return s
}

var errNoReceipts = errors.New("receipts: no service wired")

type receiptMonthJSON struct {
	Period    string  `json:"period"`
	Status    string  `json:"status"`
	DueCents  int64   `json:"dueCents"`
	PaidCents int64   `json:"paidCents"`
	Kind      *string `json:"kind"`
}

type receiptMonthsResponse struct {
	Months      []receiptMonthJSON `json:"months"`
	HistoryFrom *string            `json:"historyFrom"`
}

func (s *Server) handleReceipts() http.Handler {
	return getHandler(s, func(r *http.Request, ref string) (receiptMonthsResponse, error) {
		if s.receipts == nil {
			return receiptMonthsResponse{}, errNoReceipts
		}
		q, err := query(r)
		if err != nil {
			return receiptMonthsResponse{}, err
		}
		cal, err := s.receipts.Months(r.Context(), ref, q.Get("year"))
		if err != nil {
			return receiptMonthsResponse{}, err
		}
		months := cal.Months
		resp := receiptMonthsResponse{Months: make([]receiptMonthJSON, len(months))}
		if cal.HistoryFrom != (notice.Period{}) {
			from := cal.HistoryFrom.String()
			resp.HistoryFrom = &from
		}
		for i, m := range months {
			j := receiptMonthJSON{Period: m.Period.String(), Status: string(m.Status), DueCents: m.DueCents, PaidCents: m.PaidCents}
			if k := m.Status.Kind(); k != "" {
				kind := string(k)
				j.Kind = &kind
			}
			resp.Months[i] = j
		}
		return resp, nil
	})
}

type receiptRequest struct {
	Period string `json:"period"`
}

// handleIssueReceipt answers 201 with the document it made, or 200 with
// the one already made from the same facts, in the shape of
// GET /api/v1/documents/{id} (with its download link).
func (s *Server) handleIssueReceipt() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.receipts == nil || s.docs == nil {
			s.writeError(w, r, errNoReceipts)
			return
		}
		var req receiptRequest
		if err := decode(w, r, &req); err != nil {
			s.writeError(w, r, err)
			return
		}
		ref := s.ref(r)
		issued, err := s.receipts.Issue(r.Context(), ref, req.Period)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		d, link, err := s.docs.Download(r.Context(), ref, issued.Document.ID)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		status := http.StatusOK
		if issued.Created {
			status = http.StatusCreated
		}
		w.Header().Set("Location", "/api/v1/documents/"+d.ID)
		encode(w, status, documentResponse{documentJSON: documentOf(d), DownloadURL: link})
	})
}
