package portal

import (
	"github.com/citejardins/extranet/shared/payment"
	"github.com/citejardins/extranet/shared/stripepay"
)

// The payment functions take payments through Stripe Checkout.
func init() {
	stripeProvider = func(secretKey, apiURL, webhookSecret string) (payment.Provider, error) {
		return stripepay.New(stripepay.Config{SecretKey: secretKey, APIURL: apiURL, WebhookSecret: webhookSecret})
	}
}
