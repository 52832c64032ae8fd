package httpapi_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestPaymentMailFollowsTheNotificationEmailBankChangeMailTheLoginAddress:
// with a confirmed notification email, the payment confirmation (a notice)
// goes there, like the monthly notice, and not to the login address; the
// bank-details change (a security notice) still goes to the login
// address only.
func TestPaymentMailFollowsTheNotificationEmailBankChangeMailTheLoginAddress(t *testing.T) {
	a := start(t, nil)
	const login, avis = "celine.lefevre@exemple.fr", "celine.avis@exemple.fr"
	celine := a.loginTenant(t, lefevre, login)
	token := a.askEmail(t, celine, avis, login)
	status, body := a.confirmEmail(t, token, nil)
	wantStatus(t, "confirmation", status, http.StatusOK, body)

	before := a.mailCount()
	payLefevre(t, a, celine)
	if mails := a.mailsTo(t, before, avis); len(mails) != 1 || !strings.Contains(mails[0].Text, "Votre solde en tient déjà compte") {
		t.Errorf("payment confirmations to the notification email %+v, want one", mails)
	}
	if mails := a.mailsTo(t, before, login); len(mails) != 0 {
		t.Errorf("payment confirmation to the login address %+v, want none", mails)
	}

	before = a.mailCount()
	status, _, body = a.do(t, "PUT", "/api/v1/bank-details", bankBody(frIBAN(12345678901), "AGRIFRPP", "Céline LEFÈVRE", tenantPassword), celine.bearer)
	wantStatus(t, "PUT /api/v1/bank-details", status, http.StatusOK, body)
	if mails := a.mailsTo(t, before, login); len(mails) != 1 || !strings.Contains(mails[0].Text, "ont été modifiées") {
		t.Errorf("bank-details change mails to the login address %+v, want one", mails)
	}
	if mails := a.mailsTo(t, before, avis); len(mails) != 0 {
		t.Errorf("bank-details change mailed to the notification email %+v", mails)
	}
}
