// Command insurance is the Lambda of the tenant's home-insurance
// certificate: the presigned upload, the checks of the file once it
// landed, and the certificate's status and history.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/citejardins/extranet/shared/filecheck"
	"github.com/citejardins/extranet/shared/portal"
)

func main() {
	// The file checks (and the PDF parser they link) only here.
	if err := portal.StartLambda(context.Background(), "insurance", os.Getenv, portal.WithFileChecker(filecheck.New())); err != nil {
		slog.Error("init failed", "function", "insurance", "err", err)
		os.Exit(1)
	}
}
