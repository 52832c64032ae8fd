// Command notices is the Lambda of the monthly run's planner and print
// step, started by EventBridge Scheduler: {"step":"plan"} queues every
// running lease of the coming period for the noticeworker function;
// {"step":"print"}, later that day, writes the print batch. Both answer
// the run's report.
package main

import (
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/citejardins/extranet/shared/portal"
)

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil)).With("function", "notices")
	h, err := portal.NoticesHandler(portal.AWSConfig(os.Getenv), os.Getenv, log, portal.NoticeOptions{})
	if err != nil {
		log.Error("init failed", "err", err)
		os.Exit(1)
	}
	lambda.Start(h)
}
