package erp

import (
	"github.com/citejardins/extranet/shared/insurance"
	"github.com/citejardins/extranet/shared/tenancy"
)

// InsuranceDecision is a line of an assurances file: the landlord's
// decision on a home-insurance certificate the tenant sent.
type InsuranceDecision struct {
	Reference     string           // canonical
	CertificateID string           // id_attestation: the portal's id of the certificate
	Status        insurance.Status // insurance.Accepted or insurance.Refused
	Date          tenancy.Date     // the day of the decision
	Reason        string           // motif: required for a refusal, at most MaxText
}

func (InsuranceDecision) record() {}

// The statut values, any case; the ERP writes them with or without the
// accent.
var insuranceStatuses = []enumValue[insurance.Status]{
	{"acceptee", insurance.Accepted}, {"acceptée", insurance.Accepted},
	{"refusee", insurance.Refused}, {"refusée", insurance.Refused},
}

func parseInsuranceDecision(p *lineParser) Record {
	d := InsuranceDecision{
		Reference:     p.reference(colReference),
		CertificateID: p.id(colIDAttestation),
		Status:        enum(p, colStatut, insuranceStatuses),
		Date:          p.date(colDate),
		Reason:        p.text(colMotif, MaxText),
	}
	if d.Status == insurance.Refused && d.Reason == "" && p.ok(colMotif) {
		p.fail(colMotif, "valeur manquante\u00a0: un refus dit au locataire pourquoi")
	}
	if d.Status == insurance.Accepted {
		d.Reason = "" // a reason given with an acceptance is not shown to anyone
	}
	return d
}
