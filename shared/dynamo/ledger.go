package dynamo

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

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
	// PaymentID: the ERP's id_paiement, or the payment of a provisional
	// entry. Left out of the hash's JSON when empty, so that the entries
	// stored before the column keep their hash (no rewrite).
	PaymentID string `json:",omitempty" dynamodbav:"paymentId,omitempty"`
	// Provisional marks the portal's entries of an online payment
	// (ENTRY#<date>#portal-<payment id>[-refund]), written by the webhook,
	// never by the import (DESIGN.md, pattern 20).
	Provisional bool `json:",omitempty" dynamodbav:"provisional,omitempty"`
}

func entrySK(e tenancy.Entry) string { return entryPfx + e.Date.String() + "#" + e.ID }

func entryItemOf(ref string, e tenancy.Entry) entryItem {
	it := entryItem{PK: leasePK(ref), SK: entrySK(e), ID: e.ID, Date: e.Date.String(), Label: e.Label,
		Kind: string(e.Kind), Debit: e.DebitCents, Credit: e.CreditCents, PaymentID: e.PaymentID}
	it.H = contentHash(it)
	return it
}

func (it entryItem) entry() tenancy.Entry {
	return tenancy.Entry{ID: it.ID, Date: parseDate(it.Date), Label: it.Label, Kind: tenancy.EntryKind(it.Kind),
		DebitCents: it.Debit, CreditCents: it.Credit, PaymentID: it.PaymentID}
}

// ErrUnknownLease is returned when entries name a lease that does not exist.
var ErrUnknownLease = errors.New("unknown lease")

// maxTransaction is DynamoDB's limit of actions in one transaction.
const maxTransaction = 100

// syncTries bounds how often SyncEntries reads again after another writer
// (the payment webhook, another import) moved what it read.
const syncTries = 20

// SyncEntries writes a lease's entries that are new or changed, and with
// snapshot, deletes the lease's ERP entries missing from entries (never a
// provisional entry of the portal for that). The balance moves in the same
// transactions as the entries, so it always equals their sum. An entry whose
// date changed moves to its new key.
//
// An entry with a PaymentID books an online payment of the lease: in the
// transaction that puts it, the payment's provisional entries are deleted
// and the payment is marked settled by it (ledger_settle.go), so the
// payment is counted once, and at every moment. Each write is conditioned
// on what was read; when another writer moved it, everything is read again
// (jittered, syncTries times). ErrUnknownLease when the lease is missing.
func (s *Store) SyncEntries(ctx context.Context, ref string, entries []tenancy.Entry, snapshot bool) (UpsertStats, error) {
	done := syncDone{written: map[string]bool{}, deleted: map[string]bool{}}
	for try := 0; ; try++ {
		if try > 0 {
			select {
			case <-ctx.Done():
				return done.stats(entries), ctx.Err()
			case <-time.After(time.Duration(1+rand.IntN(10*min(try, 10))) * time.Millisecond):
			}
		}
		err := s.syncEntriesOnce(ctx, ref, entries, snapshot, &done)
		if errors.Is(err, errLedgerMoved) {
			if try+1 < syncTries {
				continue
			}
			return done.stats(entries), fmt.Errorf("write entries of %s: still moving after %d tries", ref, syncTries)
		}
		return done.stats(entries), err
	}
}

// errLedgerMoved: a transaction's condition failed on what another writer
// changed since the read (not the lease's existence): read again.
var errLedgerMoved = errors.New("ledger moved")

// syncDone is what committed transactions wrote, over the tries: the ids
// of the ERP entries written (or whose payment was settled) and deleted.
type syncDone struct{ written, deleted map[string]bool }

func (d *syncDone) stats(entries []tenancy.Entry) UpsertStats {
	st := UpsertStats{Written: len(d.written), Deleted: len(d.deleted)}
	seen := make(map[string]bool, len(entries))
	for _, e := range entries {
		if !seen[e.ID] {
			seen[e.ID] = true
			if !d.written[e.ID] {
				st.Unchanged++
			}
		}
	}
	return st
}

// ledgerUnit is writes that go in one transaction: an entry's put (and the
// delete of its former key), or the settlement of a payment with the put of
// the ERP's line, or a deletion.
type ledgerUnit struct {
	writes  []types.TransactWriteItem
	delta   int64  // what the writes add to the balance
	written string // the ERP entry (a line of the file) put or settling a payment, if any
	deleted string // ERP entry id deleted, if any
}

func (s *Store) syncEntriesOnce(ctx context.Context, ref string, entries []tenancy.Entry, snapshot bool, done *syncDone) error {
	stored, err := s.entries(ctx, ref)
	if err != nil {
		return err
	}
	byID := make(map[string]entryItem, len(stored)) // the ERP's entries
	final := make(map[string]entryItem, len(stored)+len(entries))
	provisional := map[string][]entryItem{} // by payment id
	for _, it := range stored {
		final[it.SK] = it
		if it.Provisional {
			provisional[it.PaymentID] = append(provisional[it.PaymentID], it)
			continue
		}
		byID[it.ID] = it
	}
	var units []ledgerUnit
	var changed []tenancy.Entry // new or changed ERP entries, the first line of each id
	seen := make(map[string]bool, len(entries))
	for _, e := range entries {
		if seen[e.ID] {
			continue // the first line of an id wins; the reader reports duplicates
		}
		seen[e.ID] = true
		if old, had := byID[e.ID]; had && old.H == entryItemOf(ref, e).H {
			continue
		}
		changed = append(changed, e)
	}
	pays, err := s.paymentsToSettle(ctx, ref, changed, entries, provisional, snapshot)
	if err != nil {
		return err
	}
	settling := map[string]bool{}
	for _, e := range changed {
		it := entryItemOf(ref, e)
		u := ledgerUnit{written: e.ID, delta: it.Debit - it.Credit}
		put, err := s.entryPut(it, byID[e.ID])
		if err != nil {
			return err
		}
		if old, had := byID[e.ID]; had {
			u.delta -= old.Debit - old.Credit
			if old.SK != it.SK {
				u.writes = append(u.writes, s.entryDelete(old))
				delete(final, old.SK)
			}
		}
		u.writes = append(u.writes, put)
		final[it.SK] = it
		if p, ok := pays[e.PaymentID]; ok && e.PaymentID != "" && !settling[e.PaymentID] && p.SettledBy == "" {
			settling[e.PaymentID] = true
			s.settle(&u, ref, p, e.ID, final)
		}
		units = append(units, u)
	}
	// A payment settled and still with provisional entries (or credited):
	// they go (snapshot or not). So does an unsettled payment named by an
	// ERP line already stored (stored before its payment item was read).
	for id, p := range pays {
		if settling[id] {
			continue
		}
		switch {
		case p.SettledBy != "" && (p.CreditedCents != 0 || len(provisional[id]) > 0):
			var u ledgerUnit
			s.dropSettled(&u, ref, p, provisional[id], final)
			units = append(units, u)
		case p.SettledBy == "" && p.namedBy != "":
			u := ledgerUnit{written: p.namedBy}
			s.settle(&u, ref, p, p.namedBy, final)
			units = append(units, u)
		}
	}
	if snapshot {
		for id, old := range byID {
			if !seen[id] {
				units = append(units, ledgerUnit{deleted: id, delta: -(old.Debit - old.Credit), writes: []types.TransactWriteItem{s.entryDelete(old)}})
				delete(final, old.SK)
			}
		}
	}
	if len(units) == 0 {
		return nil
	}
	return s.writeLedgerUnits(ctx, ref, units, final, done)
}

// entryPut puts an ERP entry, conditioned on the stored one read (or on
// its absence), so that two imports of the same lease never move the
// balance twice for one entry.
func (s *Store) entryPut(it, old entryItem) (types.TransactWriteItem, error) {
	av, err := attributevalue.MarshalMap(it)
	if err != nil {
		return types.TransactWriteItem{}, fmt.Errorf("encode entry: %w", err)
	}
	put := &types.Put{TableName: &s.tenancy, Item: av}
	switch {
	case old.SK == "":
		put.ConditionExpression = aws.String("attribute_not_exists(PK)")
	case old.SK == it.SK:
		put.ConditionExpression = aws.String("h = :h")
		put.ExpressionAttributeValues = map[string]types.AttributeValue{":h": str(old.H)}
	default: // a moved entry: its new key is free (the old one's delete is conditioned)
		put.ConditionExpression = aws.String("attribute_not_exists(PK)")
	}
	return types.TransactWriteItem{Put: put}, nil
}

// entryDelete deletes a stored ERP entry, if it is still as read.
func (s *Store) entryDelete(old entryItem) types.TransactWriteItem {
	return types.TransactWriteItem{Delete: &types.Delete{TableName: &s.tenancy, Key: keyOf(old.PK, old.SK),
		ConditionExpression: aws.String("h = :h"), ExpressionAttributeValues: map[string]types.AttributeValue{":h": str(old.H)}}}
}

// writeLedgerUnits writes the units in transactions of at most 100 actions:
// a condition that the lease exists, the units' writes (a unit never
// split), and the balance update. The last one also sets the last payment
// and the span of the statement, from the whole ledger as it will be (the
// page's year list needs no probing).
func (s *Store) writeLedgerUnits(ctx context.Context, ref string, units []ledgerUnit, final map[string]entryItem, done *syncDone) error {
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
	const perTx = maxTransaction - 2
	for start := 0; start < len(units); {
		var chunk []ledgerUnit
		n := 0
		for start < len(units) && n+len(units[start].writes) <= perTx {
			n += len(units[start].writes)
			chunk = append(chunk, units[start])
			start++
		}
		if len(chunk) == 0 {
			return fmt.Errorf("write entries of %s: %d writes in one unit", ref, len(units[start].writes))
		}
		var delta int64
		tx := []types.TransactWriteItem{{ConditionCheck: &types.ConditionCheck{TableName: &s.tenancy,
			Key: keyOf(leasePK(ref), leaseSK), ConditionExpression: aws.String("attribute_exists(PK)")}}}
		for _, u := range chunk {
			delta += u.delta
			tx = append(tx, u.writes...)
		}
		update := "ADD balanceCents :d"
		values := map[string]types.AttributeValue{":d": num(delta)}
		if start >= len(units) { // the last transaction sets the last payment and the span
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
		if failed := cancelled(err); failed != nil {
			if failed[0] {
				return ErrUnknownLease
			}
			return errLedgerMoved
		}
		if err != nil {
			return fmt.Errorf("write entries of %s: %w", ref, err)
		}
		for _, u := range chunk {
			if u.written != "" {
				done.written[u.written] = true
			}
			if u.deleted != "" {
				done.deleted[u.deleted] = true
			}
		}
	}
	return nil
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
