package portal

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/ses"

	"github.com/citejardins/extranet/shared/dynamo"
	"github.com/citejardins/extranet/shared/insurancerun"
	"github.com/citejardins/extranet/shared/mail"
)

// InsuranceRemindersHandler builds the daily insurance reminders from their
// settings (TENANCY_TABLE, ACCOUNTS_TABLE, PUBLIC_URL for the mails' link,
// MAIL_FROM); the event (EventBridge Scheduler's input) does not matter:
// the run is the day's. It makes no network call until run.
func InsuranceRemindersHandler(cfg aws.Config, getenv func(string) string, log *slog.Logger) (func(context.Context) (insurancerun.Report, error), error) {
	return InsuranceRemindersHandlerAt(cfg, getenv, log, nil)
}

// InsuranceRemindersHandlerAt is InsuranceRemindersHandler on the clock now
// (nil: time.Now), for the local stack's trigger of a given day.
func InsuranceRemindersHandlerAt(cfg aws.Config, getenv func(string) string, log *slog.Logger, now func() time.Time) (func(context.Context) (insurancerun.Report, error), error) {
	tables := dynamo.Tables{Tenancy: getenv(EnvTenancyTable), Accounts: getenv(EnvAccountsTable)}
	publicURL, from := getenv(EnvPublicURL), getenv(EnvMailFrom)
	if tables.Tenancy == "" || tables.Accounts == "" || publicURL == "" || from == "" {
		return nil, fmt.Errorf("missing settings: %s, %s, %s and %s are needed", EnvTenancyTable, EnvAccountsTable, EnvPublicURL, EnvMailFrom)
	}
	db := dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) {
		if ep := getenv(EnvDynamoDBEndpoint); ep != "" {
			o.BaseEndpoint = aws.String(ep)
		}
	})
	client := ses.NewFromConfig(cfg, func(o *ses.Options) {
		if ep := getenv(EnvSESEndpoint); ep != "" {
			o.BaseEndpoint = aws.String(ep)
		}
	})
	store := dynamo.New(db, tables)
	r := &insurancerun.Runner{Store: store, Recipients: store, Mailer: mail.NewSES(client, from), PublicURL: publicURL, Now: now, Log: log}
	return func(ctx context.Context) (insurancerun.Report, error) {
		rep, err := r.Run(ctx)
		// Counts only: no reference, no address.
		log.InfoContext(ctx, "insurance reminders", "leases", rep.Leases, "mailed", rep.Mailed, "noAccount", rep.NoAccount,
			"refused", rep.Refused, "unknown", rep.Unknown)
		return rep, err
	}, nil
}
