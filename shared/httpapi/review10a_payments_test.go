package httpapi_test

// Security review of issue 10 (review10a): fails on main as merged (6d15603).

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/citejardins/extranet/infra/localstack"
	"github.com/citejardins/extranet/shared/stripepay"
)

// The sandbox checkout stands for the provider's page: a page that
// expired (checkout.session.expired, the payment canceled) cannot be paid
// on Stripe. The sandbox page of such a payment even says "« Payer »
// n'enverra qu'un doublon, compté une seule fois", yet Payer sends a new
// paid event (evt_local_<payment id>, never seen) and the lease is
// credited for a payment the portal had closed.
func TestReview10aSandboxPayerDoesNotPayAnExpiredPayment(t *testing.T) {
	a := start(t, nil)
	celine := a.loginTenant(t, lefevre, "celine.lefevre@exemple.fr")
	status, _, started := a.do(t, "POST", "/api/v1/payments", map[string]any{"amountCents": 35000}, withKey(celine.bearer, "k-exp"))
	wantStatus(t, "start", status, http.StatusCreated, started)
	id := started["paymentId"].(string)
	url := started["checkoutUrl"].(string)
	checkoutID := url[strings.LastIndex(url, "/")+1:]
	expired := []byte(`{"id":"evt_expired_1","object":"event","api_version":"` + stripepay.APIVersion + `","created":` +
		itoa(time.Now().Unix()) + `,"type":"checkout.session.expired","data":{"object":{"id":"` + checkoutID + `","object":"checkout.session",` +
		`"payment_status":"unpaid","status":"expired","amount_total":35000,"currency":"eur","payment_intent":null,` +
		`"metadata":{"payment_id":"` + id + `","reference":"1234567"}}}}`)
	status, _, body := a.do(t, "POST", "/api/v1/payments/webhook", expired,
		map[string]string{"Stripe-Signature": stripepay.Sign(expired, localstack.LocalWebhookSecret, time.Now())})
	if status != 200 || body["outcome"] != "applied" {
		t.Fatalf("expired event: %d %v", status, body)
	}
	_, _, page := httpGetText(t, url)
	res := devPost(t, url+"/payer")
	sum := a.get(t, "/api/v1/account", celine.bearer)
	list := a.get(t, "/api/v1/payments", celine.bearer)["payments"].([]any)
	st := list[0].(map[string]any)["status"]
	if sum["balanceCents"] != float64(35000) || st != "canceled" {
		t.Errorf("Payer on the sandbox page of an expired payment (page says: %q) answered %d; balance %v, status %v; want nothing paid (balance 35000, canceled)",
			between(page, "<p>Ce paiement", "</p>"), res.StatusCode, sum["balanceCents"], st)
	}
}

func between(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	j := strings.Index(s[i:], to)
	if j < 0 {
		return s[i:]
	}
	return s[i : i+j]
}
