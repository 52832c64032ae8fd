package dynamo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/citejardins/extranet/shared/account"
	"github.com/citejardins/extranet/shared/document"
)

// Claims on documents made on request (DESIGN.md, "Receipts, certificates
// and the home-insurance certificate"): before a receipt or a certificate
// takes a limit unit and is drawn, the request claims its id with a
// conditional Put of LEASE#<ref> / CLAIM#<document id>, so that of a burst
// of identical requests one draws it and the others wait for it.

var _ document.Claims = (*Store)(nil)

const claimPfx = "CLAIM#"

// ClaimIssue claims the making of document id of lease ref until until
// (epoch seconds in expiresAt): true for the one caller whose Put wins, or
// that takes over a claim whose expiry is not after now (a maker that
// crashed); false while another holds it. Expiry is checked in the
// condition, never left to TTL.
func (s *Store) ClaimIssue(ctx context.Context, ref, id string, now, until time.Time) (bool, error) {
	_, err := s.db.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: &s.tenancy,
		Item: map[string]types.AttributeValue{
			"PK": str(leasePK(ref)), "SK": str(claimPfx + id),
			"expiresAt": num(until.Unix()),
		},
		ConditionExpression:       aws.String("attribute_not_exists(PK) OR expiresAt <= :now"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":now": num(now.Unix())},
	})
	var failed *types.ConditionalCheckFailedException
	if errors.As(err, &failed) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("put claim: %w", err)
	}
	return true, nil
}

// IssueClaimed reports whether a claim on document id of lease ref is held
// at now (present and not expired).
func (s *Store) IssueClaimed(ctx context.Context, ref, id string, now time.Time) (bool, error) {
	var it struct {
		ExpiresAt int64 `dynamodbav:"expiresAt"`
	}
	err := s.get(ctx, s.tenancy, leasePK(ref), claimPfx+id, &it)
	if errors.Is(err, account.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return it.ExpiresAt > now.Unix(), nil
}

// ReleaseIssue deletes the claim on document id of lease ref (the maker is
// done, or gave up).
func (s *Store) ReleaseIssue(ctx context.Context, ref, id string) error {
	_, err := s.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: &s.tenancy, Key: keyOf(leasePK(ref), claimPfx+id)})
	if err != nil {
		return fmt.Errorf("delete claim: %w", err)
	}
	return nil
}
