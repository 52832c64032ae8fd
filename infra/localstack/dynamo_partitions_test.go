package localstack

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"sort"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

func newPartitionedClient(t *testing.T) *dynamodb.Client {
	t.Helper()
	srv := httptest.NewServer(NewPartitionedDynamoDB(8)) // as infra/bench serves it
	t.Cleanup(srv.Close)
	c := dynamoClient(srv.URL)
	_, err := c.CreateTable(context.Background(), &dynamodb.CreateTableInput{TableName: aws.String("T"), BillingMode: types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("PK"), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: aws.String("SK"), AttributeType: types.ScalarAttributeTypeS}, {AttributeName: aws.String("shard"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema: []types.KeySchemaElement{{AttributeName: aws.String("PK"), KeyType: types.KeyTypeHash}, {AttributeName: aws.String("SK"), KeyType: types.KeyTypeRange}},
		GlobalSecondaryIndexes: []types.GlobalSecondaryIndex{{IndexName: aws.String("byShard"),
			KeySchema:  []types.KeySchemaElement{{AttributeName: aws.String("shard"), KeyType: types.KeyTypeHash}, {AttributeName: aws.String("PK"), KeyType: types.KeyTypeRange}},
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeKeysOnly}}}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func s(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }

func TestPartitionedIndexQueryPagesInOrder(t *testing.T) {
	ctx := context.Background()
	c := newPartitionedClient(t)
	var want []string
	for i := range 60 {
		pk := fmt.Sprintf("LEASE#%03d", i)
		item := map[string]types.AttributeValue{"PK": s(pk), "SK": s("LEASE")}
		if i%3 != 0 { // sparse: a third has no shard
			item["shard"] = s("01")
			want = append(want, pk)
		}
		if _, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("T"), Item: item}); err != nil {
			t.Fatal(err)
		}
	}
	sort.Strings(want)
	var got []string
	var start map[string]types.AttributeValue
	pages := 0
	for {
		out, err := c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("T"), IndexName: aws.String("byShard"), Limit: aws.Int32(7),
			KeyConditionExpression: aws.String("#s = :s"), ExpressionAttributeNames: map[string]string{"#s": "shard"}, ExpressionAttributeValues: map[string]types.AttributeValue{":s": s("01")}, ExclusiveStartKey: start})
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, it := range out.Items {
			got = append(got, it["PK"].(*types.AttributeValueMemberS).Value)
		}
		if out.LastEvaluatedKey == nil {
			break
		}
		start = out.LastEvaluatedKey
	}
	if fmt.Sprint(got) != fmt.Sprint(want) || pages != 6 {
		t.Errorf("%d pages: %v; want 6 pages of %v", pages, got, want)
	}
}

func TestPartitionedTransactionAcrossInstances(t *testing.T) {
	ctx := context.Background()
	c := newPartitionedClient(t)
	p := newPartitionedDynamo(8)
	// Two partition keys on different instances.
	a, b := "DOC#a", ""
	for i := range 100 {
		if k := fmt.Sprintf("RUN#%d", i); p.of([]byte(`{"S":"`+k+`"}`)) != p.of([]byte(`{"S":"`+a+`"}`)) {
			b = k
			break
		}
	}
	put := func(pk, v string) types.TransactWriteItem {
		return types.TransactWriteItem{Put: &types.Put{TableName: aws.String("T"), Item: map[string]types.AttributeValue{"PK": s(pk), "SK": s("X"), "v": s(v)},
			ConditionExpression: aws.String("attribute_not_exists(PK)")}}
	}
	if _, err := c.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{put(a, "1"), put(b, "1")}}); err != nil {
		t.Fatal(err)
	}
	// Again, with a new item first: the second's condition fails, so the
	// first is undone, and the reasons say which failed.
	_, err := c.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{put("DOC#new", "2"), put(b, "2")}})
	var tce *types.TransactionCanceledException
	if !errors.As(err, &tce) || len(tce.CancellationReasons) != 2 || aws.ToString(tce.CancellationReasons[0].Code) != "None" ||
		aws.ToString(tce.CancellationReasons[1].Code) != "ConditionalCheckFailed" {
		t.Fatalf("err = %v; want a cancellation [None, ConditionalCheckFailed]", err)
	}
	for pk, want := range map[string]string{a: "1", b: "1", "DOC#new": ""} {
		out, err := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("T"), Key: map[string]types.AttributeValue{"PK": s(pk), "SK": s("X")}, ConsistentRead: aws.Bool(true)})
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		if v, ok := out.Item["v"].(*types.AttributeValueMemberS); ok {
			got = v.Value
		}
		if got != want {
			t.Errorf("%s: v = %q; want %q", pk, got, want)
		}
	}
	// A condition check that fails cancels a put beside it.
	check := types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{TableName: aws.String("T"),
		Key: map[string]types.AttributeValue{"PK": s(a), "SK": s("X")}, ConditionExpression: aws.String("attribute_not_exists(PK)")}}
	_, err = c.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{check, put("DOC#other", "3")}})
	if !errors.As(err, &tce) || len(tce.CancellationReasons) != 2 || aws.ToString(tce.CancellationReasons[0].Code) != "ConditionalCheckFailed" ||
		aws.ToString(tce.CancellationReasons[1].Code) != "None" {
		t.Fatalf("err = %v; want a cancellation [ConditionalCheckFailed, None]", err)
	}
	if out, err := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("T"), Key: map[string]types.AttributeValue{"PK": s("DOC#other"), "SK": s("X")}}); err != nil || out.Item != nil {
		t.Errorf("DOC#other = %v, %v; want nothing written", out.Item, err)
	}
}
