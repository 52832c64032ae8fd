// Command paymentwebhook is the Lambda that receives the payment
// provider's signed events (no session) and credits the lease exactly once.
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
	if err := portal.StartLambda(context.Background(), "paymentwebhook", os.Getenv, portal.WithPaymentProvider(stripepay.FromSettings)); err != nil {
		slog.Error("init failed", "function", "paymentwebhook", "err", err)
		os.Exit(1)
	}
}
