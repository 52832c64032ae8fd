package portal

import (
	"context"
	"fmt"
	"strconv"

	"github.com/citejardins/extranet/shared/directdebit"
	"github.com/citejardins/extranet/shared/dynamo"
	"github.com/citejardins/extranet/shared/payment"
	"github.com/citejardins/extranet/shared/tenancy"
	"github.com/citejardins/extranet/shared/tenant"
)

// Settings of online payments (template.yaml).
const (
	EnvStripeSecretKey      = "STRIPE_SECRET_KEY"
	EnvStripeAPIURL         = "STRIPE_API_URL" // stripe-mock in tests; empty in production
	EnvPaymentWebhookSecret = "PAYMENT_WEBHOOK_SECRET"
	EnvPaymentMaxCents      = "PAYMENT_MAX_CENTS" // default payment.DefaultMaxCents
	// EnvPaymentSandboxURL, set by the local stack only, makes the hosted
	// page the stack's /_dev/checkout/… (payment.Sandbox).
	EnvPaymentSandboxURL = "PAYMENT_SANDBOX_URL"
)

// PaymentProvider makes the payment provider's adapter from its settings:
// the API secret key, the API endpoint override (empty in production) and
// the webhook signing secret. stripepay.FromSettings is one.
type PaymentProvider func(secretKey, apiURL, webhookSecret string) (payment.Provider, error)

// WithPaymentProvider gives the portal the payment provider's adapter (and
// the SDK it links, ~1.3 MB for stripe-go): with it, and the webhook
// secret, the payment routes are served. Only the payments and
// paymentwebhook functions and the local stack pass it; the other
// functions do not link the SDK (TestOnlyTheirFunctionsLinkHeavyLibraries).
func WithPaymentProvider(p PaymentProvider) Option {
	return func(o *options) { o.payments = p }
}

// payments builds the payment service for a function that has the webhook
// secret and a provider (payments, paymentwebhook), or nil for one that
// has not. It makes no network call.
func payments(getenv func(string) string, store *dynamo.Store, tenants *tenant.Service, o options) (*payment.Service, error) {
	secret := getenv(EnvPaymentWebhookSecret)
	if secret == "" || o.payments == nil {
		// No adapter linked in this build: the payment routes answer 500.
		return nil, nil
	}
	provider, err := o.payments(getenv(EnvStripeSecretKey), getenv(EnvStripeAPIURL), secret)
	if err != nil {
		return nil, err
	}
	if base := getenv(EnvPaymentSandboxURL); base != "" {
		provider = payment.Sandbox{BaseURL: base, Webhooks: provider}
	}
	cfg := payment.Config{PublicURL: getenv(EnvPublicURL)}
	if v := getenv(EnvPaymentMaxCents); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < payment.MinCents {
			return nil, fmt.Errorf("%s: %q is not a number of cents of at least %d", EnvPaymentMaxCents, v, payment.MinCents)
		}
		cfg.MaxCents = n
	}
	owed := func(ctx context.Context, ref string) (int64, error) {
		sum, err := tenants.Summary(ctx, ref)
		if err != nil {
			return 0, err
		}
		// Debited: by the ERP's mandate (its payment method), or by a
		// mandate signed in the portal, which the ERP may not show yet.
		debited := sum.PaymentMethod == tenancy.DirectDebit
		if !debited {
			if debited, err = directdebit.Debits(ctx, store, ref); err != nil {
				return 0, err
			}
		}
		return payment.DefaultCents(sum.BalanceCents, sum.NextDue.AmountCents, debited), nil
	}
	return payment.NewService(store, provider, store, owed, cfg, nil), nil
}
