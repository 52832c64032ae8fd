package portal

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/ses"

	"github.com/citejardins/extranet/shared/dynamo"
	"github.com/citejardins/extranet/shared/mail"
	"github.com/citejardins/extranet/shared/noticerun"
)

// NewNoticeMailSender builds the noticemails function's sender from its
// settings (TENANCY_TABLE, ACCOUNTS_TABLE, PUBLIC_URL, MAIL_FROM,
// NOTICE_MAIL_RATE and NOTICE_MAIL_CONCURRENCY). It makes no network call.
func NewNoticeMailSender(cfg aws.Config, getenv func(string) string, log *slog.Logger, opts NoticeOptions) (*noticerun.MailSender, error) {
	store, err := tenancyStore(cfg, getenv)
	if err != nil {
		return nil, err
	}
	publicURL, from := getenv(EnvPublicURL), getenv(EnvMailFrom)
	if publicURL == "" || from == "" {
		return nil, fmt.Errorf("missing settings: %s and %s are needed", EnvPublicURL, EnvMailFrom)
	}
	rate, err := perSenderRate(getenv)
	if err != nil {
		return nil, err
	}
	client := ses.NewFromConfig(cfg, func(o *ses.Options) {
		if ep := getenv(EnvSESEndpoint); ep != "" {
			o.BaseEndpoint = aws.String(ep)
		}
	})
	return &noticerun.MailSender{Runs: store, Tenancy: store, Recipients: store, Mailer: mail.NewSES(client, from),
		PublicURL: publicURL, Limiter: noticerun.NewLimiter(rate), MailClaim: opts.MailClaim, Now: opts.Now, Hook: opts.Hook, Log: log}, nil
}

// perSenderRate is one noticemails function's share of NOTICE_MAIL_RATE:
// the rate divided by their maximum concurrency (NOTICE_MAIL_CONCURRENCY,
// 1 when unset).
func perSenderRate(getenv func(string) string) (float64, error) {
	v := getenv(EnvNoticeMailRate)
	if v == "" {
		return 0, nil
	}
	rate, err := strconv.ParseFloat(v, 64)
	if err != nil || rate < 0 {
		return 0, fmt.Errorf("%s: %q is not a rate in mails per second", EnvNoticeMailRate, v)
	}
	senders := 1
	if c := getenv(EnvNoticeMailConcurrency); c != "" {
		if senders, err = strconv.Atoi(c); err != nil || senders < 1 {
			return 0, fmt.Errorf("%s: %q is not a positive number", EnvNoticeMailConcurrency, c)
		}
	}
	return rate / float64(senders), nil
}

// NoticeMailsHandler returns the noticemails function's handler: each SQS
// record is one mail (noticerun.MailMessage); a record whose mail fails (a
// claim held by another sender, no send slot before the deadline, an
// error) is reported in BatchItemFailures, so SQS delivers it again, and
// after five receives moves it to NoticeMailsDeadLetterQueue (the print
// step queues such a mail again). A record that is no mail message is
// dropped: delivering it again would not help.
func NoticeMailsHandler(cfg aws.Config, getenv func(string) string, log *slog.Logger, opts NoticeOptions) (func(context.Context, events.SQSEvent) (events.SQSEventResponse, error), error) {
	s, err := NewNoticeMailSender(cfg, getenv, log, opts)
	if err != nil {
		return nil, err
	}
	return MailSenderHandler(s, log), nil
}

// MailSenderHandler serves SQS events with a mail sender (see
// NoticeMailsHandler). The records are sent at once, the sender's rate
// limiter spacing them.
func MailSenderHandler(s *noticerun.MailSender, log *slog.Logger) func(context.Context, events.SQSEvent) (events.SQSEventResponse, error) {
	return func(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
		failed := make([]bool, len(ev.Records))
		var wg sync.WaitGroup
		for i, rec := range ev.Records {
			if d, ok := ctx.Deadline(); ok && time.Until(d) < 10*time.Second {
				failed[i] = true // too late to start: the record comes back
				continue
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				m, err := noticerun.DecodeMailMessage(rec.Body)
				if err != nil {
					log.WarnContext(ctx, "not a notice mail message, dropped", "message", rec.MessageId)
					return
				}
				if _, err := s.Send(ctx, m); err != nil {
					// Errors name leases by reference only, never a person.
					log.WarnContext(ctx, "notice mail failed", "message", rec.MessageId, "receives", rec.Attributes["ApproximateReceiveCount"], "err", err)
					failed[i] = true
				}
			}()
		}
		wg.Wait()
		return batchFailures(ev, failed), nil
	}
}

// batchFailures reports the records marked failed (failed[i] for
// ev.Records[i]) in BatchItemFailures, so SQS delivers them again.
func batchFailures(ev events.SQSEvent, failed []bool) events.SQSEventResponse {
	var resp events.SQSEventResponse
	for i, rec := range ev.Records {
		if failed[i] {
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: rec.MessageId})
		}
	}
	return resp
}

// tenancyStore is the store of the two tables (TENANCY_TABLE,
// ACCOUNTS_TABLE), for a function that uses no bucket.
func tenancyStore(cfg aws.Config, getenv func(string) string) (*dynamo.Store, error) {
	tables := dynamo.Tables{Tenancy: getenv(EnvTenancyTable), Accounts: getenv(EnvAccountsTable)}
	if tables.Tenancy == "" || tables.Accounts == "" {
		return nil, fmt.Errorf("missing settings: %s and %s are needed", EnvTenancyTable, EnvAccountsTable)
	}
	db := dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) {
		if ep := getenv(EnvDynamoDBEndpoint); ep != "" {
			o.BaseEndpoint = aws.String(ep)
		}
	})
	return dynamo.New(db, tables), nil
}
