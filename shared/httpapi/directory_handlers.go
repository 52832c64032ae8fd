package httpapi

import (
	"net/http"

	"github.com/citejardins/extranet/shared/directory"
)

// The public emergency directory: no session, throttled per client address.

// WithDirectory serves the emergency directory with d (portal.New always
// gives one).
func (s *Server) WithDirectory(d *directory.Service) *Server {
	s.dir = d
	return s
}

type emergencyAddressJSON struct {
	PostalCode string `json:"postalCode"`
	City       string `json:"city"`
}

type emergencyContactJSON struct {
	Residence string               `json:"residence"`
	Address   emergencyAddressJSON `json:"address"`
	Name      string               `json:"name"`
	Phone     string               `json:"phone"`
	Hours     string               `json:"hours"`
}

type emergencyContactsResponse struct {
	Results []emergencyContactJSON `json:"results"`
	More    bool                   `json:"more"`
}

// handleEmergencyContacts answers GET /api/v1/emergency-contacts?q=… with
// the residences whose town, postal code or name starts with q (at most
// directory.MaxResults, and whether there were more); without q, with the
// whole directory, which the web app keeps for offline use.
func (s *Server) handleEmergencyContacts() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var resp emergencyContactsResponse
		var entries []directory.Entry
		q, err := query(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if q.Has("q") {
			var res directory.Result
			res, err = s.dir.Search(r.Context(), q.Get("q"), clientAddr(r))
			entries, resp.More = res.Entries, res.More
		} else {
			entries, err = s.dir.All(r.Context(), clientAddr(r))
		}
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		resp.Results = make([]emergencyContactJSON, len(entries))
		for i, e := range entries {
			resp.Results[i] = emergencyContactJSON{Residence: e.Residence, Address: emergencyAddressJSON{PostalCode: e.PostalCode, City: e.City},
				Name: e.Name, Phone: e.Phone, Hours: e.Hours}
		}
		encode(w, http.StatusOK, resp)
	})
}
