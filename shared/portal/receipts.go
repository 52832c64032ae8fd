package portal

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/citejardins/extranet/shared/blob"
	"github.com/citejardins/extranet/shared/dynamo"
	"github.com/citejardins/extranet/shared/pdf"
	"github.com/citejardins/extranet/shared/receipt"
)

// EnvReceiptsLimit bounds the receipts made per lease, "N/duration";
// default receipt.DefaultLimit (30/1h). A receipt asked again with the
// same facts takes no unit.
const EnvReceiptsLimit = "RECEIPTS_LIMIT"

// receipts builds the rent receipts for a function that has the documents
// bucket and the landlord's name (LANDLORD_NAME, LANDLORD_ADDRESS,
// LANDLORD_PHONE, as the notices print them), or nil for one that has not.
// It makes no network call.
func receipts(cfg aws.Config, getenv func(string) string, store *dynamo.Store) (*receipt.Service, error) {
	bucket := getenv(EnvDocumentsBucket)
	landlord := LandlordFrom(getenv)
	if bucket == "" || landlord.Name == "" {
		return nil, nil
	}
	var limit receipt.Limit
	if v := getenv(EnvReceiptsLimit); v != "" {
		l, err := ParseLimit(v)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", EnvReceiptsLimit, err)
		}
		limit = receipt.Limit{Max: l.Max, Window: l.Window}
	}
	client := s3.NewFromConfig(cfg, func(o *s3.Options) {
		if ep := getenv(EnvS3Endpoint); ep != "" {
			o.BaseEndpoint, o.UsePathStyle = aws.String(ep), true
		}
	})
	// A receipt prints neither IBAN nor BIC nor ICS: only who the landlord is.
	landlord.IBAN, landlord.BIC, landlord.ICS = "", "", ""
	return receipt.NewService(store, blob.New(client, bucket), &pdf.Renderer{PortalURL: getenv(EnvPublicURL)}, store, limit,
		landlord, nil), nil
}
