package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/citejardins/extranet/infra/localstack"
	"github.com/citejardins/extranet/shared/stripepay"
)

// Fixes of review10a, through the local stack's routes and its sandbox
// checkout, each response checked against openapi.yaml.

// sendStripe posts a Stripe event signed with the local webhook secret.
func (a *api) sendStripe(t *testing.T, event string) obj {
	t.Helper()
	body := []byte(event)
	status, _, out := a.do(t, "POST", "/api/v1/payments/webhook", body,
		map[string]string{"Stripe-Signature": stripepay.Sign(body, localstack.LocalWebhookSecret, time.Now())})
	wantStatus(t, "webhook", status, http.StatusOK, out)
	return out
}

func stripeSession(eventID, typ, checkoutID, paymentID, ref, status, paymentStatus, intent string) string {
	return `{"id":"` + eventID + `","object":"event","api_version":"` + stripepay.APIVersion + `","created":` + itoa(time.Now().Unix()) +
		`,"type":"` + typ + `","data":{"object":{"id":"` + checkoutID + `","object":"checkout.session","payment_status":"` + paymentStatus +
		`","status":"` + status + `","amount_total":35000,"currency":"eur","payment_intent":` + intent +
		`,"metadata":{"payment_id":"` + paymentID + `","reference":"` + ref + `"}}}}`
}

// A key whose page expired is answered 409 payment_expired (pay.js then
// draws a new key), and its sandbox page offers no "Payer" and says that
// nothing was taken; a new key starts a new payment.
func TestPaymentKeyOfAnExpiredPageIsAProblemNotTheDeadPage(t *testing.T) {
	a := start(t, nil)
	celine := a.loginTenant(t, lefevre, "celine.lefevre@exemple.fr")
	status, _, started := a.do(t, "POST", "/api/v1/payments", map[string]any{"amountCents": 35000}, withKey(celine.bearer, "k-1"))
	wantStatus(t, "start", status, http.StatusCreated, started)
	id, url := started["paymentId"].(string), started["checkoutUrl"].(string)
	checkoutID := url[strings.LastIndex(url, "/")+1:]
	if out := a.sendStripe(t, stripeSession("evt_exp", "checkout.session.expired", checkoutID, id, "1234567", "expired", "unpaid", "null")); out["outcome"] != "applied" {
		t.Fatalf("expired event: %v", out)
	}
	status, _, again := a.do(t, "POST", "/api/v1/payments", map[string]any{"amountCents": 35000}, withKey(celine.bearer, "k-1"))
	if status != http.StatusConflict || again["code"] != "payment_expired" ||
		again["detail"] != "Ce paiement a expiré sans être réglé. Recommencez\u00a0: rien n’a été débité." {
		t.Errorf("same key after its page expired: %d %v; want 409 payment_expired", status, again)
	}
	_, _, page := httpGetText(t, url)
	if strings.Contains(page, ">Payer<") || strings.Contains(page, "doublon") || !strings.Contains(page, "Rien n’a été débité") {
		t.Errorf("sandbox page of an expired payment:\n%s", page)
	}
	if res := devPost(t, url+"/payer"); res.StatusCode != http.StatusConflict {
		t.Errorf("Payer on an expired page answered %d, want 409", res.StatusCode)
	}
	status, _, fresh := a.do(t, "POST", "/api/v1/payments", map[string]any{"amountCents": 35000}, withKey(celine.bearer, "k-2"))
	wantStatus(t, "new key", status, http.StatusCreated, fresh)
	if fresh["paymentId"] == id || fresh["status"] != "open" {
		t.Errorf("new key answered %v", fresh)
	}
}

// The lease check on the real path: a Stripe event naming LEFÈVRE's
// payment under N'DIAYE's reference finds no payment at that lease
// (payments are read under the event's reference): unknown_payment,
// neither balance moves; under its own lease but of another checkout
// session it is flagged, not credited.
func TestPaymentWebhookOfAnotherLeaseOrSessionCreditsNothing(t *testing.T) {
	a := start(t, nil)
	celine := a.loginTenant(t, lefevre, "celine.lefevre@exemple.fr")
	abdou := a.loginTenant(t, ndiaye, "abdou.ndiaye@exemple.fr")
	ndiayeBefore := a.get(t, "/api/v1/account", abdou.bearer)["balanceCents"]
	status, _, started := a.do(t, "POST", "/api/v1/payments", map[string]any{"amountCents": 35000}, withKey(celine.bearer, "k"))
	wantStatus(t, "start", status, http.StatusCreated, started)
	id, url := started["paymentId"].(string), started["checkoutUrl"].(string)
	checkoutID := url[strings.LastIndex(url, "/")+1:]
	if out := a.sendStripe(t, stripeSession("evt_lease", "checkout.session.completed", checkoutID, id, "7654321", "complete", "paid", `"pi_lease"`)); out["outcome"] != "unknown_payment" {
		t.Errorf("paid event under another lease: %v, want unknown_payment", out)
	}
	if out := a.sendStripe(t, stripeSession("evt_cs", "checkout.session.completed", "cs_test_7654321_"+id, id, "1234567", "complete", "paid", `"pi_cs"`)); out["outcome"] != "flagged" {
		t.Errorf("paid event of another session: %v, want flagged", out)
	}
	if b := a.get(t, "/api/v1/account", celine.bearer)["balanceCents"]; b != float64(35000) {
		t.Errorf("LEFÈVRE's balance %v, want 35000", b)
	}
	if b := a.get(t, "/api/v1/account", abdou.bearer)["balanceCents"]; b != ndiayeBefore {
		t.Errorf("N'DIAYE's balance %v, want %v", b, ndiayeBefore)
	}
	if evs := a.exportedEvents(t, "1234567", "payment_received"); len(evs) != 0 {
		t.Errorf("payment_received exported: %+v", evs)
	}
}

// The default amount (no amountCents) is what is owed plus the next due,
// but only what is owed for a lease paying by direct debit (DUPONT): its
// debit collects the next due, as the web app's form says. Owing nothing,
// the default is refused: say the amount.
func TestPaymentDefaultAmountLeavesTheNextDueToTheDirectDebit(t *testing.T) {
	a := start(t, nil)
	celine := a.loginTenant(t, lefevre, "celine.lefevre@exemple.fr")
	marie := a.loginTenant(t, dupont, "marie.dupont@exemple.fr")
	sum := a.get(t, "/api/v1/account", celine.bearer)
	next := sum["nextDue"].(map[string]any)["amountCents"].(float64)
	status, _, p := a.do(t, "POST", "/api/v1/payments", nil, withKey(celine.bearer, "default"))
	wantStatus(t, "LEFÈVRE default", status, http.StatusCreated, p)
	if p["amountCents"] != 35000+next {
		t.Errorf("LEFÈVRE's default %v, want 35000 + next due %v", p["amountCents"], next)
	}
	status, _, p = a.do(t, "POST", "/api/v1/payments", nil, withKey(marie.bearer, "nothing-owed"))
	if status != http.StatusBadRequest || p["code"] != "validation_failed" {
		t.Errorf("DUPONT owing nothing, default amount: %d %v; want 400 validation_failed", status, p)
	}
	csv := "reference;id_ecriture;date;libelle;type;debit;credit\n0008889999;E8889999-REGUL;20/11/2026;Régularisation de charges;regularisation;120,50;0,00\n"
	if _, err := a.stack.Import(context.Background(), "ecritures_delta_20261130.csv", []byte(csv)); err != nil {
		t.Fatal(err)
	}
	if b := a.get(t, "/api/v1/account", marie.bearer)["balanceCents"]; b != float64(12050) {
		t.Fatalf("DUPONT's balance %v after the import, want 12050", b)
	}
	status, _, p = a.do(t, "POST", "/api/v1/payments", nil, withKey(marie.bearer, "owed"))
	wantStatus(t, "DUPONT default", status, http.StatusCreated, p)
	if p["amountCents"] != float64(12050) {
		t.Errorf("DUPONT's default %v, want 12050 (what is owed; the debit takes the next due)", p["amountCents"])
	}
}

// A lease whose ERP method is not direct debit but which signed a mandate
// in the portal (LEFÈVRE) is debited too: the default amount leaves the
// next due to the debit (review 10e); once the mandate is revoked, the
// next due is in the default again.
func TestPaymentDefaultAmountLeavesTheNextDueToAPortalMandate(t *testing.T) {
	a := start(t, directDebitEnv)
	celine := a.loginTenant(t, lefevre, "celine.lefevre@exemple.fr")
	next := a.get(t, "/api/v1/account", celine.bearer)["nextDue"].(map[string]any)["amountCents"].(float64)
	status, _, body := a.do(t, "POST", "/api/v1/direct-debit", subscription(tenantPassword), celine.bearer)
	wantStatus(t, "POST /api/v1/direct-debit", status, http.StatusCreated, body)
	status, _, p := a.do(t, "POST", "/api/v1/payments", nil, withKey(celine.bearer, "with-mandate"))
	wantStatus(t, "default with a mandate", status, http.StatusCreated, p)
	if p["amountCents"] != float64(35000) {
		t.Errorf("LEFÈVRE's default with an active mandate %v, want 35000 (what is owed; the debit takes the next due %v)", p["amountCents"], next)
	}
	status, _, body = a.do(t, "DELETE", "/api/v1/direct-debit", nil, celine.bearer)
	wantStatus(t, "DELETE /api/v1/direct-debit", status, http.StatusOK, body)
	status, _, p = a.do(t, "POST", "/api/v1/payments", nil, withKey(celine.bearer, "revoked"))
	wantStatus(t, "default after revoking", status, http.StatusCreated, p)
	if p["amountCents"] != 35000+next {
		t.Errorf("LEFÈVRE's default after revoking %v, want 35000 + next due %v", p["amountCents"], next)
	}
}
