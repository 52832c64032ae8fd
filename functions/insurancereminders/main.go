// Command insurancereminders is the Lambda of the home-insurance reminders,
// started by EventBridge Scheduler: at 08:00 in Paris ({"run":
// "insurance-reminders"}) it mails each tenant whose certificate ends within
// 30 days, ended, never arrived on a lease that requires one, or was refused
// by the landlord, once per threshold; every hour of the day
// ({"run":"insurance-refusals"}) it mails the refusals the ERP sent since.
// It answers the run's counts.
package main

import (
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/citejardins/extranet/shared/portal"
)

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil)).With("function", "insurancereminders")
	run, err := portal.InsuranceRemindersHandler(portal.AWSConfig(os.Getenv), os.Getenv, log)
	if err != nil {
		log.Error("init failed", "err", err)
		os.Exit(1)
	}
	lambda.Start(run)
}
