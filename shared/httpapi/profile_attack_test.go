package httpapi_test

import (
	"net/http"
	"strings"
	"sync"
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

// TestLoginEmailLinkVoidedBySecurityActions: a link asked from a stolen
// session dies when the owner changes or resets the password, logs out
// everywhere or deletes the account; and an old link (login or
// notification email) never serves an account created again with the same
// key.
func TestLoginEmailLinkVoidedBySecurityActions(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	const email = "marie.dupont@exemple.fr"
	me := a.loginTenant(t, dupont, email)
	void := func(what, token string) {
		t.Helper()
		status, _, body := a.do(t, "POST", loginEmailConfirmPath, obj{"token": token}, nil)
		wantProblem(t, what, status, body, http.StatusGone, "token_invalid")
	}

	link := a.askLoginEmail(t, me, "voleur1@exemple.fr")
	status, _, body := a.do(t, "DELETE", "/api/v1/sessions", nil, me.bearer)
	wantStatus(t, "logout everywhere", status, http.StatusNoContent, body)
	void("a link after a logout everywhere", link)

	me.bearer = bearer(a.loginToken(t, email, tenantPassword))
	link = a.askLoginEmail(t, me, "voleur2@exemple.fr")
	const fresh = "une phrase toute neuve et longue"
	status, _, body = a.do(t, "POST", "/api/v1/password/change", obj{"currentPassword": tenantPassword, "newPassword": fresh}, me.bearer)
	wantStatus(t, "password change", status, http.StatusOK, body)
	void("a link after a password change", link)

	// ask asks for a new login email with password pw, and returns the
	// link mailed to it.
	ask := func(pw, to string) string {
		t.Helper()
		before := a.mailCount()
		status, _, body := a.do(t, "POST", loginEmailPath, obj{"email": to, "password": pw}, me.bearer)
		wantStatus(t, "ask for a new login email", status, http.StatusAccepted, body)
		return a.mailedToken(t, before, to, "/confirmation-adresse-connexion")
	}

	me.bearer = bearer(a.loginToken(t, email, fresh))
	link = ask(fresh, "voleur3@exemple.fr")
	before := a.mailCount()
	status, _, body = a.do(t, "POST", "/api/v1/password/forgot", obj{"email": email}, nil)
	wantStatus(t, "forgot", status, http.StatusAccepted, body)
	const reset = "encore une autre phrase assez longue"
	status, _, body = a.do(t, "POST", "/api/v1/password/reset", obj{"token": a.mailedToken(t, before, email, "/nouveau-mot-de-passe"), "password": reset}, nil)
	wantStatus(t, "reset", status, http.StatusOK, body)
	void("a link after a reset", link)

	me = tenantSession{email: email, bearer: bearer(a.loginToken(t, email, reset))}
	link = ask(reset, "voleur4@exemple.fr")
	notify := a.askEmail(t, me, "marie.avis@exemple.fr", email)
	status, _, body = a.do(t, "POST", deletionPath, obj{"password": reset, "confirm": true}, me.bearer)
	wantStatus(t, "delete", status, http.StatusOK, body)
	void("a link after the deletion", link)
	status, body = a.confirmEmail(t, notify, nil)
	wantProblem(t, "a notification email link after the deletion", status, body, http.StatusGone, "token_invalid")
	a.register(t, dupont, email, tenantPassword)
	void("a link of the deleted account, on the new one", link)
	status, body = a.confirmEmail(t, notify, nil)
	wantProblem(t, "a notification email link of the deleted account, on the new one", status, body, http.StatusGone, "token_invalid")
	for _, addr := range []string{"voleur4@exemple.fr", "marie.avis@exemple.fr"} {
		if a.rawItem(t, claimPK(addr), "EMAIL") != nil {
			t.Errorf("a claim of %s", addr)
		}
	}
	if got := a.prefs(t, tenantSession{email: email, bearer: bearer(a.loginToken(t, email, tenantPassword))}); got.NotificationEmail != email || got.PendingNotificationEmail != nil {
		t.Errorf("the new account's preferences: %+v", got)
	}
	a.loginToken(t, email, tenantPassword)
}

// TestLoginEmailTwoAccountsRaceForOneAddress: Marie and Céline each hold a
// link to the same address and open it 20 times each, at once. One account
// gets it; the other keeps its login and claim; no claim dangles.
func TestLoginEmailTwoAccountsRaceForOneAddress(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	marie := a.loginTenant(t, dupont, "marie.dupont@exemple.fr")
	celine := a.loginTenant(t, lefevre, "celine.lefevre@exemple.fr")
	const shared = "Foyer.Commun@Exemple.fr"
	links := []string{a.askLoginEmail(t, marie, shared), a.askLoginEmail(t, celine, strings.ToLower(shared))}
	const n = 40
	statuses := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i], _, _ = a.do(t, "POST", loginEmailConfirmPath, obj{"token": links[i%2]}, nil)
		}()
	}
	wg.Wait()
	won := map[int]int{}
	for i, s := range statuses {
		switch s {
		case http.StatusOK:
			won[i%2]++
		case http.StatusGone, http.StatusConflict:
		default:
			t.Errorf("status %d", s)
		}
	}
	if len(won) != 1 || won[0]+won[1] != 1 {
		t.Fatalf("confirmations that succeeded, per account: %v; want one in all", won)
	}
	winner, loser, loserOld := marie, celine, "celine.lefevre@exemple.fr"
	if won[1] == 1 {
		winner, loser, loserOld = celine, marie, "marie.dupont@exemple.fr"
	}
	if got := a.me(t, winner.bearer)["email"]; !strings.EqualFold(got.(string), shared) {
		t.Errorf("the winner's email %v", got)
	}
	if got := a.me(t, loser.bearer)["email"]; got != loserOld {
		t.Errorf("the loser's email %v, want %s", got, loserOld)
	}
	if a.rawItem(t, claimPK(loserOld), "EMAIL") == nil || a.rawItem(t, claimPK(winner.email), "EMAIL") != nil {
		t.Errorf("claims: the loser's must stay, the winner's old one go")
	}
	a.accountSK(t, shared) // the claim names an existing account
	// The loser's link now answers "taken", never swaps.
	status, _, body := a.do(t, "POST", loginEmailConfirmPath, obj{"token": links[map[bool]int{true: 1, false: 0}[won[0] == 1]]}, nil)
	if status == http.StatusOK {
		t.Errorf("the loser's link confirmed afterwards: %v", body)
	}
	a.loginToken(t, shared, tenantPassword)
	a.loginToken(t, loserOld, tenantPassword)
}

// TestDeletionWrongPasswordsCountAsLoginFailures: a stolen session cannot
// guess the password through the deletion form beyond the login's limit.
func TestDeletionWrongPasswordsCountAsLoginFailures(t *testing.T) {
	t.Parallel()
	a := start(t, map[string]string{"LIMIT_ACCOUNT_FAILURES": "3/15m"})
	const email = "marie.dupont@exemple.fr"
	me := a.loginTenant(t, dupont, email)
	for i := range 3 {
		status, _, body := a.do(t, "POST", deletionPath, obj{"password": "essai numéro " + string(rune('a'+i)), "confirm": true}, me.bearer)
		wantProblem(t, "a wrong password", status, body, http.StatusBadRequest, "validation_failed")
	}
	status, _, body := a.do(t, "POST", deletionPath, obj{"password": tenantPassword, "confirm": true}, me.bearer)
	wantProblem(t, "the right password past the limit", status, body, http.StatusTooManyRequests, "too_many_requests")
	status, _, body = a.loginRefused(t, email, tenantPassword)
	wantProblem(t, "login past the limit", status, body, http.StatusTooManyRequests, "too_many_requests")
	a.me(t, me.bearer) // not deleted
}

// TestAccountDeletionRacesLoginsAndPasswordChanges: 40 requests at once on
// one account: deletions (with the old or the new password), logins,
// password changes and forgotten-password requests. Once the dust settles
// the account is gone with everything it had: no session, no token, no
// claim, whatever won which race; one event, one last mail.
func TestAccountDeletionRacesLoginsAndPasswordChanges(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	const email = "marie.dupont@exemple.fr"
	const fresh = "une phrase toute neuve et longue"
	me := a.loginTenant(t, dupont, email)
	sk := a.accountSK(t, email)
	const n = 40
	statuses := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pw := []string{tenantPassword, fresh}[i/4%2]
			switch i % 4 {
			case 0:
				statuses[i], _, _ = a.do(t, "POST", deletionPath, obj{"password": pw, "confirm": true}, me.bearer)
			case 1:
				statuses[i], _, _ = a.do(t, "POST", "/api/v1/sessions", obj{"email": email, "password": pw}, nil)
			case 2:
				statuses[i], _, _ = a.do(t, "POST", "/api/v1/password/change", obj{"currentPassword": tenantPassword, "newPassword": fresh}, me.bearer)
			case 3:
				statuses[i], _, _ = a.do(t, "POST", "/api/v1/password/forgot", obj{"email": email}, nil)
			}
		}()
	}
	wg.Wait()
	a.settle(t)
	deleted := 0
	for i := 0; i < n; i += 4 {
		if statuses[i] == http.StatusOK {
			deleted++
		}
	}
	if deleted == 0 {
		// The password change may win before every deletion; delete now.
		s, _, body := a.do(t, "POST", deletionPath, obj{"password": fresh, "confirm": true}, bearer(a.loginToken(t, email, fresh)))
		wantStatus(t, "delete after the race", s, http.StatusOK, body)
	}
	a.settle(t)
	if a.rawItem(t, "ACCOUNT#"+dupont.ref, sk) != nil || a.rawItem(t, claimPK(email), "EMAIL") != nil {
		t.Errorf("the account or its claim is still there")
	}
	if left := a.sessionsAndTokens(t, dupont.ref); len(left) != 0 {
		t.Errorf("sessions and tokens left after the race (statuses %v): %v", statuses, left)
	}
	if evs := a.exportedEvents(t, dupont.ref, "account_deleted"); len(evs) != 1 {
		t.Errorf("%d account_deleted events, want 1", len(evs))
	}
	// The address signs up again, and nothing of the old account opens it.
	a.register(t, dupont, email, tenantPassword)
	a.meRefused(t, me.bearer)
	a.loginToken(t, email, tenantPassword)
}

// TestLoginEmailOtherFormsOfOneAddress: an address in another case or its
// domain in Unicode rather than Punycode is the same address: its holder
// is told, at the address its account holds (not the form typed), and no
// link goes out; one's own address in another form is
// refused as one's own.
func TestLoginEmailOtherFormsOfOneAddress(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	marie := a.loginTenant(t, dupont, "marie.dupont@exemple.fr")
	const holder = "abdou@xn--exmple-cua.fr" // abdou@exämple.fr
	a.loginTenant(t, ndiaye, holder)
	before := a.mailCount()
	status, _, body := a.do(t, "POST", loginEmailPath, obj{"email": "ABDOU@EXÄMPLE.FR", "password": tenantPassword}, marie.bearer)
	wantStatus(t, "ask for Abdou's address in Unicode", status, http.StatusAccepted, body)
	if got := a.mailsTo(t, before, holder); len(got) != 1 || strings.Contains(got[0].Text, "token=") {
		t.Errorf("mails to the holder's address: %+v; want one notice without a link", got)
	}
	status, _, body = a.do(t, "POST", loginEmailPath, obj{"email": "Marie.Dupont@EXEMPLE.fr", "password": tenantPassword}, marie.bearer)
	wantProblem(t, "one's own address in capitals", status, body, http.StatusBadRequest, "validation_failed")
}

// TestDeletionRacesLoginEmailConfirmation: 20 deletions and 20 openings of
// a login email link at once. Whichever wins, the account ends deleted with
// no claim left on either address, and both addresses sign up again.
func TestDeletionRacesLoginEmailConfirmation(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	const old, next = "marie.dupont@exemple.fr", "marie.course@exemple.fr"
	me := a.loginTenant(t, dupont, old)
	link := a.askLoginEmail(t, me, next)
	const n = 40
	statuses := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i%2 == 0 {
				statuses[i], _, _ = a.do(t, "POST", deletionPath, obj{"password": tenantPassword, "confirm": true}, me.bearer)
			} else {
				statuses[i], _, _ = a.do(t, "POST", loginEmailConfirmPath, obj{"token": link}, nil)
			}
		}()
	}
	wg.Wait()
	a.settle(t)
	for _, addr := range []string{old, next} {
		if it := a.rawItem(t, claimPK(addr), "EMAIL"); it != nil {
			t.Errorf("a claim of %s dangles (statuses %v): %v", addr, statuses, it)
		}
	}
	if left := a.sessionsAndTokens(t, dupont.ref); len(left) != 0 {
		t.Errorf("sessions and tokens left: %v", left)
	}
	a.meRefused(t, me.bearer)
	a.register(t, dupont, next, tenantPassword)
	a.register(t, ndiaye, old, tenantPassword)
}

// TestProfileChangesRefuseOtherSites: by cookie, a deletion or a login
// email request from another site's page is refused before anything is
// checked or counted, even with the right password.
func TestProfileChangesRefuseOtherSites(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	const email = "marie.dupont@exemple.fr"
	me := a.loginTenant(t, dupont, email)
	before := a.mailCount()
	for _, h := range []map[string]string{
		withCookie(me.cookie, "Origin", "https://malveillant.example"),
		withCookie(me.cookie, "Sec-Fetch-Site", "cross-site"),
	} {
		status, _, body := a.do(t, "POST", deletionPath, obj{"password": tenantPassword, "confirm": true}, h)
		wantProblem(t, "a deletion from another site", status, body, http.StatusForbidden, "forbidden")
		status, _, body = a.do(t, "POST", loginEmailPath, obj{"email": "voleur@exemple.fr", "password": tenantPassword}, h)
		wantProblem(t, "a login email request from another site", status, body, http.StatusForbidden, "forbidden")
	}
	a.noMail(t, before, "requests from another site")
	a.me(t, withCookie(me.cookie))
}
