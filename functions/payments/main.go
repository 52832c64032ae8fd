// Command payments is the Lambda of the tenant's online payments: it
// starts one (the provider's hosted page, once per Idempotency-Key) and
// lists them.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/citejardins/extranet/shared/portal"
)

func main() {
	if err := portal.StartLambda(context.Background(), "payments", os.Getenv); err != nil {
		slog.Error("init failed", "function", "payments", "err", err)
		os.Exit(1)
	}
}
