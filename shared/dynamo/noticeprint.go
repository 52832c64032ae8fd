package dynamo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/citejardins/extranet/shared/document"
	"github.com/citejardins/extranet/shared/notice"
	"github.com/citejardins/extranet/shared/noticerun"
)

// The monthly run's print step and report (see notices.go for the keys):
// the run items read shard by shard, the print step's claim, the print
// batches and their marks, and the issued notices read back to print.

// RunLeases calls page with the run items of one shard, page by page,
// strongly consistent.
func (s *Store) RunLeases(ctx context.Context, p notice.Period, shard string, page func([]noticerun.LeaseRun) error) error {
	pg := dynamodb.NewQueryPaginator(s.db, &dynamodb.QueryInput{
		TableName:                 &s.tenancy,
		KeyConditionExpression:    aws.String("PK = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(runShardPK(p, shard))},
		ConsistentRead:            aws.Bool(true),
	})
	for pg.HasMorePages() {
		out, err := pg.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("query run items: %w", err)
		}
		rs := make([]noticerun.LeaseRun, 0, len(out.Items))
		for _, av := range out.Items {
			var it runLeaseItem
			if err := attributevalue.UnmarshalMap(av, &it); err != nil {
				return fmt.Errorf("decode run item: %w", err)
			}
			rs = append(rs, it.domain(p))
		}
		if err := page(rs); err != nil {
			return err
		}
	}
	return nil
}

// ClaimPrint takes the period's print step until the given time, unless
// another step's claim runs.
func (s *Store) ClaimPrint(ctx context.Context, p notice.Period, now, until time.Time) (bool, error) {
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 &s.tenancy,
		Key:                       keyOf(runPK(p), runSK),
		UpdateExpression:          aws.String("SET printClaim = :until"),
		ConditionExpression:       aws.String("attribute_not_exists(printClaim) OR printClaim < :now"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":until": num(until.UnixMilli()), ":now": num(now.UnixMilli())},
	})
	if isConditionFailed(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("claim print: %w", err)
	}
	return true, nil
}

// ReleasePrint ends the caller's claim of the print step.
func (s *Store) ReleasePrint(ctx context.Context, p notice.Period, until time.Time) error {
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 &s.tenancy,
		Key:                       keyOf(runPK(p), runSK),
		UpdateExpression:          aws.String("SET printClaim = :zero"),
		ConditionExpression:       aws.String("printClaim = :until"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":zero": num(0), ":until": num(until.UnixMilli())},
	})
	if err != nil && !isConditionFailed(err) {
		return fmt.Errorf("release print: %w", err)
	}
	return nil
}

// PrintBatches lists the period's print batches in id order.
func (s *Store) PrintBatches(ctx context.Context, p notice.Period) ([]noticerun.PrintBatch, error) {
	items, err := queryAll[printBatchItem](ctx, s.db, &dynamodb.QueryInput{
		TableName:                 &s.tenancy,
		KeyConditionExpression:    aws.String("PK = :pk AND begins_with(SK, :p)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(runPK(p)), ":p": str(printPfx)},
		ConsistentRead:            aws.Bool(true),
	})
	if err != nil {
		return nil, fmt.Errorf("query print batches: %w", err)
	}
	out := make([]noticerun.PrintBatch, len(items))
	for i, it := range items {
		out[i] = noticerun.PrintBatch{ID: it.ID, Attempt: it.Attempt, Written: it.Written, Count: it.Count}
	}
	return out, nil
}

// NewPrintBatch creates a print batch, only if its id is free.
func (s *Store) NewPrintBatch(ctx context.Context, p notice.Period, b noticerun.PrintBatch) error {
	av, err := attributevalue.MarshalMap(printBatchItem{PK: runPK(p), SK: printPfx + b.ID, ID: b.ID, Attempt: b.Attempt})
	if err != nil {
		return fmt.Errorf("encode print batch: %w", err)
	}
	_, err = s.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &s.tenancy, Item: av, ConditionExpression: aws.String("attribute_not_exists(PK)")})
	if err != nil {
		return fmt.Errorf("new print batch %s: %w", b.ID, err)
	}
	return nil
}

// MarkPrint puts a printable lease in a batch if it is in none, or in that
// one already; false when it is in another.
func (s *Store) MarkPrint(ctx context.Context, r noticerun.LeaseRun, batch string) (bool, error) {
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                &s.tenancy,
		Key:                      runLeaseKey(r),
		UpdateExpression:         aws.String("SET printBatch = :b"),
		ConditionExpression:      aws.String("#p = :yes AND (attribute_not_exists(printBatch) OR printBatch = :b)"),
		ExpressionAttributeNames: map[string]string{"#p": "print"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":b": str(batch),
			":yes": &types.AttributeValueMemberBOOL{Value: true}},
	})
	if isConditionFailed(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("mark print: %w", err)
	}
	return true, nil
}

// BatchWritten records a print batch's files written, with its count.
func (s *Store) BatchWritten(ctx context.Context, p notice.Period, batch string, count int) error {
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 &s.tenancy,
		Key:                       keyOf(runPK(p), printPfx+batch),
		UpdateExpression:          aws.String("SET written = :t, #c = :n"),
		ConditionExpression:       aws.String("attribute_exists(PK)"),
		ExpressionAttributeNames:  map[string]string{"#c": "count"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":t": &types.AttributeValueMemberBOOL{Value: true}, ":n": num(int64(count))},
	})
	if err != nil {
		return fmt.Errorf("print batch %s written: %w", batch, err)
	}
	return nil
}

// IssuedNotice reads the notice recorded for a lease and period, from its
// document's `notice`; false when the lease has no notice document for it.
func (s *Store) IssuedNotice(ctx context.Context, p notice.Period, ref string) (notice.Notice, bool, error) {
	ns, err := s.Notices(ctx, p, []string{ref})
	if err != nil || len(ns) == 0 {
		return notice.Notice{}, false, err
	}
	return ns[0], true, nil
}

// Notices reads the issued notices of leases for a period from their
// documents' `notice`: BatchGetItem, 100 keys a call, unprocessed keys
// tried again.
func (s *Store) Notices(ctx context.Context, p notice.Period, refs []string) ([]notice.Notice, error) {
	var out []notice.Notice
	for start := 0; start < len(refs); start += 100 {
		keys := make([]map[string]types.AttributeValue, 0, 100)
		for _, ref := range refs[start:min(start+100, len(refs))] {
			keys = append(keys, keyOf(leasePK(ref), documentSK(document.ParsedID{Kind: document.Notice, Period: p.String()})))
		}
		req := map[string]types.KeysAndAttributes{s.tenancy: {Keys: keys, ProjectionExpression: aws.String("notice"), ConsistentRead: aws.Bool(true)}}
		for attempt := 0; len(req) > 0 && len(req[s.tenancy].Keys) > 0; attempt++ {
			if attempt > 0 {
				if err := backoff(ctx, attempt); err != nil {
					return nil, err
				}
			}
			res, err := s.db.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: req})
			if err != nil {
				return nil, fmt.Errorf("read notices: %w", err)
			}
			for _, av := range res.Responses[s.tenancy] {
				nj, ok := av["notice"].(*types.AttributeValueMemberS)
				if !ok {
					return nil, errors.New("read notices: a notice document without its notice")
				}
				var n notice.Notice
				if err := json.Unmarshal([]byte(nj.Value), &n); err != nil {
					return nil, fmt.Errorf("decode notice: %w", err)
				}
				out = append(out, n)
			}
			req = res.UnprocessedKeys
		}
	}
	return out, nil
}
