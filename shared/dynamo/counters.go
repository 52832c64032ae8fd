package dynamo

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/citejardins/extranet/shared/account"
)

// Throttle counters: a sliding-window log, spread over buckets.
//
// A limit allows max units in any span of one window. Each key's units live
// in items of one partition, `COUNT#<key>`, one item per bucket of a tenth of
// the window (sort key: the bucket's start in Unix milliseconds, 15 digits).
// An item holds `n`, the units it holds now, and `ts`, the time each unit was
// taken (Unix ms; a unit given back leaves its time but lowers n; limits
// past exactUpTo keep no times).
//
// Taking a unit (access pattern 22) is one strongly consistent Query of the
// buckets that can hold units of the last window, then one conditional
// UpdateItem on the current bucket:
//
//	SET ts = list_append(if_not_exists(ts, :none), :now), expiresAt = :exp ADD n :one
//	IF attribute_not_exists(n) OR n < :allowed
//
// where allowed = max − the units of the earlier buckets still inside the
// window. Those earlier buckets no longer change (see the edge check below),
// so the condition makes the check and the count one atomic step: N parallel
// requests take at most max units, whatever N, and none retries because
// another won (no optimistic-locking storm). The times make the window exact,
// not the estimate of the "sliding window counter" (Cloudflare, "How we built
// rate limiting capable of scaling to millions of domains", 2017): a unit
// counts for exactly one window after it was taken, so no span of one window
// ever holds more than max units, across any bucket edge, and the wait given
// back (Retry-After, RFC 9110 §10.2.3) is when the oldest counted unit
// leaves the window. The design is the "sliding window log" of
// "Rate-limiting strategies and techniques" (Google Cloud Architecture
// Center, https://cloud.google.com/architecture/rate-limiting-strategies-techniques),
// cut in buckets so that the conditional write stays on a small item, and
// written with DynamoDB's condition expressions (Amazon DynamoDB Developer
// Guide, "Condition expressions" and "Update expressions": ADD on a number).
//
// Edge check: a request that read the buckets in bucket k and wrote after
// bucket k ended may have been missed by a request of bucket k+1 that read
// bucket k before the write landed. So a writer that sees, after its write,
// that its bucket has ended gives the unit back and takes it again in the
// new bucket (at most twice: a write takes milliseconds, a bucket a tenth
// of the window). This assumes the functions' clocks agree to well under a
// bucket, which AWS Time Sync gives.
const bucketsPerWindow = 10

// lockoutSK is the sort key of a key's lock-out, beside its buckets (digits
// sort before letters, so bucket Queries never read it).
const lockoutSK = "LOCKOUT"

// exactUpTo is the largest limit whose units keep their times. A bucket's
// list of times grows with every take, and the buckets of a window are read
// on each take: a limit of thousands a minute (the relaxed limits of tests
// and benchmarks) would read thousands of times per request. Past it, a
// bucket's units count as if taken at its end, which holds the limit (a
// unit counts up to a tenth of a window longer) and reads no list. Every
// production limit is far below it.
const exactUpTo = 1000

// maxTakeAttempts bounds the edge check's retakes.
const maxTakeAttempts = 3

func countPK(key string) string { return "COUNT#" + key }

// counterNames name the attributes in expressions, so that no name can
// clash with DynamoDB's reserved words.
var counterNames = map[string]string{"#n": "n", "#ts": "ts", "#exp": "expiresAt"}

func bucketWidth(w time.Duration) time.Duration {
	b := (w / bucketsPerWindow).Truncate(time.Millisecond)
	if b < time.Millisecond {
		b = time.Millisecond
	}
	return b
}

func bucketSK(start time.Time) string { return fmt.Sprintf("%015d", start.UnixMilli()) }

type bucketItem struct {
	SK     string
	N      int     `dynamodbav:"n"`
	Stamps []int64 `dynamodbav:"ts"`
}

// Take takes one unit of key's limit, limit units in any span of window,
// before the work the limit guards. It returns the time the unit was taken
// (to give it back with Give), or, when limit units are already taken, a zero
// time and how long to wait until one leaves the window. now is read again
// after the write, for the edge check.
func (s *Store) Take(ctx context.Context, key string, limit int, window time.Duration, now func() time.Time) (time.Time, time.Duration, error) {
	pk := countPK(key)
	b := bucketWidth(window)
	for attempt := 1; ; attempt++ {
		t := now()
		cur := t.Truncate(b)
		items, err := s.buckets(ctx, pk, t, window, b)
		if err != nil {
			return time.Time{}, 0, err
		}
		var earlier []bucketItem
		for _, it := range items {
			if it.SK < bucketSK(cur) {
				earlier = append(earlier, it)
			}
		}
		allowed := limit - liveCount(earlier, t, window, b)
		if allowed <= 0 {
			return time.Time{}, waitFor(items, now(), window, b, limit), nil
		}
		in := &dynamodb.UpdateItemInput{TableName: &s.accounts,
			Key:                      keyOf(pk, bucketSK(cur)),
			UpdateExpression:         aws.String("SET #ts = list_append(if_not_exists(#ts, :none), :now), #exp = :exp ADD #n :one"),
			ConditionExpression:      aws.String("attribute_not_exists(#n) OR #n < :allowed"),
			ExpressionAttributeNames: counterNames,
			ExpressionAttributeValues: map[string]types.AttributeValue{
				":none":    &types.AttributeValueMemberL{Value: []types.AttributeValue{}},
				":now":     &types.AttributeValueMemberL{Value: []types.AttributeValue{num(t.UnixMilli())}},
				":exp":     num(cur.Add(b + window + time.Second).Unix()),
				":one":     num(1),
				":allowed": num(int64(allowed)),
			},
		}
		if limit > exactUpTo {
			in.UpdateExpression = aws.String("SET #exp = :exp ADD #n :one")
			in.ExpressionAttributeNames = map[string]string{"#n": "n", "#exp": "expiresAt"}
			delete(in.ExpressionAttributeValues, ":none")
			delete(in.ExpressionAttributeValues, ":now")
		}
		_, err = s.db.UpdateItem(ctx, in)
		var failed *types.ConditionalCheckFailedException
		if errors.As(err, &failed) {
			// Taken meanwhile by parallel requests: read again for an honest wait.
			if items, err = s.buckets(ctx, pk, t, window, b); err != nil {
				return time.Time{}, 0, err
			}
			return time.Time{}, waitFor(items, now(), window, b, limit), nil
		}
		if err != nil {
			return time.Time{}, 0, fmt.Errorf("take a unit: %w", err)
		}
		if !now().Truncate(b).After(cur) || attempt == maxTakeAttempts {
			return t, 0, nil
		}
		if err := s.give(ctx, pk, cur); err != nil {
			return time.Time{}, 0, err
		}
	}
}

// Give gives back a unit of key's limit taken at taken with Take, as when
// the guarded check succeeded and should not count as a failure.
func (s *Store) Give(ctx context.Context, key string, window time.Duration, taken time.Time) error {
	return s.give(ctx, countPK(key), taken.Truncate(bucketWidth(window)))
}

func (s *Store) give(ctx context.Context, pk string, bucket time.Time) error {
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: &s.accounts,
		Key:                       keyOf(pk, bucketSK(bucket)),
		UpdateExpression:          aws.String("ADD #n :minus"),
		ConditionExpression:       aws.String("#n > :zero"),
		ExpressionAttributeNames:  map[string]string{"#n": "n"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":minus": num(-1), ":zero": num(0)},
	})
	var failed *types.ConditionalCheckFailedException
	if err != nil && !errors.As(err, &failed) {
		return fmt.Errorf("give back: %w", err)
	}
	return nil
}

// Forget forgets every unit of key's limit still inside the window ending
// now, as when the owner of the key proved who they are (a password reset
// by emailed link clears the account's failed logins): the next Take sees
// the whole limit. It is one transaction that deletes every bucket that can
// hold a unit of that window (at most 2 × bucketsPerWindow + 1 keys, far
// below the 100 items of a transaction), read nowhere first, so no unit
// taken before it survives and no half-forgotten state is ever seen. A Take
// that read the buckets before and writes after it decided on the units it
// read, which is stricter, never looser; a Give of a unit it forgot finds no
// unit and does nothing. The key's lock-out (LOCKOUT) is left as it is.
//
// A transaction that collides with a parallel Take (TransactionConflict) is
// tried again, up to maxTakeAttempts times.
func (s *Store) Forget(ctx context.Context, key string, window time.Duration, now func() time.Time) error {
	pk := countPK(key)
	b := bucketWidth(window)
	for attempt := 1; ; attempt++ {
		t := now()
		var deletes []types.TransactWriteItem
		for start := t.Add(-window).Truncate(b); !start.After(t); start = start.Add(b) {
			deletes = append(deletes, types.TransactWriteItem{Delete: &types.Delete{TableName: &s.accounts, Key: keyOf(pk, bucketSK(start))}})
		}
		_, err := s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: deletes})
		if err == nil {
			return nil
		}
		if cancelled(err) == nil || attempt == maxTakeAttempts {
			return fmt.Errorf("forget units: %w", err)
		}
	}
}

// buckets reads the buckets that can hold units of the window ending at t.
func (s *Store) buckets(ctx context.Context, pk string, t time.Time, window, b time.Duration) ([]bucketItem, error) {
	items, err := queryAll[bucketItem](ctx, s.db, &dynamodb.QueryInput{TableName: &s.accounts,
		KeyConditionExpression: aws.String("PK = :pk AND SK BETWEEN :from AND :to"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": str(pk), ":from": str(bucketSK(t.Add(-window).Truncate(b))), ":to": str(bucketSK(t.Truncate(b))),
		},
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return nil, fmt.Errorf("read counts: %w", err)
	}
	return items, nil
}

// liveStamps returns the times (Unix ms, ascending) of the units still held
// inside the window ending at t, from buckets of width b. Where units were
// given back, it cannot tell which, so it keeps the newest; units without a
// time (see exactUpTo) count as taken at their bucket's end. So never fewer
// units, and never an earlier end, than the truth.
func liveStamps(items []bucketItem, t time.Time, window, b time.Duration) []int64 {
	after := t.Add(-window).UnixMilli()
	var live []int64
	for _, it := range items {
		held := max(it.N, 0)
		var in []int64
		for _, ts := range it.Stamps {
			if ts > after {
				in = append(in, ts)
			}
		}
		if untimed := held - len(it.Stamps); untimed > 0 {
			start, _ := strconv.ParseInt(it.SK, 10, 64)
			if end := start + b.Milliseconds() - 1; end > after {
				for range untimed {
					in = append(in, end)
				}
			}
		}
		slices.Sort(in)
		if len(in) > held {
			in = in[len(in)-held:]
		}
		live = append(live, in...)
	}
	slices.Sort(live)
	return live
}

// liveCount is len(liveStamps(items, t, window, b)), without the list.
func liveCount(items []bucketItem, t time.Time, window, b time.Duration) int {
	after := t.Add(-window).UnixMilli()
	n := 0
	for _, it := range items {
		held, in := max(it.N, 0), 0
		for _, ts := range it.Stamps {
			if ts > after {
				in++
			}
		}
		if untimed := held - len(it.Stamps); untimed > 0 {
			if start, _ := strconv.ParseInt(it.SK, 10, 64); start+b.Milliseconds()-1 > after {
				in += untimed
			}
		}
		n += min(in, held)
	}
	return n
}

// waitFor says how long after t fewer than limit units are held: until
// the oldest units that must leave are one window old. t is read after the
// buckets, so that no unit read was taken after it.
func waitFor(items []bucketItem, t time.Time, window, b time.Duration, limit int) time.Duration {
	live := liveStamps(items, t, window, b)
	if len(live) < limit {
		// Held by requests still in flight: they settle within moments.
		return time.Second
	}
	leaves := time.UnixMilli(live[len(live)-limit]).Add(window)
	return max(leaves.Sub(t), time.Millisecond)
}

type lockoutItem struct {
	Until   int64 `dynamodbav:"until"`
	Strikes int   `dynamodbav:"strikes"`
}

// Lockout reads key's lock-out; the zero Lockout when there is none.
func (s *Store) Lockout(ctx context.Context, key string) (account.Lockout, error) {
	var it lockoutItem
	err := s.get(ctx, s.accounts, countPK(key), lockoutSK, &it)
	if errors.Is(err, account.ErrNotFound) {
		return account.Lockout{}, nil
	}
	if err != nil {
		return account.Lockout{}, err
	}
	return account.Lockout{Until: time.UnixMilli(it.Until).UTC(), Strikes: it.Strikes}, nil
}

// SetLockout replaces key's lock-out seen with next, kept until keep after
// it ends; account.ErrConflict when another request changed it since seen
// was read.
func (s *Store) SetLockout(ctx context.Context, key string, seen, next account.Lockout, keep time.Duration) error {
	cond, vals := "attribute_not_exists(PK)", map[string]types.AttributeValue{}
	if !seen.Until.IsZero() {
		cond, vals[":seen"] = "#until = :seen", num(seen.Until.UnixMilli())
	}
	av, err := attributevalue.MarshalMap(struct {
		PK, SK    string
		Until     int64 `dynamodbav:"until"`
		Strikes   int   `dynamodbav:"strikes"`
		ExpiresAt int64 `dynamodbav:"expiresAt"`
	}{countPK(key), lockoutSK, next.Until.UnixMilli(), next.Strikes, next.Until.Add(keep).Unix()})
	if err != nil {
		return fmt.Errorf("encode lock-out: %w", err)
	}
	in := &dynamodb.PutItemInput{TableName: &s.accounts, Item: av, ConditionExpression: aws.String(cond)}
	if len(vals) > 0 {
		in.ExpressionAttributeValues = vals
		in.ExpressionAttributeNames = map[string]string{"#until": "until"}
	}
	_, err = s.db.PutItem(ctx, in)
	var failed *types.ConditionalCheckFailedException
	if errors.As(err, &failed) {
		return account.ErrConflict
	}
	if err != nil {
		return fmt.Errorf("set lock-out: %w", err)
	}
	return nil
}
