package portal

import (
	"log/slog"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/citejardins/extranet/shared/blob"
	"github.com/citejardins/extranet/shared/dynamo"
	"github.com/citejardins/extranet/shared/insurance"
)

// Option adds a part that only some functions link, so that the others'
// binaries stay small.
type Option func(*options)

type options struct {
	checker  insurance.FileChecker
	payments PaymentProvider // payments.go
}

// WithFileChecker gives the portal the checks of uploaded files
// (shared/filecheck, which links a PDF parser): with it, and the documents
// bucket, the home-insurance certificate is served. Only the insurance
// function and the local stack pass it.
func WithFileChecker(c insurance.FileChecker) Option {
	return func(o *options) { o.checker = c }
}

// certificates builds the home-insurance certificate for a function that
// has the documents bucket and a file checker, or nil. It makes no network
// call: POSTs are signed locally.
func certificates(cfg aws.Config, getenv func(string) string, store *dynamo.Store, o options, log *slog.Logger) *insurance.Service {
	bucket := getenv(EnvDocumentsBucket)
	if bucket == "" || o.checker == nil {
		return nil
	}
	client := s3.NewFromConfig(cfg, func(so *s3.Options) {
		if ep := getenv(EnvS3Endpoint); ep != "" {
			so.BaseEndpoint, so.UsePathStyle = aws.String(ep), true
		}
	})
	return insurance.NewService(store, blob.NewUploads(client, bucket), o.checker, store, nil, nil, log)
}
