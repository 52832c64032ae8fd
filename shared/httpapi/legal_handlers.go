package httpapi

import "net/http"

// The landlord's legal details for the public pages "Mentions légales" and
// "Politique de confidentialité": no session, no personal data.

// Legal is what those pages print about the landlord, from the settings
// (portal.LegalFrom). An empty field is a setting left empty: the page
// says "non renseigné".
type Legal struct {
	Name                string   // LANDLORD_NAME, the controller and publisher
	Address             []string // LANDLORD_ADDRESS, lines
	Phone               string   // LANDLORD_PHONE
	SIREN               string   // LANDLORD_SIREN, 9 digits, or "RCS <town> <number>"
	PublicationDirector string   // LANDLORD_PUBLICATION_DIRECTOR, a person's name and role
	DPOEmail            string   // LANDLORD_DPO_EMAIL, the data protection officer
	HostRegion          string   // AWS_REGION, where the data are kept (eu-west-3 is Paris)
}

// WithLegal serves l on GET /api/v1/legal.
func (s *Server) WithLegal(l Legal) *Server {
	s.legal = l
	return s
}

type legalJSON struct {
	Name                string   `json:"name"`
	Address             []string `json:"address"`
	Phone               string   `json:"phone"`
	SIREN               string   `json:"siren"`
	PublicationDirector string   `json:"publicationDirector"`
	DPOEmail            string   `json:"dpoEmail"`
	HostRegion          string   `json:"hostRegion"`
}

// handleLegal answers GET /api/v1/legal with the landlord's details
// (Legal), each an empty string (address: an empty list) when not set.
func (s *Server) handleLegal() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l := s.legal
		addr := l.Address
		if addr == nil {
			addr = []string{}
		}
		encode(w, http.StatusOK, legalJSON{Name: l.Name, Address: addr, Phone: l.Phone, SIREN: l.SIREN,
			PublicationDirector: l.PublicationDirector, DPOEmail: l.DPOEmail, HostRegion: l.HostRegion})
	})
}
