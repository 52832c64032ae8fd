package dynamo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/citejardins/extranet/shared/account"
)

var _ account.Jobs = (*Store)(nil)

// Mail jobs wait in one partition (MAILJOB), sorted by creation time: the
// mail worker reads it with one Query, and the table's stream, filtered on
// that key, wakes the worker when one is written. The partition stays
// small (a job lives seconds), so one key is no hot spot at the portal's
// rate of sign-ups and forgotten passwords.

// MailJobPK is the partition of the mail jobs, which the mails function's
// stream filter names (template.yaml).
const MailJobPK = "MAILJOB"

// jobTime sorts as text in time order (RFC 3339 with fixed nanoseconds).
const jobTime = "2006-01-02T15:04:05.000000000Z"

type mailJobItem struct {
	PK           string
	SK           string
	ID           string `dynamodbav:"id"`
	Kind         string `dynamodbav:"kind"`
	Email        string `dynamodbav:"email"`
	Reference    string `dynamodbav:"reference,omitempty"`
	Signatory    string `dynamodbav:"signatory,omitempty"`
	PasswordHash string `dynamodbav:"passwordHash,omitempty"`
	AmountCents  int64  `dynamodbav:"amountCents,omitempty"`
	CreatedAt    string `dynamodbav:"createdAt"`
	ClaimedUntil int64  `dynamodbav:"claimedUntil,omitempty"` // unix ms
}

func mailJobSK(j account.MailJob) string { return j.CreatedAt.UTC().Format(jobTime) + "#" + j.ID }

func mailJobAV(j account.MailJob) (map[string]types.AttributeValue, error) {
	av, err := attributevalue.MarshalMap(mailJobItem{PK: MailJobPK, SK: mailJobSK(j), ID: j.ID, Kind: string(j.Kind),
		Email: j.Email, Reference: j.Reference, Signatory: j.Signatory, PasswordHash: j.PasswordHash, AmountCents: j.AmountCents, CreatedAt: j.CreatedAt.UTC().Format(jobTime)})
	if err != nil {
		return nil, fmt.Errorf("encode mail job: %w", err)
	}
	return av, nil
}

// PutMailJob writes a job for the mail worker.
func (s *Store) PutMailJob(ctx context.Context, j account.MailJob) error {
	av, err := mailJobAV(j)
	if err != nil {
		return err
	}
	if _, err := s.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &s.accounts, Item: av}); err != nil {
		return fmt.Errorf("put mail job: %w", err)
	}
	return nil
}

// MailJobs lists up to limit waiting jobs, oldest first.
func (s *Store) MailJobs(ctx context.Context, limit int) ([]account.MailJob, error) {
	items, err := oldestFirst[mailJobItem](ctx, s.db, s.accounts, MailJobPK, limit)
	if err != nil {
		return nil, fmt.Errorf("query mail jobs: %w", err)
	}
	jobs := make([]account.MailJob, 0, len(items))
	for _, it := range items {
		at, _ := time.Parse(jobTime, it.CreatedAt)
		jobs = append(jobs, account.MailJob{ID: it.ID, Kind: account.JobKind(it.Kind), Email: it.Email,
			Reference: it.Reference, Signatory: it.Signatory, PasswordHash: it.PasswordHash, AmountCents: it.AmountCents, CreatedAt: at})
	}
	return jobs, nil
}

// ClaimMailJob takes a job until the given time with a conditional update:
// it fails while another worker's claim runs, or when the job is gone.
func (s *Store) ClaimMailJob(ctx context.Context, j account.MailJob, now, until time.Time) (bool, error) {
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 &s.accounts,
		Key:                       keyOf(MailJobPK, mailJobSK(j)),
		UpdateExpression:          aws.String("SET claimedUntil = :until"),
		ConditionExpression:       aws.String("attribute_exists(PK) AND (attribute_not_exists(claimedUntil) OR claimedUntil < :now)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":until": num(until.UnixMilli()), ":now": num(now.UnixMilli())},
	})
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("claim mail job: %w", err)
	}
	return true, nil
}

// DeleteMailJob removes a job that is done.
func (s *Store) DeleteMailJob(ctx context.Context, j account.MailJob) error {
	_, err := s.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: &s.accounts, Key: keyOf(MailJobPK, mailJobSK(j))})
	if err != nil {
		return fmt.Errorf("delete mail job: %w", err)
	}
	return nil
}
