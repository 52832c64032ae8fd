package httpapi

import (
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/citejardins/extranet/shared/fault"
	"github.com/citejardins/extranet/shared/payment"
)

// Online payments: the tenant starts one (POST /api/v1/payments, once per
// Idempotency-Key) and is sent to the provider's page; the provider's
// signed events come to the webhook (no session), which credits the lease
// exactly once (shared/payment, DESIGN.md patterns 19 and 20).

// WithPayments serves the payments with p (portal.New gives one to the
// payments and paymentwebhook functions).
func (s *Server) WithPayments(p *payment.Service) *Server {
	s.payments = p
	return s
}

var errNoPayments = errors.New("payments: no service wired")

type paymentJSONOut struct {
	PaymentID         string  `json:"paymentId"`
	CheckoutURL       string  `json:"checkoutUrl"`
	CheckoutExpiresAt *string `json:"checkoutExpiresAt"`
	AmountCents       int64   `json:"amountCents"`
	Currency          string  `json:"currency"`
	Status            string  `json:"status"`
	CreatedAt         string  `json:"createdAt"`
	PaidCents         int64   `json:"paidCents"`
	PaidAt            *string `json:"paidAt"`
	RefundedCents     int64   `json:"refundedCents"`
	CreditedCents     int64   `json:"creditedCents"`
	// Settled: the landlord's accounts have the payment (the ERP's line
	// replaced the provisional entry).
	Settled bool `json:"settled"`
}

func instantPtr(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.UTC().Format(time.RFC3339)
	return &s
}

func paymentOut(p payment.Payment) paymentJSONOut {
	return paymentJSONOut{PaymentID: p.ID, CheckoutURL: p.CheckoutURL, CheckoutExpiresAt: instantPtr(p.CheckoutExpiresAt),
		AmountCents: p.AmountCents, Currency: p.Currency, Status: string(p.Status), CreatedAt: p.CreatedAt.UTC().Format(time.RFC3339),
		PaidCents: p.PaidCents, PaidAt: instantPtr(p.PaidAt), RefundedCents: p.RefundedCents, CreditedCents: p.CreditedCents,
		Settled: p.SettledBy != ""}
}

type paymentRequest struct {
	AmountCents *int64 `json:"amountCents"`
}

// handleStartPayment answers 201 with the payment and its provider page;
// the same Idempotency-Key answers the same.
func (s *Server) handleStartPayment() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.payments == nil {
			s.writeError(w, r, errNoPayments)
			return
		}
		var req paymentRequest
		if r.ContentLength != 0 {
			if err := decode(w, r, &req); err != nil {
				s.writeError(w, r, err)
				return
			}
		}
		p, err := s.payments.Start(r.Context(), s.ref(r), r.Header.Get("Idempotency-Key"), req.AmountCents)
		if err != nil {
			if errors.Unwrap(err) != nil && fault.CodeOf(err) == payment.CodeProviderFailure {
				s.log.WarnContext(r.Context(), "payment provider failed", "err", errors.Unwrap(err))
			}
			s.writeError(w, r, err)
			return
		}
		w.Header().Set("Location", "/api/v1/payments")
		w.Header().Set("Cache-Control", "no-store")
		encode(w, http.StatusCreated, paymentOut(p))
	})
}

type paymentsResponse struct {
	Payments []paymentJSONOut `json:"payments"`
}

func (s *Server) handlePayments() http.Handler {
	return getHandler(s, func(r *http.Request, ref string) (paymentsResponse, error) {
		if s.payments == nil {
			return paymentsResponse{}, errNoPayments
		}
		ps, err := s.payments.Payments(r.Context(), ref)
		if err != nil {
			return paymentsResponse{}, err
		}
		out := paymentsResponse{Payments: make([]paymentJSONOut, len(ps))}
		for i, p := range ps {
			out.Payments[i] = paymentOut(p)
		}
		return out, nil
	})
}

// maxWebhookBody caps a provider event (Stripe's are a few kB).
const maxWebhookBody = 64 << 10

type webhookResponse struct {
	Received bool   `json:"received"`
	Outcome  string `json:"outcome"`
}

// handlePaymentWebhook reads the raw body (verified by the provider's
// adapter over its exact bytes), applies the event once and answers 200 at
// once: Stripe waits for no more. An event of no payment of ours is 200
// too (outcome unknown_payment): recorded and flagged for the landlord; a
// 4xx would only make the provider retry it for days.
func (s *Server) handlePaymentWebhook() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.payments == nil {
			s.writeError(w, r, errNoPayments)
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, maxWebhookBody+1))
		if err != nil {
			s.writeError(w, r, malformed())
			return
		}
		if len(body) > maxWebhookBody {
			w.Header().Set("Connection", "close")
			s.writeError(w, r, fault.New(fault.BodyTooLarge, "La requête est trop volumineuse."))
			return
		}
		o, err := s.payments.Webhook(r.Context(), body, r.Header)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		encode(w, http.StatusOK, webhookResponse{Received: true, Outcome: string(o)})
	})
}
