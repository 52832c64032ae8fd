package httpapi_test

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/citejardins/extranet/infra/localstack"
	"github.com/citejardins/extranet/shared/payment"
	"github.com/citejardins/extranet/shared/stripepay"
	"github.com/citejardins/extranet/shared/tenancy"
)

// withKey adds an Idempotency-Key to a session's headers.
func withKey(h map[string]string, key string) map[string]string {
	out := map[string]string{"Idempotency-Key": key}
	for k, v := range h {
		out[k] = v
	}
	return out
}

// devPost posts to a /_dev/ page as the browser's form would, without
// following the redirect.
func devPost(t *testing.T, url string) *http.Response {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Post(url, "application/x-www-form-urlencoded", nil)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res
}

// TestPaymentLefevrePaysThroughTheSandboxCheckout is issue 10's "Done
// when": LEFÈVRE (350 € owed) pays 350,00 € through the local sandbox
// checkout; her balance reads 0 at once, Mon compte shows the provisional
// line, Mes paiements the payment, the ERP export has payment_received
// and she gets a confirmation mail.
func TestPaymentLefevrePaysThroughTheSandboxCheckout(t *testing.T) {
	a := start(t, nil)
	celine := a.loginTenant(t, lefevre, "celine.lefevre@exemple.fr")
	if sum := a.get(t, "/api/v1/account", celine.bearer); sum["balanceCents"] != float64(35000) {
		t.Fatalf("balance before %v, want 35000", sum["balanceCents"])
	}
	status, _, body := a.do(t, "POST", "/api/v1/payments", map[string]any{"amountCents": 35000}, withKey(celine.bearer, "tap-1"))
	wantStatus(t, "start", status, http.StatusCreated, body)
	id, _ := body["paymentId"].(string)
	url, _ := body["checkoutUrl"].(string)
	if !strings.HasPrefix(url, a.base+"/_dev/checkout/cs_test_1234567_"+id) || body["status"] != "open" {
		t.Fatalf("start answered %v", body)
	}
	status, _, page := httpGetText(t, url)
	if status != 200 || !strings.Contains(page, "350,00\u00a0€") || !strings.Contains(page, ">Payer<") || !strings.Contains(page, ">Annuler<") {
		t.Fatalf("sandbox page %d:\n%s", status, page)
	}
	before := a.mailCount()
	res := devPost(t, url+"/payer")
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != a.base+"/mon-espace/paiements?paiement="+id+"&resultat=paye" {
		t.Fatalf("Payer answered %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	// At once: no wait before reading the balance.
	if sum := a.get(t, "/api/v1/account", celine.bearer); sum["balanceCents"] != float64(0) {
		t.Errorf("balance after paying %v, want 0", sum["balanceCents"])
	}
	entries := a.get(t, "/api/v1/account/entries", celine.bearer)["entries"].([]any)
	first := entries[0].(map[string]any)
	if first["label"] != payment.LabelCredit || first["creditCents"] != float64(35000) || first["balanceAfterCents"] != float64(0) {
		t.Errorf("newest entry %v, want the provisional credit", first)
	}
	list := a.get(t, "/api/v1/payments", celine.bearer)["payments"].([]any)
	if len(list) != 1 || list[0].(map[string]any)["status"] != "succeeded" || list[0].(map[string]any)["creditedCents"] != float64(35000) {
		t.Errorf("payments %v", list)
	}
	evs := a.exportedEvents(t, "1234567", "payment_received")
	if len(evs) != 1 || evs[0].Data["paymentId"] != id || evs[0].Data["amountCents"] != float64(35000) || evs[0].Data["currency"] != "eur" {
		t.Errorf("exported payment_received %+v", evs)
	}
	mails := a.mailsTo(t, before, "celine.lefevre@exemple.fr")
	if len(mails) != 1 || !strings.Contains(mails[0].Subject, "350,00") || !strings.Contains(mails[0].Text, "Votre solde en tient déjà compte") {
		t.Errorf("confirmation mails %+v", mails)
	}
	// "Payer" again (a reload): the same event, counted once.
	devPost(t, url+"/payer")
	if sum := a.get(t, "/api/v1/account", celine.bearer); sum["balanceCents"] != float64(0) {
		t.Errorf("balance after a second Payer %v, want 0", sum["balanceCents"])
	}
}

func httpGetText(t *testing.T, url string) (int, http.Header, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var b strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := res.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return res.StatusCode, res.Header, b.String()
}

func TestPaymentCancelPaysNothing(t *testing.T) {
	a := start(t, nil)
	celine := a.loginTenant(t, lefevre, "celine.lefevre@exemple.fr")
	_, _, body := a.do(t, "POST", "/api/v1/payments", map[string]any{"amountCents": 35000}, withKey(celine.bearer, "k"))
	id := body["paymentId"].(string)
	res := devPost(t, body["checkoutUrl"].(string)+"/annuler")
	if res.StatusCode != http.StatusSeeOther || !strings.HasSuffix(res.Header.Get("Location"), "/mon-espace/paiements?paiement="+id+"&resultat=annule") {
		t.Errorf("Annuler answered %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	if sum := a.get(t, "/api/v1/account", celine.bearer); sum["balanceCents"] != float64(35000) {
		t.Errorf("balance after cancelling %v, want 35000", sum["balanceCents"])
	}
}

func TestPaymentStartRules(t *testing.T) {
	a := start(t, map[string]string{"PAYMENT_MAX_CENTS": "100000"})
	celine := a.loginTenant(t, lefevre, "celine.lefevre@exemple.fr")
	for _, c := range []struct {
		name    string
		body    any
		headers map[string]string
		status  int
		code    string
		valid   bool // openapi.yaml allows the request
	}{
		{"no Idempotency-Key", map[string]any{"amountCents": 35000}, celine.bearer, 400, "idempotency_key_missing", false},
		{"a key too long", map[string]any{"amountCents": 35000}, withKey(celine.bearer, strings.Repeat("k", 256)), 400, "idempotency_key_missing", false},
		{"under 1 €", map[string]any{"amountCents": 99}, withKey(celine.bearer, "a"), 400, "validation_failed", false},
		{"over the cap", map[string]any{"amountCents": 100001}, withKey(celine.bearer, "b"), 400, "validation_failed", true},
	} {
		status, _, body := a.send(t, c.valid, "POST", "/api/v1/payments", c.body, c.headers)
		if status != c.status || body["code"] != c.code {
			t.Errorf("%s: %d %v, want %d %s", c.name, status, body["code"], c.status, c.code)
		}
	}
	// The default: what is owed (350 €) plus the next due (500 €).
	status, _, first := a.do(t, "POST", "/api/v1/payments", nil, withKey(celine.bearer, "default"))
	wantStatus(t, "default amount", status, http.StatusCreated, first)
	if first["amountCents"] != float64(85000) {
		t.Errorf("default amount %v, want 85000", first["amountCents"])
	}
	// The same key and amount: the same answer; another amount: 422.
	_, _, again := a.do(t, "POST", "/api/v1/payments", map[string]any{"amountCents": 85000}, withKey(celine.bearer, "default"))
	if again["paymentId"] != first["paymentId"] || again["checkoutUrl"] != first["checkoutUrl"] {
		t.Errorf("same key answered %v, then %v", first, again)
	}
	status, _, body := a.do(t, "POST", "/api/v1/payments", map[string]any{"amountCents": 1000}, withKey(celine.bearer, "default"))
	if status != 422 || body["code"] != "idempotency_key_reused" {
		t.Errorf("same key, other amount: %d %v", status, body)
	}
	// Another tenant with the same key: another payment, and neither sees
	// the other's.
	abdou := a.loginTenant(t, ndiaye, "abdou.ndiaye@exemple.fr")
	_, _, other := a.do(t, "POST", "/api/v1/payments", map[string]any{"amountCents": 85000}, withKey(abdou.bearer, "default"))
	if other["paymentId"] == first["paymentId"] {
		t.Error("the same key made the same payment on two leases")
	}
	if list := a.get(t, "/api/v1/payments", abdou.bearer)["payments"].([]any); len(list) != 1 || list[0].(map[string]any)["paymentId"] != other["paymentId"] {
		t.Errorf("N'DIAYE lists %v", list)
	}
	// A double tap: 40 parallel requests with one key make one payment.
	var wg sync.WaitGroup
	ids := make(chan any, 40)
	for range 40 {
		wg.Go(func() {
			_, _, b := a.do(t, "POST", "/api/v1/payments", map[string]any{"amountCents": 2000}, withKey(celine.bearer, "tap"))
			ids <- b["paymentId"]
		})
	}
	wg.Wait()
	close(ids)
	seen := map[any]bool{}
	for id := range ids {
		seen[id] = true
	}
	if len(seen) != 1 {
		t.Errorf("40 parallel taps made %d payments", len(seen))
	}
	if list := a.get(t, "/api/v1/payments", celine.bearer)["payments"].([]any); len(list) != 2 {
		t.Errorf("LEFÈVRE lists %d payments, want 2", len(list))
	}
}

// TestPaymentWebhookRefusesBadDeliveries: a wrong secret, a stale
// timestamp, an altered body and a body that is not JSON are 400 and change
// nothing; an unknown payment is 200, recorded and flagged.
func TestPaymentWebhookRefusesBadDeliveries(t *testing.T) {
	a := start(t, nil)
	celine := a.loginTenant(t, lefevre, "celine.lefevre@exemple.fr")
	_, _, started := a.do(t, "POST", "/api/v1/payments", map[string]any{"amountCents": 35000}, withKey(celine.bearer, "k"))
	id := started["paymentId"].(string)
	// The payment's own page: a mismatch below is the amount's alone.
	session := "cs_test_1234567_" + id
	event := func(evtID string, cents int64, pid string) []byte {
		return []byte(`{"id":"` + evtID + `","object":"event","api_version":"` + stripepay.APIVersion + `","created":` +
			itoa(time.Now().Unix()) + `,"type":"checkout.session.completed","data":{"object":{"id":"` + session + `","object":"checkout.session",` +
			`"payment_status":"paid","status":"complete","amount_total":` + itoa(cents) + `,"currency":"eur","payment_intent":"pi_x",` +
			`"metadata":{"payment_id":"` + pid + `","reference":"1234567"}}}}`)
	}
	secret := localstack.LocalWebhookSecret
	good := event("evt_good", 35000, id)
	for _, c := range []struct {
		name   string
		body   []byte
		sig    string
		status int
		code   string
		valid  bool
	}{
		{"wrong secret", good, stripepay.Sign(good, "whsec_other", time.Now()), 400, "webhook_signature_invalid", true},
		{"stale timestamp", good, stripepay.Sign(good, secret, time.Now().Add(-301*time.Second)), 400, "webhook_timestamp_stale", true},
		{"altered body", []byte(strings.Replace(string(good), "35000", "350000", 1)), stripepay.Sign(good, secret, time.Now()), 400, "webhook_signature_invalid", true},
		{"not JSON", []byte("amount=35000"), stripepay.Sign([]byte("amount=35000"), secret, time.Now()), 400, "malformed_body", false},
		{"no signature", good, "", 400, "webhook_signature_invalid", true},
	} {
		status, _, body := a.send(t, c.valid, "POST", "/api/v1/payments/webhook", c.body, map[string]string{"Stripe-Signature": c.sig})
		if status != c.status || body["code"] != c.code {
			t.Errorf("%s: %d %v, want %d %s", c.name, status, body, c.status, c.code)
		}
	}
	if sum := a.get(t, "/api/v1/account", celine.bearer); sum["balanceCents"] != float64(35000) {
		t.Errorf("balance after refused deliveries %v, want 35000", sum["balanceCents"])
	}
	unknown := event("evt_unknown", 35000, strings.Repeat("ab", 16))
	status, _, body := a.do(t, "POST", "/api/v1/payments/webhook", unknown, map[string]string{"Stripe-Signature": stripepay.Sign(unknown, secret, time.Now())})
	if status != 200 || body["outcome"] != "unknown_payment" {
		t.Errorf("unknown payment: %d %v", status, body)
	}
	mismatch := event("evt_mismatch", 3500, id)
	status, _, body = a.do(t, "POST", "/api/v1/payments/webhook", mismatch, map[string]string{"Stripe-Signature": stripepay.Sign(mismatch, secret, time.Now())})
	if status != 200 || body["outcome"] != "flagged" {
		t.Errorf("amount mismatch: %d %v", status, body)
	}
	if sum := a.get(t, "/api/v1/account", celine.bearer); sum["balanceCents"] != float64(35000) {
		t.Errorf("balance after an unknown payment and a mismatch %v, want 35000", sum["balanceCents"])
	}
	evs := a.exportedEvents(t, "1234567", "payment_flagged")
	reasons := map[any]int{}
	for _, e := range evs {
		reasons[e.Data["reason"]]++
	}
	if len(evs) != 2 || reasons["unknown_payment"] != 1 || reasons["amount_mismatch"] != 1 {
		t.Errorf("payment_flagged exported %+v, want unknown_payment and amount_mismatch", evs)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestPaymentProvisionalEntryInReceiptsAndStatement: the provisional
// entry is a payment like the ERP's: the receipts impute it (every month
// paid once the balance is 0, a quittance made for the last one) and the
// statement PDF prints it with its own label.
func TestPaymentProvisionalEntryInReceiptsAndStatement(t *testing.T) {
	a := start(t, nil)
	celine := a.loginTenant(t, lefevre, "celine.lefevre@exemple.fr")
	year := tenancy.ParisTime(time.Now()).Format("2006") // the ledger's days are Paris days
	months := func() []any { return a.get(t, "/api/v1/receipts?year="+year, celine.bearer)["months"].([]any) }
	owing := 0
	for _, m := range months() {
		if s := m.(map[string]any)["status"]; s == "unpaid" || s == "partial" {
			owing++
		}
	}
	if owing == 0 {
		t.Fatal("LEFÈVRE's demo ledger has no month left to pay: the test proves nothing")
	}
	_, _, body := a.do(t, "POST", "/api/v1/payments", map[string]any{"amountCents": 35000}, withKey(celine.bearer, "k"))
	devPost(t, body["checkoutUrl"].(string)+"/payer")
	lastPaid := ""
	for _, m := range months() {
		m := m.(map[string]any)
		switch m["status"] {
		case "unpaid", "partial":
			t.Errorf("month %v still %v after paying the balance", m["period"], m["status"])
		case "paid":
			lastPaid = m["period"].(string)
		}
	}
	if lastPaid == "" {
		t.Fatal("no month paid")
	}
	status, _, doc := a.do(t, "POST", "/api/v1/receipts", map[string]any{"period": lastPaid}, celine.bearer)
	if status != http.StatusCreated || doc["kind"] != "rent_receipt" {
		t.Errorf("receipt of %s: %d %v", lastPaid, status, doc)
	}
	from, to := year+"-01-01", tenancy.ParisTime(time.Now()).Format("2006-01-02")
	text := pdfText(t, a.statementPDF(t, "from="+from+"&to="+to, celine.bearer, from, to))
	if !strings.Contains(text, "Paiement en ligne (en cours d") || !strings.Contains(text, "350,00") {
		t.Errorf("the statement lacks the provisional payment:\n%s", text)
	}
}
