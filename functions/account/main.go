// Command account is the Lambda that serves the logged-in tenant's account.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/citejardins/extranet/shared/portal"
)

func main() {
	if err := portal.StartLambda(context.Background(), "account", os.Getenv); err != nil {
		slog.Error("init failed", "function", "account", "err", err)
		os.Exit(1)
	}
}
