package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/citejardins/extranet/shared/bankaccount"
	"github.com/citejardins/extranet/shared/bankdetails"
)

// "Mes coordonnées bancaires" through the API on the local stack: the
// DynamoDB and SES emulators through the real SDK clients.

// frIBAN makes a valid French IBAN of bank 30006, branch 00001 and the
// account number: the RIB key 97 − (89·bank + 15·branch + 3·account) mod 97,
// then the ISO 13616 check digits 98 − (BBAN + "FR00" as digits) mod 97.
func frIBAN(account int64) string {
	const bank, branch = 30006, 1
	key := 97 - (89*bank+15*branch+3*account)%97
	bban := fmt.Sprintf("%05d%05d%011d%02d", bank, branch, account, key)
	n, _ := new(big.Int).SetString(bban+"152700", 10) // F = 15, R = 27
	check := 98 - new(big.Int).Mod(n, big.NewInt(97)).Int64()
	return fmt.Sprintf("FR%02d%s", check, bban)
}

// emailOf is the login address tenantSession registers l with.
func emailOf(l lease) string {
	return strings.ToLower(strings.NewReplacer("È", "E", "'", "").Replace(l.lastName)) + "@example.fr"
}

func bankBody(iban, bic, holder, password string) obj {
	return obj{"iban": iban, "bic": bic, "holder": holder, "password": password}
}

// noWholeIBAN fails the test if an answer shows more of the IBAN than its
// masked form: the whole IBAN in electronic or printed form, or its hidden
// middle (the bank, branch and account), with or without spaces.
func noWholeIBAN(t *testing.T, what string, body obj, iban string) {
	t.Helper()
	raw, _ := json.Marshal(body)
	flat := strings.ReplaceAll(string(raw), " ", "")
	hidden := iban[4 : len(iban)-bankaccount.VisibleTail]
	if strings.Contains(flat, iban) || strings.Contains(flat, hidden) || strings.Contains(flat, hidden[:8]) {
		t.Errorf("%s shows the IBAN %s: %s", what, iban, raw)
	}
}

// storedBank reads the lease's details as stored (the whole IBAN).
func (a *api) storedBank(t *testing.T, ref string) (bankdetails.Details, bool) {
	t.Helper()
	d, err := a.stack.Store().BankDetails(context.Background(), ref)
	if err == bankdetails.ErrNotFound {
		return d, false
	}
	if err != nil {
		t.Fatal(err)
	}
	return d, true
}

// TestBankDetailsSetAndRead: none at first (404 bank_details_missing); a PUT
// of an IBAN typed with spaces, tabs and lower case saves its electronic
// form and answers it masked; GET answers the same; the account's address is
// told by a French mail with the masked IBAN; the ERP export has the whole
// IBAN; no answer ever shows the whole IBAN.
func TestBankDetailsSetAndRead(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	auth := a.tenantSession(t, lefevre)
	iban := frIBAN(12345678901)
	if iban != "FR7630006000011234567890189" {
		t.Fatalf("frIBAN = %s, want the Banque de France's example", iban)
	}

	status, _, body := a.do(t, "GET", "/api/v1/bank-details", nil, auth)
	wantProblem(t, "GET before any", status, body, http.StatusNotFound, "bank_details_missing")
	if d, _ := body["detail"].(string); !french(d) {
		t.Errorf("detail %q is not French", d)
	}

	before := a.mailCount()
	typed := "fr76 3000\t6000 0112 3456 7890 189"
	status, _, body = a.do(t, "PUT", "/api/v1/bank-details", bankBody(typed, "agri fr pp", "  Céline   LEFÈVRE ", tenantPassword), auth)
	wantStatus(t, "PUT", status, http.StatusOK, body)
	masked := "FR76 •••• •••• •••• •••• •••0 189"
	if body["iban"] != masked || body["bic"] != "AGRIFRPP" || body["holder"] != "Céline LEFÈVRE" {
		t.Errorf("PUT answered %v, want %s, AGRIFRPP, Céline LEFÈVRE", body, masked)
	}
	at, err := time.Parse(time.RFC3339, fmt.Sprint(body["updatedAt"]))
	if err != nil || time.Since(at) > time.Minute {
		t.Errorf("updatedAt %v: not the time of the change", body["updatedAt"])
	}
	noWholeIBAN(t, "PUT's answer", body, iban)

	got := a.get(t, "/api/v1/bank-details", auth)
	if got["iban"] != masked || got["holder"] != "Céline LEFÈVRE" || got["updatedAt"] != body["updatedAt"] {
		t.Errorf("GET = %v, want PUT's answer %v", got, body)
	}
	noWholeIBAN(t, "GET's answer", got, iban)

	stored, ok := a.storedBank(t, lefevre.ref)
	if !ok || string(stored.IBAN) != iban || stored.Version != 1 {
		t.Errorf("stored %+v, want %s in electronic form, version 1", stored, iban)
	}

	// The mail, to the account's login address, in French, masked.
	mails := a.mailsTo(t, before, emailOf(lefevre))
	if len(mails) != 1 {
		t.Fatalf("%d mails to %s, want 1", len(mails), emailOf(lefevre))
	}
	m := mails[0]
	for _, part := range []string{m.Text, m.HTML} {
		says(t, "the change's mail", part, "ont été modifiées", masked, "Si ce n’est pas vous", "/mot-de-passe-oublie")
		flat := strings.ReplaceAll(part, " ", "")
		if strings.Contains(flat, iban) || strings.Contains(flat, iban[4:12]) {
			t.Errorf("the mail shows the whole IBAN:\n%s", part)
		}
	}
	if m.Subject != "Vos coordonnées bancaires ont été modifiées" {
		t.Errorf("subject %q", m.Subject)
	}

	// The ERP export: the whole IBAN, the BIC and the holder.
	evs := a.exportedEvents(t, lefevre.ref, bankdetails.EventChanged)
	if len(evs) != 1 {
		t.Fatalf("%d %s events exported, want 1", len(evs), bankdetails.EventChanged)
	}
	want := map[string]any{"iban": iban, "bic": "AGRIFRPP", "holder": "Céline LEFÈVRE"}
	if fmt.Sprint(evs[0].Data) != fmt.Sprint(want) {
		t.Errorf("exported data %v, want %v", evs[0].Data, want)
	}

	// The same details again: nothing written, no mail, no event.
	before = a.mailCount()
	status, _, body = a.do(t, "PUT", "/api/v1/bank-details", bankBody(iban, "AGRIFRPP", "Céline LEFÈVRE", tenantPassword), auth)
	wantStatus(t, "PUT the same", status, http.StatusOK, body)
	if body["updatedAt"] != got["updatedAt"] {
		t.Errorf("the same details again moved updatedAt to %v", body["updatedAt"])
	}
	a.noMail(t, before, "the same details again")
	if evs := a.exportedEvents(t, lefevre.ref, bankdetails.EventChanged); len(evs) != 1 {
		t.Errorf("the same details again: %d events, want still 1", len(evs))
	}
}

// TestRule_BankDetailsNeedThePassword: a wrong password is refused (400,
// field password), changes nothing, mails nothing, and counts as a failed
// login on the account: with 3 failures allowed, the 4th attempt, even with
// the right password, and a login are refused (429).
func TestRule_BankDetailsNeedThePassword(t *testing.T) {
	t.Parallel()
	a := start(t, map[string]string{"LIMIT_ACCOUNT_FAILURES": "3/15m"})
	auth := a.tenantSession(t, dupont)
	iban := frIBAN(42)
	before := a.mailCount()
	for i := range 3 {
		status, _, body := a.do(t, "PUT", "/api/v1/bank-details", bankBody(iban, "AGRIFRPP", "Marie DUPONT", fmt.Sprintf("pas le bon mot de passe %d", i)), auth)
		wantProblem(t, "wrong password", status, body, http.StatusBadRequest, "validation_failed")
		if !slices.Equal(fieldErrors(body), []string{"password"}) {
			t.Errorf("wrong password: fields %v, want [password]", fieldErrors(body))
		}
	}
	status, _, body := a.do(t, "PUT", "/api/v1/bank-details", bankBody(iban, "AGRIFRPP", "Marie DUPONT", ""), auth)
	wantProblem(t, "no password", status, body, http.StatusBadRequest, "validation_failed")
	if !slices.Equal(fieldErrors(body), []string{"password"}) {
		t.Errorf("no password: fields %v, want [password]", fieldErrors(body))
	}
	if _, ok := a.storedBank(t, dupont.ref); ok {
		t.Fatal("a wrong password saved the details")
	}
	a.noMail(t, before, "wrong passwords")
	if evs := a.exportedEvents(t, dupont.ref, bankdetails.EventChanged); len(evs) != 0 {
		t.Errorf("wrong passwords exported %d events", len(evs))
	}

	// The three failures count on the account's logins.
	status, header, body := a.do(t, "PUT", "/api/v1/bank-details", bankBody(iban, "AGRIFRPP", "Marie DUPONT", tenantPassword), auth)
	wantThrottled(t, "the right password after 3 failures", status, header, body, 15*time.Minute)
	status, header, body = a.loginRefused(t, emailOf(dupont), tenantPassword)
	wantThrottled(t, "login after 3 failures on the bank details", status, header, body, 15*time.Minute)
	if _, ok := a.storedBank(t, dupont.ref); ok {
		t.Fatal("a throttled request saved the details")
	}
}

// TestRule_BankDetailsBadInputChangesNothing: each refused field is a 400
// validation_failed with a French message for that field, saying what is
// wrong; nothing is stored, no mail leaves, and the password is not even
// checked (no failure counted: one allowed, and the right password still
// works after every refusal).
func TestRule_BankDetailsBadInputChangesNothing(t *testing.T) {
	t.Parallel()
	a := start(t, map[string]string{"LIMIT_ACCOUNT_FAILURES": "1/15m"})
	auth := a.tenantSession(t, ndiaye)
	good := frIBAN(7654321)
	// A right mod 97 with a wrong RIB key: key + 1, check digits recomputed.
	bban := good[4:len(good)-2] + fmt.Sprintf("%02d", (atoi(good[len(good)-2:])+1)%97)
	n, _ := new(big.Int).SetString(bban+"152700", 10)
	wrongKey := fmt.Sprintf("FR%02d%s", 98-new(big.Int).Mod(n, big.NewInt(97)).Int64(), bban)
	before := a.mailCount()
	for _, c := range []struct {
		name, iban, bic, holder, field, says string
	}{
		{"wrong RIB key", wrongKey, "AGRIFRPP", "Abdou N'DIAYE", "iban", "clé RIB"},
		{"a digit changed", good[:10] + string('0'+(good[10]-'0'+1)%10) + good[11:], "AGRIFRPP", "Abdou N'DIAYE", "iban", "chiffres de contrôle"},
		{"one character short", good[:26], "AGRIFRPP", "Abdou N'DIAYE", "iban", "Un IBAN français compte 27 caractères"},
		{"outside SEPA", "TR330006100519786457841326", "AGRIFRPP", "Abdou N'DIAYE", "iban", "zone SEPA"},
		{"unknown country", "XX" + good[2:], "AGRIFRPP", "Abdou N'DIAYE", "iban", "deux lettres du pays"},
		{"empty IBAN", " ", "AGRIFRPP", "Abdou N'DIAYE", "iban", "Saisissez votre IBAN"},
		{"BIC of another country", good, "DEUTDEFF", "Abdou N'DIAYE", "bic", "pays de l’IBAN"},
		{"BIC of 9 characters", good, "AGRIFRPPX", "Abdou N'DIAYE", "bic", "8 ou 11"},
		{"holder with an emoji", good, "AGRIFRPP", "Abdou 😀", "holder", "lettres"},
		{"holder too long", good, "AGRIFRPP", strings.Repeat("N", 71), "holder", "70 caractères"},
	} {
		status, _, body := a.do(t, "PUT", "/api/v1/bank-details", bankBody(c.iban, c.bic, c.holder, "pas le bon mot de passe"), auth)
		wantProblem(t, c.name, status, body, http.StatusBadRequest, "validation_failed")
		// Only the field: the wrong password was not checked.
		if got := fieldErrors(body); !slices.Equal(got, []string{c.field}) {
			t.Errorf("%s: fields %v, want [%s]", c.name, got, c.field)
		}
		wantFieldSays(t, body, c.field, c.says)
		noWholeIBAN(t, c.name+"'s problem", body, good)
	}
	if _, ok := a.storedBank(t, ndiaye.ref); ok {
		t.Fatal("bad input saved the details")
	}
	a.noMail(t, before, "bad input")
	// No failure was counted: the right password is still checked and works.
	status, _, body := a.do(t, "PUT", "/api/v1/bank-details", bankBody(good, "AGRIFRPP", "Abdou N'DIAYE", tenantPassword), auth)
	wantStatus(t, "the right details after the refusals", status, http.StatusOK, body)
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = 10*n + int(c-'0')
	}
	return n
}

// TestBankDetailsStayInTheirLease: another tenant's session never sees a
// lease's bank details, and its own change leaves them alone; a cookie
// request from another site is refused and changes nothing.
func TestBankDetailsStayInTheirLease(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	celine := a.tenantSession(t, lefevre)
	marie := a.tenantSession(t, dupont)
	status, _, body := a.do(t, "PUT", "/api/v1/bank-details", bankBody(frIBAN(111), "AGRIFRPP", "Céline LEFÈVRE", tenantPassword), celine)
	wantStatus(t, "LEFÈVRE's PUT", status, http.StatusOK, body)

	status, _, body = a.do(t, "GET", "/api/v1/bank-details", nil, marie)
	wantProblem(t, "DUPONT's GET", status, body, http.StatusNotFound, "bank_details_missing")
	status, _, body = a.do(t, "PUT", "/api/v1/bank-details", bankBody(frIBAN(222), "AGRIFRPP", "Marie DUPONT", tenantPassword), marie)
	wantStatus(t, "DUPONT's PUT", status, http.StatusOK, body)
	if d, _ := a.storedBank(t, lefevre.ref); string(d.IBAN) != frIBAN(111) || d.Holder != "Céline LEFÈVRE" {
		t.Errorf("LEFÈVRE's details became %+v after DUPONT's change", d)
	}
	if got := a.get(t, "/api/v1/bank-details", celine); got["holder"] != "Céline LEFÈVRE" {
		t.Errorf("LEFÈVRE reads %v", got)
	}
	if got := a.get(t, "/api/v1/bank-details", marie); got["holder"] != "Marie DUPONT" {
		t.Errorf("DUPONT reads %v", got)
	}

	// The web app's cookie, from another site: 403, nothing changed.
	cookie := a.loginCookie(t, emailOf(lefevre), tenantPassword)
	status, _, body = a.do(t, "PUT", "/api/v1/bank-details", bankBody(frIBAN(333), "AGRIFRPP", "Pirate", tenantPassword),
		withCookie(cookie.Value, "Origin", "https://malveillant.example"))
	wantProblem(t, "cross-site PUT", status, body, http.StatusForbidden, "forbidden")
	if d, _ := a.storedBank(t, lefevre.ref); string(d.IBAN) != frIBAN(111) {
		t.Errorf("a cross-site PUT changed the details to %+v", d)
	}
	status, _, body = a.do(t, "PUT", "/api/v1/bank-details", bankBody(frIBAN(333), "AGRIFRPP", "Céline LEFÈVRE", tenantPassword),
		withCookie(cookie.Value, "Origin", a.base))
	wantStatus(t, "same-site PUT", status, http.StatusOK, body)
}

// TestBankDetailsParallelChanges: 40 PUTs of 40 different accounts at once,
// from one session. Each answers 200, 409 (changed meanwhile) or 429 (at
// most bankdetails.ChangesPerDay changes a day); at the end the stored
// details are those of the last change saved, their version counts the
// changes saved, and there is exactly one event and one mail per change.
func TestBankDetailsParallelChanges(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	auth := a.tenantSession(t, lefevre)
	before := a.mailCount()
	const n = 40
	replies := make([]reply, n)
	gate := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-gate
			status, header, body := a.do(t, "PUT", "/api/v1/bank-details", bankBody(frIBAN(int64(1000+i)), "AGRIFRPP", "Céline LEFÈVRE", tenantPassword), auth)
			replies[i] = reply{status, header, body}
		})
	}
	time.Sleep(50 * time.Millisecond)
	close(gate)
	wg.Wait()

	count := map[int]int{}
	saved := map[string]bool{} // masked IBANs answered 200
	for i, r := range replies {
		count[r.status]++
		switch r.status {
		case http.StatusOK:
			masked, _ := bankaccount.ParseIBAN(frIBAN(int64(1000 + i)))
			if r.body["iban"] != masked.Masked() {
				t.Errorf("PUT #%d answered %v, want its own IBAN masked", i, r.body["iban"])
			}
			saved[frIBAN(int64(1000+i))] = true
		case http.StatusConflict:
			wantProblem(t, "parallel PUT", r.status, r.body, http.StatusConflict, "conflict")
		case http.StatusTooManyRequests:
			wantThrottled(t, "parallel PUT", r.status, r.header, r.body, 24*time.Hour)
		default:
			t.Errorf("PUT #%d: %d %v", i, r.status, r.body)
		}
	}
	t.Logf("40 parallel PUTs: %d×200, %d×409, %d×429", count[200], count[409], count[429])
	if count[200] < 1 || count[200] > bankdetails.ChangesPerDay {
		t.Fatalf("%d changes saved, want between 1 and %d", count[200], bankdetails.ChangesPerDay)
	}

	d, ok := a.storedBank(t, lefevre.ref)
	if !ok || !saved[string(d.IBAN)] || d.Version != int64(count[200]) {
		t.Errorf("stored %+v (version %d), want one of the saved IBANs at version %d", d, d.Version, count[200])
	}
	evs := a.exportedEvents(t, lefevre.ref, bankdetails.EventChanged)
	if len(evs) != count[200] {
		t.Errorf("%d events for %d changes", len(evs), count[200])
	}
	slices.SortFunc(evs, func(x, y exportedEvent) int { return strings.Compare(x.At, y.At) })
	for _, e := range evs {
		if !saved[fmt.Sprint(e.Data["iban"])] {
			t.Errorf("event of an IBAN no answer saved: %v", e.Data)
		}
	}
	if len(evs) > 0 && evs[len(evs)-1].Data["iban"] != string(d.IBAN) {
		t.Errorf("the last event has %v, the stored details %s", evs[len(evs)-1].Data["iban"], d.IBAN)
	}
	if mails := a.mailsTo(t, before, emailOf(lefevre)); len(mails) != count[200] {
		t.Errorf("%d mails for %d changes", len(mails), count[200])
	}
	if got := a.get(t, "/api/v1/bank-details", auth); got["iban"] != d.IBAN.Masked() {
		t.Errorf("GET answers %v, stored %s", got["iban"], d.IBAN.Masked())
	}
}

// TestBankDetailsDoubleSubmit: the same details sent 4 times at once (taps
// on "Enregistrer") all answer 200 with the same details, and make one
// change: one event, one mail. (4: under the 5 changes a day, which each
// request racing for the first write takes.)
func TestBankDetailsDoubleSubmit(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	auth := a.tenantSession(t, dupont)
	before := a.mailCount()
	body := bankBody(frIBAN(9090), "AGRIFRPP", "Marie DUPONT", tenantPassword)
	var replies [4]reply
	gate := make(chan struct{})
	var wg sync.WaitGroup
	for i := range replies {
		wg.Go(func() {
			<-gate
			status, header, b := a.do(t, "PUT", "/api/v1/bank-details", body, auth)
			replies[i] = reply{status, header, b}
		})
	}
	close(gate)
	wg.Wait()
	for i, r := range replies {
		wantStatus(t, fmt.Sprintf("double submit #%d", i), r.status, http.StatusOK, r.body)
	}
	for _, r := range replies[1:] {
		if fmt.Sprint(r.body) != fmt.Sprint(replies[0].body) {
			t.Errorf("the answers differ: %v and %v", replies[0].body, r.body)
		}
	}
	if evs := a.exportedEvents(t, dupont.ref, bankdetails.EventChanged); len(evs) != 1 {
		t.Errorf("%d events, want 1", len(evs))
	}
	if mails := a.mailsTo(t, before, emailOf(dupont)); len(mails) != 1 {
		t.Errorf("%d mails, want 1", len(mails))
	}
}
