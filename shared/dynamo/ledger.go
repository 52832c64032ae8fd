package dynamo

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/citejardins/extranet/shared/tenancy"
)

// Ledger entries live in their lease's partition under
// ENTRY#<date>#<erp id>, so that a Query reads them newest first by date
// range. The lease's balance and last payment (LEASE#ACCOUNT) change in the
// same transaction as the entries that change them.

type entryItem struct {
	PK     string
	SK     string
	H      string `dynamodbav:"h"`
	ID     string `dynamodbav:"id"`
	Date   string `dynamodbav:"date"`
	Label  string `dynamodbav:"label"`
	Kind   string `dynamodbav:"kind"`
	Debit  int64  `dynamodbav:"debitCents"`
	Credit int64  `dynamodbav:"creditCents"`
}

func entrySK(e tenancy.Entry) string { return entryPfx + e.Date.String() + "#" + e.ID }

func entryItemOf(ref string, e tenancy.Entry) entryItem {
	it := entryItem{PK: leasePK(ref), SK: entrySK(e), ID: e.ID, Date: e.Date.String(), Label: e.Label,
		Kind: string(e.Kind), Debit: e.DebitCents, Credit: e.CreditCents}
	it.H = contentHash(it)
	return it
}

func (it entryItem) entry() tenancy.Entry {
	return tenancy.Entry{ID: it.ID, Date: parseDate(it.Date), Label: it.Label, Kind: tenancy.EntryKind(it.Kind),
		DebitCents: it.Debit, CreditCents: it.Credit}
}

// ErrUnknownLease is returned when entries name a lease that does not exist.
var ErrUnknownLease = errors.New("unknown lease")

// maxTransaction is DynamoDB's limit of actions in one transaction.
const maxTransaction = 100

// SyncEntries writes a lease's entries that are new or changed, and with
// snapshot, deletes the lease's entries missing from entries. The balance
// moves in the same transactions as the entries, so it always equals their
// sum. An entry whose date changed moves to its new key.
func (s *Store) SyncEntries(ctx context.Context, ref string, entries []tenancy.Entry, snapshot bool) (UpsertStats, error) {
	var st UpsertStats
	stored, err := s.entries(ctx, ref)
	if err != nil {
		return st, err
	}
	byID := make(map[string]entryItem, len(stored))
	for _, it := range stored {
		byID[it.ID] = it
	}
	final := make(map[string]entryItem, len(stored)+len(entries))
	for id, it := range byID {
		final[id] = it
	}
	type change struct {
		put   *entryItem
		del   string // sort key to delete
		delta int64
	}
	var changes []change
	seen := make(map[string]bool, len(entries))
	for _, e := range entries {
		if seen[e.ID] {
			continue // the first line of an id wins; the reader reports duplicates
		}
		seen[e.ID] = true
		it := entryItemOf(ref, e)
		old, had := byID[e.ID]
		if had && old.H == it.H {
			st.Unchanged++
			continue
		}
		c := change{put: &it, delta: it.Debit - it.Credit}
		if had {
			c.delta -= old.Debit - old.Credit
			if old.SK != it.SK {
				changes = append(changes, change{del: old.SK})
			}
		}
		changes = append(changes, c)
		final[e.ID] = it
		st.Written++
	}
	if snapshot {
		for id, old := range byID {
			if !seen[id] {
				changes = append(changes, change{del: old.SK, delta: -(old.Debit - old.Credit)})
				delete(final, id)
				st.Deleted++
			}
		}
	}
	if len(changes) == 0 {
		return st, nil
	}
	// The last payment and the span of the statement, from the whole
	// ledger as it will be: the page's year list needs no probing.
	var last *entryItem
	first, newest := "", ""
	for _, it := range final {
		if tenancy.EntryKind(it.Kind) == tenancy.PaymentReceived && (last == nil || it.Date > last.Date || it.Date == last.Date && it.SK > last.SK) {
			it := it
			last = &it
		}
		if first == "" || it.Date < first {
			first = it.Date
		}
		if it.Date > newest {
			newest = it.Date
		}
	}

	// Each transaction: a condition that the lease exists, the balance
	// update, and up to 98 entry writes.
	const perTx = maxTransaction - 2
	for start := 0; start < len(changes); start += perTx {
		chunk := changes[start:min(start+perTx, len(changes))]
		var delta int64
		tx := []types.TransactWriteItem{{ConditionCheck: &types.ConditionCheck{TableName: &s.tenancy,
			Key: keyOf(leasePK(ref), leaseSK), ConditionExpression: aws.String("attribute_exists(PK)")}}}
		for _, c := range chunk {
			delta += c.delta
			if c.put != nil {
				av, err := attributevalue.MarshalMap(c.put)
				if err != nil {
					return st, fmt.Errorf("encode entry: %w", err)
				}
				tx = append(tx, types.TransactWriteItem{Put: &types.Put{TableName: &s.tenancy, Item: av}})
			} else {
				tx = append(tx, types.TransactWriteItem{Delete: &types.Delete{TableName: &s.tenancy, Key: keyOf(leasePK(ref), c.del)}})
			}
		}
		update := "ADD balanceCents :d"
		values := map[string]types.AttributeValue{":d": num(delta)}
		if start+perTx >= len(changes) { // the last transaction sets the last payment and the span
			update += " SET lastPaymentDate = :pd, lastPaymentCents = :pc, firstEntryDate = :fd, lastEntryDate = :ld"
			values[":pd"], values[":pc"] = str(""), num(0)
			if last != nil {
				values[":pd"], values[":pc"] = str(last.Date), num(last.Credit)
			}
			values[":fd"], values[":ld"] = str(first), str(newest)
		}
		tx = append(tx, types.TransactWriteItem{Update: &types.Update{TableName: &s.tenancy,
			Key: keyOf(leasePK(ref), leaseAccountSK), UpdateExpression: aws.String(update), ExpressionAttributeValues: values}})
		_, err := s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: tx})
		if failed := cancelled(err); failed != nil && failed[0] {
			return st, ErrUnknownLease
		}
		if err != nil {
			return st, fmt.Errorf("write entries of %s: %w", ref, err)
		}
	}
	return st, nil
}

// entries reads every entry of a lease, oldest first.
func (s *Store) entries(ctx context.Context, ref string) ([]entryItem, error) {
	out, err := queryAll[entryItem](ctx, s.db, &dynamodb.QueryInput{
		TableName:                 &s.tenancy,
		KeyConditionExpression:    aws.String("PK = :pk AND begins_with(SK, :p)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(leasePK(ref)), ":p": str(entryPfx)},
		ConsistentRead:            aws.Bool(true),
	})
	if err != nil {
		return nil, fmt.Errorf("query entries: %w", err)
	}
	return out, nil
}

// cursor is where the next page starts: the last entry given. It holds no
// balance: a client could edit it; the balance is worked out again.
type cursor struct {
	SK string `json:"k"`
}

// Entries reads a page of a lease's entries dated from..to (either may be
// zero), newest first, each with the balance after it. The balance after
// the newest entry of the range is the lease's balance less the entries
// after the range; the cursor carries it from page to page.
func (s *Store) Entries(ctx context.Context, ref string, from, to tenancy.Date, cur string, limit int) (tenancy.EntryPage, error) {
	lo, hi := entryPfx, entryPfx+"~"
	if !from.IsZero() {
		lo = entryPfx + from.String()
	}
	if !to.IsZero() {
		hi = entryPfx + to.String() + "#~"
	}
	in := &dynamodb.QueryInput{
		TableName:              &s.tenancy,
		KeyConditionExpression: aws.String("PK = :pk AND SK BETWEEN :lo AND :hi"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": str(leasePK(ref)), ":lo": str(lo), ":hi": str(hi)},
		ScanIndexForward: aws.Bool(false),
		// One more than asked: DynamoDB returns a LastEvaluatedKey when a page
		// is exactly full, and a "next" link to an empty page would mislead.
		Limit: aws.Int32(int32(limit + 1)),
	}
	// The balance after the page's first entry is the lease's balance less
	// every newer entry: those from the cursor's on, or after the range.
	newer := ""
	if cur != "" {
		c, err := decodeCursor(cur)
		if err != nil || c.SK < lo || c.SK > hi {
			return tenancy.EntryPage{}, tenancy.ErrBadCursor
		}
		in.ExclusiveStartKey = keyOf(leasePK(ref), c.SK)
		newer = c.SK
	} else if !to.IsZero() {
		newer = hi
	}
	lease, err := s.Lease(ctx, ref)
	if err != nil {
		return tenancy.EntryPage{}, err
	}
	balance := lease.BalanceCents
	if newer != "" {
		later, err := s.sumAfter(ctx, ref, newer)
		if err != nil {
			return tenancy.EntryPage{}, err
		}
		balance -= later
	}
	out, err := s.db.Query(ctx, in)
	if err != nil {
		return tenancy.EntryPage{}, fmt.Errorf("query entries: %w", err)
	}
	items, more := out.Items, len(out.Items) > limit
	if more {
		items = items[:limit]
	}
	page := tenancy.EntryPage{Entries: make([]tenancy.Entry, 0, len(items))}
	var lastSK string
	for _, av := range items {
		var it entryItem
		if err := attributevalue.UnmarshalMap(av, &it); err != nil {
			return tenancy.EntryPage{}, fmt.Errorf("decode entry: %w", err)
		}
		lastSK = it.SK
		e := it.entry()
		e.BalanceAfterCents = balance
		balance -= e.AmountCents()
		page.Entries = append(page.Entries, e)
	}
	if more {
		page.Next = encodeCursor(cursor{SK: lastSK})
	}
	return page, nil
}

// sumAfter adds up the entries sorted at or after the key: those later than
// a date range's end, or from a page's cursor on.
func (s *Store) sumAfter(ctx context.Context, ref, after string) (int64, error) {
	later, err := queryAll[entryItem](ctx, s.db, &dynamodb.QueryInput{
		TableName:              &s.tenancy,
		KeyConditionExpression: aws.String("PK = :pk AND SK BETWEEN :lo AND :hi"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": str(leasePK(ref)), ":lo": str(after), ":hi": str(entryPfx + "~")},
		ProjectionExpression: aws.String("debitCents, creditCents"),
	})
	if err != nil {
		return 0, fmt.Errorf("sum entries: %w", err)
	}
	var sum int64
	for _, it := range later {
		sum += it.Debit - it.Credit
	}
	return sum, nil
}

func encodeCursor(c cursor) string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s string) (cursor, error) {
	var c cursor
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) > 512 {
		return c, tenancy.ErrBadCursor
	}
	if err := json.Unmarshal(b, &c); err != nil || !strings.HasPrefix(c.SK, entryPfx) {
		return c, tenancy.ErrBadCursor
	}
	// Only a cursor as encodeCursor writes it, on an entry's key: a tampered
	// one (another field, another case, a key of no entry) is refused.
	date, id, _ := strings.Cut(c.SK[len(entryPfx):], "#")
	if _, err := tenancy.ParseDate(date); err != nil || id == "" || encodeCursor(c) != s {
		return c, tenancy.ErrBadCursor
	}
	return c, nil
}
