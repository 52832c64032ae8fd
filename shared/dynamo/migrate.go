package dynamo

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// The migration of the accounts table from one account per lease (the
// version before issue 11: the account at ACCOUNT#<ref> / ACCOUNT, claims,
// tokens, sessions and mail jobs naming the lease only) to one account per
// signatory (DESIGN.md, "Migration from the layout per lease"). The previous
// version let only the lease's main signatory sign up, so each legacy
// account becomes the main signatory's, as the tenancy table names it.

// MigrationCount counts one kind of item: Moved to the new layout by this
// run, Skipped (already in the new layout, or nothing to name), Left as it
// was because its lease or the lease's main signatory was not found, or an
// account for that signatory already exists (never deleted: see
// MigrationReport.LeftLeases).
type MigrationCount struct {
	Moved   int `json:"moved"`
	Skipped int `json:"skipped"`
	Left    int `json:"left"`
}

// MigrationReport is what MigrateAccounts did, by kind of item.
type MigrationReport struct {
	Accounts MigrationCount `json:"accounts"`
	// Prefs counts the lease preferences (LEASEPREFS) written from a legacy
	// account's paperless consent.
	Prefs    int            `json:"leasePrefs"`
	Claims   MigrationCount `json:"emailClaims"`
	Tokens   MigrationCount `json:"tokens"`
	Sessions MigrationCount `json:"sessions"`
	MailJobs MigrationCount `json:"mailJobs"`
	// Other counts the items the migration has nothing to do with (change
	// requests, the outbox, counters, lease preferences).
	Other int `json:"other"`
	// LeftLeases are the references of the leases with items left as they
	// were, sorted (a reference is no personal data).
	LeftLeases []string `json:"leftLeases,omitempty"`
}

// migrateWrite is called before each write of the migration, with the
// written item's key; a test makes it fail after some writes to play a
// crash, or changes the item to play a request of the previous version.
var migrateWrite = func(pk, sk string) error { return nil }

// migrateScanLimit, when positive, is the Scan's page size (a test's, to
// read the table in several pages: the emulator has no 1 MB page).
var migrateScanLimit int32

// errNoSignatory: the lease or its main signatory is not in the tenancy
// table.
var errNoSignatory = errors.New("lease or main signatory not found")

// The attributes each legacy item may gain after it was read (by a request
// of the previous version still running): the writes that replace an item
// are conditioned on these being still absent, and on every attribute read
// being unchanged.
var (
	legacyAccountOptional = []string{"activatedAt", "activationHash", "paperlessSince", "notificationEmail",
		"pendingEmail", "pendingEmailHash", "pendingEmailAt", "pendingEmailExpires", "signatory"}
	legacyTokenOptional   = []string{"usedAt", "signatory"}
	legacySessionOptional = []string{"lastSeen", "bearer", "signatory"}
)

// LeasePrefsSK is the sort key of a lease's preferences, in the lease's
// accounts partition (ACCOUNT#<ref>).
const LeasePrefsSK = "LEASEPREFS"

// MigrateAccounts moves every item the previous version wrote to the layout
// of one account per signatory, and reports what it did. It reads the
// accounts table with one Scan, page by page, strongly consistent: a
// one-off job run after the deploy (the migrate function), the portal's only
// Scan. Each item moves in one write (an account: one transaction), so the
// run is idempotent and resumable: run again after a crash at any point,
// it skips what moved and moves the rest. Nothing is deleted without its
// replacement written in the same transaction.
func (s *Store) MigrateAccounts(ctx context.Context) (MigrationReport, error) {
	m := &migration{s: s, mains: map[string]string{}, created: map[string]bool{}}
	in := &dynamodb.ScanInput{TableName: &s.accounts, ConsistentRead: aws.Bool(true)}
	if migrateScanLimit > 0 {
		in.Limit = aws.Int32(migrateScanLimit)
	}
	p := dynamodb.NewScanPaginator(s.db, in)
	page, err := p.NextPage(ctx)
	for err == nil {
		// The next page is read before this one's items move: a page ends
		// at a key that starts the next, and may be a legacy account this
		// page deletes; minidyn finds nothing after a start key that is
		// gone (DynamoDB does), see DESIGN.md's emulator gaps.
		var next *dynamodb.ScanOutput
		if p.HasMorePages() {
			if next, err = p.NextPage(ctx); err != nil {
				break
			}
		}
		for _, it := range page.Items {
			if err := m.item(ctx, it); err != nil {
				return m.report(), err
			}
		}
		if next == nil {
			return m.report(), nil
		}
		page = next
	}
	return m.report(), fmt.Errorf("scan accounts: %w", err)
}

type migration struct {
	s     *Store
	mains map[string]string // lease reference → main signatory id ("" when not found)
	rep   MigrationReport
	left  map[string]bool
	// created are the keys this run wrote anew (accounts, LEASEPREFS),
	// which its Scan may meet later: not counted as found.
	created map[string]bool
}

func (m *migration) report() MigrationReport {
	r := m.rep
	for ref := range m.left {
		r.LeftLeases = append(r.LeftLeases, ref)
	}
	sort.Strings(r.LeftLeases)
	return r
}

func (m *migration) leave(c *MigrationCount, ref string) {
	c.Left++
	if m.left == nil {
		m.left = map[string]bool{}
	}
	m.left[ref] = true
}

func sAttr(it map[string]types.AttributeValue, name string) string {
	if v, ok := it[name].(*types.AttributeValueMemberS); ok {
		return v.Value
	}
	return ""
}

func (m *migration) item(ctx context.Context, it map[string]types.AttributeValue) error {
	pk, sk := sAttr(it, "PK"), sAttr(it, "SK")
	if m.created[pk+"|"+sk] {
		return nil
	}
	_, migrated := it["signatory"]
	var c *MigrationCount
	switch {
	case strings.HasPrefix(pk, "ACCOUNT#") && sk == "ACCOUNT":
		return m.account(ctx, pk, sk)
	case strings.HasPrefix(pk, "EMAIL#") && sk == "EMAIL":
		c = &m.rep.Claims
	case strings.HasPrefix(pk, "TOKEN#") && sk == "TOKEN":
		c = &m.rep.Tokens
	case strings.HasPrefix(pk, "SESSION#") && sk == "SESSION":
		c = &m.rep.Sessions
	case pk == MailJobPK:
		c = &m.rep.MailJobs
	case strings.HasPrefix(pk, "ACCOUNT#") && strings.HasPrefix(sk, "ACCOUNT#"):
		m.rep.Accounts.Skipped++
		return nil
	default:
		m.rep.Other++
		return nil
	}
	ref := sAttr(it, "reference")
	if migrated || ref == "" { // a mail job naming only an address names no account
		c.Skipped++
		return nil
	}
	sig, err := m.main(ctx, ref)
	if errors.Is(err, errNoSignatory) {
		m.leave(c, ref)
		return nil
	}
	if err != nil {
		return err
	}
	moved, err := m.tag(ctx, it, ref, sig, 0)
	if err != nil {
		return fmt.Errorf("migrate %s: %w", keyKind(pk), err)
	}
	if moved {
		c.Moved++
	} else {
		c.Skipped++
	}
	return nil
}

// main returns the main signatory of a lease: one strongly consistent
// Query of the lease's partition from "LEASE" (the lease, its balance, its
// signatories), once a lease.
func (m *migration) main(ctx context.Context, ref string) (string, error) {
	if sig, ok := m.mains[ref]; ok {
		if sig == "" {
			return "", errNoSignatory
		}
		return sig, nil
	}
	items, err := queryAll[struct {
		SK   string
		ID   string `dynamodbav:"id"`
		Main bool   `dynamodbav:"main"`
	}](ctx, m.s.db, &dynamodb.QueryInput{TableName: &m.s.tenancy,
		KeyConditionExpression:    aws.String("PK = :pk AND SK >= :lease"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(leasePK(ref)), ":lease": str(leaseSK)},
		ProjectionExpression:      aws.String("SK, id, main"),
		ConsistentRead:            aws.Bool(true)})
	if err != nil {
		return "", fmt.Errorf("query lease: %w", err)
	}
	lease, mains := false, []string{}
	for _, it := range items {
		switch {
		case it.SK == leaseSK:
			lease = true
		case strings.HasPrefix(it.SK, signatoryPfx) && it.Main && it.ID != "":
			mains = append(mains, it.ID)
		}
	}
	sig := ""
	if lease && len(mains) == 1 { // two mains: the ERP's data say no one; left for a person to decide
		sig = mains[0]
	}
	m.mains[ref] = sig
	if sig == "" {
		return "", errNoSignatory
	}
	return sig, nil
}

// tag gives an email claim, a token, a session or a mail job its
// signatory (tokens and sessions also their GSI1 keys naming the account),
// unless it changed since it was read. It reports whether it wrote.
func (m *migration) tag(ctx context.Context, it map[string]types.AttributeValue, ref, sig string, tries int) (bool, error) {
	pk, sk := sAttr(it, "PK"), sAttr(it, "SK")
	key := accountKeyString(ref, sig)
	if err := migrateWrite(pk, sk); err != nil {
		return false, err
	}
	var err error
	switch {
	case strings.HasPrefix(pk, "TOKEN#"), strings.HasPrefix(pk, "SESSION#"):
		// PutItem, not UpdateItem: minidyn's UpdateItem that adds GSI keys
		// corrupts the index (DESIGN.md, emulator gaps).
		optional := legacySessionOptional
		next := cloneItem(it)
		next["GSI1PK"] = str(accountPK(key))
		if strings.HasPrefix(pk, "TOKEN#") {
			optional = legacyTokenOptional
			next["GSI1SK"] = str(tokenGSI1SK(it))
		}
		next["signatory"] = str(sig)
		cond, names, values := unchanged(it, optional)
		_, err = m.s.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &m.s.accounts, Item: next,
			ConditionExpression: &cond, ExpressionAttributeNames: names, ExpressionAttributeValues: values})
	default: // claims and mail jobs are in no index
		_, err = m.s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: &m.s.accounts, Key: keyOf(pk, sk),
			UpdateExpression:          aws.String("SET signatory = :sig"),
			ConditionExpression:       aws.String("attribute_exists(PK) AND #ref = :ref AND attribute_not_exists(signatory)"),
			ExpressionAttributeNames:  map[string]string{"#ref": "reference"},
			ExpressionAttributeValues: map[string]types.AttributeValue{":sig": str(sig), ":ref": str(ref)}})
	}
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		// Changed, used or gone since the Scan read it (a claim moved to
		// another lease, a session ended): read it again and decide anew.
		if tries >= 5 {
			return false, errors.New("still changing after 5 tries")
		}
		return m.retag(ctx, pk, sk, tries+1)
	}
	if err != nil {
		return false, err
	}
	return true, nil
}

// retag reads an item that changed since the Scan and tags it again, if it
// still needs it.
func (m *migration) retag(ctx context.Context, pk, sk string, tries int) (bool, error) {
	res, err := m.s.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &m.s.accounts, Key: keyOf(pk, sk), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return false, err
	}
	if res.Item == nil {
		return false, nil
	}
	if _, ok := res.Item["signatory"]; ok {
		return false, nil
	}
	ref := sAttr(res.Item, "reference")
	if ref == "" {
		return false, nil
	}
	sig, err := m.main(ctx, ref)
	if err != nil {
		return false, err
	}
	return m.tag(ctx, res.Item, ref, sig, tries)
}

// account moves a legacy account (SK ACCOUNT) to ACCOUNT#<main signatory>
// in one transaction: the new item (all the legacy attributes but the
// paperless consent, plus signatory), the lease's preferences with that
// consent when it was ever given and the lease has none yet, and the legacy
// item's deletion, conditioned on it being as read. A cancelled transaction
// reads the legacy item again (a few times).
func (m *migration) account(ctx context.Context, pk, sk string) error {
	ref := strings.TrimPrefix(pk, "ACCOUNT#")
	sig, err := m.main(ctx, ref)
	if errors.Is(err, errNoSignatory) {
		m.leave(&m.rep.Accounts, ref)
		return nil
	}
	if err != nil {
		return err
	}
	for range 5 {
		legacy, err := m.s.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &m.s.accounts, Key: keyOf(pk, sk), ConsistentRead: aws.Bool(true)})
		if err != nil {
			return fmt.Errorf("read legacy account: %w", err)
		}
		if legacy.Item == nil { // moved by another run meanwhile
			m.rep.Accounts.Skipped++
			return nil
		}
		prefs, err := m.s.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &m.s.accounts, Key: keyOf(pk, LeasePrefsSK), ConsistentRead: aws.Bool(true)})
		if err != nil {
			return fmt.Errorf("read lease preferences: %w", err)
		}
		next := cloneItem(legacy.Item)
		next["SK"], next["signatory"] = str("ACCOUNT#"+sig), str(sig)
		delete(next, "paperless")
		delete(next, "paperlessSince")
		tx := []types.TransactWriteItem{{Put: &types.Put{TableName: &m.s.accounts, Item: next,
			ConditionExpression: aws.String("attribute_not_exists(PK)")}}}
		cond, names, values := unchanged(legacy.Item, legacyAccountOptional)
		tx = append(tx, types.TransactWriteItem{Delete: &types.Delete{TableName: &m.s.accounts, Key: keyOf(pk, sk),
			ConditionExpression: &cond, ExpressionAttributeNames: names, ExpressionAttributeValues: values}})
		wrotePrefs := false
		if p := leasePrefsOf(legacy.Item, pk, sig); p != nil && prefs.Item == nil {
			tx = append(tx, types.TransactWriteItem{Put: &types.Put{TableName: &m.s.accounts, Item: p,
				ConditionExpression: aws.String("attribute_not_exists(PK)")}})
			wrotePrefs = true
		}
		if err := migrateWrite(pk, sk); err != nil {
			return err
		}
		_, err = m.s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: tx})
		if failed := cancelled(err); failed != nil {
			if failed[0] {
				// The signatory already has an account (made by this
				// version before the migration ran): keep both, for a
				// person to decide.
				m.leave(&m.rep.Accounts, ref)
				return nil
			}
			continue // the legacy item or the preferences changed: read again
		}
		if err != nil {
			return fmt.Errorf("move account: %w", err)
		}
		m.rep.Accounts.Moved++
		m.created[pk+"|ACCOUNT#"+sig] = true
		if wrotePrefs {
			m.rep.Prefs++
			m.created[pk+"|"+LeasePrefsSK] = true
		}
		return nil
	}
	return fmt.Errorf("move account: still changing after 5 tries")
}

// leasePrefsOf is the LEASEPREFS item a legacy account's consent gives, or
// nil when the tenant never gave nor withdrew it (no date): the lease then
// has no preferences item, as a lease whose signatories never chose.
func leasePrefsOf(legacy map[string]types.AttributeValue, pk, sig string) map[string]types.AttributeValue {
	since, _ := legacy["paperlessSince"].(*types.AttributeValueMemberN)
	paperless, _ := legacy["paperless"].(*types.AttributeValueMemberBOOL)
	if (since == nil || since.Value == "0") && (paperless == nil || !paperless.Value) {
		return nil
	}
	p := map[string]types.AttributeValue{"PK": str(pk), "SK": str(LeasePrefsSK), "reference": legacy["reference"],
		"paperless": &types.AttributeValueMemberBOOL{Value: paperless != nil && paperless.Value}, "paperlessBy": str(sig)}
	if since != nil {
		p["paperlessSince"] = since
	}
	return p
}

// accountKeyString is account.Key{ref, sig}.String(): <ref>#<signatory id>.
func accountKeyString(ref, sig string) string { return ref + "#" + sig }

// tokenGSI1SK is a token's sort key in GSI1, as the sessions': TOKEN#<created
// unix seconds>#<8 first characters of its hash>.
func tokenGSI1SK(it map[string]types.AttributeValue) string {
	created := "0"
	if n, ok := it["createdAt"].(*types.AttributeValueMemberN); ok {
		created = n.Value
	}
	hash := strings.TrimPrefix(sAttr(it, "PK"), "TOKEN#")
	return "TOKEN#" + created + "#" + hash[:min(8, len(hash))]
}

func cloneItem(it map[string]types.AttributeValue) map[string]types.AttributeValue {
	out := make(map[string]types.AttributeValue, len(it)+4)
	for k, v := range it {
		out[k] = v
	}
	return out
}

// unchanged is a condition that the item is still as read: it exists, each
// attribute read has the value read, and each optional attribute it did
// not have is still absent.
func unchanged(it map[string]types.AttributeValue, optional []string) (string, map[string]string, map[string]types.AttributeValue) {
	names := map[string]string{}
	values := map[string]types.AttributeValue{}
	parts := []string{"attribute_exists(PK)"}
	keys := make([]string, 0, len(it))
	for k := range it {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for i, k := range keys {
		if k == "PK" || k == "SK" {
			continue
		}
		n, v := "#a"+strconv.Itoa(i), ":v"+strconv.Itoa(i)
		names[n], values[v] = k, it[k]
		parts = append(parts, n+" = "+v)
	}
	for i, k := range optional {
		if _, ok := it[k]; ok {
			continue
		}
		n := "#o" + strconv.Itoa(i)
		names[n] = k
		parts = append(parts, "attribute_not_exists("+n+")")
	}
	return strings.Join(parts, " AND "), names, values
}
