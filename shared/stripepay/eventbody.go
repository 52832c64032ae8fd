package stripepay

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/citejardins/extranet/shared/payment"
)

// EventBody is the body Stripe would send for ev, in API version
// APIVersion, so that ParseWebhook(EventBody(ev)) gives ev back. The local
// stack's sandbox checkout (which plays Stripe) and the tests send it,
// signed with Sign; production only reads Stripe's own.
//
// The event's type and object follow ev.Type:
//   - EventPaid: checkout.session.completed, a session paid (payment_status
//     "paid", amount_total AmountCents);
//   - EventExpired: checkout.session.expired;
//   - EventFailed: checkout.session.async_payment_failed when ev has a
//     CheckoutID, else payment_intent.payment_failed (a card declined);
//   - EventRefunded: charge.refunded, amount_refunded AmountCents (the total
//     so far), the charge of the PaymentIntent ProviderPaymentID (Stripe's
//     ch_ and pi_ ids share their tail). A charge names no session: ev's
//     CheckoutID must be empty.
//
// The metadata carry PaymentID and Reference (left out when empty, as a
// session made elsewhere would be). Errors: EventIgnored or another type,
// no ID, a zero At, a refund or a PaymentIntent's failure without
// ProviderPaymentID, a refund with a CheckoutID.
func EventBody(ev payment.Event) ([]byte, error) {
	if ev.ID == "" || ev.At.IsZero() {
		return nil, errors.New("stripepay: event body without id or time")
	}
	meta := map[string]string{}
	if ev.PaymentID != "" {
		meta[MetaPaymentID] = ev.PaymentID
	}
	if ev.Reference != "" {
		meta[MetaReference] = ev.Reference
	}
	var intent any // null when unknown, as in a session not paid yet
	if ev.ProviderPaymentID != "" {
		intent = ev.ProviderPaymentID
	}
	session := func(paymentStatus, status string) map[string]any {
		return map[string]any{
			"id": ev.CheckoutID, "object": "checkout.session", "mode": "payment", "livemode": false,
			"amount_subtotal": ev.AmountCents, "amount_total": ev.AmountCents, "currency": ev.Currency,
			"client_reference_id": nullIfEmpty(ev.Reference), "metadata": meta, "payment_intent": intent,
			"payment_status": paymentStatus, "status": status, "locale": "fr",
		}
	}
	var typ string
	var obj map[string]any
	switch {
	case ev.Type == payment.EventPaid:
		typ, obj = "checkout.session.completed", session("paid", "complete")
	case ev.Type == payment.EventExpired:
		typ, obj = "checkout.session.expired", session("unpaid", "expired")
	case ev.Type == payment.EventFailed && ev.CheckoutID != "":
		typ, obj = "checkout.session.async_payment_failed", session("unpaid", "complete")
	case ev.Type == payment.EventFailed:
		if ev.ProviderPaymentID == "" {
			return nil, errors.New("stripepay: a failed payment intent without its id")
		}
		typ, obj = "payment_intent.payment_failed", map[string]any{
			"id": ev.ProviderPaymentID, "object": "payment_intent", "livemode": false,
			"amount": ev.AmountCents, "currency": ev.Currency, "metadata": meta,
			"status":             "requires_payment_method",
			"last_payment_error": map[string]any{"type": "card_error", "code": "card_declined", "decline_code": "generic_decline"},
		}
	case ev.Type == payment.EventRefunded:
		if ev.ProviderPaymentID == "" || ev.CheckoutID != "" {
			return nil, errors.New("stripepay: a refund needs the payment intent's id and no checkout id")
		}
		typ, obj = "charge.refunded", map[string]any{
			"id": "ch_" + strings.TrimPrefix(ev.ProviderPaymentID, "pi_"), "object": "charge", "livemode": false,
			"amount_refunded": ev.AmountCents, "currency": ev.Currency, "metadata": meta,
			"payment_intent": ev.ProviderPaymentID, "paid": true, "captured": true, "status": "succeeded",
		}
	default:
		return nil, fmt.Errorf("stripepay: no Stripe event for a %q event", ev.Type)
	}
	if obj["object"] == "checkout.session" && ev.CheckoutID == "" {
		return nil, errors.New("stripepay: a checkout session event without the session's id")
	}
	return json.Marshal(map[string]any{
		"id": ev.ID, "object": "event", "api_version": APIVersion, "created": ev.At.Unix(),
		"data": map[string]any{"object": obj}, "livemode": false, "pending_webhooks": 1,
		"request": map[string]any{"id": nil, "idempotency_key": nil}, "type": typ,
	})
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
