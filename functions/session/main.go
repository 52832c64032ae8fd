// Command session is the Lambda that serves login, logout, forgotten password and password reset.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/citejardins/extranet/shared/portal"
)

func main() {
	if err := portal.StartLambda(context.Background(), "session", os.Getenv); err != nil {
		slog.Error("init failed", "function", "session", "err", err)
		os.Exit(1)
	}
}
