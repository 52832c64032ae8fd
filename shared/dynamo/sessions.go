package dynamo

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/citejardins/extranet/shared/account"
)

type sessionItem struct {
	PK         string
	SK         string
	GSI1PK     string
	GSI1SK     string
	Reference  string `dynamodbav:"reference"`
	Generation int    `dynamodbav:"generation"`
	CreatedAt  int64  `dynamodbav:"createdAt"`
	ExpiresAt  int64  `dynamodbav:"expiresAt"`
}

func sessionPK(hash string) string { return "SESSION#" + hash }

// PutSession stores a new session.
func (s *Store) PutSession(ctx context.Context, ss account.Session) error {
	av, err := attributevalue.MarshalMap(sessionItem{PK: sessionPK(ss.Hash), SK: "SESSION",
		GSI1PK: accountPK(ss.Reference), GSI1SK: fmt.Sprintf("SESSION#%d#%s", ss.CreatedAt.Unix(), ss.Hash[:8]),
		Reference: ss.Reference, Generation: ss.Generation, CreatedAt: unix(ss.CreatedAt), ExpiresAt: ss.ExpiresAt.Unix()})
	if err != nil {
		return fmt.Errorf("encode session: %w", err)
	}
	if _, err := s.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &s.accounts, Item: av,
		ConditionExpression: aws.String("attribute_not_exists(PK)")}); err != nil {
		return fmt.Errorf("put session: %w", err)
	}
	return nil
}

// Session reads a session by its token's hash.
func (s *Store) Session(ctx context.Context, hash string) (account.Session, error) {
	var it sessionItem
	if err := s.get(ctx, s.accounts, sessionPK(hash), "SESSION", &it); err != nil {
		return account.Session{}, err
	}
	return account.Session{Hash: hash, Reference: it.Reference, Generation: it.Generation,
		CreatedAt: fromUnix(it.CreatedAt), ExpiresAt: fromUnix(it.ExpiresAt)}, nil
}

// DeleteSession removes a session.
func (s *Store) DeleteSession(ctx context.Context, hash string) error {
	if _, err := s.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: &s.accounts, Key: keyOf(sessionPK(hash), "SESSION")}); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// DeleteSessions removes every session of an account, page by page.
func (s *Store) DeleteSessions(ctx context.Context, ref string) error {
	keys, err := queryAll[struct{ PK, SK string }](ctx, s.db, &dynamodb.QueryInput{
		TableName: &s.accounts, IndexName: aws.String(GSI1),
		KeyConditionExpression:    aws.String("GSI1PK = :pk AND begins_with(GSI1SK, :s)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(accountPK(ref)), ":s": str("SESSION#")},
		ProjectionExpression:      aws.String("PK, SK"),
	})
	if err != nil {
		return fmt.Errorf("list sessions: %w", err)
	}
	for _, k := range keys {
		if _, err := s.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: &s.accounts, Key: keyOf(k.PK, k.SK)}); err != nil {
			return fmt.Errorf("delete session: %w", err)
		}
	}
	return nil
}
