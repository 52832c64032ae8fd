// Command exports is the Lambda that publishes the tenants' actions for the
// ERP: woken by the accounts table's stream when an event enters the outbox,
// it writes each waiting event under exports/events/ in the documents bucket.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"

	"github.com/citejardins/extranet/shared/portal"
)

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil)).With("function", "exports")
	publish, err := portal.ExportsHandler(portal.AWSConfig(os.Getenv), os.Getenv, log)
	if err != nil {
		log.Error("init failed", "err", err)
		os.Exit(1)
	}
	// The stream's records only say that something waits: the outbox itself
	// is the list, so an event missed by one invocation goes with the next.
	lambda.Start(func(ctx context.Context, _ events.DynamoDBEvent) error {
		_, err := publish(ctx)
		return err
	})
}
