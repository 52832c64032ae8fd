package portal

import (
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/citejardins/extranet/shared/blob"
	"github.com/citejardins/extranet/shared/document"
	"github.com/citejardins/extranet/shared/dynamo"
)

// EnvDocumentURLTTL is how long a document's download link lives, as a Go
// duration ("2m"); default and cap document.MaxLinkTTL (5 minutes).
const EnvDocumentURLTTL = "DOCUMENT_URL_TTL"

// documents builds "Mes documents" for a function that has the documents
// bucket (DOCUMENTS_BUCKET), or nil for one that has not. It makes no
// network call: links are signed locally.
func documents(cfg aws.Config, getenv func(string) string, store *dynamo.Store) (*document.Service, error) {
	bucket := getenv(EnvDocumentsBucket)
	if bucket == "" {
		return nil, nil
	}
	var ttl time.Duration
	if v := getenv(EnvDocumentURLTTL); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return nil, fmt.Errorf("%s: %q is not a positive duration", EnvDocumentURLTTL, v)
		}
		ttl = min(d, document.MaxLinkTTL)
	}
	client := s3.NewFromConfig(cfg, func(o *s3.Options) {
		if ep := getenv(EnvS3Endpoint); ep != "" {
			o.BaseEndpoint, o.UsePathStyle = aws.String(ep), true
		}
	})
	return document.NewService(store, blob.NewShelf(client, bucket), ttl), nil
}
