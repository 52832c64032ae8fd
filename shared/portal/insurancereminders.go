package portal

import (
	"context"
	"errors"
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

// InsuranceEvent is what the insurancereminders function's schedules send:
// {"run":"insurance-reminders"} every morning (the reminders and the
// refusals due), {"run":"insurance-refusals"} every hour of the day (the
// landlord's refusals only).
type InsuranceEvent struct {
	Run string `json:"run"`
}

// The runs of InsuranceEvent.
const (
	RunInsuranceReminders = "insurance-reminders"
	RunInsuranceRefusals  = "insurance-refusals"
)

// ErrUnknownInsuranceRun: an InsuranceEvent naming no run.
var ErrUnknownInsuranceRun = errors.New("unknown insurance run")

// InsuranceRemindersHandler builds the insurance reminders from their
// settings (TENANCY_TABLE, ACCOUNTS_TABLE, PUBLIC_URL for the mails' link,
// MAIL_FROM): the run the event names, of the day. It makes no network
// call until run.
func InsuranceRemindersHandler(cfg aws.Config, getenv func(string) string, log *slog.Logger) (func(context.Context, InsuranceEvent) (insurancerun.Report, error), error) {
	run, err := InsuranceRemindersHandlerAt(cfg, getenv, log, nil)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context, ev InsuranceEvent) (insurancerun.Report, error) {
		switch ev.Run {
		case RunInsuranceReminders:
			return run(ctx, false)
		case RunInsuranceRefusals:
			return run(ctx, true)
		}
		return insurancerun.Report{}, fmt.Errorf("%w: %q", ErrUnknownInsuranceRun, ev.Run)
	}, nil
}

// InsuranceRemindersHandlerAt is InsuranceRemindersHandler on the clock now
// (nil: time.Now), for the local stack's trigger of a given day.
// Its run mails the refusals only when refusalsOnly.
func InsuranceRemindersHandlerAt(cfg aws.Config, getenv func(string) string, log *slog.Logger, now func() time.Time) (func(ctx context.Context, refusalsOnly bool) (insurancerun.Report, error), error) {
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
	mailer := mail.NewSES(client, from)
	return func(ctx context.Context, refusalsOnly bool) (insurancerun.Report, error) {
		r := &insurancerun.Runner{Store: store, Recipients: store, Mailer: mailer, PublicURL: publicURL, Now: now, Log: log,
			RefusalsOnly: refusalsOnly}
		rep, err := r.Run(ctx)
		// Counts only: no reference, no address.
		log.InfoContext(ctx, "insurance reminders", "refusalsOnly", refusalsOnly, "leases", rep.Leases, "mailed", rep.Mailed, "noAccount", rep.NoAccount,
			"refused", rep.Refused, "unknown", rep.Unknown)
		return rep, err
	}, nil
}
