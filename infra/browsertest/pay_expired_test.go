package browsertest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/chromedp"
)

// TestPayNewKeyAfterPaymentExpired: the API answers a key whose page
// expired with 409 payment_expired (review10a). The page says so, and the
// tenant's next tap carries a new Idempotency-Key (pay.js draws one after
// any 4xx), which starts a new payment and opens its checkout page.
func TestPayNewKeyAfterPaymentExpired(t *testing.T) {
	b := start(t)
	b.tenant("1234567", "LEFÈVRE", "1985-11-03", "celine.lefevre@example.org")

	ctx, cancel := context.WithCancel(b.ctx)
	defer cancel()
	keys := make(chan string, 4)
	go func() {
		first := true
		for ev, err := range chromedp.Events(ctx, fetch.RequestPaused) {
			if err != nil {
				return
			}
			if ev.Request.Method == "POST" {
				k, _ := ev.Request.Headers["Idempotency-Key"].(string)
				keys <- k
			}
			if first && ev.Request.Method == "POST" {
				// The API's answer to a key whose page expired.
				first = false
				body := `{"type":"about:blank","title":"Paiement expiré","status":409,` +
					`"detail":"Ce paiement a expiré sans être réglé. Recommencez : rien n’a été débité.","code":"payment_expired"}`
				chromedp.Call(ctx, fetch.FulfillRequest, fetch.FulfillRequestParams{RequestID: ev.RequestID, ResponseCode: 409,
					ResponseHeaders: []*fetch.HeaderEntry{{Name: "Content-Type", Value: "application/problem+json"}}, Body: []byte(body)})
				continue
			}
			chromedp.Call(ctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: ev.RequestID})
		}
	}()
	ectx, ecancel := context.WithTimeout(b.ctx, 5*time.Second)
	if _, err := chromedp.Call(ectx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{
		{URLPattern: "*/api/v1/payments", RequestStage: fetch.RequestStageRequest},
	}}); err != nil {
		t.Fatalf("intercept: %v", err)
	}
	ecancel()
	next := func() string {
		t.Helper()
		select {
		case k := <-keys:
			return k
		case <-time.After(10 * time.Second):
			t.Fatal("no POST /api/v1/payments seen")
			return ""
		}
	}

	b.click("[data-payer]")
	b.clear("#amountCents")
	b.fill("#amountCents", "350")
	b.clickText("button", "Continuer vers le paiement")
	first := next()
	b.waitFor(`document.querySelector(".error-summary")?.innerText.includes("Ce paiement a expiré sans être réglé")`, "the expired payment said")
	b.clickText("button", "Continuer vers le paiement")
	second := next()
	if first == "" || second == first {
		t.Errorf("after 409 payment_expired the retry sent key %q, then %q: want a new key", first, second)
	}
	b.waitFor(`location.pathname.startsWith("/_dev/checkout/")`, "the checkout page of the new payment")
	if ps := b.apiPayments(); len(ps) != 1 || ps[0].AmountCents != 35000 || !strings.HasPrefix(ps[0].Status, "open") {
		t.Errorf("payments %+v, want one new open payment of 350 €", ps)
	}
}
