package dynamo

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/citejardins/extranet/shared/account"
	"github.com/citejardins/extranet/shared/insurance"
)

var _ insurance.Store = (*Store)(nil)

// The tenant's side of the home-insurance certificate (DESIGN.md,
// "Receipts, certificates and the home-insurance certificate"), in the
// lease's partition of the tenancy table: UPLOAD#<id> for an upload,
// INSURANCE#<id> for a certificate and INSURANCE for the lease's state.
// The landlord's decisions and the reminders write the same items
// (insurance_decisions.go, insurance_reminders.go), with these attribute
// names.
const (
	insUploadPfx = "UPLOAD#"
	insCertPfx   = "INSURANCE#"
	insStateSK   = "INSURANCE"
)

type insUploadItem struct {
	PK           string
	SK           string
	ID           string `dynamodbav:"id"`
	FileName     string `dynamodbav:"fileName"`
	ContentType  string `dynamodbav:"contentType"`
	SizeBytes    int64  `dynamodbav:"sizeBytes"`
	Key          string `dynamodbav:"key"`
	CreatedAt    int64  `dynamodbav:"createdAt"`
	ExpiresAt    int64  `dynamodbav:"expiresAt"` // also the table's TTL
	UsedAt       int64  `dynamodbav:"usedAt,omitempty"`
	Reason       string `dynamodbav:"reason,omitempty"`
	Claim        string `dynamodbav:"claim,omitempty"`
	ClaimedUntil int64  `dynamodbav:"claimedUntil,omitempty"`
}

// insCertItem is a certificate: dates AAAA-MM-JJ, submittedAt in unix
// seconds.
type insCertItem struct {
	PK           string
	SK           string
	ID           string `dynamodbav:"id"`
	Insurer      string `dynamodbav:"insurer"`
	PolicyNumber string `dynamodbav:"policyNumber"`
	Start        string `dynamodbav:"start"`
	End          string `dynamodbav:"end"`
	Status       string `dynamodbav:"status"`
	Reason       string `dynamodbav:"reason,omitempty"`
	DecidedOn    string `dynamodbav:"decidedOn,omitempty"`
	SubmittedAt  int64  `dynamodbav:"submittedAt"`
	Key          string `dynamodbav:"key"`
	ContentType  string `dynamodbav:"contentType"`
	SizeBytes    int64  `dynamodbav:"sizeBytes"`
	FileName     string `dynamodbav:"fileName"`
}

// insStateItem is the lease's state as the tenant's side reads it.
type insStateItem struct {
	Current     string   `dynamodbav:"current"`
	End         string   `dynamodbav:"end"`
	Required    bool     `dynamodbav:"required"`
	Reminded    []string `dynamodbav:"reminded"`
	RemindShard string   `dynamodbav:"remindShard"`
	RemindOn    string   `dynamodbav:"remindOn"`
}

func (it insUploadItem) domain(ref string) insurance.Upload {
	return insurance.Upload{ID: it.ID, Reference: ref, FileName: it.FileName, ContentType: it.ContentType,
		SizeBytes: it.SizeBytes, Key: it.Key, CreatedAt: fromUnix(it.CreatedAt), ExpiresAt: fromUnix(it.ExpiresAt),
		UsedAt: fromUnix(it.UsedAt), Reason: insurance.Reason(it.Reason), Claim: it.Claim, ClaimedUntil: fromUnix(it.ClaimedUntil)}
}

func (it insCertItem) domain() insurance.Certificate {
	return insurance.Certificate{ID: it.ID, Insurer: it.Insurer, PolicyNumber: it.PolicyNumber, Start: parseDate(it.Start),
		End: parseDate(it.End), Status: insurance.Status(it.Status), Reason: it.Reason, DecidedOn: parseDate(it.DecidedOn),
		SubmittedAt: fromUnix(it.SubmittedAt), Key: it.Key, ContentType: it.ContentType, SizeBytes: it.SizeBytes, FileName: it.FileName}
}

// PutUpload saves a new upload of its lease.
func (s *Store) PutUpload(ctx context.Context, u insurance.Upload) error {
	av, err := attributevalue.MarshalMap(insUploadItem{PK: leasePK(u.Reference), SK: insUploadPfx + u.ID, ID: u.ID,
		FileName: u.FileName, ContentType: u.ContentType, SizeBytes: u.SizeBytes, Key: u.Key,
		CreatedAt: unix(u.CreatedAt), ExpiresAt: unix(u.ExpiresAt)})
	if err != nil {
		return fmt.Errorf("encode upload: %w", err)
	}
	_, err = s.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &s.tenancy, Item: av,
		ConditionExpression: aws.String("attribute_not_exists(PK)")})
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		return insurance.ErrConflict
	}
	if err != nil {
		return fmt.Errorf("put upload: %w", err)
	}
	return nil
}

// Upload reads one upload of lease ref by id (access pattern 10): the lease
// is part of the key, so another lease's upload is not found.
func (s *Store) Upload(ctx context.Context, ref, id string) (insurance.Upload, error) {
	if id == "" || len(id) > 64 || strings.Contains(id, "#") {
		return insurance.Upload{}, insurance.ErrNotFound
	}
	var it insUploadItem
	if err := s.get(ctx, s.tenancy, leasePK(ref), insUploadPfx+id, &it); err != nil {
		if errors.Is(err, account.ErrNotFound) {
			return insurance.Upload{}, insurance.ErrNotFound
		}
		return insurance.Upload{}, err
	}
	return it.domain(ref), nil
}

// ClaimUpload gives the upload to one confirmation: SET claim and
// claimedUntil if the upload is not used and no other claim runs.
func (s *Store) ClaimUpload(ctx context.Context, ref, id, claim string, now, until time.Time) error {
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: &s.tenancy, Key: keyOf(leasePK(ref), insUploadPfx+id),
		UpdateExpression: aws.String("SET claim = :c, claimedUntil = :u"),
		ConditionExpression: aws.String("attribute_exists(PK) AND attribute_not_exists(usedAt) AND " +
			"(attribute_not_exists(claimedUntil) OR claimedUntil <= :now)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":c": str(claim), ":u": num(until.Unix()), ":now": num(now.Unix())}})
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		return insurance.ErrConflict
	}
	if err != nil {
		return fmt.Errorf("claim upload: %w", err)
	}
	return nil
}

// ReleaseUpload ends claim's hold: claimedUntil 0 (not removed: see
// DESIGN.md), if claim still holds it.
func (s *Store) ReleaseUpload(ctx context.Context, ref, id, claim string) error {
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: &s.tenancy, Key: keyOf(leasePK(ref), insUploadPfx+id),
		UpdateExpression:          aws.String("SET claimedUntil = :zero"),
		ConditionExpression:       aws.String("claim = :c"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":zero": num(0), ":c": str(claim)}})
	var ccf *types.ConditionalCheckFailedException
	if err != nil && !errors.As(err, &ccf) {
		return fmt.Errorf("release upload: %w", err)
	}
	return nil
}

// RefuseUpload marks the upload used, with the reason its file was refused.
func (s *Store) RefuseUpload(ctx context.Context, ref, id, claim string, reason insurance.Reason, at time.Time) error {
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: &s.tenancy, Key: keyOf(leasePK(ref), insUploadPfx+id),
		UpdateExpression:    aws.String("SET usedAt = :at, reason = :r"),
		ConditionExpression: aws.String("attribute_not_exists(usedAt) AND claim = :c"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":at": num(unix(at)), ":r": str(string(reason)),
			":c": str(claim)}})
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		return insurance.ErrConflict
	}
	if err != nil {
		return fmt.Errorf("refuse upload: %w", err)
	}
	return nil
}

// SubmitCertificate writes, in one transaction: the upload's usedAt (if not
// used and claim holds it), the certificate (a new item), the lease's state
// (current, end and, when one is to come, the next reminder's remindShard
// and remindOn; required and reminded are left as they are) and the
// EventSubmitted event in the accounts table's outbox.
func (s *Store) SubmitCertificate(ctx context.Context, ref string, sub insurance.Submission) error {
	c := sub.Certificate
	cert, err := attributevalue.MarshalMap(insCertItem{PK: leasePK(ref), SK: insCertPfx + c.ID, ID: c.ID, Insurer: c.Insurer,
		PolicyNumber: c.PolicyNumber, Start: c.Start.String(), End: c.End.String(), Status: string(c.Status),
		Reason: c.Reason, DecidedOn: dateString(c.DecidedOn), SubmittedAt: unix(c.SubmittedAt), Key: c.Key,
		ContentType: c.ContentType, SizeBytes: c.SizeBytes, FileName: c.FileName})
	if err != nil {
		return fmt.Errorf("encode certificate: %w", err)
	}
	ev, err := s.outboxPut(sub.Event)
	if err != nil {
		return err
	}
	state := "SET #cur = :id, #end = :end"
	values := map[string]types.AttributeValue{":id": str(c.ID), ":end": str(c.End.String())}
	if sub.Remind {
		// remindShard is written as the lease's shard is ("00" to "15"),
		// so that byReminder is read shard by shard as byShard is.
		state += ", remindShard = :shard, remindOn = :on"
		values[":shard"], values[":on"] = str(shardKey(ShardOf(ref))), str(sub.RemindOn.String())
	}
	_, err = s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Update: &types.Update{TableName: &s.tenancy, Key: keyOf(leasePK(ref), insUploadPfx+sub.Upload.ID),
			UpdateExpression:          aws.String("SET usedAt = :at"),
			ConditionExpression:       aws.String("attribute_not_exists(usedAt) AND claim = :c"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":at": num(unix(sub.At)), ":c": str(sub.Upload.Claim)}}},
		{Put: &types.Put{TableName: &s.tenancy, Item: cert, ConditionExpression: aws.String("attribute_not_exists(PK)")}},
		{Update: &types.Update{TableName: &s.tenancy, Key: keyOf(leasePK(ref), insStateSK),
			UpdateExpression:          aws.String(state),
			ExpressionAttributeNames:  map[string]string{"#cur": "current", "#end": "end"},
			ExpressionAttributeValues: values}},
		ev,
	}})
	if cancelled(err) != nil {
		return insurance.ErrConflict
	}
	if err != nil {
		return fmt.Errorf("submit certificate: %w", err)
	}
	return nil
}

// InsuranceRecord reads the lease's state and certificates (access pattern
// 18): one Query of `INSURANCE` and `INSURANCE#…` (strongly consistent, so
// that a confirmation finds what it just wrote).
func (s *Store) InsuranceRecord(ctx context.Context, ref string) (insurance.Record, error) {
	p := dynamodb.NewQueryPaginator(s.db, &dynamodb.QueryInput{
		TableName:                 &s.tenancy,
		KeyConditionExpression:    aws.String("PK = :pk AND begins_with(SK, :p)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(leasePK(ref)), ":p": str(insStateSK)},
		ConsistentRead:            aws.Bool(true),
	})
	var rec insurance.Record
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return insurance.Record{}, fmt.Errorf("query insurance: %w", err)
		}
		for _, av := range page.Items {
			sk, _ := av["SK"].(*types.AttributeValueMemberS)
			switch {
			case sk == nil:
			case sk.Value == insStateSK:
				var it insStateItem
				if err := attributevalue.UnmarshalMap(av, &it); err != nil {
					return insurance.Record{}, fmt.Errorf("decode insurance state: %w", err)
				}
				rec.State = insurance.State{End: parseDate(it.End), Required: it.Required, Reminded: it.Reminded}
				rec.Current, rec.RemindOn = it.Current, parseDate(it.RemindOn)
			case strings.HasPrefix(sk.Value, insCertPfx):
				var it insCertItem
				if err := attributevalue.UnmarshalMap(av, &it); err != nil {
					return insurance.Record{}, fmt.Errorf("decode certificate: %w", err)
				}
				rec.Certificates = append(rec.Certificates, it.domain())
			}
		}
	}
	return rec, nil
}
