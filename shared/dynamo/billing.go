package dynamo

import (
	"context"
	"fmt"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/citejardins/extranet/shared/notice"
)

// The ERP's notice lines (import kind lignes_avis): one item per lease and
// period, LEASE#<ref> / BILLING#<AAAA-MM>, holding the period's whole list,
// so that the lines of a period are replaced at once and read with one
// GetItem. "BILLING#" sorts before "ENTRY#" and "LEASE", out of the lease
// and statement Queries.

const billingPfx = "BILLING#"

func billingSK(p notice.Period) string { return billingPfx + p.String() }

type billingLine struct {
	Label       string `dynamodbav:"label"`
	Kind        string `dynamodbav:"kind"`
	AmountCents int64  `dynamodbav:"amountCents"`
}

type billingItem struct {
	PK     string
	SK     string
	H      string        `dynamodbav:"h"`
	Period string        `dynamodbav:"period"`
	Lines  []billingLine `dynamodbav:"lines"`
}

// NoticeLinesOf is the ERP's lines of one lease for one period, in the
// file's order.
type NoticeLinesOf struct {
	Reference string // canonical
	Period    notice.Period
	Lines     []notice.Line
}

func billingItemOf(g NoticeLinesOf) billingItem {
	it := billingItem{PK: leasePK(g.Reference), SK: billingSK(g.Period), Period: g.Period.String(),
		Lines: make([]billingLine, len(g.Lines))}
	for i, l := range g.Lines {
		it.Lines[i] = billingLine{Label: l.Label, Kind: string(l.Kind), AmountCents: l.AmountCents}
	}
	it.H = contentHash(it)
	return it
}

// NoticeLines reads the lines the ERP sent for a lease (canonical
// reference) and period, in the ERP's order, amounts in cents as they add
// to the amount to pay (credits negative). It returns nil, and no error,
// when the ERP sent none: the notice then uses the lines derived from the
// lease's terms (notice.Build). One strongly consistent GetItem.
func (s *Store) NoticeLines(ctx context.Context, ref string, p notice.Period) ([]notice.Line, error) {
	res, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &s.tenancy, Key: keyOf(leasePK(ref), billingSK(p)),
		ConsistentRead: aws.Bool(true)})
	if err != nil {
		return nil, fmt.Errorf("get notice lines %s: %w", p, err)
	}
	if res.Item == nil {
		return nil, nil
	}
	var it billingItem
	if err := attributevalue.UnmarshalMap(res.Item, &it); err != nil {
		return nil, fmt.Errorf("decode notice lines %s: %w", p, err)
	}
	if len(it.Lines) == 0 {
		return nil, nil
	}
	lines := make([]notice.Line, len(it.Lines))
	for i, l := range it.Lines {
		lines[i] = notice.Line{Label: l.Label, Kind: notice.LineKind(l.Kind), AmountCents: l.AmountCents}
	}
	return lines, nil
}

// UpsertNoticeLines writes each lease's lines for a period as one item,
// replacing the lines stored for that lease and period; an item whose
// content hash is unchanged is not written. Each group must hold every line
// of its lease and period (the importer gathers them); a (lease, period)
// given twice is written once, from its first group. The leases are not
// checked here: callers check them first (LeasesExist). Written and
// Unchanged count lines, as an import report does: a group's lines are all
// written or all unchanged.
func (s *Store) UpsertNoticeLines(ctx context.Context, gs []NoticeLinesOf) (UpsertStats, error) {
	var st UpsertStats
	for start := 0; start < len(gs); start += 100 {
		chunk := gs[start:min(start+100, len(gs))]
		items := make([]hashedItem, len(chunk))
		for i, g := range chunk {
			bi := billingItemOf(g)
			it, err := hashed(bi, bi.PK, bi.SK, bi.H)
			if err != nil {
				return st, err
			}
			items[i] = it
		}
		stored, err := s.storedHashes(ctx, s.tenancy, items)
		if err != nil {
			return st, err
		}
		var writes []types.WriteRequest
		written := 0
		seen := map[string]bool{}
		for i, it := range items {
			k := it.pk + "\x00" + it.sk
			if stored[k] == it.h || seen[k] {
				st.Unchanged += len(chunk[i].Lines)
				continue
			}
			seen[k] = true
			writes = append(writes, types.WriteRequest{PutRequest: &types.PutRequest{Item: it.item}})
			written += len(chunk[i].Lines)
		}
		if err := s.batchWrite(ctx, s.tenancy, writes); err != nil {
			return st, err
		}
		st.Written += written
	}
	return st, nil
}

// DeleteNoticeLinesExcept deletes the stored lines of period p of every
// running lease (ShardLeases) whose reference keep does not hold: a
// complete lignes_avis file is the ERP's whole billing of the periods it
// lists. It reads the shards in parallel, then the lines' keys by the
// hundred (BatchGetItem), and deletes what it found. An ended lease's lines
// are left: no notice is issued for it.
func (s *Store) DeleteNoticeLinesExcept(ctx context.Context, p notice.Period, keep map[string]bool) (UpsertStats, error) {
	var (
		mu       sync.Mutex
		wg       sync.WaitGroup
		deleted  int
		firstErr error
	)
	for shard := range Shards {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := s.deleteShardNoticeLines(ctx, shard, p, keep)
			mu.Lock()
			defer mu.Unlock()
			deleted += n
			if err != nil && firstErr == nil {
				firstErr = err
			}
		}()
	}
	wg.Wait()
	return UpsertStats{Deleted: deleted}, firstErr
}

func (s *Store) deleteShardNoticeLines(ctx context.Context, shard int, p notice.Period, keep map[string]bool) (int, error) {
	deleted := 0
	cursor := ""
	for {
		refs, next, err := s.ShardLeases(ctx, shard, cursor)
		if err != nil {
			return deleted, err
		}
		var pks []string
		for _, ref := range refs {
			if !keep[ref] {
				pks = append(pks, leasePK(ref))
			}
		}
		found, err := s.existing(ctx, s.tenancy, pks, billingSK(p))
		if err != nil {
			return deleted, fmt.Errorf("notice lines %s of shard %d: %w", p, shard, err)
		}
		var dels []types.WriteRequest
		for pk := range found {
			dels = append(dels, types.WriteRequest{DeleteRequest: &types.DeleteRequest{Key: keyOf(pk, billingSK(p))}})
		}
		if err := s.batchWrite(ctx, s.tenancy, dels); err != nil {
			return deleted, fmt.Errorf("delete notice lines %s: %w", p, err)
		}
		deleted += len(dels)
		if next == "" {
			return deleted, nil
		}
		cursor = next
	}
}
