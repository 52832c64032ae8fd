package httpapi_test

import (
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/citejardins/extranet/infra/sesemu"
)

// answer is what a client sees of a response: its status, its headers but
// Date, and its body.
type answer struct {
	status int
	header http.Header
	body   obj
}

func (a *api) signUpAnswer(t *testing.T, body obj) answer {
	t.Helper()
	status, header, resp := a.do(t, "POST", "/api/v1/signup", body, nil)
	header = header.Clone()
	header.Del("Date")
	return answer{status, header, resp}
}

// oneMail checks that exactly one mail left since before, to the address,
// with the subject, and returns it.
func (a *api) oneMail(t *testing.T, before int, to, subject string) sesemu.Message {
	t.Helper()
	a.settle(t)
	all := a.stack.Mail.Messages()[before:]
	if len(all) != 1 {
		var tos [][]string
		for _, m := range all {
			tos = append(tos, m.To)
		}
		t.Fatalf("%d mails sent (to %v), want 1 to %s", len(all), tos, to)
	}
	m := all[0]
	if len(m.To) != 1 || m.To[0] != to || m.Subject != subject {
		t.Fatalf("mail to %v %q, want to %s %q", m.To, m.Subject, to, subject)
	}
	return m
}

// TestSignUpAnswersAlike checks that once the reference, surname and date
// of birth match, the answer is the new sign-up's 202 whether the lease has
// an active account or the email is another account's, and that the
// difference goes by mail to the address on file, never to the one typed.
// (It was 409 account_exists and 409 email_taken: an oracle for dates of
// birth and for registered addresses.)
func TestSignUpAnswersAlike(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	const marie, password = "Marie.Dupont@Exemple.fr", "une phrase facile à retenir"
	a.register(t, dupont, marie, password)

	// The answer every matched sign-up must give: a new one's.
	before := a.mailCount()
	want := a.signUpAnswer(t, signUpBody(ndiaye, "abdou@exemple.fr", "une fenêtre sur la cour"))
	if want.status != http.StatusAccepted || want.body["status"] != "activation_sent" {
		t.Fatalf("new sign-up: %d %v, want 202 activation_sent", want.status, want.body)
	}
	abdou := a.mailedToken(t, before, "abdou@exemple.fr", "/activation")
	same := func(t *testing.T, what string, got answer) {
		t.Helper()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: answer differs from a new sign-up's:\n got %d %v %v\nwant %d %v %v",
				what, got.status, got.header, got.body, want.status, want.header, want.body)
		}
	}
	noLink := func(t *testing.T, m sesemu.Message) {
		t.Helper()
		if strings.Contains(m.Text, "token=") || strings.Contains(m.HTML, "token=") {
			t.Errorf("mail %q carries a link with a token:\n%s", m.Subject, m.Text)
		}
	}

	t.Run("lease with an active account", func(t *testing.T) {
		before := a.mailCount()
		same(t, "sign-up on an active lease", a.signUpAnswer(t, signUpBody(dupont, "autre@exemple.fr", "trois pommes et un radis")))
		// The address typed gets a masked hint of the account's, and what
		// to do; the account's own address is told, as before.
		hints := a.mailsTo(t, before, "autre@exemple.fr")
		if len(hints) != 1 || hints[0].Subject != "Un compte Extranet Locataire existe déjà pour vous" ||
			!strings.Contains(hints[0].Text, "M•••@E•••.fr") || strings.Contains(strings.ToLower(hints[0].Text), "marie") {
			t.Fatalf("the hint to the address typed: %+v", hints)
		}
		noLink(t, hints[0])
		told := a.mailsTo(t, before, marie)
		if len(told) != 1 || told[0].Subject != "Vous avez déjà un compte Extranet Locataire" {
			t.Fatalf("mails to the account's address: %+v", told)
		}
		m := told[0]
		for _, link := range []string{a.base + "/connexion", a.base + "/mot-de-passe-oublie"} {
			if !strings.Contains(m.Text, link) || !strings.Contains(m.HTML, link) {
				t.Errorf("the mail lacks the link %s:\n%s", link, m.Text)
			}
		}
		if !strings.Contains(m.Text, "Bonjour Marie") || strings.Contains(m.Text, "autre@exemple.fr") {
			t.Errorf("the mail should greet Marie and not name the address typed:\n%s", m.Text)
		}
		noLink(t, m)
		a.login(t, marie, password) // unchanged
		status, _, body := a.loginRefused(t, "autre@exemple.fr", "trois pommes et un radis")
		wantProblem(t, "login with the request on the active lease", status, body, http.StatusUnauthorized, "invalid_credentials")
	})

	for _, taken := range []string{marie, "marie.dupont@exemple.fr", "MARIE.DUPONT@EXEMPLE.FR"} {
		t.Run("email taken as "+taken, func(t *testing.T) {
			before := a.mailCount()
			same(t, "sign-up with another lease's email", a.signUpAnswer(t, signUpBody(lefevre, taken, "le mot de passe de la voisine")))
			m := a.oneMail(t, before, marie, "Demande de compte avec votre adresse email")
			noLink(t, m)
			if strings.Contains(m.Text, "Céline") || strings.Contains(m.Text, "LEFÈVRE") || strings.Contains(m.Text, lefevre.ref) {
				t.Errorf("the mail tells the owner about the lease typed:\n%s", m.Text)
			}
			a.login(t, marie, password) // still Marie's
			status, _, body := a.loginRefused(t, taken, "le mot de passe de la voisine")
			wantProblem(t, "login with the request's password", status, body, http.StatusUnauthorized, "invalid_credentials")
		})
	}

	t.Run("email of a pending account, on a lease with a pending request", func(t *testing.T) {
		a.signUp(t, lefevre, "celine@exemple.fr", "le mot de passe de la voisine")
		before := a.mailCount()
		same(t, "sign-up with a pending account's email", a.signUpAnswer(t, signUpBody(ndiaye, "celine@exemple.fr", "un autre mot de passe")))
		noLink(t, a.oneMail(t, before, "celine@exemple.fr", "Demande de compte avec votre adresse email"))
		// Nothing was created nor replaced: Abdou's pending request and link
		// stand, Céline's account is still hers and pending.
		status, _, body := a.loginRefused(t, "celine@exemple.fr", "le mot de passe de la voisine")
		wantProblem(t, "Céline's pending account", status, body, http.StatusUnauthorized, "account_not_activated")
		a.activate(t, abdou)
		a.login(t, "abdou@exemple.fr", "une fenêtre sur la cour")
		status, _, body = a.loginRefused(t, "celine@exemple.fr", "un autre mot de passe")
		wantProblem(t, "login with the request's password", status, body, http.StatusUnauthorized, "invalid_credentials")
	})
}

// TestSignUpNoticesStayWithinTheMailLimit checks that the notices count
// against a limit per account, silently: past the limit the answer is
// still the 202, and no mail leaves. They have a budget of their own:
// strangers' sign-ups never use up the tenant's own mails (a reset link).
func TestSignUpNoticesStayWithinTheMailLimit(t *testing.T) {
	t.Parallel()
	a := start(t, map[string]string{"LIMIT_MAILS_PER_ACCOUNT": "2/1h"})
	inOneWindow(t, time.Hour, 30*time.Second)
	const marie = "marie@exemple.fr"
	a.register(t, dupont, marie, "une phrase facile à retenir") // mail 1
	before := a.mailCount()
	for i := range 3 {
		got := a.signUpAnswer(t, signUpBody(dupont, "autre@exemple.fr", "trois pommes et un radis"))
		if got.status != http.StatusAccepted || got.body["status"] != "activation_sent" {
			t.Fatalf("sign-up %d on the active lease: %d %v, want 202 activation_sent", i+1, got.status, got.body)
		}
	}
	if got := a.mailsTo(t, before, marie); len(got) != 2 {
		t.Fatalf("%d notices to Marie after 3 sign-ups on her lease, want 2 (the limit)", len(got))
	}
	before = a.mailCount()
	for range 2 {
		a.signUpAnswer(t, signUpBody(lefevre, marie, "trois pommes et un radis"))
	}
	if got := a.mailCount() - before; got != 0 {
		t.Fatalf("%d mails past the notices' limit, want 0", got)
	}

	// Marie's own mails are untouched by the strangers' notices.
	before = a.mailCount()
	status, _, body := a.do(t, "POST", "/api/v1/password/forgot", obj{"email": marie}, nil)
	wantStatus(t, "forgot", status, http.StatusAccepted, body)
	a.mailedToken(t, before, marie, "/nouveau-mot-de-passe") // mail 2, the last allowed
}

// TestSignUpReplacingTellsThePreviousAddress checks that a sign-up that
// replaces a pending one with another email tells the previous address that
// its link no longer works, without naming the new one; with the same
// email, there is nothing to tell.
func TestSignUpReplacingTellsThePreviousAddress(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	first := a.signUp(t, dupont, "ancienne@exemple.fr", "le premier mot de passe")

	before := a.mailCount()
	second := a.signUp(t, dupont, "nouvelle@exemple.fr", "le second mot de passe")
	told := a.mailsTo(t, before, "ancienne@exemple.fr")
	if len(told) != 1 || told[0].Subject != "Votre demande de compte Extranet Locataire a été remplacée" {
		t.Fatalf("mails to the previous address: %v, want one notice", told)
	}
	m := told[0]
	if !strings.Contains(m.Text, "ne fonctionne plus") || !strings.Contains(m.Text, a.base+"/creer-mon-compte") {
		t.Errorf("the notice should say the link no longer works and link to the sign-up:\n%s", m.Text)
	}
	if strings.Contains(m.Text+m.HTML, "nouvelle@") || strings.Contains(m.Text, "token=") {
		t.Errorf("the notice names the new address or carries a link:\n%s", m.Text)
	}
	if got := len(a.stack.Mail.Messages()) - before; got != 2 {
		t.Errorf("%d mails, want 2 (the new link, the notice)", got)
	}
	status, _, body := a.do(t, "POST", "/api/v1/activation", obj{"token": first}, nil)
	wantProblem(t, "the replaced link", status, body, http.StatusGone, "token_invalid")

	// Again with the same address: only the new link.
	before = a.mailCount()
	third := a.signUp(t, dupont, "Nouvelle@exemple.fr", "le troisième mot de passe")
	if got := len(a.stack.Mail.Messages()) - before; got != 1 {
		t.Errorf("%d mails after a sign-up with the same address, want 1 (the new link)", got)
	}
	if third == second {
		t.Error("the same link was sent twice")
	}
}

// TestSignUpReplacedNoticeCannotBeSilenced checks that the notice of a
// replaced sign-up reaches the previous address even when a stranger spent
// the notices' budget of that address's lease first: the tenant must learn
// that somebody else's link now opens their lease.
func TestSignUpReplacedNoticeCannotBeSilenced(t *testing.T) {
	t.Parallel()
	a := start(t, map[string]string{"LIMIT_MAILS_PER_ACCOUNT": "3/1h"})
	inOneWindow(t, time.Hour, 30*time.Second)
	const victim = "victime@exemple.fr"
	a.signUp(t, lefevre, victim, "trois pommes et un radis") // mail 1 of 3
	// The stranger spends the notices' budget of the victim's lease: sign-ups
	// of another lease with the victim's address.
	before := a.mailCount()
	for range 3 {
		a.signUpAnswer(t, signUpBody(ndiaye, victim, "une fenêtre sur la cour"))
	}
	if got := len(a.mailsTo(t, before, victim)); got != 3 {
		t.Fatalf("%d notices of an address taken, want 3 (the budget)", got)
	}
	before = a.mailCount()
	status, _, body := a.do(t, "POST", "/api/v1/signup", signUpBody(lefevre, "intrus@exemple.fr", "le jardin des voisins"), nil)
	wantStatus(t, "the stranger's sign-up", status, http.StatusAccepted, body)
	a.mailedToken(t, before, "intrus@exemple.fr", "/activation") // mail 2 of 3
	told := a.mailsTo(t, before, victim)
	if len(told) != 1 || told[0].Subject != "Votre demande de compte Extranet Locataire a été remplacée" {
		t.Fatalf("mails to the victim after the stranger's sign-up: %d, want the notice", len(told))
	}
}
