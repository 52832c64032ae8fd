package httpapi

import (
	"errors"
	"net/http"
	"time"

	"github.com/citejardins/extranet/shared/bankdetails"
)

// "Mes coordonnées bancaires" (shared/bankdetails), served by the banking
// function, which will also serve the direct-debit mandate.

// WithBankDetails serves the bank details with b.
func (s *Server) WithBankDetails(b *bankdetails.Service) *Server {
	s.bank = b
	return s
}

// The answer to a lease without bank details yet (bankdetails.Get). Its
// status and title are added here rather than in problem.go's tables, so
// that the branches adding codes to them in parallel merge cleanly.
var errNoBankDetails = errors.New("bank details: no service wired")

// bankDetailsJSON is the answer of GET and PUT /api/v1/bank-details: the
// IBAN masked (bankaccount.IBAN.Masked), never whole.
type bankDetailsJSON struct {
	IBAN      string `json:"iban"`
	BIC       string `json:"bic"`
	Holder    string `json:"holder"`
	UpdatedAt string `json:"updatedAt"` // RFC 3339, UTC
}

func bankDetailsOf(d bankdetails.Details) bankDetailsJSON {
	return bankDetailsJSON{IBAN: d.IBAN.Masked(), BIC: string(d.BIC), Holder: d.Holder,
		UpdatedAt: d.UpdatedAt.UTC().Format(time.RFC3339)}
}

type bankDetailsRequest struct {
	IBAN     string `json:"iban"`
	BIC      string `json:"bic"`
	Holder   string `json:"holder"`
	Password string `json:"password"`
}

// handleBankDetails answers the lease's bank details, or 404
// bank_details_missing when it has none yet.
func (s *Server) handleBankDetails() http.Handler {
	return getHandler(s, func(r *http.Request, ref string) (bankDetailsJSON, error) {
		if s.bank == nil {
			return bankDetailsJSON{}, errNoBankDetails
		}
		d, err := s.bank.Get(r.Context(), ref)
		if err != nil {
			return bankDetailsJSON{}, err
		}
		return bankDetailsOf(d), nil
	})
}

// handleSetBankDetails replaces the lease's bank details, given the
// account's password, and answers them as GET does.
func (s *Server) handleSetBankDetails() http.Handler {
	return jsonHandler(s, http.StatusOK, func(_ http.ResponseWriter, r *http.Request, req bankDetailsRequest) (bankDetailsJSON, error) {
		if s.bank == nil {
			return bankDetailsJSON{}, errNoBankDetails
		}
		d, err := s.bank.Set(r.Context(), principalFrom(r.Context()), bankdetails.Change(req), clientAddr(r))
		if err != nil {
			return bankDetailsJSON{}, err
		}
		return bankDetailsOf(d), nil
	})
}
