// Command mails is the Lambda that runs the mail jobs the API leaves
// (sign-up, forgotten password, new activation link): woken by the accounts
// table's stream when a job is written, and by a schedule for retries, it
// looks the address up and sends the mail off the request path.
package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/citejardins/extranet/shared/portal"
)

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil)).With("function", "mails")
	run, err := portal.MailsHandler(portal.AWSConfig(os.Getenv), os.Getenv, log)
	if err != nil {
		log.Error("init failed", "err", err)
		os.Exit(1)
	}
	// The stream's records only say that a job waits: the job partition
	// itself is the list, so a job left by a failed run goes with the next.
	// The event is either a DynamoDBEvent or a scheduled event; neither's
	// content matters.
	lambda.Start(func(ctx context.Context, _ json.RawMessage) error {
		_, err := run(ctx)
		return err
	})
}
