package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/citejardins/extranet/infra/localstack"
)

// TestERPPaymentsAfterRestart (review 10c): the README says a restart of
// make run forgets the accounts and the ledger comes back from the demo
// files, while S3 (the export) is kept in DATA_DIR. LEFÈVRE pays 350,00 €
// on a first run; the stack restarts on the same DATA_DIR; nothing is paid
// on the second run, yet make erp-payments books the first run's payment
// again (the export still holds its payment_received event), so her
// balance reads 350,00 € in credit instead of 350,00 € owed, and the
// README's "the report says 1 written" does not hold.
func TestERPPaymentsAfterRestart(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	start := func() *localstack.Stack {
		t.Helper()
		st, err := localstack.Start(ctx, localstack.Options{Addr: "127.0.0.1:0", DataDir: dir, Root: "../.."})
		if err != nil {
			t.Fatal(err)
		}
		return st
	}

	first := start()
	session := lefevre(t, first.URL)
	if got := balance(t, first.URL, session); got != 35000 {
		t.Fatalf("first run: LEFÈVRE's balance %d, want 35000 owed", got)
	}
	payment := call(t, http.MethodPost, first.URL+"/api/v1/payments", session, `{"amountCents":35000}`, http.StatusCreated)
	var p struct {
		CheckoutURL string `json:"checkoutUrl"`
	}
	json.Unmarshal(payment, &p)
	resp, err := http.Post(p.CheckoutURL+"/payer", "application/x-www-form-urlencoded", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for i := 0; balance(t, first.URL, session) != 0; i++ {
		if i > 100 {
			t.Fatal("first run: the payment never reached the balance")
		}
		time.Sleep(100 * time.Millisecond)
	}
	// Let the exports function publish payment_received.
	for i := 0; ; i++ {
		keys, _ := listKeys(ctx, first.URL, "exports/")
		if strings.Contains(strings.Join(keys, " "), "payment-received") {
			break
		}
		if i > 100 {
			t.Fatal("first run: no payment_received in the export")
		}
		time.Sleep(100 * time.Millisecond)
	}
	first.Close()

	second := start()
	defer second.Close()
	session = lefevre(t, second.URL)
	if got := balance(t, second.URL, session); got != 35000 {
		t.Fatalf("after the restart: balance %d before erp-payments, want 35000 (the demo ledger)", got)
	}
	var out bytes.Buffer
	err = bookPayments(ctx, second.URL, filepath.Join(dir, "erp"), time.Now(), &out)
	if got := balance(t, second.URL, session); got != 35000 {
		t.Errorf("after the restart, nothing paid, make erp-payments (err %v) leaves LEFÈVRE's balance at %d, want 35000 owed:\n%s", err, got, out.String())
	}
	if err != nil || !strings.Contains(out.String(), "unknown to the running stack") {
		t.Errorf("after the restart, make erp-payments (err %v) does not say it skipped the earlier run's payment:\n%s", err, out.String())
	}
}

// lefevre signs LEFÈVRE up, activates and logs her in; it returns a bearer token.
func lefevre(t *testing.T, base string) string {
	t.Helper()
	const email, password = "celine.lefevre@example.fr", "une phrase facile à retenir"
	call(t, http.MethodPost, base+"/api/v1/signup", "", `{"reference":"1234567","lastName":"lefevre","dateOfBirth":"1985-11-03","email":"`+email+`","password":"`+password+`"}`, http.StatusAccepted)
	re := regexp.MustCompile(`activation\?token=([A-Za-z0-9_-]+)`)
	var token string
	for i := 0; token == ""; i++ {
		if i > 100 {
			t.Fatal("no activation mail")
		}
		time.Sleep(100 * time.Millisecond)
		if m := re.FindStringSubmatch(string(call(t, http.MethodGet, base+"/_dev/mail", "", "", http.StatusOK))); m != nil {
			token = m[1]
		}
	}
	call(t, http.MethodPost, base+"/api/v1/activation", "", `{"token":"`+token+`"}`, http.StatusOK)
	var s struct {
		Token string `json:"token"`
	}
	json.Unmarshal(call(t, http.MethodPost, base+"/api/v1/sessions", "", `{"email":"`+email+`","password":"`+password+`","tokenRequested":true}`, http.StatusOK), &s)
	return s.Token
}

func balance(t *testing.T, base, session string) int64 {
	t.Helper()
	var a struct {
		BalanceCents int64 `json:"balanceCents"`
	}
	json.Unmarshal(call(t, http.MethodGet, base+"/api/v1/account", session, "", http.StatusOK), &a)
	return a.BalanceCents
}

func call(t *testing.T, method, u, session, body string, want int) []byte {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, u, r)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if session != "" {
		req.Header.Set("Authorization", "Bearer "+session)
	}
	if method == http.MethodPost && strings.HasSuffix(u, "/payments") {
		req.Header.Set("Idempotency-Key", fmt.Sprintf("review10c-%d", time.Now().UnixNano()))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("%s %s: %d %s, want %d", method, u, resp.StatusCode, b, want)
	}
	return b
}

// TestERPPaymentsBooksAKnownPaymentOnce: on one run, make erp-payments
// books the payment the stack knows (the balance stays 0, the ERP's line
// settles it); run again, it skips the payment as already booked and the
// balance still reads 0.
func TestERPPaymentsBooksAKnownPaymentOnce(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := localstack.Start(ctx, localstack.Options{Addr: "127.0.0.1:0", DataDir: dir, Root: "../.."})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	session := lefevre(t, st.URL)
	payment := call(t, http.MethodPost, st.URL+"/api/v1/payments", session, `{"amountCents":35000}`, http.StatusCreated)
	var p struct {
		PaymentID   string `json:"paymentId"`
		CheckoutURL string `json:"checkoutUrl"`
	}
	json.Unmarshal(payment, &p)
	resp, err := http.Post(p.CheckoutURL+"/payer", "application/x-www-form-urlencoded", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for i := 0; ; i++ {
		keys, _ := listKeys(ctx, st.URL, "exports/")
		if balance(t, st.URL, session) == 0 && strings.Contains(strings.Join(keys, " "), "payment-received") {
			break
		}
		if i > 100 {
			t.Fatal("the payment never reached the balance and the export")
		}
		time.Sleep(100 * time.Millisecond)
	}
	var out bytes.Buffer
	if err := bookPayments(ctx, st.URL, filepath.Join(dir, "erp"), time.Now(), &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "WEB-"+p.PaymentID) || strings.Contains(out.String(), "skipped") {
		t.Errorf("first make erp-payments does not book payment %s alone:\n%s", p.PaymentID, out.String())
	}
	if got := balance(t, st.URL, session); got != 0 {
		t.Errorf("after the ERP's line, balance %d, want 0", got)
	}
	out.Reset()
	if err := bookPayments(ctx, st.URL, filepath.Join(dir, "erp"), time.Now(), &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "skipped: payment "+p.PaymentID) || !strings.Contains(out.String(), "already booked by the ERP (entry WEB-"+p.PaymentID+")") ||
		!strings.Contains(out.String(), "nothing to book") {
		t.Errorf("second make erp-payments:\n%s\nwant payment %s skipped as already booked, nothing to book", out.String(), p.PaymentID)
	}
	if got := balance(t, st.URL, session); got != 0 {
		t.Errorf("after a second make erp-payments, balance %d, want 0", got)
	}
}
