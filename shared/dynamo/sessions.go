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

type sessionItem struct {
	PK         string
	SK         string
	GSI1PK     string
	GSI1SK     string
	Reference  string `dynamodbav:"reference"`
	Signatory  string `dynamodbav:"signatory"`
	Generation int    `dynamodbav:"generation"`
	Bearer     bool   `dynamodbav:"bearer,omitempty"`
	CreatedAt  int64  `dynamodbav:"createdAt"`
	LastSeen   int64  `dynamodbav:"lastSeen,omitempty"`
	ExpiresAt  int64  `dynamodbav:"expiresAt"`
}

func sessionPK(hash string) string { return "SESSION#" + hash }

// PutSession stores a new session, only while its account exists (in one
// transaction with a check of the account item): a login that read the
// account just before its deletion would otherwise leave a session after
// the deletion's cleanup. account.ErrNotFound when the account is gone.
func (s *Store) PutSession(ctx context.Context, ss account.Session) error {
	av, err := attributevalue.MarshalMap(sessionItem{PK: sessionPK(ss.Hash), SK: "SESSION",
		GSI1PK:    accountGSI1PK(account.Key{Reference: ss.Reference, Signatory: ss.Signatory}),
		GSI1SK:    fmt.Sprintf("SESSION#%d#%s", ss.CreatedAt.Unix(), ss.Hash[:8]),
		Reference: ss.Reference, Signatory: ss.Signatory, Generation: ss.Generation, Bearer: ss.Bearer, CreatedAt: unix(ss.CreatedAt),
		LastSeen: unix(ss.LastSeen), ExpiresAt: ss.ExpiresAt.Unix()})
	if err != nil {
		return fmt.Errorf("encode session: %w", err)
	}
	_, err = s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Put: &types.Put{TableName: &s.accounts, Item: av, ConditionExpression: aws.String("attribute_not_exists(PK)")}},
		{ConditionCheck: &types.ConditionCheck{TableName: &s.accounts,
			Key:                 accountKey(account.Key{Reference: ss.Reference, Signatory: ss.Signatory}),
			ConditionExpression: aws.String("attribute_exists(PK)")}},
	}})
	if failed := cancelled(err); failed != nil && failed[1] {
		return account.ErrNotFound
	}
	if err != nil {
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
	return account.Session{Hash: hash, Reference: it.Reference, Signatory: it.Signatory, Generation: it.Generation, Bearer: it.Bearer,
		CreatedAt: fromUnix(it.CreatedAt), LastSeen: fromUnix(it.LastSeen), ExpiresAt: fromUnix(it.ExpiresAt)}, nil
}

// TouchSession records that the session served a request at at, unless
// another request did since ifBefore: one conditional write, so parallel
// requests write once.
func (s *Store) TouchSession(ctx context.Context, hash string, at, ifBefore time.Time) error {
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: &s.accounts, Key: keyOf(sessionPK(hash), "SESSION"),
		UpdateExpression:          aws.String("SET lastSeen = :at"),
		ConditionExpression:       aws.String("attribute_exists(PK) AND (attribute_not_exists(lastSeen) OR lastSeen < :before)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":at": num(at.Unix()), ":before": num(ifBefore.Unix())}})
	var failed *types.ConditionalCheckFailedException
	if errors.As(err, &failed) {
		return account.ErrConflict
	}
	if err != nil {
		return fmt.Errorf("touch session: %w", err)
	}
	return nil
}

// voidPendingEmail is the part of an update expression that voids the
// pending notification email and its link (the confirmation is conditioned
// on pendingEmailHash, which becomes empty), with its values. Every write
// that ends an account's sessions holds it: a link asked for from a session
// that is thereby ended (a thief's) must not confirm afterwards. Empty
// values, not REMOVE: see DESIGN.md.
const voidPendingEmail = "pendingEmail = :empty, pendingEmailHash = :empty, pendingEmailAt = :zero, pendingEmailExpires = :zero"

// withVoidPendingEmail adds voidPendingEmail's values to vals.
func withVoidPendingEmail(vals map[string]types.AttributeValue) map[string]types.AttributeValue {
	vals[":empty"], vals[":zero"] = str(""), num(0)
	return vals
}

// ChangePassword sets the password, moves the account to the next session
// generation (which ends every session opened in the current one), voids a
// pending notification email's link and carries the kept session into the
// new generation, in one transaction.
func (s *Store) ChangePassword(ctx context.Context, k account.Key, gen int, hash, keep string) error {
	next := num(int64(gen + 1))
	_, err := s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Update: &types.Update{TableName: &s.accounts, Key: accountKey(k),
			UpdateExpression:          aws.String("SET passwordHash = :h, sessionGen = :next, " + voidPendingEmail),
			ConditionExpression:       aws.String("attribute_exists(PK) AND sessionGen = :gen"),
			ExpressionAttributeValues: withVoidPendingEmail(map[string]types.AttributeValue{":h": str(hash), ":next": next, ":gen": num(int64(gen))})}},
		{Update: &types.Update{TableName: &s.accounts, Key: keyOf(sessionPK(keep), "SESSION"),
			UpdateExpression:          aws.String("SET generation = :next"),
			ConditionExpression:       aws.String("attribute_exists(PK) AND generation = :gen"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":next": next, ":gen": num(int64(gen))}}},
	}})
	if cancelled(err) != nil {
		return account.ErrConflict
	}
	if err != nil {
		return fmt.Errorf("change password: %w", err)
	}
	return nil
}

// EndSessions moves the account to the next session generation, which ends
// every session opened before, and voids a pending notification email's
// link, in one write.
func (s *Store) EndSessions(ctx context.Context, k account.Key, gen int) error {
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: &s.accounts, Key: accountKey(k),
		UpdateExpression:          aws.String("SET sessionGen = :next, " + voidPendingEmail),
		ConditionExpression:       aws.String("attribute_exists(PK) AND sessionGen = :gen"),
		ExpressionAttributeValues: withVoidPendingEmail(map[string]types.AttributeValue{":next": num(int64(gen + 1)), ":gen": num(int64(gen))})})
	var failed *types.ConditionalCheckFailedException
	if errors.As(err, &failed) {
		return account.ErrConflict
	}
	if err != nil {
		return fmt.Errorf("end sessions: %w", err)
	}
	return nil
}

// DeleteSession removes a session.
func (s *Store) DeleteSession(ctx context.Context, hash string) error {
	if _, err := s.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: &s.accounts, Key: keyOf(sessionPK(hash), "SESSION")}); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// DeleteSessions removes every session of an account but keep, page by
// page.
func (s *Store) DeleteSessions(ctx context.Context, k account.Key, keep string) error {
	keys, err := queryAll[struct{ PK, SK string }](ctx, s.db, &dynamodb.QueryInput{
		TableName: &s.accounts, IndexName: aws.String(GSI1),
		KeyConditionExpression:    aws.String("GSI1PK = :pk AND begins_with(GSI1SK, :s)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(accountGSI1PK(k)), ":s": str("SESSION#")},
		ProjectionExpression:      aws.String("PK, SK"),
	})
	if err != nil {
		return fmt.Errorf("list sessions: %w", err)
	}
	for _, k := range keys {
		if k.PK == sessionPK(keep) {
			continue
		}
		if _, err := s.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: &s.accounts, Key: keyOf(k.PK, k.SK)}); err != nil {
			return fmt.Errorf("delete session: %w", err)
		}
	}
	return nil
}
