// Command insurancereminders is the Lambda of the daily home-insurance
// reminders, started by EventBridge Scheduler at 08:00 in Paris: it mails
// each tenant whose certificate ends within 30 days, ended, never arrived
// on a lease that requires one, or was refused by the landlord, once per
// threshold. It answers the run's counts.
package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/citejardins/extranet/shared/insurancerun"
	"github.com/citejardins/extranet/shared/portal"
)

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil)).With("function", "insurancereminders")
	run, err := portal.InsuranceRemindersHandler(portal.AWSConfig(os.Getenv), os.Getenv, log)
	if err != nil {
		log.Error("init failed", "err", err)
		os.Exit(1)
	}
	// The schedule's input says nothing the run needs: the day is the
	// clock's.
	lambda.Start(func(ctx context.Context, _ json.RawMessage) (insurancerun.Report, error) {
		return run(ctx)
	})
}
