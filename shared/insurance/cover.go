package insurance

import (
	"fmt"
	"strings"

	"github.com/citejardins/extranet/shared/fault"
	"github.com/citejardins/extranet/shared/tenancy"
)

// A cover's plausible bounds: a home-insurance certificate is for a year,
// renewed yearly, so its start is within CoverStartWithin years of today
// (a renewal sent early, or the current year's) and its end at most
// MaxCoverMonths after its start. Dates past them are typing mistakes or
// attempts to silence the reminders (an end in 9999).
const (
	CoverStartWithin = 1  // years before or after today
	MaxCoverMonths   = 13 // a year, and a month of slack for the insurer's dates
)

// coverOf checks the cover's fields against today (Paris): both dates
// well-formed, the start within CoverStartWithin years of today, the end
// after the start, at most MaxCoverMonths after it, and not past.
func coverOf(r SubmitRequest, today tenancy.Date) (insurer, policy string, start, end tenancy.Date, err error) {
	f := fault.Fields{}
	insurer, e := checkText(r.Insurer, MaxInsurer)
	switch {
	case e == errEmpty:
		f.Add("insurer", "Indiquez le nom de votre assureur, tel qu’il figure sur l’attestation.")
	case e != nil:
		f.Add("insurer", fmt.Sprintf("Le nom de l’assureur n’est pas accepté (%d caractères au plus, sans caractères spéciaux). Recopiez-le tel qu’il figure sur l’attestation.", MaxInsurer))
	}
	policy, e = checkText(r.PolicyNumber, MaxPolicyNumber)
	switch {
	case e == errEmpty:
		f.Add("policyNumber", "Indiquez le numéro de votre contrat d’assurance, tel qu’il figure sur l’attestation.")
	case e != nil:
		f.Add("policyNumber", fmt.Sprintf("Le numéro de contrat n’est pas accepté (%d caractères au plus, sans caractères spéciaux). Recopiez-le tel qu’il figure sur l’attestation.", MaxPolicyNumber))
	}
	start, e1 := tenancy.ParseDate(r.StartDate)
	switch {
	case e1 != nil || strings.TrimSpace(r.StartDate) != r.StartDate:
		e1 = errEmpty
		f.Add("startDate", "Indiquez la date de début de la garantie au format AAAA-MM-JJ, par exemple 2026-10-01.")
	case start.Before(tenancy.DateOf(today.Time().AddDate(-CoverStartWithin, 0, 0))):
		f.Add("startDate", "Cette date de début remonte à plus d’un an\u00a0: indiquez celle de l’attestation de votre assurance en cours (demandez-la à votre assureur si besoin).")
	case tenancy.DateOf(today.Time().AddDate(CoverStartWithin, 0, 0)).Before(start):
		f.Add("startDate", "Cette date de début est dans plus d’un an\u00a0: vérifiez-la sur l’attestation et corrigez-la.")
	}
	end, e2 := tenancy.ParseDate(r.EndDate)
	switch {
	case e2 != nil || strings.TrimSpace(r.EndDate) != r.EndDate:
		f.Add("endDate", "Indiquez la date de fin de la garantie au format AAAA-MM-JJ, par exemple 2027-09-30.")
	case e1 == nil && !start.Before(end):
		f.Add("endDate", "La date de fin de la garantie doit être après sa date de début.")
	case e1 == nil && tenancy.DateOf(start.Time().AddDate(0, MaxCoverMonths, 0)).Before(end):
		f.Add("endDate", "Une attestation d’assurance habitation couvre un an\u00a0: indiquez la date de fin qui figure sur l’attestation (au plus 13 mois après la date de début).")
	case end.Before(today):
		f.Add("endDate", "Cette garantie est déjà terminée\u00a0: envoyez l’attestation de votre assurance en cours (demandez-la à votre assureur si besoin).")
	}
	return insurer, policy, start, end, f.Err()
}
