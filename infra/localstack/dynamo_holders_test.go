package localstack

import (
	"context"
	"fmt"
	"net/http/httptest"
	"sort"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// An index query asks only the instances that may hold its value
// (indexHolders), and still finds every item however it got the value: a
// put, a batch write, a transaction. (An update that sets the attribute
// marks its instance for every value, below; minidyn itself loses other
// items of an instance's index when UpdateItem sets an index key, so the
// query is not tried after one.)
func TestPartitionedIndexQueryAsksTheHoldersOnly(t *testing.T) {
	ctx := context.Background()
	p := newPartitionedDynamo(64)
	srv := httptest.NewServer(withCRC32(p))
	t.Cleanup(srv.Close)
	c := dynamoClient(srv.URL)
	_, err := c.CreateTable(ctx, &dynamodb.CreateTableInput{TableName: aws.String("T"), BillingMode: types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("PK"), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: aws.String("SK"), AttributeType: types.ScalarAttributeTypeS}, {AttributeName: aws.String("shard"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema: []types.KeySchemaElement{{AttributeName: aws.String("PK"), KeyType: types.KeyTypeHash}, {AttributeName: aws.String("SK"), KeyType: types.KeyTypeRange}},
		GlobalSecondaryIndexes: []types.GlobalSecondaryIndex{{IndexName: aws.String("byShard"),
			KeySchema:  []types.KeySchemaElement{{AttributeName: aws.String("shard"), KeyType: types.KeyTypeHash}, {AttributeName: aws.String("PK"), KeyType: types.KeyTypeRange}},
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeKeysOnly}}}})
	if err != nil {
		t.Fatal(err)
	}
	item := func(pk, shard string) map[string]types.AttributeValue {
		it := map[string]types.AttributeValue{"PK": s(pk), "SK": s("LEASE")}
		if shard != "" {
			it["shard"] = s(shard)
		}
		return it
	}
	want := map[string][]string{}
	// Puts: shard 00 and 01, and items without a shard on many instances.
	for i := range 200 {
		pk, shard := fmt.Sprintf("LEASE#%03d", i), []string{"00", "01", ""}[i%3]
		if _, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("T"), Item: item(pk, shard)}); err != nil {
			t.Fatal(err)
		}
		want[shard] = append(want[shard], pk)
	}
	// A batch write into shard 02.
	var reqs []types.WriteRequest
	for i := range 20 {
		pk := fmt.Sprintf("BATCH#%02d", i)
		reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: item(pk, "02")}})
		want["02"] = append(want["02"], pk)
	}
	if _, err := c.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{"T": reqs}}); err != nil {
		t.Fatal(err)
	}
	// A transaction puts one into shard 03.
	if _, err := c.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Put: &types.Put{TableName: aws.String("T"), Item: item("TX#1", "03")}}}}); err != nil {
		t.Fatal(err)
	}
	want["03"] = []string{"TX#1"}

	for _, shard := range []string{"00", "01", "02", "03", "04"} {
		var got []string
		var start map[string]types.AttributeValue
		for {
			out, err := c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("T"), IndexName: aws.String("byShard"), Limit: aws.Int32(25),
				KeyConditionExpression: aws.String("#s = :s"), ExpressionAttributeNames: map[string]string{"#s": "shard"},
				ExpressionAttributeValues: map[string]types.AttributeValue{":s": s(shard)}, ExclusiveStartKey: start})
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range out.Items {
				got = append(got, it["PK"].(*types.AttributeValueMemberS).Value)
			}
			if start = out.LastEvaluatedKey; start == nil {
				break
			}
		}
		sort.Strings(want[shard])
		if fmt.Sprint(got) != fmt.Sprint(want[shard]) {
			t.Errorf("shard %q: %v; want %v", shard, got, want[shard])
		}
	}
	// Shard 03's one item is on one instance: the query asks that one.
	if asked, all := p.holdersOf("shard", "03"), len(p.insts); len(asked) != 1 || all < 60 {
		t.Errorf("a query of shard 03 asks instances %v of %d; want one", asked, all)
	}
	// An update naming the attribute makes its instance a holder of every
	// value; one that does not name it changes nothing.
	key := map[string]types.AttributeValue{"PK": s("LEASE#002"), "SK": s("LEASE")}
	inst := p.of([]byte(`{"S":"LEASE#002"}`))
	if _, err := c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("T"), Key: key,
		UpdateExpression: aws.String("SET v = :v"), ExpressionAttributeValues: map[string]types.AttributeValue{":v": s("x")}}); err != nil {
		t.Fatal(err)
	}
	if got := p.holdersOf("shard", "04"); len(got) != 0 {
		t.Errorf("after an update without shard, shard 04 has holders %v; want none", got)
	}
	if _, err := c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("T"), Key: key,
		UpdateExpression: aws.String("SET #s = :s"), ExpressionAttributeNames: map[string]string{"#s": "shard"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":s": s("04")}}); err != nil {
		t.Fatal(err)
	}
	if got := p.holdersOf("shard", "04"); fmt.Sprint(got) != fmt.Sprint([]int{inst}) {
		t.Errorf("after an update setting shard, shard 04 has holders %v; want [%d]", got, inst)
	}
}
