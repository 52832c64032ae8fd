package portal

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/citejardins/extranet/shared/attestation"
	"github.com/citejardins/extranet/shared/blob"
	"github.com/citejardins/extranet/shared/dynamo"
	"github.com/citejardins/extranet/shared/pdf"
	"github.com/citejardins/extranet/shared/statement"
	"github.com/citejardins/extranet/shared/tenant"
)

var (
	_ attestation.Ledger    = (*dynamo.Store)(nil)
	_ attestation.Documents = (*dynamo.Store)(nil)
	_ attestation.Files     = (*blob.Bucket)(nil)
	_ attestation.Counter   = (*dynamo.Store)(nil)
	_ statement.Entries     = (*tenant.Service)(nil)
)

// statements builds the statement PDF and the tenancy certificate for a
// function that has the documents bucket (DOCUMENTS_BUCKET), or nils. The
// landlord is the notices' (LANDLORD_NAME, LANDLORD_ADDRESS,
// LANDLORD_PHONE). It makes no network call.
func statements(cfg aws.Config, getenv func(string) string, store *dynamo.Store, tenants *tenant.Service) (*statement.Service, *attestation.Service) {
	bucket := getenv(EnvDocumentsBucket)
	if bucket == "" {
		return nil, nil
	}
	client := s3.NewFromConfig(cfg, func(o *s3.Options) {
		if ep := getenv(EnvS3Endpoint); ep != "" {
			o.BaseEndpoint, o.UsePathStyle = aws.String(ep), true
		}
	})
	landlord := LandlordFrom(getenv)
	r := &pdf.Renderer{PortalURL: getenv(EnvPublicURL)}
	limit := func(ctx context.Context, ref string) error { return attestation.TakePDF(ctx, store, ref, nil) }
	st := statement.NewService(landlord, tenants, r, limit, nil)
	certs := attestation.NewService(landlord, store, store, blob.New(client, bucket), r, store, nil)
	return st, certs
}
