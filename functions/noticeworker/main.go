// Command noticeworker is the Lambda that issues the monthly notices: each
// SQS message is a batch of leases; for each, the notice is rendered,
// stored and recorded exactly once whatever the redeliveries, and a
// paperless tenant's mail is queued for the noticemails function
// (shared/noticerun).
package main

import (
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/citejardins/extranet/shared/portal"
)

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil)).With("function", "noticeworker")
	h, err := portal.NoticeWorkerHandler(portal.AWSConfig(os.Getenv), os.Getenv, log, portal.NoticeOptions{})
	if err != nil {
		log.Error("init failed", "err", err)
		os.Exit(1)
	}
	lambda.Start(h)
}
