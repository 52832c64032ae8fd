package portal

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/citejardins/extranet/shared/dynamo"
)

// MigrateHandler builds the migrate function from its settings
// (TENANCY_TABLE, ACCOUNTS_TABLE): invoked once after the deploy of one
// account per signatory (issue 11), with any event, it moves the accounts
// table's items of the previous layout (dynamo.MigrateAccounts) and answers
// its report. Running it again moves nothing twice. It makes no network
// call until run.
func MigrateHandler(cfg aws.Config, getenv func(string) string, log *slog.Logger) (func(context.Context) (dynamo.MigrationReport, error), error) {
	tables := dynamo.Tables{Tenancy: getenv(EnvTenancyTable), Accounts: getenv(EnvAccountsTable)}
	if tables.Tenancy == "" || tables.Accounts == "" {
		return nil, fmt.Errorf("missing settings: %s and %s are needed", EnvTenancyTable, EnvAccountsTable)
	}
	db := dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) {
		if ep := getenv(EnvDynamoDBEndpoint); ep != "" {
			o.BaseEndpoint = aws.String(ep)
		}
	})
	store := dynamo.New(db, tables)
	return func(ctx context.Context) (dynamo.MigrationReport, error) {
		rep, err := store.MigrateAccounts(ctx)
		// Counts and references only: no email, name or token.
		log.Info("migrate accounts", "accounts", rep.Accounts, "leasePrefs", rep.Prefs, "emailClaims", rep.Claims,
			"tokens", rep.Tokens, "sessions", rep.Sessions, "mailJobs", rep.MailJobs, "other", rep.Other, "leftLeases", rep.LeftLeases)
		if err != nil {
			log.Error("migrate accounts failed; invoke again to resume", "err", err)
			return rep, err
		}
		return rep, nil
	}, nil
}
