package bankaccount

import (
	"errors"
	"fmt"
)

// Advice turns an error of ParseIBAN, ParseBIC or ParseHolder into a French
// sentence that says what is wrong and what to do. Any other error gets a
// general sentence.
func Advice(err error) string {
	var ie *IBANError
	errors.As(err, &ie)
	switch {
	case errors.Is(err, ErrIBANEmpty):
		return "Saisissez votre IBAN\u00A0: il figure sur votre RIB et commence par deux lettres, par exemple FR76."
	case errors.Is(err, ErrIBANCharacters):
		return "Un IBAN ne contient que des lettres et des chiffres. Recopiez-le depuis votre RIB, sans tiret ni point."
	case errors.Is(err, ErrIBANCountry):
		return "Un IBAN commence par les deux lettres du pays de la banque, par exemple FR pour la France. Vérifiez le début de votre IBAN."
	case errors.Is(err, ErrIBANNotSEPA):
		return "Ce compte est tenu dans un pays hors de la zone SEPA\u00A0: nous ne pouvons pas l’utiliser. Indiquez un compte d’une banque de la zone SEPA (Union européenne, Royaume-Uni, Suisse, Norvège…)."
	case errors.Is(err, ErrIBANLength):
		if ie != nil && ie.Want > 0 {
			return fmt.Sprintf("Un IBAN %s compte %d caractères, celui saisi en compte %d. Vérifiez qu’il n’en manque pas et qu’il n’y en a pas en trop.", countryName[ie.Country], ie.Want, ie.Got)
		}
		return "Cet IBAN est trop long. Recopiez-le depuis votre RIB."
	case errors.Is(err, ErrIBANCheckDigits):
		return "Cet IBAN contient une erreur\u00A0: ses chiffres de contrôle (les 3e et 4e caractères) ne correspondent pas au reste. Vérifiez chaque caractère sur votre RIB."
	case errors.Is(err, ErrIBANFormat):
		return "Cet IBAN ne suit pas le format des comptes de son pays (des lettres à la place de chiffres, par exemple). Vérifiez-le sur votre RIB."
	case errors.Is(err, ErrIBANRIBKey):
		return "Cet IBAN contient une erreur\u00A0: la clé RIB (les deux derniers chiffres) ne correspond pas au numéro de compte. Vérifiez le code banque, le code guichet et le numéro de compte sur votre RIB."
	case errors.Is(err, ErrIBANNationalKey):
		return "Cet IBAN contient une erreur\u00A0: sa clé de contrôle nationale ne correspond pas au numéro de compte. Vérifiez-le sur votre RIB."
	case errors.Is(err, ErrBICEmpty):
		return "Saisissez le BIC de votre banque\u00A0: il figure sur votre RIB (8 ou 11 caractères, par exemple BNPAFRPP)."
	case errors.Is(err, ErrBICFormat):
		return "Un BIC compte 8 ou 11 lettres et chiffres, par exemple BNPAFRPP. Recopiez-le depuis votre RIB."
	case errors.Is(err, ErrBICCountry):
		return "Les 5e et 6e caractères du BIC doivent être les lettres d’un pays, par exemple FR. Vérifiez votre BIC."
	case errors.Is(err, ErrBICNotSEPA):
		return "Ce BIC est celui d’une banque de Nouvelle-Calédonie, de Polynésie française, de Wallis-et-Futuna ou des Terres australes, hors de la zone SEPA\u00A0: nous ne pouvons pas prélever ce compte. Indiquez un compte d’une banque de la zone SEPA (France métropolitaine, départements d’outre-mer, Union européenne…)."
	case errors.Is(err, ErrBICMismatch):
		return "Ce BIC n’est pas celui d’une banque du pays de l’IBAN. Vérifiez que l’IBAN et le BIC viennent du même RIB."
	case errors.Is(err, ErrHolderEmpty):
		return "Saisissez le nom du titulaire du compte, tel qu’il figure sur votre RIB."
	case errors.Is(err, ErrHolderTooLong):
		return fmt.Sprintf("Le nom du titulaire ne peut dépasser %d caractères. Abrégez-le comme sur votre RIB.", HolderMax)
	case errors.Is(err, ErrHolderCharacters):
		return "Le nom du titulaire ne peut contenir que des lettres (accentuées ou non), des chiffres, des espaces et ces signes\u00A0: /\u00A0-\u00A0?\u00A0:\u00A0(\u00A0)\u00A0.\u00A0,\u00A0'\u00A0+. Écrivez-le comme sur votre RIB."
	}
	return "Ces coordonnées bancaires ne sont pas valides. Vérifiez-les sur votre RIB."
}
