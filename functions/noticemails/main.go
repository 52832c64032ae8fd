// Command noticemails is the Lambda that sends the monthly notices' mails:
// each SQS message names one paperless tenant's issued notice (lease and
// period); the mail is claimed, sent through SES at the run's send rate
// and recorded, once whatever the redeliveries (shared/noticerun).
package main

import (
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/citejardins/extranet/shared/portal"
)

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil)).With("function", "noticemails")
	h, err := portal.NoticeMailsHandler(portal.AWSConfig(os.Getenv), os.Getenv, log, portal.NoticeOptions{})
	if err != nil {
		log.Error("init failed", "err", err)
		os.Exit(1)
	}
	lambda.Start(h)
}
