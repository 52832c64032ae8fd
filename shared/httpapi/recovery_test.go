package httpapi_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"
)

// takeover is a thief's run on Marie's account, with her session and her
// password: her login email changed to thief1 and confirmed at once, her
// password changed, the login email changed again to thief2 (its recovery
// link goes to thief1, the thief's), and a logout everywhere. It returns the
// recovery link mailed to Marie's address at the first change, the one
// mailed to thief1 at the second, and the thief's password.
func (a *api) takeover(t *testing.T, marie tenantSession, thief1, thief2 string) (mariesLink, thiefsLink, thiefPassword string) {
	t.Helper()
	const taken = "une phrase secrète du preneur"
	link := a.askLoginEmail(t, marie, thief1)
	before := a.mailCount()
	status, _, body := a.do(t, "POST", loginEmailConfirmPath, obj{"token": link}, nil)
	wantStatus(t, "the thief confirms thief1", status, http.StatusOK, body)
	told := a.mailsTo(t, before, marie.email)
	if len(told) != 1 || !strings.Contains(told[0].Text, thief1) || !strings.Contains(told[0].Subject, "changé") ||
		!strings.Contains(told[0].Text, "7 jours") || !strings.Contains(told[0].Text, "redeviendra votre adresse de connexion") {
		t.Fatalf("mails to the old address at the change: %+v", told)
	}
	mariesLink = a.mailedToken(t, before, marie.email, "/nouveau-mot-de-passe")
	if got := a.mailsTo(t, before, thief1); len(got) != 0 {
		t.Errorf("the new address got %d mails at the change", len(got))
	}

	status, _, body = a.do(t, "POST", "/api/v1/password/change", obj{"currentPassword": tenantPassword, "newPassword": taken}, marie.bearer)
	wantStatus(t, "the thief changes the password", status, http.StatusOK, body)
	thief := bearer(a.loginToken(t, thief1, taken))
	before = a.mailCount()
	status, _, body = a.do(t, "POST", loginEmailPath, obj{"email": thief2, "password": taken}, thief)
	wantStatus(t, "the thief asks for thief2", status, http.StatusAccepted, body)
	link = a.mailedToken(t, before, thief2, "/confirmation-adresse-connexion")
	before = a.mailCount()
	status, _, body = a.do(t, "POST", loginEmailConfirmPath, obj{"token": link}, nil)
	wantStatus(t, "the thief confirms thief2", status, http.StatusOK, body)
	thiefsLink = a.mailedToken(t, before, thief1, "/nouveau-mot-de-passe")
	if got := a.mailsTo(t, before, marie.email); len(got) != 0 {
		t.Errorf("Marie's address got %d mails at the second change", len(got))
	}
	thief = bearer(a.loginToken(t, thief2, taken))
	status, _, body = a.do(t, "DELETE", "/api/v1/sessions", nil, thief)
	wantStatus(t, "the thief logs out everywhere", status, http.StatusNoContent, body)
	return mariesLink, thiefsLink, taken
}

// TestLoginEmailRecovery: a thief with Marie's session and password takes
// her account (takeover). The link mailed to her address at the first
// change still gives it back, whatever the thief did since: her address is
// the login email again, with her new password, every session is ended, the
// thief's addresses no longer log in, and the thief's own recovery link
// (sent to thief1) cannot take it again. The link serves once.
func TestLoginEmailRecovery(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	const old, thief1, thief2 = "marie.dupont@exemple.fr", "voleur@exemple.fr", "voleur.bis@exemple.fr"
	marie := a.loginTenant(t, dupont, old)
	stolen := marie.bearer
	mariesLink, thiefsLink, taken := a.takeover(t, marie, thief1, thief2)
	thief := bearer(a.loginToken(t, thief2, taken))
	// The thief also takes the notices.
	const thiefsNotices = "voleur.avis@exemple.fr"
	if status, body := a.confirmEmail(t, a.askEmail(t, tenantSession{email: thief2, bearer: thief}, thiefsNotices, thief2), nil); status != http.StatusOK {
		t.Fatalf("the thief's notification address: %d %v", status, body)
	}

	const fresh = "le vrai mot de passe repris"
	before := a.mailCount()
	status, _, body := a.do(t, "POST", "/api/v1/password/reset", obj{"token": mariesLink, "password": fresh}, nil)
	wantStatus(t, "Marie recovers her account", status, http.StatusOK, body)
	a.meRefused(t, stolen)
	a.meRefused(t, thief)
	for _, email := range []string{thief1, thief2} {
		for _, pw := range []string{taken, fresh, tenantPassword} {
			a.loginRefused(t, email, pw)
		}
	}
	a.loginRefused(t, old, taken)
	me := bearer(a.loginToken(t, old, fresh))
	if got := a.me(t, me); got["email"] != old {
		t.Errorf("Marie's /me after the recovery: %v", got)
	}
	if got := a.prefs(t, tenantSession{email: old, bearer: me}); got.NotificationEmail != old || got.PendingNotificationEmail != nil {
		t.Errorf("Marie's preferences after the recovery: %+v; want the notices at %s", got, old)
	}
	if sk := a.accountSK(t, old); sk == "" {
		t.Errorf("no claim of %s", old)
	}
	for _, email := range []string{thief1, thief2} {
		if claim := a.rawItem(t, claimPK(email), "EMAIL"); claim != nil {
			t.Errorf("the claim of %s is left: %v", email, claim)
		}
	}
	told := a.mailsTo(t, before, old)
	if len(told) != 1 || !strings.Contains(told[0].Subject, "récupéré") || !strings.Contains(told[0].Text, thief2) {
		t.Errorf("mails to Marie after the recovery: %+v", told)
	}

	// The link served once; the thief's, sent to thief1 during the
	// takeover, is refused and changes nothing.
	status, _, body = a.do(t, "POST", "/api/v1/password/reset", obj{"token": mariesLink, "password": "encore une autre phrase"}, nil)
	wantProblem(t, "Marie's link again", status, body, http.StatusGone, "token_invalid")
	status, _, body = a.do(t, "POST", "/api/v1/password/reset", obj{"token": thiefsLink, "password": "il revient encore une fois"}, nil)
	wantProblem(t, "the thief's recovery link", status, body, http.StatusGone, "token_invalid")
	a.loginRefused(t, thief1, "il revient encore une fois")
	a.me(t, me)
	a.loginToken(t, old, fresh)
}

// TestLoginEmailRecoveryAfterTheThiefsOwn: the thief uses their own
// recovery link first (thief1 back as the login email); Marie's, older,
// still gives her the account back.
func TestLoginEmailRecoveryAfterTheThiefsOwn(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	const old, thief1, thief2 = "marie.dupont@exemple.fr", "voleur@exemple.fr", "voleur.bis@exemple.fr"
	marie := a.loginTenant(t, dupont, old)
	mariesLink, thiefsLink, _ := a.takeover(t, marie, thief1, thief2)
	const again = "il se couvre bien cette fois"
	status, _, body := a.do(t, "POST", "/api/v1/password/reset", obj{"token": thiefsLink, "password": again}, nil)
	wantStatus(t, "the thief recovers thief1", status, http.StatusOK, body)
	a.loginToken(t, thief1, again)

	const fresh = "le vrai mot de passe repris"
	status, _, body = a.do(t, "POST", "/api/v1/password/reset", obj{"token": mariesLink, "password": fresh}, nil)
	wantStatus(t, "Marie recovers her account", status, http.StatusOK, body)
	a.loginRefused(t, thief1, again)
	a.loginToken(t, old, fresh)
}

// TestLoginEmailRecoveryInParallel: Marie's link sent 20 times at once,
// with different passwords, serves exactly once; the password that won
// logs in, at her address.
func TestLoginEmailRecoveryInParallel(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	const old = "marie.dupont@exemple.fr"
	marie := a.loginTenant(t, dupont, old)
	mariesLink, _, _ := a.takeover(t, marie, "voleur@exemple.fr", "voleur.bis@exemple.fr")
	const n = 20
	statuses := make([]int, n)
	passwords := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		passwords[i] = "une phrase de reprise numéro " + string(rune('a'+i))
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i], _, _ = a.do(t, "POST", "/api/v1/password/reset", obj{"token": mariesLink, "password": passwords[i]}, nil)
		}()
	}
	wg.Wait()
	won := -1
	for i, s := range statuses {
		switch s {
		case http.StatusOK:
			if won >= 0 {
				t.Errorf("the link served twice (%d and %d)", won, i)
			}
			won = i
		case http.StatusGone, http.StatusTooManyRequests:
		default:
			t.Errorf("request %d: status %d", i, s)
		}
	}
	if won < 0 {
		t.Fatalf("no request recovered the account: %v", statuses)
	}
	a.loginToken(t, old, passwords[won])
}

// TestLoginEmailRecoveryWhenTheAddressWasTaken: during the takeover, the
// freed address became another account's login; the recovery link then
// says so (409) and changes nothing.
func TestLoginEmailRecoveryWhenTheAddressWasTaken(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	const old, thief1, thief2 = "marie.dupont@exemple.fr", "voleur@exemple.fr", "voleur.bis@exemple.fr"
	marie := a.loginTenant(t, dupont, old)
	mariesLink, _, taken := a.takeover(t, marie, thief1, thief2)
	a.loginTenant(t, lefevre, old)

	status, _, body := a.do(t, "POST", "/api/v1/password/reset", obj{"token": mariesLink, "password": "le vrai mot de passe repris"}, nil)
	wantProblem(t, "recovery of a taken address", status, body, http.StatusConflict, "login_email_taken")
	a.loginToken(t, thief2, taken)
	a.loginRefused(t, old, "le vrai mot de passe repris")
}

// TestLoginEmailRecoveryASecondRecoveryKeepsTheThiefsLinksVoid: after
// Marie's recovery, she changes her login email herself and then uses the
// recovery link that change mailed to her old address (she changed her
// mind). That second recovery must not revive the thief's link, sent to
// thief1 during the takeover that the first recovery undid.
func TestLoginEmailRecoveryASecondRecoveryKeepsTheThiefsLinksVoid(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	const old, thief1, thief2, other = "marie.dupont@exemple.fr", "voleur@exemple.fr", "voleur.bis@exemple.fr", "marie.pro@exemple.fr"
	marie := a.loginTenant(t, dupont, old)
	mariesLink, thiefsLink, _ := a.takeover(t, marie, thief1, thief2)
	const fresh = "le vrai mot de passe repris"
	status, _, body := a.do(t, "POST", "/api/v1/password/reset", obj{"token": mariesLink, "password": fresh}, nil)
	wantStatus(t, "Marie recovers her account", status, http.StatusOK, body)

	me := bearer(a.loginToken(t, old, fresh))
	before := a.mailCount()
	status, _, body = a.do(t, "POST", loginEmailPath, obj{"email": other, "password": fresh}, me)
	wantStatus(t, "Marie asks for another address", status, http.StatusAccepted, body)
	link := a.mailedToken(t, before, other, "/confirmation-adresse-connexion")
	before = a.mailCount()
	status, _, body = a.do(t, "POST", loginEmailConfirmPath, obj{"token": link}, nil)
	wantStatus(t, "Marie confirms it", status, http.StatusOK, body)
	undo := a.mailedToken(t, before, old, "/nouveau-mot-de-passe")
	const back = "finalement mon ancienne adresse"
	status, _, body = a.do(t, "POST", "/api/v1/password/reset", obj{"token": undo, "password": back}, nil)
	wantStatus(t, "Marie undoes her own change", status, http.StatusOK, body)
	a.loginToken(t, old, back)

	status, _, body = a.do(t, "POST", "/api/v1/password/reset", obj{"token": thiefsLink, "password": "il revient encore une fois"}, nil)
	wantProblem(t, "the thief's recovery link after a second recovery", status, body, http.StatusGone, "token_invalid")
	a.loginRefused(t, thief1, "il revient encore une fois")
	a.loginToken(t, old, back)
}

// TestLoginEmailRecoveryAfterTheThiefSquatsTheOldAddress: once the login
// email changed, Marie's old address is free; the thief signs up on another
// lease (one whose surname and date of birth they know) with it, never
// activating (the link goes to Marie). The pending sign-up proved nothing
// about the address; Marie's recovery link, mailed to it, must still give
// her the account back.
func TestLoginEmailRecoveryAfterTheThiefSquatsTheOldAddress(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	const old, thief1, thief2 = "marie.dupont@exemple.fr", "voleur@exemple.fr", "voleur.bis@exemple.fr"
	marie := a.loginTenant(t, dupont, old)
	mariesLink, _, _ := a.takeover(t, marie, thief1, thief2)
	squat := a.signUp(t, ndiaye, old, "une inscription pour bloquer")

	const fresh = "le vrai mot de passe repris"
	status, _, body := a.do(t, "POST", "/api/v1/password/reset", obj{"token": mariesLink, "password": fresh}, nil)
	wantStatus(t, "Marie recovers her account", status, http.StatusOK, body)
	a.loginToken(t, old, fresh)
	// The pending sign-up is gone with its claim: its link activates nothing.
	status, _, body = a.do(t, "POST", "/api/v1/activation", obj{"token": squat}, nil)
	if status == http.StatusOK {
		t.Errorf("the squatting sign-up's activation: status 200 (%v)", body)
	}
	a.loginToken(t, old, fresh)
}

// TestLoginEmailRecoveryRacingAConfirmation: the thief confirms a third
// address while Marie opens her recovery link. Whichever lands first,
// Marie ends with her account, the third address neither logs in nor is
// claimed, and a recovery link mailed to the thief by that confirmation is
// refused.
func TestLoginEmailRecoveryRacingAConfirmation(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	const old, thief1, thief2, thief3 = "marie.dupont@exemple.fr", "voleur@exemple.fr", "voleur.bis@exemple.fr", "voleur.ter@exemple.fr"
	marie := a.loginTenant(t, dupont, old)
	mariesLink, _, taken := a.takeover(t, marie, thief1, thief2)
	thief := bearer(a.loginToken(t, thief2, taken))
	before := a.mailCount()
	status, _, body := a.do(t, "POST", loginEmailPath, obj{"email": thief3, "password": taken}, thief)
	wantStatus(t, "the thief asks for thief3", status, http.StatusAccepted, body)
	link := a.mailedToken(t, before, thief3, "/confirmation-adresse-connexion")

	const fresh = "le vrai mot de passe repris"
	before = a.mailCount()
	var wg sync.WaitGroup
	var recovered, confirmed int
	wg.Add(2)
	go func() {
		defer wg.Done()
		recovered, _, _ = a.do(t, "POST", "/api/v1/password/reset", obj{"token": mariesLink, "password": fresh}, nil)
	}()
	go func() {
		defer wg.Done()
		confirmed, _, _ = a.do(t, "POST", loginEmailConfirmPath, obj{"token": link}, nil)
	}()
	wg.Wait()
	if recovered != http.StatusOK {
		t.Fatalf("Marie's recovery racing the confirmation: status %d (confirmation %d)", recovered, confirmed)
	}
	a.loginToken(t, old, fresh)
	a.loginRefused(t, thief3, taken)
	a.loginRefused(t, thief2, taken)
	if claim := a.rawItem(t, claimPK(thief3), "EMAIL"); claim != nil {
		t.Errorf("the claim of %s is left: %v", thief3, claim)
	}
	if confirmed == http.StatusOK {
		late := a.mailedToken(t, before, thief2, "/nouveau-mot-de-passe")
		status, _, body = a.do(t, "POST", "/api/v1/password/reset", obj{"token": late, "password": "il revient encore une fois"}, nil)
		wantProblem(t, "the recovery link of the raced confirmation", status, body, http.StatusGone, "token_invalid")
	}
	a.loginToken(t, old, fresh)
}

// TestLoginEmailRecoveryRacingTheThiefsOwn: the thief opens their recovery
// link (sent to thief1) at the moment Marie opens hers. Whichever lands
// first, Marie ends with her account and thief1 logs in no more.
func TestLoginEmailRecoveryRacingTheThiefsOwn(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	const old, thief1, thief2 = "marie.dupont@exemple.fr", "voleur@exemple.fr", "voleur.bis@exemple.fr"
	marie := a.loginTenant(t, dupont, old)
	mariesLink, thiefsLink, _ := a.takeover(t, marie, thief1, thief2)
	const fresh, again = "le vrai mot de passe repris", "il se couvre bien cette fois"
	var wg sync.WaitGroup
	var hers, his int
	wg.Add(2)
	go func() {
		defer wg.Done()
		hers, _, _ = a.do(t, "POST", "/api/v1/password/reset", obj{"token": mariesLink, "password": fresh}, nil)
	}()
	go func() {
		defer wg.Done()
		his, _, _ = a.do(t, "POST", "/api/v1/password/reset", obj{"token": thiefsLink, "password": again}, nil)
	}()
	wg.Wait()
	if hers != http.StatusOK {
		t.Fatalf("Marie's recovery racing the thief's: status %d (the thief's %d)", hers, his)
	}
	a.loginToken(t, old, fresh)
	a.loginRefused(t, thief1, again)
	a.loginRefused(t, thief2, again)
}

// TestLoginEmailRecoveryVoidsTheThiefsResetLink: a reset link the thief
// asked for with thief2, not used before Marie's recovery, is void after
// it; Céline's account, on another lease, is untouched by all this.
func TestLoginEmailRecoveryVoidsTheThiefsResetLink(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	const old, thief1, thief2, celine = "marie.dupont@exemple.fr", "voleur@exemple.fr", "voleur.bis@exemple.fr", "celine@exemple.fr"
	a.register(t, lefevre, celine, "le mot de passe de la voisine")
	marie := a.loginTenant(t, dupont, old)
	mariesLink, _, _ := a.takeover(t, marie, thief1, thief2)
	before := a.mailCount()
	status, _, body := a.do(t, "POST", "/api/v1/password/forgot", obj{"email": thief2}, nil)
	wantStatus(t, "the thief forgets", status, http.StatusAccepted, body)
	reset := a.mailedToken(t, before, thief2, "/nouveau-mot-de-passe")

	const fresh = "le vrai mot de passe repris"
	status, _, body = a.do(t, "POST", "/api/v1/password/reset", obj{"token": mariesLink, "password": fresh}, nil)
	wantStatus(t, "Marie recovers her account", status, http.StatusOK, body)
	status, _, body = a.do(t, "POST", "/api/v1/password/reset", obj{"token": reset, "password": "il revient encore une fois"}, nil)
	wantProblem(t, "the thief's reset link after the recovery", status, body, http.StatusGone, "token_invalid")
	a.loginRefused(t, thief2, "il revient encore une fois")
	a.loginRefused(t, old, "il revient encore une fois")
	a.loginToken(t, old, fresh)
	a.loginToken(t, celine, "le mot de passe de la voisine")
}
