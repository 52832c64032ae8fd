// Command documents is the Lambda that serves the tenant's "Mes documents":
// the list, and download links issued after the ownership check.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/citejardins/extranet/shared/portal"
)

func main() {
	if err := portal.StartLambda(context.Background(), "documents", os.Getenv); err != nil {
		slog.Error("init failed", "function", "documents", "err", err)
		os.Exit(1)
	}
}
