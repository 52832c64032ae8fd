package localstack

import (
	"context"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/citejardins/extranet/shared/dynamo"
)

// TestTenancyTableHasByShard: the template declares the sparse index of
// running leases (shard, then PK, keys only) and the local emulator creates
// it from the template, as ShardLeases needs.
func TestTenancyTableHasByShard(t *testing.T) {
	db, err := StartDynamoDB(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	out, err := db.Client.DescribeTable(context.Background(), &dynamodb.DescribeTableInput{TableName: aws.String(LocalTables.Tenancy)})
	if err != nil {
		t.Fatal(err)
	}
	var idx *types.GlobalSecondaryIndexDescription
	for i, g := range out.Table.GlobalSecondaryIndexes {
		if aws.ToString(g.IndexName) == dynamo.ByShard {
			idx = &out.Table.GlobalSecondaryIndexes[i]
		}
	}
	if idx == nil {
		t.Fatalf("tenancy table indexes %+v; want %s", out.Table.GlobalSecondaryIndexes, dynamo.ByShard)
	}
	if len(idx.KeySchema) != 2 || aws.ToString(idx.KeySchema[0].AttributeName) != "shard" || idx.KeySchema[0].KeyType != types.KeyTypeHash ||
		aws.ToString(idx.KeySchema[1].AttributeName) != "PK" || idx.KeySchema[1].KeyType != types.KeyTypeRange {
		t.Errorf("%s keys %+v; want shard (hash), PK (range)", dynamo.ByShard, idx.KeySchema)
	}
	if idx.Projection == nil || idx.Projection.ProjectionType != types.ProjectionTypeKeysOnly {
		t.Errorf("%s projection %+v; want KEYS_ONLY", dynamo.ByShard, idx.Projection)
	}
}

// TestImportMayQueryByShard: a complete lignes_avis file lists the running
// leases by shard; the emulator checks no permission, so the template's
// policy is checked here.
func TestImportMayQueryByShard(t *testing.T) {
	for _, st := range templateStatements(t)["ImportFunction"] {
		if st.Effect == "Allow" && st.Resource.Tag == "!Sub" && st.Resource.Value == "${TenancyTable.Arn}/index/"+dynamo.ByShard &&
			slices.Contains(scalarOrList(st.Action), "dynamodb:Query") {
			return
		}
	}
	t.Errorf("ImportFunction may not Query the index %s", dynamo.ByShard)
}
