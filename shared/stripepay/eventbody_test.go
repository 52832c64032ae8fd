package stripepay_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/citejardins/extranet/shared/payment"
	"github.com/citejardins/extranet/shared/stripepay"
)

// TestEventBodyRoundTrip: what the sandbox sends reads back as the event
// it was made from, through the real verification.
func TestEventBodyRoundTrip(t *testing.T) {
	p := verifier(t)
	at := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	base := payment.Event{ID: "evt_sandbox_1", PaymentID: fixturePaymentID, Reference: "1234567",
		AmountCents: 35000, Currency: "eur", At: at}
	with := func(change func(*payment.Event)) payment.Event {
		ev := base
		change(&ev)
		return ev
	}
	for name, ev := range map[string]payment.Event{
		"paid": with(func(e *payment.Event) {
			e.Type, e.CheckoutID, e.ProviderPaymentID = payment.EventPaid, "cs_test_sandbox", "pi_3Sandbox"
		}),
		"paid, no payment intent": with(func(e *payment.Event) { e.Type, e.CheckoutID = payment.EventPaid, "cs_test_sandbox" }),
		"expired":                 with(func(e *payment.Event) { e.Type, e.CheckoutID = payment.EventExpired, "cs_test_sandbox" }),
		"async failed": with(func(e *payment.Event) {
			e.Type, e.CheckoutID, e.ProviderPaymentID = payment.EventFailed, "cs_test_sandbox", "pi_3Sandbox"
		}),
		"card declined": with(func(e *payment.Event) { e.Type, e.ProviderPaymentID = payment.EventFailed, "pi_3Sandbox" }),
		"refunded": with(func(e *payment.Event) {
			e.Type, e.ProviderPaymentID, e.AmountCents = payment.EventRefunded, "pi_3Sandbox", 12000
		}),
		"no metadata": with(func(e *payment.Event) {
			e.Type, e.CheckoutID, e.PaymentID, e.Reference = payment.EventPaid, "cs_test_elsewhere", "", ""
		}),
	} {
		t.Run(name, func(t *testing.T) {
			body, err := stripepay.EventBody(ev)
			if err != nil {
				t.Fatal(err)
			}
			got, err := p.ParseWebhook(body, signed(stripepay.Sign(body, testSecret, at)), at)
			if err != nil {
				t.Fatalf("%v\n%s", err, body)
			}
			if got != ev {
				t.Errorf("got  %+v\nwant %+v", got, ev)
			}
		})
	}
}

func TestEventBodyRefusals(t *testing.T) {
	at := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	for name, ev := range map[string]payment.Event{
		"ignored":                   {ID: "evt_1", Type: payment.EventIgnored, At: at},
		"unknown type":              {ID: "evt_1", Type: "chargeback", At: at},
		"no id":                     {Type: payment.EventPaid, CheckoutID: "cs_1", At: at},
		"no time":                   {ID: "evt_1", Type: payment.EventPaid, CheckoutID: "cs_1"},
		"paid without session":      {ID: "evt_1", Type: payment.EventPaid, At: at},
		"failed without anything":   {ID: "evt_1", Type: payment.EventFailed, At: at},
		"refund without intent":     {ID: "evt_1", Type: payment.EventRefunded, At: at},
		"refund naming its session": {ID: "evt_1", Type: payment.EventRefunded, ProviderPaymentID: "pi_1", CheckoutID: "cs_1", At: at},
	} {
		if body, err := stripepay.EventBody(ev); err == nil {
			t.Errorf("%s: body %s, want an error", name, body)
		}
	}
}

// What the local stack's sandbox does when the tenant presses "Payer": the
// event Stripe would send, signed as Stripe signs, read back by the webhook.
func ExampleEventBody() {
	now := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	body, err := stripepay.EventBody(payment.Event{
		ID: "evt_sandbox_1", Type: payment.EventPaid, PaymentID: "e3cc54c2c2646b18db134363942bd86f",
		Reference: "1234567", CheckoutID: "cs_test_sandbox", AmountCents: 35000, Currency: "eur", At: now,
	})
	if err != nil {
		panic(err)
	}
	h := http.Header{}
	h.Set(stripepay.SignatureHeader, stripepay.Sign(body, "whsec_extranet_local_only", now))

	p, err := stripepay.New(stripepay.Config{WebhookSecret: "whsec_extranet_local_only"})
	if err != nil {
		panic(err)
	}
	ev, err := p.ParseWebhook(body, h, now.Add(time.Second))
	fmt.Println(ev.Type, ev.PaymentID, ev.AmountCents, ev.Currency, err)
	_, err = p.ParseWebhook(body, h, now.Add(6*time.Minute))
	fmt.Println(err)
	// Output:
	// paid e3cc54c2c2646b18db134363942bd86f 35000 eur <nil>
	// payment: webhook timestamp outside the tolerance
}
