package dynamo

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/citejardins/extranet/shared/account"
)

func window(now time.Time, w time.Duration) (start, end time.Time) {
	start = now.Truncate(w)
	return start, start.Add(w)
}

// Add counts one event in key's current window.
func (s *Store) Add(ctx context.Context, key string, w time.Duration, now time.Time) (int, time.Time, error) {
	start, end := window(now, w)
	out, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: &s.accounts,
		Key:                       keyOf("COUNT#"+key, strconv.FormatInt(start.Unix(), 10)),
		UpdateExpression:          aws.String("ADD n :one SET expiresAt = :exp"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":one": num(1), ":exp": num(end.Add(w).Unix())},
		ReturnValues:              types.ReturnValueUpdatedNew,
	})
	if err != nil {
		return 0, end, fmt.Errorf("count: %w", err)
	}
	var got struct {
		N int `dynamodbav:"n"`
	}
	if err := attributevalue.UnmarshalMap(out.Attributes, &got); err != nil {
		return 0, end, fmt.Errorf("decode count: %w", err)
	}
	return got.N, end, nil
}

// Count reads key's count in the current window.
func (s *Store) Count(ctx context.Context, key string, w time.Duration, now time.Time) (int, time.Time, error) {
	start, end := window(now, w)
	var got struct {
		N int `dynamodbav:"n"`
	}
	err := s.get(ctx, s.accounts, "COUNT#"+key, strconv.FormatInt(start.Unix(), 10), &got)
	if errors.Is(err, account.ErrNotFound) {
		return 0, end, nil
	}
	return got.N, end, err
}
