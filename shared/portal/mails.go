package portal

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/ses"

	"github.com/citejardins/extranet/shared/account"
	"github.com/citejardins/extranet/shared/dynamo"
	"github.com/citejardins/extranet/shared/mail"
	"github.com/citejardins/extranet/shared/password"
)

// MailsHandler returns the handler of the mails function: whatever wakes it
// (the accounts table's stream when a mail job is written, a schedule), run
// the waiting mail jobs (account.Service.RunMailJobs). It returns how many
// it finished; an error when some failed, so that the stream retries.
func MailsHandler(cfg aws.Config, getenv func(string) string, log *slog.Logger) (func(context.Context) (int, error), error) {
	tables := dynamo.Tables{Tenancy: getenv(EnvTenancyTable), Accounts: getenv(EnvAccountsTable)}
	publicURL, from := getenv(EnvPublicURL), getenv(EnvMailFrom)
	if tables.Tenancy == "" || tables.Accounts == "" || publicURL == "" || from == "" {
		return nil, fmt.Errorf("missing settings: %s, %s, %s and %s are needed", EnvTenancyTable, EnvAccountsTable, EnvPublicURL, EnvMailFrom)
	}
	acfg, err := accountConfig(getenv)
	if err != nil {
		return nil, err
	}
	acfg.PublicURL = publicURL
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
	svc := account.NewService(account.Deps{Store: store, Counter: store, Passwords: password.Hasher{}, Jobs: store,
		Mailer: mail.NewSES(client, from), Log: log}, acfg)
	return func(ctx context.Context) (int, error) {
		n, err := svc.RunMailJobs(ctx)
		if n > 0 {
			log.InfoContext(ctx, "mail jobs done", "count", n)
		}
		return n, err
	}, nil
}
