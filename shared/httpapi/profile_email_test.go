package httpapi_test

import (
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Mon profil's login email: a link to the new address, a notice to the
// login one, the swap once the link is opened.

// askLoginEmail asks for a new login email and returns the link's token
// mailed to it, checking the notice to the login address.
func (a *api) askLoginEmail(t *testing.T, me tenantSession, newEmail string) string {
	t.Helper()
	before := a.mailCount()
	status, _, body := a.do(t, "POST", loginEmailPath, obj{"email": newEmail, "password": tenantPassword}, me.bearer)
	wantStatus(t, "ask for a new login email", status, http.StatusAccepted, body)
	if body["status"] != "confirmation_sent" {
		t.Errorf("body %v, want status confirmation_sent", body)
	}
	notices := a.mailsTo(t, before, me.email)
	if len(notices) != 1 || !strings.Contains(notices[0].Text, newEmail) || strings.Contains(notices[0].Text, "token=") ||
		!strings.Contains(notices[0].Text, "Mon profil") {
		t.Errorf("the notice to the login address: %+v", notices)
	}
	return a.mailedToken(t, before, newEmail, "/confirmation-adresse-connexion")
}

func TestLoginEmailChangesByItsLink(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	const old, next = "marie.dupont@exemple.fr", "marie.nouvelle@exemple.fr"
	me := a.loginTenant(t, dupont, old)

	// A wrong password changes nothing and sends nothing.
	before := a.mailCount()
	status, _, body := a.do(t, "POST", loginEmailPath, obj{"email": next, "password": "pas le bon mot de passe"}, me.bearer)
	wantProblem(t, "a wrong password", status, body, http.StatusBadRequest, "validation_failed")
	if got := fieldErrors(body); !slices.Equal(got, []string{"password"}) {
		t.Errorf("errors on %v, want [password]", got)
	}
	// The same address, or none.
	status, _, body = a.do(t, "POST", loginEmailPath, obj{"email": strings.ToUpper(old), "password": tenantPassword}, me.bearer)
	wantProblem(t, "the same address", status, body, http.StatusBadRequest, "validation_failed")
	status, _, body = a.doInvalid(t, "POST", loginEmailPath, obj{"email": "", "password": ""}, me.bearer)
	wantProblem(t, "nothing typed", status, body, http.StatusBadRequest, "validation_failed")
	if got := fieldErrors(body); !slices.Equal(got, []string{"email", "password"}) {
		t.Errorf("errors on %v, want [email password]", got)
	}
	a.noMail(t, before, "refused requests")
	// Without a session: nothing.
	status, _, body = a.doInvalid(t, "POST", loginEmailPath, obj{"email": next, "password": tenantPassword}, nil)
	wantProblem(t, "no session", status, body, http.StatusUnauthorized, "unauthenticated")

	first := a.askLoginEmail(t, me, "marie.premiere@exemple.fr")
	token := a.askLoginEmail(t, me, next)
	// Nothing changed yet.
	if got := a.me(t, me.bearer)["email"]; got != old {
		t.Errorf("before the link: email %v, want %s", got, old)
	}
	// The newer request voided the older link.
	status, _, body = a.do(t, "POST", loginEmailConfirmPath, obj{"token": first}, nil)
	wantProblem(t, "the older link", status, body, http.StatusGone, "token_invalid")

	status, _, body = a.do(t, "POST", loginEmailConfirmPath, obj{"token": token}, nil)
	wantStatus(t, "confirm", status, http.StatusOK, body)
	if body["email"] != next || body["status"] != "confirmed" {
		t.Errorf("confirmation %v, want %s confirmed", body, next)
	}
	// Used once.
	status, _, body = a.do(t, "POST", loginEmailConfirmPath, obj{"token": token}, nil)
	wantProblem(t, "the link again", status, body, http.StatusGone, "token_invalid")

	// The sessions stay; the new address logs in, the old one no longer.
	if got := a.me(t, me.bearer)["email"]; got != next {
		t.Errorf("after the link: email %v, want %s", got, next)
	}
	a.loginToken(t, next, tenantPassword)
	status, _, body = a.loginRefused(t, old, tenantPassword)
	wantProblem(t, "login with the old address", status, body, http.StatusUnauthorized, "invalid_credentials")
	// Claims as stored: the old one gone, the new one ours.
	if it := a.rawItem(t, claimPK(old), "EMAIL"); it != nil {
		t.Errorf("the old address's claim is still there: %v", it)
	}
	if it := a.rawItem(t, claimPK(next), "EMAIL"); it == nil || it["reference"].(*ddbtypes.AttributeValueMemberS).Value != dupont.ref {
		t.Errorf("the new address's claim: %v", it)
	}
	// The ERP learns the address its notices go to.
	evs := a.exportedEvents(t, dupont.ref, "login_email_changed")
	if len(evs) != 1 || evs[0].Data["notificationEmail"] != next {
		t.Errorf("login_email_changed events %+v, want one with %s", evs, next)
	}
	// The old address is free: it signs up again (another lease).
	a.register(t, ndiaye, old, tenantPassword)
	a.loginToken(t, old, tenantPassword)
}

func TestLoginEmailOfAnotherAccountIsNotRevealed(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	marie := a.loginTenant(t, dupont, "marie.dupont@exemple.fr")
	const celine = "celine.lefevre@exemple.fr"
	a.loginTenant(t, lefevre, celine)

	before := a.mailCount()
	status, _, body := a.do(t, "POST", loginEmailPath, obj{"email": celine, "password": tenantPassword}, marie.bearer)
	wantStatus(t, "ask for another account's address", status, http.StatusAccepted, body)
	if body["status"] != "confirmation_sent" {
		t.Errorf("body %v: want the same answer as for a free address", body)
	}
	toCeline := a.mailsTo(t, before, celine)
	if len(toCeline) != 1 || strings.Contains(toCeline[0].Text, "token=") || !strings.Contains(toCeline[0].Subject, "autre compte") {
		t.Fatalf("mails to the holder: %+v; want one notice without a link", toCeline)
	}
	if got := a.me(t, marie.bearer)["email"]; got != "marie.dupont@exemple.fr" {
		t.Errorf("email %v changed", got)
	}

	// A link of another purpose (the notification email's) confirms nothing
	// here, nor the other way round.
	notify := a.askEmail(t, marie, "marie.avis@exemple.fr", "marie.dupont@exemple.fr")
	status, _, body = a.do(t, "POST", loginEmailConfirmPath, obj{"token": notify}, nil)
	wantProblem(t, "a notification email link", status, body, http.StatusGone, "token_invalid")
	login := a.askLoginEmail(t, marie, "marie.login@exemple.fr")
	status, body = a.confirmEmail(t, login, nil)
	wantProblem(t, "a login email link at the notification confirmation", status, body, http.StatusGone, "token_invalid")

	// Taken between the request and the link: refused at confirmation,
	// to the mailbox's holder only.
	later := a.askLoginEmail(t, marie, "abdou.ndiaye@exemple.fr")
	a.register(t, ndiaye, "abdou.ndiaye@exemple.fr", tenantPassword)
	status, _, body = a.do(t, "POST", loginEmailConfirmPath, obj{"token": later}, nil)
	wantProblem(t, "an address taken meanwhile", status, body, http.StatusConflict, "login_email_taken")
	a.loginToken(t, "abdou.ndiaye@exemple.fr", tenantPassword)
	a.loginToken(t, "marie.dupont@exemple.fr", tenantPassword)
}

// TestLoginEmailConfirmedOnceUnderRace opens one link 40 times at once.
func TestLoginEmailConfirmedOnceUnderRace(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	me := a.loginTenant(t, dupont, "marie.dupont@exemple.fr")
	const next = "marie.course@exemple.fr"
	token := a.askLoginEmail(t, me, next)
	const n = 40
	statuses := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i], _, _ = a.do(t, "POST", loginEmailConfirmPath, obj{"token": token}, nil)
		}()
	}
	wg.Wait()
	ok := 0
	for _, s := range statuses {
		switch s {
		case http.StatusOK:
			ok++
		case http.StatusGone:
		default:
			t.Errorf("status %d, want 200 once and 410", s)
		}
	}
	if ok != 1 {
		t.Errorf("%d confirmations succeeded, want 1", ok)
	}
	if got := a.me(t, me.bearer)["email"]; got != next {
		t.Errorf("email %v, want %s", got, next)
	}
	if it := a.rawItem(t, claimPK("marie.dupont@exemple.fr"), "EMAIL"); it != nil {
		t.Errorf("the old claim stayed")
	}
	if evs := a.exportedEvents(t, dupont.ref, "login_email_changed"); len(evs) != 1 {
		t.Errorf("%d login_email_changed events, want 1", len(evs))
	}
}
