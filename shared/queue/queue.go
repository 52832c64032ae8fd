// Package queue sends the monthly run's batches to Amazon SQS.
package queue

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/citejardins/extranet/shared/noticerun"
)

// SQS is one queue.
type SQS struct {
	client *sqs.Client
	url    string
	// Retries bounds the extra sends of the entries SQS failed (default 8).
	Retries int
}

var _ noticerun.Queue = (*SQS)(nil)

// New returns the queue at url.
func New(client *sqs.Client, url string) *SQS { return &SQS{client: client, url: url} }

// MaxBatch is the most entries SendMessageBatch takes.
const MaxBatch = 10

// Send sends message bodies, ten per SendMessageBatch call. SQS answers a
// batch entry by entry: the entries it failed (throttled, an internal
// error) are sent again, with a growing pause, up to Retries times; an
// entry failed by the sender's fault (SenderFault) is not retried. The
// error names how many bodies were not sent. A body sent twice is
// harmless: the worker skips what the run already did.
func (q *SQS) Send(ctx context.Context, bodies []string) error {
	retries := q.Retries
	if retries <= 0 {
		retries = 8
	}
	for start := 0; start < len(bodies); start += MaxBatch {
		chunk := bodies[start:min(start+MaxBatch, len(bodies))]
		entries := make([]types.SendMessageBatchRequestEntry, len(chunk))
		for i, b := range chunk {
			entries[i] = types.SendMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(i)), MessageBody: aws.String(b)}
		}
		for attempt := 0; len(entries) > 0; attempt++ {
			if attempt > 0 {
				if attempt > retries {
					return fmt.Errorf("sqs: %d messages not sent after %d retries", len(entries), retries)
				}
				if err := pause(ctx, attempt); err != nil {
					return err
				}
			}
			out, err := q.client.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: &q.url, Entries: entries})
			if err != nil {
				return fmt.Errorf("sqs send batch: %w", err)
			}
			byID := make(map[string]types.SendMessageBatchRequestEntry, len(entries))
			for _, e := range entries {
				byID[aws.ToString(e.Id)] = e
			}
			var again []types.SendMessageBatchRequestEntry
			var errs []error
			for _, f := range out.Failed {
				e, ok := byID[aws.ToString(f.Id)]
				if !ok {
					continue
				}
				if f.SenderFault {
					errs = append(errs, fmt.Errorf("sqs refused a message: %s", aws.ToString(f.Code)))
					continue
				}
				again = append(again, e)
			}
			if len(errs) > 0 {
				return errors.Join(errs...)
			}
			entries = again
		}
	}
	return nil
}

func pause(ctx context.Context, attempt int) error {
	t := time.NewTimer(time.Duration(1<<min(attempt, 6)) * 20 * time.Millisecond)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
