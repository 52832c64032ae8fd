package httpapi_test

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
)

// julien is the co-titulaire of Céline's lease in the demo data
// (infra/demo/erp/signataires_complet_20261101.csv): same surname, his own
// date of birth.
var julien = lease{"1234567", "LEFÈVRE", "Julien", "1983-06-21"}

// TestEverySignatoryHasTheirOwnAccount: Céline and Julien LEFÈVRE each
// sign up with their own date of birth, activate, log in and see the same
// lease (balance, entries, documents, requests), each under their own
// name; Julien's surname with a date of birth of nobody is refused; the
// paperless consent Julien gives is the lease's, shown to Céline with who
// and when; ending Julien's sessions leaves Céline's; another lease stays
// out of reach.
func TestEverySignatoryHasTheirOwnAccount(t *testing.T) {
	t.Parallel()
	a := start(t, nil)

	wrong := signUpBody(julien, "julien@exemple.fr", tenantPassword)
	wrong["dateOfBirth"] = "1983-06-12"
	status, _, body := a.do(t, "POST", "/api/v1/signup", wrong, nil)
	wantProblem(t, "Julien with a wrong date of birth", status, body, http.StatusUnprocessableEntity, "identity_mismatch")

	cel := a.loginTenant(t, lefevre, "celine.lefevre@exemple.fr")
	jul := a.loginTenant(t, julien, "julien.lefevre@exemple.fr")
	other := a.loginTenant(t, dupont, "marie.dupont@exemple.fr")

	if me := a.me(t, cel.bearer); me["firstName"] != "Céline" || me["email"] != cel.email {
		t.Errorf("Céline's /me: %v", me)
	}
	if me := a.me(t, jul.bearer); me["firstName"] != "Julien" || me["lastName"] != "LEFÈVRE" || me["email"] != jul.email || me["reference"] != "1234567" {
		t.Errorf("Julien's /me: %v", me)
	}
	// The same lease data, whoever reads it.
	for _, path := range []string{"/api/v1/account", "/api/v1/account/entries?limit=50", "/api/v1/documents", "/api/v1/contract"} {
		c, j := a.get(t, path, cel.bearer), a.get(t, path, jul.bearer)
		if !reflect.DeepEqual(c, j) {
			cj, _ := json.Marshal(c)
			jj, _ := json.Marshal(j)
			t.Errorf("%s differs: Céline %s, Julien %s", path, abbreviate(cj), abbreviate(jj))
		}
	}
	if sum := a.get(t, "/api/v1/account", jul.bearer); sum["balanceCents"] == nil {
		t.Errorf("Julien's summary has no balance: %v", sum)
	}
	// A request Julien sends is the lease's: Céline sees it, Marie does not.
	// Each sees who sent it: Julien's own, Julien's for Céline, in the
	// answer to the submission, the list and the request.
	req := a.submit(t, jul.bearer, "household", "Notre fille est partie faire ses études à Lyon.")
	sender := func(what string, got map[string]any, you bool) {
		t.Helper()
		by, _ := got["submittedBy"].(map[string]any)
		if by["firstName"] != "Julien" || by["lastName"] != "LEFÈVRE" || got["submittedByYou"] != you {
			t.Errorf("%s: submittedBy %v, submittedByYou %v; want Julien LEFÈVRE, %v", what, got["submittedBy"], got["submittedByYou"], you)
		}
	}
	if req.SubmittedBy == nil || req.SubmittedBy.FirstName != "Julien" || !req.SubmittedByYou {
		t.Errorf("the answer to Julien's submission: submittedBy %+v, submittedByYou %v", req.SubmittedBy, req.SubmittedByYou)
	}
	sender("Julien's request, read by Julien", a.get(t, "/api/v1/change-requests/"+req.ID, jul.bearer), true)
	sender("Julien's request, read by Céline", a.get(t, "/api/v1/change-requests/"+req.ID, cel.bearer), false)
	list, _ := a.get(t, "/api/v1/change-requests", cel.bearer)["changeRequests"].([]any)
	if len(list) != 1 {
		t.Fatalf("Céline's list: %v", list)
	}
	sender("Céline's list", list[0].(map[string]any), false)
	status, _, body = a.do(t, "GET", "/api/v1/change-requests/"+req.ID, nil, other.bearer)
	wantProblem(t, "Marie reads the LEFÈVRE lease's request", status, body, http.StatusNotFound, "not_found")

	// Julien gives the lease's paperless consent; Céline sees it, with who and when.
	before := time.Now().UTC().Truncate(time.Second)
	a.put(t, jul.bearer, obj{"paperless": true})
	prefs := a.get(t, "/api/v1/preferences", cel.bearer)
	by, _ := prefs["paperlessBy"].(map[string]any)
	since, err := time.Parse(time.RFC3339, prefs["paperlessSince"].(string))
	if prefs["paperless"] != true || by["firstName"] != "Julien" || by["lastName"] != "LEFÈVRE" || err != nil || since.Before(before) {
		t.Errorf("Céline's preferences after Julien's consent: %v", prefs)
	}
	if prefs["notificationEmail"] != cel.email {
		t.Errorf("Céline's notification email became %v", prefs["notificationEmail"])
	}
	if me := a.me(t, cel.bearer); me["paperless"] != true {
		t.Errorf("Céline's /me after Julien's consent: %v", me)
	}
	if p := a.get(t, "/api/v1/preferences", other.bearer); p["paperless"] == true {
		t.Errorf("Marie's lease took the LEFÈVRE lease's consent: %v", p)
	}

	// Julien logs out everywhere: Céline stays logged in.
	status, _, body = a.do(t, "DELETE", "/api/v1/sessions", nil, jul.bearer)
	if status != http.StatusNoContent {
		t.Fatalf("Julien's logout everywhere: %d %v", status, body)
	}
	a.meRefused(t, jul.bearer)
	a.meRefused(t, withCookie(jul.cookie))
	a.me(t, cel.bearer)
	a.me(t, withCookie(cel.cookie))
}

// TestSignUpOfASignatoryWithAnAccountMailsAMaskedHint: a second sign-up
// for Julien, with another address, answers as any sign-up (202, same
// body); the address typed gets a mail with a masked hint of his login
// address and no link of an account; his own address is told too.
func TestSignUpOfASignatoryWithAnAccountMailsAMaskedHint(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	a.register(t, julien, "julien.lefevre@exemple.fr", tenantPassword)
	before := a.mailCount()
	status, _, body := a.do(t, "POST", "/api/v1/signup", signUpBody(julien, "jlefevre@autre-domaine.example.org", tenantPassword), nil)
	wantStatus(t, "second sign-up of Julien", status, http.StatusAccepted, body)
	if body["status"] != "activation_sent" {
		t.Errorf("second sign-up answers %v", body)
	}
	a.settle(t)
	hints := a.mailsTo(t, before, "jlefevre@autre-domaine.example.org")
	if len(hints) != 1 {
		t.Fatalf("mails to the address typed: %d", len(hints))
	}
	h := hints[0]
	if !strings.Contains(h.Text, "j•••@e•••.fr") || strings.Contains(h.Text, "julien.lefevre") || strings.Contains(h.Text, "token=") {
		t.Errorf("the hint mail says: %s", h.Text)
	}
	if told := a.mailsTo(t, before, "julien.lefevre@exemple.fr"); len(told) != 1 {
		t.Errorf("mails to Julien's own address: %d", len(told))
	}
}

// TestBankDetailsChangeTellsEverySignatory: a change of the lease's bank
// details made from Julien's account is told to his login address, and to
// Céline's, saying it came from another signatory's account; a password
// change is told to the account that made it only.
func TestBankDetailsChangeTellsEverySignatory(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	cel := a.loginTenant(t, lefevre, "celine.lefevre@exemple.fr")
	jul := a.loginTenant(t, julien, "julien.lefevre@exemple.fr")

	before := a.mailCount()
	status, _, body := a.do(t, "PUT", "/api/v1/bank-details", bankBody(frIBAN(12345678901), "AGRIFRPP", "Julien LEFÈVRE", tenantPassword), jul.bearer)
	wantStatus(t, "PUT /api/v1/bank-details by Julien", status, http.StatusOK, body)
	mine := a.mailsTo(t, before, jul.email)
	if len(mine) != 1 || !strings.Contains(mine[0].Text, "ont été modifiées") || strings.Contains(mine[0].Text, "autre signataire") {
		t.Errorf("mails to Julien: %+v", mine)
	}
	hers := a.mailsTo(t, before, cel.email)
	if len(hers) != 1 || !strings.Contains(hers[0].Text, "depuis le compte Extranet Locataire d’un autre signataire du bail") ||
		strings.Contains(hers[0].Text, "12345678901") {
		t.Errorf("mails to Céline: %+v", hers)
	}

	before = a.mailCount()
	status, _, body = a.do(t, "POST", "/api/v1/password/change", obj{"currentPassword": tenantPassword, "newPassword": "un autre mot de passe tout neuf"}, jul.bearer)
	wantStatus(t, "Julien's password change", status, http.StatusOK, body)
	if n := len(a.mailsTo(t, before, jul.email)); n != 1 {
		t.Errorf("%d mails to Julien after his password change; want 1", n)
	}
	if n := len(a.mailsTo(t, before, cel.email)); n != 0 {
		t.Errorf("%d mails to Céline after Julien's password change; want none", n)
	}
	a.me(t, cel.bearer)
}
