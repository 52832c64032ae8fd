// Command insurance is the Lambda of the tenant's home-insurance
// certificate: the presigned upload, the checks of the file once it
// landed, and the certificate's status and history.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/citejardins/extranet/shared/portal"
)

func main() {
	if err := portal.StartLambda(context.Background(), "insurance", os.Getenv); err != nil {
		slog.Error("init failed", "function", "insurance", "err", err)
		os.Exit(1)
	}
}
