package bankaccount

// Lengths gives the IBAN length of each country of the SEPA schemes'
// geographical scope (EPC409-09, "EPC list of SEPA scheme countries": the
// European Union, Iceland, Liechtenstein, Norway, Switzerland, the United
// Kingdom, Monaco, San Marino, Vatican City, Andorra and Gibraltar), from
// the SWIFT IBAN registry. The French overseas departments and collectivities,
// the Åland Islands, Jersey, Guernsey and the Isle of Man use their mother
// country's IBANs (FR, FI, GB). Countries the EPC admitted since 2024
// (Albania, Moldova, Montenegro, North Macedonia) are not in it yet: add
// them here when the landlord's bank debits them.
var Lengths = map[string]int{
	"AD": 24, "AT": 20, "BE": 16, "BG": 22, "CH": 21, "CY": 28, "CZ": 24,
	"DE": 22, "DK": 18, "EE": 20, "ES": 24, "FI": 18, "FR": 27, "GB": 22,
	"GI": 23, "GR": 27, "HR": 21, "HU": 28, "IE": 22, "IS": 26, "IT": 27,
	"LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MT": 31, "NL": 18,
	"NO": 15, "PL": 28, "PT": 25, "RO": 24, "SE": 24, "SI": 19, "SK": 24,
	"SM": 27, "VA": 22,
}

// countryName gives the French name of each SEPA country, with its article's
// form for "un IBAN …" (adjective), used by Advice.
var countryName = map[string]string{
	"AD": "andorran", "AT": "autrichien", "BE": "belge", "BG": "bulgare",
	"CH": "suisse", "CY": "chypriote", "CZ": "tchèque", "DE": "allemand",
	"DK": "danois", "EE": "estonien", "ES": "espagnol", "FI": "finlandais",
	"FR": "français", "GB": "britannique", "GI": "de Gibraltar", "GR": "grec",
	"HR": "croate", "HU": "hongrois", "IE": "irlandais", "IS": "islandais",
	"IT": "italien", "LI": "liechtensteinois", "LT": "lituanien",
	"LU": "luxembourgeois", "LV": "letton", "MC": "monégasque",
	"MT": "maltais", "NL": "néerlandais", "NO": "norvégien", "PL": "polonais",
	"PT": "portugais", "RO": "roumain", "SE": "suédois", "SI": "slovène",
	"SK": "slovaque", "SM": "saint-marinais", "VA": "du Vatican",
}

// bicCountries lists, for an IBAN country, the BIC countries of the banks that
// issue its IBANs besides its own, inside the SEPA schemes' scope (EPC409-09):
// banks of the French overseas departments and collectivities in SEPA have
// BICs of their ISO code (GP, MQ, RE…) but FR IBANs, those of Jersey,
// Guernsey and the Isle of Man GB IBANs, those of Åland FI IBANs.
var bicCountries = map[string][]string{
	"FR": {"GF", "GP", "MQ", "RE", "YT", "PM", "BL", "MF"},
	"GB": {"JE", "GG", "IM"},
	"FI": {"AX"},
}

// outsideSEPA lists, for an IBAN country, the BIC countries of banks that
// issue its IBANs but lie outside the SEPA schemes' scope (EPC409-09): New
// Caledonia, French Polynesia, Wallis and Futuna and the French Southern
// Territories (the Pacific franc zone) issue FR IBANs, yet no SEPA direct
// debit reaches them.
var outsideSEPA = map[string][]string{
	"FR": {"NC", "PF", "WF", "TF"},
}
