// Command payments is the Lambda of the tenant's online payments: it
// starts one (the provider's hosted page, once per Idempotency-Key) and
// lists them.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/citejardins/extranet/shared/portal"
	"github.com/citejardins/extranet/shared/stripepay"
)

func main() {
	// The Stripe SDK only here and in the other payment function.
	if err := portal.StartLambda(context.Background(), "payments", os.Getenv, portal.WithPaymentProvider(stripepay.FromSettings)); err != nil {
		slog.Error("init failed", "function", "payments", "err", err)
		os.Exit(1)
	}
}
