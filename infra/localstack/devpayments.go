package localstack

import (
	"encoding/json"
	"net/http"

	"github.com/citejardins/extranet/shared/tenancy"
)

// devPayments serves GET /_dev/payments?reference=<ref>: the online
// payments the running stack holds for a lease (its DynamoDB, which a
// restart of make run empties), for make erp-payments, which books only a
// payment the stack knows and the ERP has not settled yet. The export in
// S3 outlives a restart; the payments do not. Answer:
// {"payments": [{"paymentId", "status", "settledBy"}]}, settledBy empty
// until the ERP's line replaced the provisional entries.
func (s *Stack) devPayments() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ref, err := tenancy.NormalizeReference(r.URL.Query().Get("reference"))
		if err != nil {
			devProblem(w, http.StatusBadRequest, "invalid_reference", "Référence invalide",
				"Donnez la référence du bail : /_dev/payments?reference=1234567.")
			return
		}
		list, err := s.store.Payments(r.Context(), ref)
		if err != nil {
			s.log.Error("dev payments: query", "err", err)
			http.Error(w, "payments query failed", http.StatusInternalServerError)
			return
		}
		type known struct {
			PaymentID string `json:"paymentId"`
			Status    string `json:"status"`
			SettledBy string `json:"settledBy"`
		}
		out := struct {
			Payments []known `json:"payments"`
		}{Payments: []known{}}
		for _, p := range list {
			out.Payments = append(out.Payments, known{PaymentID: p.ID, Status: string(p.Status), SettledBy: p.SettledBy})
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		json.NewEncoder(w).Encode(out)
	})
}
