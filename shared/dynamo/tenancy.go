package dynamo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/citejardins/extranet/shared/tenancy"
)

// The ERP's data, in the tenancy table. Every item written by the import
// carries "h", a hash of its content, so that re-importing an unchanged
// record writes nothing.

func leasePK(ref string) string    { return "LEASE#" + ref }
func residencePK(id string) string { return "RESIDENCE#" + id }

const (
	leaseSK        = "LEASE"
	leaseAccountSK = "LEASE#ACCOUNT" // balance and last payment, kept by ledger writes
	signatoryPfx   = "SIGNATORY#"
	entryPfx       = "ENTRY#"
	residenceSK    = "RESIDENCE"
	contactPfx     = "CONTACT#"
)

type leaseItem struct {
	PK                  string
	SK                  string
	H                   string `dynamodbav:"h"`
	Reference           string `dynamodbav:"reference"`
	ResidenceID         string `dynamodbav:"residenceId"`
	Start               string `dynamodbav:"start"`
	End                 string `dynamodbav:"end,omitempty"`
	Street              string `dynamodbav:"street"`
	Complement          string `dynamodbav:"complement,omitempty"`
	PostalCode          string `dynamodbav:"postalCode"`
	City                string `dynamodbav:"city"`
	DwellingType        string `dynamodbav:"dwellingType,omitempty"`
	Floor               string `dynamodbav:"floor,omitempty"`
	RentCents           int64  `dynamodbav:"rentCents"`
	ChargesCents        int64  `dynamodbav:"chargesCents"`
	HousingBenefitCents int64  `dynamodbav:"housingBenefitCents"`
	PaymentMethod       string `dynamodbav:"paymentMethod,omitempty"`
	DueDay              int    `dynamodbav:"dueDay"`
	// InsuranceRequired is part of h: adding it changed every lease's hash
	// once (DESIGN.md, migration notes).
	InsuranceRequired bool `dynamodbav:"insuranceRequired,omitempty"`
	// Shard puts a running lease in the sparse index byShard (shards.go);
	// empty on an ended lease, which the index then leaves out.
	Shard string `dynamodbav:"shard,omitempty"`
}

type leaseAccountItem struct {
	BalanceCents     int64  `dynamodbav:"balanceCents"`
	LastPaymentDate  string `dynamodbav:"lastPaymentDate"`
	LastPaymentCents int64  `dynamodbav:"lastPaymentCents"`
	FirstEntryDate   string `dynamodbav:"firstEntryDate"`
	LastEntryDate    string `dynamodbav:"lastEntryDate"`
}

type signatoryItem struct {
	PK          string
	SK          string
	H           string `dynamodbav:"h"`
	ID          string `dynamodbav:"id"`
	Main        bool   `dynamodbav:"main"`
	LastName    string `dynamodbav:"lastName"`
	FirstName   string `dynamodbav:"firstName"`
	DateOfBirth string `dynamodbav:"dateOfBirth"`
	Email       string `dynamodbav:"email,omitempty"`
}

func dateString(d tenancy.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

func parseDate(s string) tenancy.Date {
	d, _ := tenancy.ParseDate(s)
	return d
}

// leaseItemOf is the lease's item as imported on the civil date today: the
// shard is part of its content, so a lease that ends (or runs again) is
// rewritten by the next import that sees it.
func leaseItemOf(l tenancy.Lease, today tenancy.Date) leaseItem {
	it := leaseItem{PK: leasePK(l.Reference), SK: leaseSK, Reference: l.Reference, ResidenceID: l.ResidenceID,
		Start: dateString(l.Start), End: dateString(l.End), Street: l.Address.Street, Complement: l.Address.Complement,
		PostalCode: l.Address.PostalCode, City: l.Address.City, DwellingType: l.DwellingType, Floor: l.Floor,
		RentCents: l.RentCents, ChargesCents: l.ChargesCents, HousingBenefitCents: l.HousingBenefitCents,
		PaymentMethod: string(l.PaymentMethod), DueDay: l.DueDay, InsuranceRequired: l.InsuranceRequired}
	if running(l, today) {
		it.Shard = shardKey(ShardOf(l.Reference))
	}
	it.H = contentHash(it)
	return it
}

func signatoryItemOf(ref string, sg tenancy.Signatory) signatoryItem {
	it := signatoryItem{PK: leasePK(ref), SK: signatoryPfx + sg.ID, ID: sg.ID, Main: sg.Main, LastName: sg.LastName,
		FirstName: sg.FirstName, DateOfBirth: dateString(sg.DateOfBirth), Email: sg.Email}
	it.H = contentHash(it)
	return it
}

// contentHash hashes an item's content (its H field empty), for skipping
// unchanged records.
func contentHash(v any) string {
	b, _ := json.Marshal(v)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:12])
}

// Lease reads a lease with its balance and signatories in one Query: they
// share the lease's partition, at and after the sort key "LEASE".
func (s *Store) Lease(ctx context.Context, ref string) (tenancy.Lease, error) {
	l, _, err := s.leaseFrom(ctx, ref, leaseSK)
	return l, err
}

// leaseFrom reads the lease's items sorted at or after the key from (the
// lease, its balance, its signatories and, when from is an entry's key,
// the entries after it) in one Query, and sums those entries (debit less
// credit, cents).
func (s *Store) leaseFrom(ctx context.Context, ref, from string) (tenancy.Lease, int64, error) {
	p := dynamodb.NewQueryPaginator(s.db, &dynamodb.QueryInput{
		TableName:              &s.tenancy,
		KeyConditionExpression: aws.String("PK = :pk AND SK >= :sk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": str(leasePK(ref)), ":sk": str(from),
		},
		ConsistentRead: aws.Bool(true),
	})
	var l tenancy.Lease
	var entries int64
	found := false
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return tenancy.Lease{}, 0, fmt.Errorf("query lease: %w", err)
		}
		for _, it := range out.Items {
			sk, _ := it["SK"].(*types.AttributeValueMemberS)
			if sk == nil {
				continue
			}
			switch {
			case sk.Value == leaseSK:
				var li leaseItem
				if err := attributevalue.UnmarshalMap(it, &li); err != nil {
					return tenancy.Lease{}, 0, fmt.Errorf("decode lease: %w", err)
				}
				found = true
				l.Reference, l.ResidenceID = li.Reference, li.ResidenceID
				l.Start, l.End = parseDate(li.Start), parseDate(li.End)
				l.Address = tenancy.Address{Street: li.Street, Complement: li.Complement, PostalCode: li.PostalCode, City: li.City}
				l.DwellingType, l.Floor = li.DwellingType, li.Floor
				l.RentCents, l.ChargesCents, l.HousingBenefitCents = li.RentCents, li.ChargesCents, li.HousingBenefitCents
				l.PaymentMethod, l.DueDay = tenancy.PaymentMethod(li.PaymentMethod), li.DueDay
				l.InsuranceRequired = li.InsuranceRequired
			case sk.Value == leaseAccountSK:
				var ai leaseAccountItem
				if err := attributevalue.UnmarshalMap(it, &ai); err != nil {
					return tenancy.Lease{}, 0, fmt.Errorf("decode lease account: %w", err)
				}
				l.BalanceCents = ai.BalanceCents
				l.FirstEntry, l.LastEntry = parseDate(ai.FirstEntryDate), parseDate(ai.LastEntryDate)
				if ai.LastPaymentDate != "" {
					l.LastPayment = &tenancy.Payment{Date: parseDate(ai.LastPaymentDate), AmountCents: ai.LastPaymentCents}
				}
			case strings.HasPrefix(sk.Value, entryPfx):
				var ei entryItem
				if err := attributevalue.UnmarshalMap(it, &ei); err != nil {
					return tenancy.Lease{}, 0, fmt.Errorf("decode entry: %w", err)
				}
				entries += ei.Debit - ei.Credit
			case strings.HasPrefix(sk.Value, signatoryPfx):
				var si signatoryItem
				if err := attributevalue.UnmarshalMap(it, &si); err != nil {
					return tenancy.Lease{}, 0, fmt.Errorf("decode signatory: %w", err)
				}
				l.Signatories = append(l.Signatories, tenancy.Signatory{ID: si.ID, Main: si.Main, LastName: si.LastName,
					FirstName: si.FirstName, DateOfBirth: parseDate(si.DateOfBirth), Email: si.Email})
			}
		}
	}
	if !found {
		return tenancy.Lease{}, 0, tenancy.ErrNotFound
	}
	return l, entries, nil
}

// UpsertStats counts what an import write did. Directory counts the
// residences whose emergency directory entry was written or removed, apart
// from the records written.
type UpsertStats struct {
	Written, Unchanged, Deleted int
	Directory                   int
}

// Add sums two counts.
func (u *UpsertStats) Add(o UpsertStats) {
	u.Written += o.Written
	u.Unchanged += o.Unchanged
	u.Deleted += o.Deleted
	u.Directory += o.Directory
}

// hashedItem is an item to upsert with its key and content hash.
type hashedItem struct {
	pk, sk, h string
	item      map[string]types.AttributeValue
}

func hashed(v any, pk, sk, h string) (hashedItem, error) {
	av, err := attributevalue.MarshalMap(v)
	if err != nil {
		return hashedItem{}, fmt.Errorf("encode %s %s: %w", pk, sk, err)
	}
	return hashedItem{pk: pk, sk: sk, h: h, item: av}, nil
}

// upsert writes the items whose stored hash differs, 100 reads and 25
// writes a call. Each item is written whole or not at all.
func (s *Store) upsert(ctx context.Context, table string, items []hashedItem) (UpsertStats, error) {
	var st UpsertStats
	for start := 0; start < len(items); start += 100 {
		chunk := items[start:min(start+100, len(items))]
		stored, err := s.storedHashes(ctx, table, chunk)
		if err != nil {
			return st, err
		}
		var writes []types.WriteRequest
		seen := map[string]bool{}
		for _, it := range chunk {
			k := it.pk + "\x00" + it.sk
			if stored[k] == it.h || seen[k] {
				st.Unchanged++
				continue
			}
			seen[k] = true
			writes = append(writes, types.WriteRequest{PutRequest: &types.PutRequest{Item: it.item}})
		}
		if err := s.batchWrite(ctx, table, writes); err != nil {
			return st, err
		}
		st.Written += len(writes)
	}
	return st, nil
}

func (s *Store) storedHashes(ctx context.Context, table string, items []hashedItem) (map[string]string, error) {
	keys := make([]map[string]types.AttributeValue, 0, len(items))
	dedup := map[string]bool{}
	for _, it := range items {
		if k := it.pk + "\x00" + it.sk; !dedup[k] {
			dedup[k] = true
			keys = append(keys, keyOf(it.pk, it.sk))
		}
	}
	out := map[string]string{}
	err := s.batchGet(ctx, table, keys, "PK, SK, h", "read hashes", func(it map[string]types.AttributeValue) error {
		var k struct{ PK, SK, H string }
		if err := attributevalue.UnmarshalMap(it, &k); err != nil {
			return fmt.Errorf("decode hash: %w", err)
		}
		if h, ok := it["h"].(*types.AttributeValueMemberS); ok {
			out[k.PK+"\x00"+k.SK] = h.Value
		} else {
			out[k.PK+"\x00"+k.SK] = ""
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// batchGet reads keys (at most 100) of table with BatchGetItem,
// consistently, only projection's attributes unless it is empty, asking
// again for the keys DynamoDB left unprocessed after a backoff, and hands
// each item read to each (an error of each stops the read). what names the
// read in its errors.
func (s *Store) batchGet(ctx context.Context, table string, keys []map[string]types.AttributeValue, projection, what string,
	each func(map[string]types.AttributeValue) error) error {
	ka := types.KeysAndAttributes{Keys: keys, ConsistentRead: aws.Bool(true)}
	if projection != "" {
		ka.ProjectionExpression = aws.String(projection)
	}
	req := map[string]types.KeysAndAttributes{table: ka}
	for attempt := 0; len(req) > 0; attempt++ {
		if attempt > 0 {
			if err := backoff(ctx, attempt); err != nil {
				return err
			}
		}
		res, err := s.db.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: req})
		if err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		for _, it := range res.Responses[table] {
			if err := each(it); err != nil {
				return err
			}
		}
		req = res.UnprocessedKeys
	}
	return nil
}

func (s *Store) batchWrite(ctx context.Context, table string, writes []types.WriteRequest) error {
	for start := 0; start < len(writes); start += 25 {
		req := map[string][]types.WriteRequest{table: writes[start:min(start+25, len(writes))]}
		for attempt := 0; len(req) > 0 && len(req[table]) > 0; attempt++ {
			if attempt > 0 {
				if err := backoff(ctx, attempt); err != nil {
					return err
				}
			}
			res, err := s.db.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: req})
			if err != nil {
				return fmt.Errorf("batch write: %w", err)
			}
			req = res.UnprocessedItems
		}
	}
	return nil
}

// backoff waits before retrying unprocessed items, longer each attempt.
func backoff(ctx context.Context, attempt int) error {
	if attempt > 10 {
		return errors.New("dynamodb kept items unprocessed after 10 retries")
	}
	d := time.Duration(1<<min(attempt, 6)) * 25 * time.Millisecond
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}

// existing returns which of the keys exist.
func (s *Store) existing(ctx context.Context, table string, pks []string, sk string) (map[string]bool, error) {
	items := make([]hashedItem, len(pks))
	for i, pk := range pks {
		items[i] = hashedItem{pk: pk, sk: sk}
	}
	out := map[string]bool{}
	for start := 0; start < len(items); start += 100 {
		got, err := s.storedHashes(ctx, table, items[start:min(start+100, len(items))])
		if err != nil {
			return nil, err
		}
		for k := range got {
			pk, _, _ := strings.Cut(k, "\x00")
			out[pk] = true
		}
	}
	return out, nil
}

// LeasesExist reports which references have a lease.
func (s *Store) LeasesExist(ctx context.Context, refs []string) (map[string]bool, error) {
	pks := make([]string, len(refs))
	for i, r := range refs {
		pks[i] = leasePK(r)
	}
	got, err := s.existing(ctx, s.tenancy, pks, leaseSK)
	out := map[string]bool{}
	for pk := range got {
		out[strings.TrimPrefix(pk, "LEASE#")] = true
	}
	return out, err
}

// ResidencesExist reports which residence ids exist.
func (s *Store) ResidencesExist(ctx context.Context, ids []string) (map[string]bool, error) {
	pks := make([]string, len(ids))
	for i, id := range ids {
		pks[i] = residencePK(id)
	}
	got, err := s.existing(ctx, s.tenancy, pks, residenceSK)
	out := map[string]bool{}
	for pk := range got {
		out[strings.TrimPrefix(pk, "RESIDENCE#")] = true
	}
	return out, err
}

// UpsertLeases writes the leases that changed (not their signatories,
// entries or balance), as UpsertLeasesOn today in Paris.
func (s *Store) UpsertLeases(ctx context.Context, leases []tenancy.Lease) (UpsertStats, error) {
	return s.UpsertLeasesOn(ctx, leases, tenancy.ParisDate(time.Now()))
}

// UpsertLeasesOn writes the leases that changed (not their signatories,
// entries or balance), as imported on the civil date today: a lease still
// running that day (no end date, or one not before today) gets its shard
// and is listed by ShardLeases; an ended one loses it.
func (s *Store) UpsertLeasesOn(ctx context.Context, leases []tenancy.Lease, today tenancy.Date) (UpsertStats, error) {
	items := make([]hashedItem, 0, len(leases))
	for _, l := range leases {
		li := leaseItemOf(l, today)
		it, err := hashed(li, li.PK, li.SK, li.H)
		if err != nil {
			return UpsertStats{}, err
		}
		items = append(items, it)
	}
	return s.upsert(ctx, s.tenancy, items)
}

// SignatoryOf pairs a signatory with its lease.
type SignatoryOf struct {
	Reference string
	Signatory tenancy.Signatory
}

// UpsertSignatories writes the signatories that changed.
func (s *Store) UpsertSignatories(ctx context.Context, sigs []SignatoryOf) (UpsertStats, error) {
	items := make([]hashedItem, 0, len(sigs))
	for _, sg := range sigs {
		si := signatoryItemOf(sg.Reference, sg.Signatory)
		it, err := hashed(si, si.PK, si.SK, si.H)
		if err != nil {
			return UpsertStats{}, err
		}
		items = append(items, it)
	}
	return s.upsert(ctx, s.tenancy, items)
}

// DeleteSignatoriesExcept deletes the lease's signatories whose ids are not
// kept (a snapshot's signatories replace the lease's).
func (s *Store) DeleteSignatoriesExcept(ctx context.Context, ref string, keep map[string]bool) (int, error) {
	keys, err := s.sortKeys(ctx, leasePK(ref), signatoryPfx)
	if err != nil {
		return 0, err
	}
	var dels []types.WriteRequest
	for _, sk := range keys {
		if !keep[strings.TrimPrefix(sk, signatoryPfx)] {
			dels = append(dels, types.WriteRequest{DeleteRequest: &types.DeleteRequest{Key: keyOf(leasePK(ref), sk)}})
		}
	}
	return len(dels), s.batchWrite(ctx, s.tenancy, dels)
}

func (s *Store) sortKeys(ctx context.Context, pk, prefix string) ([]string, error) {
	keys, err := queryAll[struct{ SK string }](ctx, s.db, &dynamodb.QueryInput{
		TableName:                 &s.tenancy,
		KeyConditionExpression:    aws.String("PK = :pk AND begins_with(SK, :p)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(pk), ":p": str(prefix)},
		ProjectionExpression:      aws.String("SK"),
		ConsistentRead:            aws.Bool(true),
	})
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", prefix, err)
	}
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = k.SK
	}
	return out, nil
}

// --- residences and contacts -----------------------------------------------

type residenceItem struct {
	PK         string
	SK         string
	H          string `dynamodbav:"h"`
	ID         string `dynamodbav:"id"`
	Name       string `dynamodbav:"name"`
	Street     string `dynamodbav:"street,omitempty"`
	PostalCode string `dynamodbav:"postalCode,omitempty"`
	City       string `dynamodbav:"city,omitempty"`
}

type contactItem struct {
	PK    string
	SK    string
	H     string `dynamodbav:"h"`
	Role  string `dynamodbav:"role"`
	Name  string `dynamodbav:"name"`
	Phone string `dynamodbav:"phone,omitempty"`
	Email string `dynamodbav:"email,omitempty"`
	Hours string `dynamodbav:"hours,omitempty"`
}

// UpsertResidences writes the residences that changed, then refreshes the
// emergency directory entries of every residence it was given (so that an
// entry missing or stale for any reason is mended by the next import).
func (s *Store) UpsertResidences(ctx context.Context, rs []tenancy.Residence) (UpsertStats, error) {
	items := make([]hashedItem, 0, len(rs))
	for _, r := range rs {
		ri := residenceItem{PK: residencePK(r.ID), SK: residenceSK, ID: r.ID, Name: r.Name, Street: r.Street, PostalCode: r.PostalCode, City: r.City}
		ri.H = contentHash(ri)
		it, err := hashed(ri, ri.PK, ri.SK, ri.H)
		if err != nil {
			return UpsertStats{}, err
		}
		items = append(items, it)
	}
	return s.upsertAndRefresh(ctx, items, ids(rs, func(r tenancy.Residence) string { return r.ID }))
}

// ContactOf pairs a contact with its residence.
type ContactOf struct {
	ResidenceID string
	Contact     tenancy.Contact
}

// UpsertContacts writes the contacts that changed; a residence has one
// contact per role. Like UpsertResidences, it then refreshes the emergency
// directory entries of the residences it was given.
func (s *Store) UpsertContacts(ctx context.Context, cs []ContactOf) (UpsertStats, error) {
	items := make([]hashedItem, 0, len(cs))
	for _, c := range cs {
		ci := contactItem{PK: residencePK(c.ResidenceID), SK: contactPfx + string(c.Contact.Role), Role: string(c.Contact.Role),
			Name: c.Contact.Name, Phone: c.Contact.Phone, Email: c.Contact.Email, Hours: c.Contact.Hours}
		ci.H = contentHash(ci)
		it, err := hashed(ci, ci.PK, ci.SK, ci.H)
		if err != nil {
			return UpsertStats{}, err
		}
		items = append(items, it)
	}
	return s.upsertAndRefresh(ctx, items, ids(cs, func(c ContactOf) string { return c.ResidenceID }))
}

// Residence reads a residence and its contacts in one Query.
func (s *Store) Residence(ctx context.Context, id string) (tenancy.Residence, []tenancy.Contact, error) {
	out, err := s.db.Query(ctx, &dynamodb.QueryInput{
		TableName:                 &s.tenancy,
		KeyConditionExpression:    aws.String("PK = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(residencePK(id))},
	})
	if err != nil {
		return tenancy.Residence{}, nil, fmt.Errorf("query residence: %w", err)
	}
	var r tenancy.Residence
	var contacts []tenancy.Contact
	found := false
	for _, it := range out.Items {
		sk, _ := it["SK"].(*types.AttributeValueMemberS)
		switch {
		case sk == nil:
		case sk.Value == residenceSK:
			var ri residenceItem
			if err := attributevalue.UnmarshalMap(it, &ri); err != nil {
				return tenancy.Residence{}, nil, fmt.Errorf("decode residence: %w", err)
			}
			found = true
			r = tenancy.Residence{ID: ri.ID, Name: ri.Name, Street: ri.Street, PostalCode: ri.PostalCode, City: ri.City}
		case strings.HasPrefix(sk.Value, contactPfx):
			var ci contactItem
			if err := attributevalue.UnmarshalMap(it, &ci); err != nil {
				return tenancy.Residence{}, nil, fmt.Errorf("decode contact: %w", err)
			}
			contacts = append(contacts, tenancy.Contact{Role: tenancy.ContactRole(ci.Role), Name: ci.Name, Phone: ci.Phone, Email: ci.Email, Hours: ci.Hours})
		}
	}
	if !found {
		return tenancy.Residence{}, nil, tenancy.ErrNotFound
	}
	return r, contacts, nil
}

// PutLease writes a lease, its signatories and its balance, for tests and
// seeding; imports go through the upserts and the ledger sync.
func (s *Store) PutLease(ctx context.Context, l tenancy.Lease) error {
	if _, err := s.UpsertLeases(ctx, []tenancy.Lease{l}); err != nil {
		return err
	}
	sigs := make([]SignatoryOf, len(l.Signatories))
	for i, sg := range l.Signatories {
		if sg.ID == "" {
			sg.ID = fmt.Sprintf("%02d", i+1)
		}
		sigs[i] = SignatoryOf{Reference: l.Reference, Signatory: sg}
	}
	if _, err := s.UpsertSignatories(ctx, sigs); err != nil {
		return err
	}
	_, err := s.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &s.tenancy, Item: map[string]types.AttributeValue{
		"PK": str(leasePK(l.Reference)), "SK": str(leaseAccountSK), "balanceCents": num(l.BalanceCents)}})
	if err != nil {
		return fmt.Errorf("put balance of %s: %w", l.Reference, err)
	}
	return nil
}
