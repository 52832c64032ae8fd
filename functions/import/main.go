// Command import is the Lambda that imports the ERP's export files dropped
// under imports/ in the documents bucket, and writes a report next to each.
package main

import (
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/citejardins/extranet/shared/portal"
)

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil)).With("function", "import")
	h, err := portal.ImportHandler(portal.AWSConfig(os.Getenv), os.Getenv, log)
	if err != nil {
		log.Error("init failed", "err", err)
		os.Exit(1)
	}
	lambda.Start(h)
}
