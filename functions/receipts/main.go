// Command receipts is the Lambda that makes the tenant's documents on
// request: rent receipts (quittances) and payment receipts, the account
// statement as PDF and the tenancy certificate.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/citejardins/extranet/shared/portal"
)

func main() {
	if err := portal.StartLambda(context.Background(), "receipts", os.Getenv); err != nil {
		slog.Error("init failed", "function", "receipts", "err", err)
		os.Exit(1)
	}
}
