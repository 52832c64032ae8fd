// Command banking is the Lambda of the tenant's bank details ("Mes
// coordonnées bancaires": GET and PUT /api/v1/bank-details), and of the
// SEPA direct-debit mandate.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/citejardins/extranet/shared/portal"
)

func main() {
	if err := portal.StartLambda(context.Background(), "banking", os.Getenv); err != nil {
		slog.Error("init failed", "function", "banking", "err", err)
		os.Exit(1)
	}
}
