package portal

import (
	"strings"

	"github.com/citejardins/extranet/shared/httpapi"
)

// The settings of the public legal pages, beside the notices' landlord
// (LANDLORD_NAME, LANDLORD_ADDRESS, LANDLORD_PHONE). Each may be empty.
const (
	EnvLandlordSIREN               = "LANDLORD_SIREN"
	EnvLandlordPublicationDirector = "LANDLORD_PUBLICATION_DIRECTOR"
	EnvLandlordDPOEmail            = "LANDLORD_DPO_EMAIL"
	// EnvRegion is set by Lambda (and the local stack): where the data live.
	EnvRegion = "AWS_REGION"
)

// LegalFrom reads the landlord's legal details (GET /api/v1/legal) from the
// settings; blanks around each value are dropped.
func LegalFrom(getenv func(string) string) httpapi.Legal {
	l := LandlordFrom(getenv)
	return httpapi.Legal{Name: l.Name, Address: l.AddressLines, Phone: strings.TrimSpace(l.Phone),
		SIREN:               strings.TrimSpace(getenv(EnvLandlordSIREN)),
		PublicationDirector: strings.TrimSpace(getenv(EnvLandlordPublicationDirector)),
		DPOEmail:            strings.TrimSpace(getenv(EnvLandlordDPOEmail)),
		HostRegion:          strings.TrimSpace(getenv(EnvRegion))}
}
