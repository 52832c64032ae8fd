package localstack

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"os"
	"time"

	"github.com/citejardins/extranet/shared/payment"
	"github.com/citejardins/extranet/shared/portal"
	"github.com/citejardins/extranet/shared/stripepay"
)

// Online payments on the local stack: the payments function's hosted page
// is the stack's sandbox checkout (/_dev/checkout/<checkout id>, made by
// payment.Sandbox). "Payer" there makes the event Stripe would send
// (checkout.session.completed), signs it with the webhook secret, POSTs it
// to the stack's own webhook route and sends the tenant back to the
// success URL; "Annuler" goes back to the cancel URL with nothing paid.

// LocalWebhookSecret is the local webhook secret when
// PAYMENT_WEBHOOK_SECRET is not set (README).
const LocalWebhookSecret = "whsec_extranet_local_only"

// paymentEnv is the stack's part of the payment settings.
func paymentEnv(publicURL string) map[string]string {
	secret := os.Getenv(portal.EnvPaymentWebhookSecret)
	if secret == "" {
		secret = LocalWebhookSecret
	}
	return map[string]string{
		portal.EnvPaymentWebhookSecret: secret,
		// Never used: the sandbox makes the pages, no call goes to Stripe.
		portal.EnvStripeSecretKey:   "sk_test_local_sandbox",
		portal.EnvPaymentSandboxURL: publicURL,
	}
}

// sandboxCheckoutEvent is the checkout.session.completed Stripe sends for a
// paid session, with our metadata.
func sandboxCheckoutEvent(p payment.Payment, checkoutID string, now time.Time) ([]byte, error) {
	return json.Marshal(map[string]any{
		"id": "evt_local_" + p.ID, "object": "event", "api_version": stripepay.APIVersion, "created": now.Unix(),
		"livemode": false, "pending_webhooks": 1, "type": "checkout.session.completed",
		"request": map[string]any{"id": nil, "idempotency_key": nil},
		"data": map[string]any{"object": map[string]any{
			"id": checkoutID, "object": "checkout.session", "mode": "payment", "status": "complete",
			"payment_status": "paid", "amount_total": p.AmountCents, "amount_subtotal": p.AmountCents, "currency": p.Currency,
			"payment_intent": "pi_local_" + p.ID[:24], "client_reference_id": p.ID,
			"metadata": map[string]string{"payment_id": p.ID, "reference": p.Reference},
		}},
	})
}

// sandboxStatus says a payment's status in French on the sandbox page.
var sandboxStatus = map[payment.Status]string{payment.Succeeded: "il est payé", payment.Failed: "il a échoué",
	payment.Canceled: "il a été abandonné", payment.Refunded: "il a été remboursé", payment.Flagged: "il est à vérifier par le bailleur"}

// sandboxPayable says whether the sandbox page may still take the
// payment, as the provider's would: not once it expired (the expiry event,
// or its time is over) or failed. A paid one may: "Payer" then sends the
// same event again, a duplicate counted once.
func sandboxPayable(p payment.Payment, now time.Time) bool {
	switch p.Status {
	case payment.Canceled, payment.Failed:
		return false
	case payment.Open:
		return p.CheckoutExpiresAt.IsZero() || now.Before(p.CheckoutExpiresAt)
	}
	return true
}

// sandboxDead says in French why a page cannot be paid any more.
func sandboxDead(p payment.Payment) string {
	if p.Status == payment.Open {
		return "la page a expiré"
	}
	return sandboxStatus[p.Status]
}

// devCheckout serves GET /_dev/checkout/{id} and POST …/{id}/payer and
// …/{id}/annuler.
func (s *Stack) devCheckout() http.Handler {
	mux := http.NewServeMux()
	read := func(w http.ResponseWriter, r *http.Request) (payment.Payment, string, bool) {
		id := r.PathValue("id")
		ref, pid, ok := payment.ParseSandboxID(id)
		var p payment.Payment
		var err error
		if ok {
			p, err = s.store.Payment(r.Context(), ref, pid)
		}
		if !ok || err != nil {
			devProblem(w, http.StatusNotFound, "not_found", "Paiement introuvable",
				"Cette page de paiement n’existe pas\u00a0: recommencez depuis «\u00a0Payer\u00a0» dans votre espace.")
			return p, "", false
		}
		return p, id, true
	}
	mux.HandleFunc("GET /_dev/checkout/{id}", func(w http.ResponseWriter, r *http.Request) {
		p, id, ok := read(w, r)
		if !ok {
			return
		}
		state, payer := "", true
		switch {
		case !sandboxPayable(p, time.Now()):
			// As on the provider's page: an expired or failed page takes
			// nothing more.
			payer = false
			state = "<p>Ce paiement n’est plus en attente\u00a0: " + html.EscapeString(sandboxDead(p)) + ". Cette page ne peut plus rien encaisser\u00a0: " +
				"recommencez depuis «\u00a0Payer\u00a0» dans votre espace. Rien n’a été débité.</p>"
		case p.Status != payment.Open:
			state = "<p>Ce paiement n’est plus en attente\u00a0: " + html.EscapeString(sandboxStatus[p.Status]) + ". «\u00a0Payer\u00a0» n’enverra qu’un doublon, compté une seule fois.</p>"
		}
		sandboxPage(w, payment.Euros(p.AmountCents), state, id, payer) // sandboxpage.go
	})
	mux.HandleFunc("POST /_dev/checkout/{id}/payer", func(w http.ResponseWriter, r *http.Request) {
		p, id, ok := read(w, r)
		if !ok {
			return
		}
		if !sandboxPayable(p, time.Now()) {
			devProblem(w, http.StatusConflict, "payment_expired", "Paiement expiré",
				"Ce paiement n’est plus en attente ("+sandboxDead(p)+")\u00a0: rien n’a été débité. Recommencez depuis «\u00a0Payer\u00a0» dans votre espace.")
			return
		}
		if err := s.deliverWebhook(r.Context(), p, id); err != nil {
			s.log.Error("sandbox checkout: webhook", "err", err)
			devProblem(w, http.StatusBadGateway, "webhook_failed", "Paiement non transmis",
				"Le webhook local a refusé l’événement\u00a0: voyez le journal de make run.")
			return
		}
		http.Redirect(w, r, s.publicURL+payment.ReturnPath(p.ID, true), http.StatusSeeOther)
	})
	mux.HandleFunc("POST /_dev/checkout/{id}/annuler", func(w http.ResponseWriter, r *http.Request) {
		p, _, ok := read(w, r)
		if !ok {
			return
		}
		http.Redirect(w, r, s.publicURL+payment.ReturnPath(p.ID, false), http.StatusSeeOther)
	})
	return mux
}

// deliverWebhook POSTs the signed event to the stack's webhook route, as
// Stripe would.
func (s *Stack) deliverWebhook(ctx context.Context, p payment.Payment, checkoutID string) error {
	now := time.Now()
	body, err := sandboxCheckoutEvent(p, checkoutID, now)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL+"/api/v1/payments/webhook", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("User-Agent", "Stripe/1.0 (+https://stripe.com/docs/webhooks)")
	req.Header.Set("Stripe-Signature", stripepay.Sign(body, s.env[portal.EnvPaymentWebhookSecret], now))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode/100 != 2 {
		return fmt.Errorf("webhook answered %d", res.StatusCode)
	}
	return nil
}
