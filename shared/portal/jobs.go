package portal

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"strings"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/citejardins/extranet/shared/blob"
	"github.com/citejardins/extranet/shared/dynamo"
	"github.com/citejardins/extranet/shared/importer"
	"github.com/citejardins/extranet/shared/tenant"
)

// Settings of the jobs.
const (
	EnvDocumentsBucket = "DOCUMENTS_BUCKET"
	EnvS3Endpoint      = "AWS_ENDPOINT_URL_S3" // emulated S3 is reached path-style
	// ImportsPrefix is where the ERP drops its files.
	ImportsPrefix = "imports/"
	// ReportSuffix ends the name of an import's report, next to its file.
	ReportSuffix = ".report.json"
)

func stores(cfg aws.Config, getenv func(string) string) (*dynamo.Store, *blob.Bucket, error) {
	tables := dynamo.Tables{Tenancy: getenv(EnvTenancyTable), Accounts: getenv(EnvAccountsTable)}
	bucket := getenv(EnvDocumentsBucket)
	if tables.Tenancy == "" || tables.Accounts == "" || bucket == "" {
		return nil, nil, fmt.Errorf("missing settings: %s, %s and %s are needed", EnvTenancyTable, EnvAccountsTable, EnvDocumentsBucket)
	}
	db := dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) {
		if ep := getenv(EnvDynamoDBEndpoint); ep != "" {
			o.BaseEndpoint = aws.String(ep)
		}
	})
	s3c := s3.NewFromConfig(cfg, func(o *s3.Options) {
		if ep := getenv(EnvS3Endpoint); ep != "" {
			o.BaseEndpoint, o.UsePathStyle = aws.String(ep), true
		}
	})
	return dynamo.New(db, tables), blob.New(s3c, bucket), nil
}

// ImportHandler returns the handler of the import function: for each file
// created under imports/, run it and write its report next to it.
func ImportHandler(cfg aws.Config, getenv func(string) string, log *slog.Logger) (func(context.Context, events.S3Event) error, error) {
	store, bucket, err := stores(cfg, getenv)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context, ev events.S3Event) error {
		for _, rec := range ev.Records {
			key, err := url.QueryUnescape(rec.S3.Object.Key) // event keys are URL-encoded
			if err != nil || !strings.HasPrefix(key, ImportsPrefix) || strings.HasSuffix(key, ReportSuffix) {
				continue
			}
			if err := importOne(ctx, store, bucket, key, log); err != nil {
				return err // the runtime retries; an import can run again
			}
		}
		return nil
	}, nil
}

func importOne(ctx context.Context, store *dynamo.Store, bucket *blob.Bucket, key string, log *slog.Logger) error {
	body, err := bucket.Open(ctx, key)
	if err != nil {
		return err
	}
	defer body.Close()
	rep, runErr := importer.Run(ctx, store, key, body, importer.Options{Log: log})
	if err := bucket.PutJSON(ctx, key+ReportSuffix, rep); err != nil {
		return err
	}
	log.InfoContext(ctx, "import", "kind", rep.Kind, "mode", rep.Mode, "status", rep.Status, "lines", rep.Lines,
		"written", rep.Written, "unchanged", rep.Unchanged, "deleted", rep.Deleted, "rejected", rep.Rejected)
	return runErr
}

// ExportsHandler returns the handler of the exports function: whatever
// wakes it (the outbox's stream, a schedule), publish the waiting events.
func ExportsHandler(cfg aws.Config, getenv func(string) string, log *slog.Logger) (func(context.Context) (int, error), error) {
	store, bucket, err := stores(cfg, getenv)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context) (int, error) {
		n, err := tenant.PublishPending(ctx, store, bucket)
		if n > 0 {
			log.InfoContext(ctx, "published events", "count", n)
		}
		return n, err
	}, nil
}
