package dynamo

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/citejardins/extranet/shared/directory"
	"github.com/citejardins/extranet/shared/tenancy"
)

// The public emergency directory (see DESIGN.md): one partition of the
// tenancy table, derived from the residences and their emergency contacts
// and kept by RefreshDirectory whenever either is written or deleted.
//
//	DIRECTORY / RES#<id>           the residence's entry, its hash and the
//	                               sort keys of its search items
//	DIRECTORY / K#<term>#<id>      the same entry, under each folded term
//	                               (directory.Terms); a search is one Query
//	                               begins_with(SK, "K#<folded query>")

const (
	directoryPK   = "DIRECTORY"
	dirEntryPfx   = "RES#"
	dirTermPfx    = "K#"
	emergencySK   = contactPfx + string(tenancy.Emergency)
	maxDirRetries = 5
	// dirSearchRead bounds the items one search reads: a residence has at
	// most a few terms starting alike, so this finds MaxResults residences.
	dirSearchRead = 200
)

var _ directory.Store = (*Store)(nil)

type directoryItem struct {
	PK          string
	SK          string
	ResidenceID string   `dynamodbav:"residenceId"`
	Residence   string   `dynamodbav:"residence"`
	PostalCode  string   `dynamodbav:"postalCode,omitempty"`
	City        string   `dynamodbav:"city,omitempty"`
	Name        string   `dynamodbav:"name"`
	Phone       string   `dynamodbav:"phone"`
	Hours       string   `dynamodbav:"hours,omitempty"`
	H           string   `dynamodbav:"h,omitempty"`    // on the RES# item only
	Keys        []string `dynamodbav:"keys,omitempty"` // on the RES# item only
}

func (it directoryItem) entry() directory.Entry {
	return directory.Entry{ResidenceID: it.ResidenceID, Residence: it.Residence, PostalCode: it.PostalCode, City: it.City,
		Name: it.Name, Phone: it.Phone, Hours: it.Hours}
}

func directoryItemOf(e directory.Entry, sk string) directoryItem {
	return directoryItem{PK: directoryPK, SK: sk, ResidenceID: e.ResidenceID, Residence: e.Residence, PostalCode: e.PostalCode,
		City: e.City, Name: e.Name, Phone: e.Phone, Hours: e.Hours}
}

// dirState is what one residence's refresh reads.
type dirState struct {
	residence *residenceItem
	emergency *contactItem
	stored    *directoryItem
}

// want is the entry the residence should have (ok false: none), with its
// search keys and hash.
func (st dirState) want() (e directory.Entry, keys []string, h string, ok bool) {
	if st.residence == nil || st.emergency == nil {
		return directory.Entry{}, nil, "", false
	}
	r, c := st.residence, st.emergency
	e, ok = directory.Of(tenancy.Residence{ID: r.ID, Name: r.Name, Street: r.Street, PostalCode: r.PostalCode, City: r.City},
		tenancy.Contact{Role: tenancy.ContactRole(c.Role), Name: c.Name, Phone: c.Phone, Email: c.Email, Hours: c.Hours})
	if !ok {
		return directory.Entry{}, nil, "", false
	}
	for _, t := range directory.Terms(e) {
		keys = append(keys, dirTermPfx+t+"#"+e.ResidenceID)
	}
	return e, keys, contentHash(struct {
		E directory.Entry
		K []string
	}{e, keys}), true
}

// RefreshDirectory makes the directory entries of the residences agree
// with their residence item and emergency contact: written when missing or
// different, deleted when the residence or its emergency contact (or its
// phone) is gone. A residence already right costs a read and no write, so
// re-importing unchanged files writes nothing. It returns how many
// residences' entries it wrote or deleted.
//
// Each residence is written in one transaction conditioned on the entry it
// read, and read again when another writer changed it meanwhile, so
// concurrent imports leave the entry of the last residence and contact
// written.
func (s *Store) RefreshDirectory(ctx context.Context, ids []string) (int, error) {
	seen := map[string]bool{}
	var uniq []string
	for _, id := range ids {
		if id != "" && !seen[id] {
			seen[id] = true
			uniq = append(uniq, id)
		}
	}
	changed := 0
	// Three keys a residence, 100 keys a BatchGetItem.
	for start := 0; start < len(uniq); start += 33 {
		chunk := uniq[start:min(start+33, len(uniq))]
		states, err := s.dirStates(ctx, chunk)
		if err != nil {
			return changed, err
		}
		for _, id := range chunk {
			st := states[id]
			for attempt := 0; ; attempt++ {
				wrote, err := s.syncEntry(ctx, id, st)
				if err == nil {
					if wrote {
						changed++
					}
					break
				}
				if !errors.Is(err, errEntryMoved) || attempt >= maxDirRetries {
					return changed, err
				}
				again, err := s.dirStates(ctx, []string{id})
				if err != nil {
					return changed, err
				}
				st = again[id]
			}
		}
	}
	return changed, nil
}

var errEntryMoved = errors.New("directory entry changed meanwhile")

// syncEntry writes one residence's entry if it differs from what is stored.
func (s *Store) syncEntry(ctx context.Context, id string, st dirState) (bool, error) {
	e, keys, h, ok := st.want()
	var oldH string
	var oldKeys []string
	if st.stored != nil {
		oldH, oldKeys = st.stored.H, st.stored.Keys
	}
	if ok == (st.stored != nil) && h == oldH {
		return false, nil
	}
	if !ok && st.stored == nil {
		return false, nil
	}
	cond, vals := aws.String("attribute_not_exists(PK)"), map[string]types.AttributeValue(nil)
	if st.stored != nil {
		cond, vals = aws.String("h = :old"), map[string]types.AttributeValue{":old": str(oldH)}
	}
	var tx []types.TransactWriteItem
	keep := map[string]bool{}
	if ok {
		entry := directoryItemOf(e, dirEntryPfx+id)
		entry.H, entry.Keys = h, keys
		av, err := attributevalue.MarshalMap(entry)
		if err != nil {
			return false, fmt.Errorf("encode directory entry: %w", err)
		}
		tx = append(tx, types.TransactWriteItem{Put: &types.Put{TableName: &s.tenancy, Item: av,
			ConditionExpression: cond, ExpressionAttributeValues: vals}})
		for _, k := range keys {
			keep[k] = true
			av, err := attributevalue.MarshalMap(directoryItemOf(e, k))
			if err != nil {
				return false, fmt.Errorf("encode directory term: %w", err)
			}
			tx = append(tx, types.TransactWriteItem{Put: &types.Put{TableName: &s.tenancy, Item: av}})
		}
	} else {
		tx = append(tx, types.TransactWriteItem{Delete: &types.Delete{TableName: &s.tenancy, Key: keyOf(directoryPK, dirEntryPfx+id),
			ConditionExpression: cond, ExpressionAttributeValues: vals}})
	}
	for _, k := range oldKeys {
		if !keep[k] {
			tx = append(tx, types.TransactWriteItem{Delete: &types.Delete{TableName: &s.tenancy, Key: keyOf(directoryPK, k)}})
		}
	}
	_, err := s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: tx})
	if cancelled(err) != nil {
		return false, errEntryMoved
	}
	if err != nil {
		return false, fmt.Errorf("write directory entry: %w", err)
	}
	return true, nil
}

// dirStates reads, for each residence, its residence item, its emergency
// contact and its directory entry, in one BatchGetItem (at most 33 ids).
func (s *Store) dirStates(ctx context.Context, ids []string) (map[string]dirState, error) {
	keys := make([]map[string]types.AttributeValue, 0, 3*len(ids))
	for _, id := range ids {
		keys = append(keys, keyOf(residencePK(id), residenceSK), keyOf(residencePK(id), emergencySK), keyOf(directoryPK, dirEntryPfx+id))
	}
	out := make(map[string]dirState, len(ids))
	err := s.batchGet(ctx, s.tenancy, keys, "", "read directory state", func(it map[string]types.AttributeValue) error {
		var k struct{ PK, SK string }
		if err := attributevalue.UnmarshalMap(it, &k); err != nil {
			return fmt.Errorf("decode key: %w", err)
		}
		switch {
		case k.PK == directoryPK:
			var d directoryItem
			if err := attributevalue.UnmarshalMap(it, &d); err != nil {
				return fmt.Errorf("decode directory entry: %w", err)
			}
			id := strings.TrimPrefix(k.SK, dirEntryPfx)
			st := out[id]
			st.stored = &d
			out[id] = st
		case k.SK == residenceSK:
			var r residenceItem
			if err := attributevalue.UnmarshalMap(it, &r); err != nil {
				return fmt.Errorf("decode residence: %w", err)
			}
			id := strings.TrimPrefix(k.PK, "RESIDENCE#")
			st := out[id]
			st.residence = &r
			out[id] = st
		case k.SK == emergencySK:
			var c contactItem
			if err := attributevalue.UnmarshalMap(it, &c); err != nil {
				return fmt.Errorf("decode contact: %w", err)
			}
			id := strings.TrimPrefix(k.PK, "RESIDENCE#")
			st := out[id]
			st.emergency = &c
			out[id] = st
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// SearchDirectory returns the residences with a term starting with the
// folded prefix, each once, by town then name: one Query of the
// directory partition reading at most dirSearchRead items.
func (s *Store) SearchDirectory(ctx context.Context, prefix string, max int) ([]directory.Entry, bool, error) {
	in := &dynamodb.QueryInput{
		TableName:                 &s.tenancy,
		KeyConditionExpression:    aws.String("PK = :pk AND begins_with(SK, :p)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(directoryPK), ":p": str(dirTermPfx + prefix)},
		Limit:                     aws.Int32(dirSearchRead),
	}
	var out []directory.Entry
	seen := map[string]bool{}
	read := 0
	p := dynamodb.NewQueryPaginator(s.db, in)
	for p.HasMorePages() && read < dirSearchRead {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, false, fmt.Errorf("search directory: %w", err)
		}
		read += len(page.Items)
		for _, it := range page.Items {
			var d directoryItem
			if err := attributevalue.UnmarshalMap(it, &d); err != nil {
				return nil, false, fmt.Errorf("decode directory term: %w", err)
			}
			if seen[d.ResidenceID] {
				continue
			}
			if len(out) == max {
				byTown(out)
				return out, true, nil
			}
			seen[d.ResidenceID] = true
			out = append(out, d.entry())
		}
	}
	byTown(out)
	return out, p.HasMorePages(), nil
}

// byTown sorts entries by town, then residence name, as folded.
func byTown(es []directory.Entry) {
	sort.SliceStable(es, func(i, j int) bool {
		a, b := es[i], es[j]
		if fa, fb := directory.Fold(a.City), directory.Fold(b.City); fa != fb {
			return fa < fb
		}
		return directory.Fold(a.Residence) < directory.Fold(b.Residence)
	})
}

// Directory returns every entry, by town then residence name: one Query of
// the directory partition's RES# items (a few hundred bytes a residence:
// about 500 KB, one or two pages, for 2,000 residences).
func (s *Store) Directory(ctx context.Context) ([]directory.Entry, error) {
	items, err := queryAll[directoryItem](ctx, s.db, &dynamodb.QueryInput{
		TableName:                 &s.tenancy,
		KeyConditionExpression:    aws.String("PK = :pk AND begins_with(SK, :p)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(directoryPK), ":p": str(dirEntryPfx)},
		ProjectionExpression:      aws.String("residenceId, residence, postalCode, city, #n, phone, hours"),
		ExpressionAttributeNames:  map[string]string{"#n": "name"},
	})
	if err != nil {
		return nil, fmt.Errorf("list directory: %w", err)
	}
	out := make([]directory.Entry, len(items))
	for i, it := range items {
		out[i] = it.entry()
	}
	byTown(out)
	return out, nil
}

// contactRoles are the roles a residence's contacts can have (erp reads
// no other), so that the contacts a snapshot no longer lists are found by
// key, without a Query a residence.
var contactRoles = []tenancy.ContactRole{tenancy.Emergency, tenancy.TerritoryManager, tenancy.Landlord}

// DeleteContactsExcept deletes, for each residence of keep, its contacts
// whose roles are not kept (a contacts snapshot replaces the contacts of
// each residence it names), then refreshes the directory entries of the
// residences that lost one. Deleted counts the contacts deleted. It reads
// the candidate keys in batches (BatchGetItem), never a Query a residence.
func (s *Store) DeleteContactsExcept(ctx context.Context, keep map[string]map[tenancy.ContactRole]bool) (UpsertStats, error) {
	var st UpsertStats
	var candidates []hashedItem
	for id, roles := range keep {
		for _, role := range contactRoles {
			if !roles[role] {
				candidates = append(candidates, hashedItem{pk: residencePK(id), sk: contactPfx + string(role)})
			}
		}
	}
	var dels []types.WriteRequest
	var touched []string
	for start := 0; start < len(candidates); start += 100 {
		found, err := s.storedHashes(ctx, s.tenancy, candidates[start:min(start+100, len(candidates))])
		if err != nil {
			return st, err
		}
		for k := range found {
			pk, sk, _ := strings.Cut(k, "\x00")
			dels = append(dels, types.WriteRequest{DeleteRequest: &types.DeleteRequest{Key: keyOf(pk, sk)}})
			touched = append(touched, strings.TrimPrefix(pk, "RESIDENCE#"))
		}
	}
	if err := s.batchWrite(ctx, s.tenancy, dels); err != nil {
		return st, err
	}
	st.Deleted = len(dels)
	var err error
	st.Directory, err = s.RefreshDirectory(ctx, touched)
	return st, err
}

// upsertAndRefresh upserts residence or contact items, then refreshes the
// directory entries of their residences.
func (s *Store) upsertAndRefresh(ctx context.Context, items []hashedItem, residences []string) (UpsertStats, error) {
	st, err := s.upsert(ctx, s.tenancy, items)
	if err != nil {
		return st, err
	}
	st.Directory, err = s.RefreshDirectory(ctx, residences)
	return st, err
}

func ids[T any](xs []T, id func(T) string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = id(x)
	}
	return out
}
