package httpapi_test

import (
	"net/http"
	"strings"
	"testing"
)

// Attacks on "Mon profil" (review of issue 11, part 3).

// TestLoginEmailRequestTellsNoHolder: asking for an address that another
// account holds must leave the same traces as asking for a free one, for the
// asker: the answer, the asker's earlier link (voided either way: else
// confirming it tells "taken") and the notice to the asker's own login
// address (sent either way: else the holder's notice budget tells "taken").
func TestLoginEmailRequestTellsNoHolder(t *testing.T) {
	t.Parallel()
	a := start(t, map[string]string{"LIMIT_MAILS_PER_ACCOUNT": "4/1h"})
	marie := a.loginTenant(t, dupont, "marie.dupont@exemple.fr")
	const celine = "celine.lefevre@exemple.fr"
	a.loginTenant(t, lefevre, celine)
	start := a.mailCount()

	// Marie's own link, then a request for Céline's address: the link is
	// void, as it is after a request for a free address.
	mine := a.askLoginEmail(t, marie, "marie.a@exemple.fr")
	before := a.mailCount()
	status, _, body := a.do(t, "POST", loginEmailPath, obj{"email": celine, "password": tenantPassword}, marie.bearer)
	wantStatus(t, "ask for Céline's address", status, http.StatusAccepted, body)
	if got := a.mailsTo(t, before, marie.email); len(got) != 1 || !strings.Contains(got[0].Text, celine) {
		t.Errorf("the notice to Marie's login address: %+v", got)
	}
	status, _, body = a.do(t, "POST", loginEmailConfirmPath, obj{"token": mine}, nil)
	wantProblem(t, "Marie's earlier link after a request for a taken address", status, body, http.StatusGone, "token_invalid")
	if got := a.me(t, marie.bearer)["email"]; got != "marie.dupont@exemple.fr" {
		t.Errorf("Marie's login email %v changed", got)
	}

	// Céline's notice budget spent by others' requests: Abdou's request for
	// her address still gets the notice to his own address, as a request
	// for a free one does.
	// (4 mails an hour, the activation's included: Marie spent 3, then 1;
	// Céline's 4 notices: 1, then 1 by Marie, 2 by Abdou.)
	for range 1 {
		status, _, body := a.do(t, "POST", loginEmailPath, obj{"email": celine, "password": tenantPassword}, marie.bearer)
		wantStatus(t, "ask again for Céline's address", status, http.StatusAccepted, body)
	}
	abdou := a.loginTenant(t, ndiaye, "abdou.ndiaye@exemple.fr")
	for range 2 {
		status, _, body := a.do(t, "POST", loginEmailPath, obj{"email": celine, "password": tenantPassword}, abdou.bearer)
		wantStatus(t, "Abdou asks for Céline's address", status, http.StatusAccepted, body)
	}
	before = a.mailCount()
	status, _, body = a.do(t, "POST", loginEmailPath, obj{"email": celine, "password": tenantPassword}, abdou.bearer)
	wantStatus(t, "Abdou asks again", status, http.StatusAccepted, body)
	if got := a.mailsTo(t, before, abdou.email); len(got) != 1 || !strings.Contains(got[0].Text, celine) {
		t.Errorf("the notice to Abdou's login address, Céline's notices spent: %+v", got)
	}
	if got := a.mailsTo(t, before, celine); len(got) != 0 {
		t.Errorf("Céline got %d notices past her budget (%d in all)", len(got), len(a.mailsTo(t, start, celine)))
	}
}
