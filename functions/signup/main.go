// Command signup is the Lambda that serves sign-up: a tenant asks for an account on their lease.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/citejardins/extranet/shared/portal"
)

func main() {
	if err := portal.StartLambda(context.Background(), "signup", os.Getenv); err != nil {
		slog.Error("init failed", "function", "signup", "err", err)
		os.Exit(1)
	}
}
