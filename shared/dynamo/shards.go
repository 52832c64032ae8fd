package dynamo

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/citejardins/extranet/shared/tenancy"
)

// The running leases, read shard by shard for the monthly notices (access
// pattern 12, DESIGN.md): each running lease's item carries "shard", two
// digits, and the sparse index byShard (partition shard, sort PK, keys only)
// lists them. An ended lease has no shard, so the index leaves it out; no
// Scan is ever needed.

// Shards is how many shards the running leases are spread over. It is part
// of the stored data (every lease item's "shard"), not a setting: changing
// it means re-importing every lease.
const Shards = 16

// ByShard is the tenancy table's index of running leases by shard.
const ByShard = "byShard"

// ShardOf is the shard of a lease: FNV-1a (32 bits) of its canonical
// reference, modulo Shards. Stable across processes and releases.
func ShardOf(ref string) int {
	h := fnv.New32a()
	h.Write([]byte(ref))
	return int(h.Sum32() % Shards)
}

// shardKey is a shard as stored: two digits, "00" to "15".
func shardKey(shard int) string { return fmt.Sprintf("%02d", shard) }

// running reports whether a lease still runs on the civil date today: no
// end date, or one not before today (a lease ends at the end of its last
// day).
func running(l tenancy.Lease, today tenancy.Date) bool {
	return l.End.IsZero() || !l.End.Before(today)
}

// ErrBadShard is returned for a shard outside 0..Shards-1.
var ErrBadShard = errors.New("shard out of range")

// ErrBadCursor is returned for a cursor ShardLeases did not give.
var ErrBadCursor = errors.New("bad shard cursor")

// shardPageSize is the most references one ShardLeases call returns
// (changed by tests through export_test.go). Keys-only index items are
// small: a thousand is well under DynamoDB's 1 MB page.
var shardPageSize int32 = 1000

// ShardLeases returns one page of the references (canonical) of the
// running leases in shard (0 to Shards-1), in reference order as strings
// sort, from the index byShard. cursor is "" for the first page, then the
// next of the previous call; next is "" after the last page. A page may
// be empty while next is not.
//
// The index is eventually consistent and reflects the leases as last
// imported: a lease whose end date has passed since stays listed until the
// next import of it, so a caller issuing notices checks the lease's end
// date itself. Errors: ErrBadShard, ErrBadCursor, or the read's.
func (s *Store) ShardLeases(ctx context.Context, shard int, cursor string) (refs []string, next string, err error) {
	if shard < 0 || shard >= Shards {
		return nil, "", fmt.Errorf("%w: %d", ErrBadShard, shard)
	}
	sk := shardKey(shard)
	in := &dynamodb.QueryInput{
		TableName:                 &s.tenancy,
		IndexName:                 aws.String(ByShard),
		KeyConditionExpression:    aws.String("#shard = :shard"),
		ExpressionAttributeNames:  map[string]string{"#shard": "shard"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":shard": str(sk)},
		Limit:                     aws.Int32(shardPageSize),
	}
	if cursor != "" {
		ref, err := tenancy.NormalizeReference(cursor)
		if err != nil || ref != cursor {
			return nil, "", ErrBadCursor
		}
		in.ExclusiveStartKey = map[string]types.AttributeValue{
			"shard": str(sk), "PK": str(leasePK(ref)), "SK": str(leaseSK),
		}
	}
	out, err := s.db.Query(ctx, in)
	if err != nil {
		return nil, "", fmt.Errorf("query shard %s: %w", sk, err)
	}
	refs = make([]string, 0, len(out.Items))
	for _, it := range out.Items {
		pk, ok := it["PK"].(*types.AttributeValueMemberS)
		if !ok || len(pk.Value) <= len("LEASE#") {
			return nil, "", fmt.Errorf("shard %s: index item without a lease key", sk)
		}
		refs = append(refs, pk.Value[len("LEASE#"):])
	}
	if lk := out.LastEvaluatedKey; lk != nil {
		pk, ok := lk["PK"].(*types.AttributeValueMemberS)
		if !ok || len(pk.Value) <= len("LEASE#") {
			return nil, "", fmt.Errorf("shard %s: last key without a lease key", sk)
		}
		next = pk.Value[len("LEASE#"):]
	}
	return refs, next, nil
}
