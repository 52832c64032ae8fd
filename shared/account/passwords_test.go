package account_test

import (
	"context"
	"strings"
	"testing"

	"github.com/citejardins/extranet/shared/account"
)

// refusedPasswords are the passwords issue 7 found accepted, and their kin,
// for Marie DUPONT (lease 8889999, born 1978-04-12) signing up as
// tulipe.bleue@example.fr, with what the refusal must tell her to change.
var refusedPasswords = []struct {
	name, pw, says string
}{
	{"12 spaces", strings.Repeat(" ", 12), "que des espaces ou des caractères invisibles"},
	{"12 no-break spaces", strings.Repeat("\u00a0", 12), "que des espaces ou des caractères invisibles"},
	{"12 zero-width spaces", strings.Repeat("\u200b", 12), "que des espaces ou des caractères invisibles"},
	{"one letter repeated", "aaaaaaaaaaaa", "répète le même caractère"},
	{"a short unit repeated", "abcabcabcabc", "répète le même caractère ou la même suite"},
	{"surname and reference", "dupont8889999", "votre nom ou votre prénom et votre référence client"},
	{"first name and date of birth", "Marie1978-04-12", "votre date de naissance"},
	{"first name", "Marie, quelle belle journée", "votre nom ou votre prénom"},
	{"the email itself", "tulipe.bleue@example.fr", "votre adresse email"},
	{"the email's local part, joined", "TulipeBleue!2024", "votre adresse email"},
	{"surname, other case and accent", "DÛPONT et ses chats", "votre nom ou votre prénom"},
	{"first name, accented", "mariée en juin à paris", "votre nom ou votre prénom"},
	{"reference with a space", "ma référence 888 9999", "votre référence client"},
	{"date ISO", "né le 1978-04-12 !", "votre date de naissance"},
	{"date French with slashes", "né le 12/04/1978 !", "votre date de naissance"},
	{"date digits only", "code 12041978 ok", "votre date de naissance"},
	{"date ISO digits only", "code 19780412 ok", "votre date de naissance"},
	{"date short", "code secret 120478", "votre date de naissance"},
	{"date with hyphens", "né le 12-04-1978 !", "votre date de naissance"},
	{"date with dots", "né le 12.04.1978 !", "votre date de naissance"},
	{"date in letters", "né le 12 avril 1978", "votre date de naissance"},
	{"date without zeros", "né le 12/4/1978 !", "votre date de naissance"},
}

// acceptedPasswords look close to personal data but are not.
var acceptedPasswords = []string{
	"le mari est là tous les soirs", // "mari est", not "marie"
	"une phrase assez longue",
	"douze avril, jour de pluie", // no year
	"1978 fut une belle année",   // a year alone is no date of birth
}

// TestSignUpRefusesWeakAndPersonalPasswords checks every refused password
// at sign-up: a 400 on the password field, saying what to change, and
// nothing stored or sent. The first name is not typed at sign-up: it is
// compared once the lease matched.
func TestSignUpRefusesWeakAndPersonalPasswords(t *testing.T) {
	ctx := context.Background()
	f := setup(t, account.Config{})
	for _, tt := range refusedPasswords {
		t.Run(tt.name, func(t *testing.T) {
			req := marie
			req.Email = "tulipe.bleue@example.fr"
			req.Password = tt.pw
			err := f.svc.SignUp(ctx, req, "203.0.113.1")
			wantField(t, err, "password", tt.says)
		})
	}
	if n := f.mail.count(t); n != 0 {
		t.Errorf("%d mails sent after refused sign-ups", n)
	}
	for _, pw := range acceptedPasswords {
		req := marie
		req.Email = "tulipe.bleue@example.fr"
		req.Password = pw
		if err := f.svc.SignUp(ctx, req, "203.0.113.1"); err != nil {
			t.Errorf("sign-up with %q: %v", pw, err)
		}
	}
}

// TestResetRefusesWeakAndPersonalPasswords checks the same passwords on the
// reset link: compared with the account's email and the lease's
// signatories; the link stays usable.
func TestResetRefusesWeakAndPersonalPasswords(t *testing.T) {
	ctx := context.Background()
	f := setup(t, account.Config{})
	req := marie
	req.Email = "tulipe.bleue@example.fr"
	mustOK(t, f.svc.SignUp(ctx, req, "203.0.113.1"))
	if _, err := f.svc.Activate(ctx, f.mail.lastToken(t, req.Email), "203.0.113.1"); err != nil {
		t.Fatal(err)
	}
	mustOK(t, f.svc.Forgot(ctx, req.Email, "203.0.113.1"))
	link := f.mail.lastToken(t, req.Email)
	for _, tt := range refusedPasswords {
		t.Run(tt.name, func(t *testing.T) {
			wantField(t, f.svc.ResetPassword(ctx, link, tt.pw, "203.0.113.1"), "password", tt.says)
		})
	}
	mustOK(t, f.svc.ResetPassword(ctx, link, acceptedPasswords[0], "203.0.113.1"))
	_, _, err := f.svc.Login(ctx, account.Credentials{Email: req.Email, Password: acceptedPasswords[0]}, "203.0.113.1")
	mustOK(t, err)
}

// TestSignUpDisclosesNoSignatoryData checks that sign-up compares the
// password with what the form typed and the main signatory's first name
// only. Comparing it, once the lease matched, with every signatory's names
// and dates of birth told a stranger who knew the main signatory's identity
// the co-signatories' first names and dates of birth ("julien…" refused,
// "thomas…" accepted).
func TestSignUpDisclosesNoSignatoryData(t *testing.T) {
	ctx := context.Background()
	f := setup(t, account.Config{})
	celine := account.SignUpRequest{Reference: "1234567", LastName: "lefevre", DateOfBirth: "1985-11-03",
		Email: "c.l@example.fr"}
	// Typed: refused whatever the lease.
	celine.Password = "vive le 3 novembre 1985"
	wantField(t, f.svc.SignUp(ctx, celine, "203.0.113.1"), "password", "votre date de naissance")
	celine.Password = "lefèvre aime le vélo"
	wantField(t, f.svc.SignUp(ctx, celine, "203.0.113.1"), "password", "votre nom ou votre prénom")
	// The first name of the main signatory whose identity was typed.
	celine.Password = "CÉLINE aime le vélo"
	wantField(t, f.svc.SignUp(ctx, celine, "203.0.113.1"), "password", "votre nom ou votre prénom")
	// On the lease but neither typed nor the signing tenant's: a
	// co-signatory's first name and date of birth. Accepted like any other.
	for _, pw := range []string{"julien et la mer bleue", "la mer bleue 21061983"} {
		celine.Password = pw
		mustOK(t, f.svc.SignUp(ctx, celine, "203.0.113.1"))
	}
}
