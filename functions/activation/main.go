// Command activation is the Lambda that serves account activation by emailed link, and sending a new link.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/citejardins/extranet/shared/portal"
)

func main() {
	if err := portal.StartLambda(context.Background(), "activation", os.Getenv); err != nil {
		slog.Error("init failed", "function", "activation", "err", err)
		os.Exit(1)
	}
}
