package portal

import (
	"fmt"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/citejardins/extranet/shared/blob"
	"github.com/citejardins/extranet/shared/directdebit"
	"github.com/citejardins/extranet/shared/dynamo"
	"github.com/citejardins/extranet/shared/pdf"
)

// EnvDirectDebitDays lists the days of the month a tenant may choose for
// the debit, e.g. "5,10" (directdebit.ParseDebitDays). The functions that
// serve or print direct debit (banking, the notices) have it.
const EnvDirectDebitDays = "DIRECT_DEBIT_DAYS"

// EnvNoticeDay is the day of the month the coming month's notices are
// issued (the template's NoticeDay, 1 to 28; default
// directdebit.DefaultNoticeDay): banking needs it for a mandate's first
// debit (directdebit.FirstDebit).
const EnvNoticeDay = "NOTICE_DAY"

// EnvDirectDebitLimit bounds the mandates a lease signs, "N/duration";
// default directdebit.DefaultLimit (10/24h).
const EnvDirectDebitLimit = "DIRECT_DEBIT_LIMIT"

// directDebit builds the SEPA mandates for a function that has the
// documents bucket, the landlord's name and DIRECT_DEBIT_DAYS (banking),
// or nil for one that has not. Without LANDLORD_ICS the service answers
// every subscription with a 503 saying direct debit is not offered; an
// LANDLORD_ICS or DIRECT_DEBIT_DAYS that is set but wrong fails the
// start. It makes no network call.
func directDebit(cfg aws.Config, getenv func(string) string, store *dynamo.Store) (*directdebit.Service, error) {
	bucket, days := getenv(EnvDocumentsBucket), getenv(EnvDirectDebitDays)
	landlord := LandlordFrom(getenv)
	if bucket == "" || landlord.Name == "" || days == "" {
		return nil, nil
	}
	debitDays, err := directdebit.ParseDebitDays(days)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", EnvDirectDebitDays, err)
	}
	limit := directdebit.DefaultLimit
	if v := getenv(EnvDirectDebitLimit); v != "" {
		l, err := ParseLimit(v)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", EnvDirectDebitLimit, err)
		}
		limit = directdebit.Limit{Max: l.Max, Window: l.Window}
	}
	noticeDay := 0
	if v := getenv(EnvNoticeDay); v != "" {
		if noticeDay, err = strconv.Atoi(v); err != nil || noticeDay < 1 || noticeDay > 28 {
			return nil, fmt.Errorf("%s: %q is not a day 1 to 28", EnvNoticeDay, v)
		}
	}
	client := s3.NewFromConfig(cfg, func(o *s3.Options) {
		if ep := getenv(EnvS3Endpoint); ep != "" {
			o.BaseEndpoint, o.UsePathStyle = aws.String(ep), true
		}
	})
	return directdebit.NewService(directdebit.Config{
		Creditor:  directdebit.Creditor{Name: landlord.Name, AddressLines: landlord.AddressLines, ICS: landlord.ICS},
		DebitDays: debitDays, NoticeDay: noticeDay, Counter: store, Limit: limit,
	}, store, store, blob.New(client, bucket), &pdf.Renderer{PortalURL: getenv(EnvPublicURL)}, nil, nil)
}
