package bankaccount_test

// Review of issue 10 (bank details, SEPA direct debit): rules that fail on
// main. See /work/wt/review10b/README.md.

import (
	"regexp"
	"testing"

	"github.com/citejardins/extranet/shared/bankaccount"
)

// New Caledonia (NC), French Polynesia (PF), Wallis and Futuna (WF) and the
// French Southern Territories (TF) issue FR-format IBANs but are outside
// the SEPA schemes' geographical scope (EPC409-09 lists, for France, only
// GF, GP, MQ, YT, RE, BL, MF and PM): an account there in XPF cannot be
// debited by a SEPA Core direct debit. Their banks' BICs must not pass as
// "a bank of the IBAN's country".
func TestReview10b_BICOfAFrenchTerritoryOutsideSEPAIsRefused(t *testing.T) {
	iban, err := bankaccount.ParseIBAN(validFR)
	if err != nil {
		t.Fatal(err)
	}
	for _, bic := range []string{"BNPANCNX", "CEPANCNM", "BNPAPFPT", "SOGEPFPT", "BNPAWFWX", "BNPATFTX"} {
		if _, err := bankaccount.ParseBIC(bic, iban); err == nil {
			t.Errorf("ParseBIC(%q, FR IBAN) accepted a bank of %s, outside the SEPA area", bic, bic[4:6])
		}
	}
	// The overseas departments and collectivities inside SEPA stay accepted.
	for _, bic := range []string{"BNPAGPGP", "BNPAMQMX", "BNPARERX", "BNPAYTYT", "BNPAPMPM"} {
		if _, err := bankaccount.ParseBIC(bic, iban); err != nil {
			t.Errorf("ParseBIC(%q, FR IBAN): %v", bic, err)
		}
	}
}

// A name pasted in Unicode's decomposed form (NFD: "e" + U+0301, as macOS
// file names and some PDFs give it) is a name with accents; Advice says
// "des lettres (accentuées ou non)" are accepted, yet it is refused.
func TestReview10b_HolderInDecomposedFormIsAccepted(t *testing.T) {
	for _, typed := range []string{"Jose\u0301 MARTI\u0301NEZ", "Ce\u0301line LEFE\u0300VRE", "Franc\u0327ois"} {
		got, err := bankaccount.ParseHolder(typed)
		if err != nil {
			t.Errorf("ParseHolder(%q): %v (%s)", typed, err, bankaccount.Advice(err))
			continue
		}
		if s := bankaccount.SEPA(got); regexp.MustCompile(`[^A-Za-z0-9 /?:().,'+-]`).MatchString(s) {
			t.Errorf("SEPA(%q) = %q, outside the SEPA set", got, s)
		}
	}
}

// French typography in the tenant-facing messages: a non-breaking space
// (U+00A0 or U+202F) before ":", ";", "?", "!" and inside « », as the
// direct-debit messages of the same feature already do
// (shared/directdebit: "prélèvement\u00A0: sans votre accord").
func TestReview10b_AdviceFollowsFrenchTypography(t *testing.T) {
	iban, _ := bankaccount.ParseIBAN(validFR)
	_, bicErr := bankaccount.ParseBIC("DEUTDEFF", iban)
	var errs []error
	for _, s := range []string{"", "FR76 3000 6000 0112 3456 7890 188", "US64SVBKUS6S3300958879", "FR76 3000", "FR00 3000 6000 0112 3456 7890 189", "QQ12"} {
		if _, err := bankaccount.ParseIBAN(s); err != nil {
			errs = append(errs, err)
		}
	}
	_, holderErr := bankaccount.ParseHolder("")
	errs = append(errs, bicErr, holderErr)
	bad := regexp.MustCompile(` [:;?!»]|« `)
	for _, err := range errs {
		msg := bankaccount.Advice(err)
		if m := bad.FindString(msg); m != "" {
			t.Errorf("Advice(%v) = %q: %q wants a non-breaking space", err, msg, m)
		}
	}
}
