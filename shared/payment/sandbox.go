package payment

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"
)

// Sandbox is the local stack's provider: its hosted page is the stack's own
// /_dev/checkout/<checkout id> (infra/localstack), which sends a signed
// event of the real provider's shape to the stack's webhook; Webhooks (the
// real adapter, shared/stripepay) verifies it, so the local webhook runs
// the production code path. Never configured in AWS (PAYMENT_SANDBOX_URL
// is set by the local stack only).
type Sandbox struct {
	BaseURL  string   // the stack's URL, without a trailing slash
	Webhooks Provider // ParseWebhook is delegated to it
}

var _ Provider = Sandbox{}

// SandboxPrefix starts the sandbox's checkout ids: cs_test_<reference>_<payment id>.
const SandboxPrefix = "cs_test_"

// CreateCheckout gives the sandbox page of the payment; the same payment
// always gets the same page.
func (s Sandbox) CreateCheckout(_ context.Context, req CheckoutRequest) (Checkout, error) {
	id := SandboxPrefix + req.Reference + "_" + req.PaymentID
	return Checkout{ID: id, URL: s.BaseURL + "/_dev/checkout/" + id, ExpiresAt: req.ExpiresAt}, nil
}

// ParseWebhook verifies with the real adapter.
func (s Sandbox) ParseWebhook(body []byte, header http.Header, now time.Time) (Event, error) {
	if s.Webhooks == nil {
		return Event{}, errors.New("payment sandbox: no webhook adapter")
	}
	return s.Webhooks.ParseWebhook(body, header, now)
}

// ParseSandboxID reads a sandbox checkout id back: the lease and the
// payment; ok false when it is not one.
func ParseSandboxID(id string) (ref, paymentID string, ok bool) {
	rest, found := strings.CutPrefix(id, SandboxPrefix)
	if !found {
		return "", "", false
	}
	ref, paymentID, found = strings.Cut(rest, "_")
	if !found || !validRef(ref) || !validID(paymentID) {
		return "", "", false
	}
	return ref, paymentID, true
}
