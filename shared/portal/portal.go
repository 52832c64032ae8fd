// Package portal assembles the portal from its settings: AWS clients, the
// stores, the services and the HTTP server. Every Lambda and the local stack
// build themselves through it, so both run the same wiring.
package portal

import (
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/ses"

	"github.com/citejardins/extranet/shared/account"
	"github.com/citejardins/extranet/shared/directory"
	"github.com/citejardins/extranet/shared/dynamo"
	"github.com/citejardins/extranet/shared/httpapi"
	"github.com/citejardins/extranet/shared/mail"
	"github.com/citejardins/extranet/shared/password"
	"github.com/citejardins/extranet/shared/tenant"
)

var _ account.Passwords = password.Hasher{}

// The account service makes and checks the links that confirm a new
// notification email for the tenant service.
var _ tenant.Confirmations = (*account.Service)(nil)

// Settings, read from the environment. Names are those of template.yaml.
const (
	EnvTenancyTable  = "TENANCY_TABLE"
	EnvAccountsTable = "ACCOUNTS_TABLE"
	EnvPublicURL     = "PUBLIC_URL"
	EnvMailFrom      = "MAIL_FROM" // empty: the function sends no mail
	// Endpoint overrides, as the AWS SDKs name them: set only where the
	// services are emulated (the local stack and its tests).
	EnvDynamoDBEndpoint = "AWS_ENDPOINT_URL_DYNAMODB"
	EnvSESEndpoint      = "AWS_ENDPOINT_URL_SES"
	// Throttling limits as "N/duration", e.g. "60/1m"; see account.Config.
	EnvLimitPerAddress      = "LIMIT_PER_ADDRESS"
	EnvLimitAccountFailures = "LIMIT_ACCOUNT_FAILURES"
	EnvLimitLeaseFailures   = "LIMIT_LEASE_FAILURES"
	EnvLimitMailsPerAccount = "LIMIT_MAILS_PER_ACCOUNT"
	EnvSessionTTL           = "SESSION_TTL"
	// EnvEmailChangeTTL is how long a link confirming a new notification
	// email stays valid (default 48h).
	EnvEmailChangeTTL = "EMAIL_CHANGE_TTL"
	// EnvSessionIdleTimeout ends a web (cookie) session after this long
	// without a request; default 30m. See account.Service.Authenticate.
	EnvSessionIdleTimeout = "SESSION_IDLE_TIMEOUT"
	// The secret CloudFront adds to the requests it forwards to the API, in
	// httpapi.OriginSecretHeader; see httpapi.Config.OriginSecret.
	EnvOriginSecret = "ORIGIN_VERIFY_SECRET"
)

// New builds the HTTP server from the AWS configuration and the settings.
// It makes no network call, so a cold start stays short.
// Options add parts only some functions link (WithFileChecker,
// WithPaymentProvider).
func New(cfg aws.Config, getenv func(string) string, log *slog.Logger, opts ...Option) (*httpapi.Server, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	tables := dynamo.Tables{Tenancy: getenv(EnvTenancyTable), Accounts: getenv(EnvAccountsTable)}
	publicURL := getenv(EnvPublicURL)
	var missing []string
	for name, v := range map[string]string{EnvTenancyTable: tables.Tenancy, EnvAccountsTable: tables.Accounts, EnvPublicURL: publicURL} {
		if v == "" {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("missing settings: %s", strings.Join(missing, ", "))
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
	store := dynamo.New(db, tables)
	deps := account.Deps{Store: store, Counter: store, Passwords: password.Hasher{}, Jobs: store, Log: log}
	if from := getenv(EnvMailFrom); from != "" {
		client := ses.NewFromConfig(cfg, func(o *ses.Options) {
			if ep := getenv(EnvSESEndpoint); ep != "" {
				o.BaseEndpoint = aws.String(ep)
			}
		})
		deps.Mailer = mail.NewSES(client, from)
	}
	svc := account.NewService(deps, acfg)
	// Events for the ERP are published from the outbox by the exports
	// function, so the API functions need no S3 client.
	tenants := tenant.NewService(store, nil, nil, nil, log).WithCounter(store).WithConfirmations(svc).
		WithPayee(PayeeFrom(getenv))
	emergency := directory.NewService(store, svc.AllowPublic)
	docs, err := documents(cfg, getenv, store)
	if err != nil {
		return nil, err
	}
	rcpts, err := receipts(cfg, getenv, store)
	if err != nil {
		return nil, err
	}
	stmt, certs := statements(cfg, getenv, store, tenants) // statement.go
	pays, err := payments(getenv, store, tenants, o)       // payments.go
	if err != nil {
		return nil, err
	}
	dd, err := directDebit(cfg, getenv, store) // directdebit.go
	if err != nil {
		return nil, err
	}
	return httpapi.New(httpapi.Config{PublicURL: publicURL, OriginSecret: getenv(EnvOriginSecret)}, svc, tenants, log).
		WithDirectory(emergency).WithDocuments(docs).WithReceipts(rcpts).WithStatements(stmt, certs).
		WithInsurance(certificates(cfg, getenv, store, o, log)).WithPayments(pays).WithDirectDebit(dd).
		WithBankDetails(bankDetails(store, svc, deps.Mailer, publicURL, log)).WithLegal(LegalFrom(getenv)).
		WithProfiles(account.NewProfiles(svc, store)), nil
}

func accountConfig(getenv func(string) string) (account.Config, error) {
	var c account.Config
	var errs []error
	for name, dst := range map[string]*account.Limit{
		EnvLimitPerAddress:      &c.PerAddress,
		EnvLimitAccountFailures: &c.AccountFailures,
		EnvLimitLeaseFailures:   &c.LeaseFailures,
		EnvLimitMailsPerAccount: &c.MailsPerAccount,
	} {
		if v := getenv(name); v != "" {
			l, err := ParseLimit(v)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", name, err))
			}
			*dst = l
		}
	}
	for name, dst := range map[string]*time.Duration{EnvSessionTTL: &c.SessionTTL, EnvSessionIdleTimeout: &c.SessionIdleTimeout} {
		if v := getenv(name); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				errs = append(errs, fmt.Errorf("%s: %q is not a positive duration", name, v))
			}
			*dst = d
		}
	}
	if v := getenv(EnvEmailChangeTTL); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			errs = append(errs, fmt.Errorf("%s: %q is not a positive duration", EnvEmailChangeTTL, v))
		}
		c.EmailChangeTTL = d
	}
	return c, errors.Join(errs...)
}

// ParseLimit reads a limit written "N/duration", such as "60/1m".
func ParseLimit(s string) (account.Limit, error) {
	n, d, ok := strings.Cut(s, "/")
	max, err1 := strconv.Atoi(strings.TrimSpace(n))
	window, err2 := time.ParseDuration(strings.TrimSpace(d))
	if !ok || err1 != nil || err2 != nil || max <= 0 || window <= 0 {
		return account.Limit{}, fmt.Errorf("%q is not a limit like 60/1m", s)
	}
	return account.Limit{Max: max, Window: window}, nil
}
