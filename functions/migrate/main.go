// Command migrate is the Lambda that moves the accounts table from one
// account per lease to one account per signatory (issue 11): invoked once
// after the deploy (README, "Deploying"), with any event, it answers the
// migration's counts. Invoking it again moves nothing twice and resumes a
// run that failed.
package main

import (
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/citejardins/extranet/shared/portal"
)

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil)).With("function", "migrate")
	run, err := portal.MigrateHandler(portal.AWSConfig(os.Getenv), os.Getenv, log)
	if err != nil {
		log.Error("init failed", "err", err)
		os.Exit(1)
	}
	lambda.Start(run)
}
