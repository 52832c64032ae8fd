package dynamo

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/citejardins/extranet/shared/account"
)

// Store is the DynamoDB implementation of the portal's stores.
type Store struct {
	db       *dynamodb.Client
	tenancy  string
	accounts string
}

var (
	_ account.Store   = (*Store)(nil)
	_ account.Counter = (*Store)(nil)
)

// Tables names the tables, as the template's outputs give them.
type Tables struct {
	Tenancy  string
	Accounts string
}

// New returns a store on the given client and tables.
func New(db *dynamodb.Client, t Tables) *Store {
	return &Store{db: db, tenancy: t.Tenancy, accounts: t.Accounts}
}

// GSI1 is the accounts table's index listing an account's sessions and
// tokens (GSI1PK = ACCOUNT#<ref>#<signatory id>).
const GSI1 = "GSI1"

func str(s string) types.AttributeValue { return &types.AttributeValueMemberS{Value: s} }

func num(n int64) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(n, 10)}
}

// queryAll runs a Query to its last page and decodes every item as T.
func queryAll[T any](ctx context.Context, db *dynamodb.Client, in *dynamodb.QueryInput) ([]T, error) {
	p := dynamodb.NewQueryPaginator(db, in)
	var out []T
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, av := range page.Items {
			var it T
			if err := attributevalue.UnmarshalMap(av, &it); err != nil {
				return nil, fmt.Errorf("decode: %w", err)
			}
			out = append(out, it)
		}
	}
	return out, nil
}

// oldestFirst reads up to limit items of one partition in sort-key order
// (queues whose keys start with a time), strongly consistent, as T.
func oldestFirst[T any](ctx context.Context, db *dynamodb.Client, table, pk string, limit int) ([]T, error) {
	out, err := db.Query(ctx, &dynamodb.QueryInput{
		TableName:                 &table,
		KeyConditionExpression:    aws.String("PK = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(pk)},
		Limit:                     aws.Int32(int32(limit)),
		ConsistentRead:            aws.Bool(true),
	})
	if err != nil {
		return nil, err
	}
	items := make([]T, 0, len(out.Items))
	for _, av := range out.Items {
		var it T
		if err := attributevalue.UnmarshalMap(av, &it); err != nil {
			return nil, fmt.Errorf("decode: %w", err)
		}
		items = append(items, it)
	}
	return items, nil
}

func keyOf(pk, sk string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{"PK": str(pk), "SK": str(sk)}
}

// --- accounts -------------------------------------------------------------

type accountItem struct {
	PK                string
	SK                string
	Reference         string `dynamodbav:"reference"`
	Signatory         string `dynamodbav:"signatory"`
	Email             string `dynamodbav:"email"`
	EmailKey          string `dynamodbav:"emailKey"`
	PasswordHash      string `dynamodbav:"passwordHash"`
	Status            string `dynamodbav:"status"`
	ActivationHash    string `dynamodbav:"activationHash,omitempty"`
	SessionGeneration int    `dynamodbav:"sessionGen"`
	NotificationEmail string `dynamodbav:"notificationEmail,omitempty"`
	// A notification email waiting for its link; empty (never removed:
	// see DESIGN.md) when none.
	PendingEmail        string `dynamodbav:"pendingEmail,omitempty"`
	PendingEmailHash    string `dynamodbav:"pendingEmailHash,omitempty"`
	PendingEmailAt      int64  `dynamodbav:"pendingEmailAt,omitempty"`
	PendingEmailExpires int64  `dynamodbav:"pendingEmailExpires,omitempty"`
	CreatedAt           int64  `dynamodbav:"createdAt"`
	ActivatedAt         int64  `dynamodbav:"activatedAt,omitempty"`
	// EmailChanges counts the login email changes; undoneChanges (not read
	// here) holds the numbers of those that recoveries undid
	// (Store.RecoverAccount).
	EmailChanges int `dynamodbav:"emailChanges,omitempty"`
}

// accountPK is the partition of a lease's accounts, preferences and change
// requests.
func accountPK(ref string) string { return "ACCOUNT#" + ref }

// accountSkPfx starts the sort key of every account of a lease
// (ACCOUNT#<signatory id>); the legacy SK "ACCOUNT" of the layout per
// lease does not match it.
const accountSkPfx = "ACCOUNT#"

// accountSK is the sort key of a signatory's account.
func accountSK(signatory string) string { return accountSkPfx + signatory }

// accountKey is the item key of the account k.
func accountKey(k account.Key) map[string]types.AttributeValue {
	return keyOf(accountPK(k.Reference), accountSK(k.Signatory))
}

// accountGSI1PK is the index partition of an account's sessions and
// tokens: ACCOUNT#<ref>#<signatory id>.
func accountGSI1PK(k account.Key) string { return "ACCOUNT#" + k.String() }

func unix(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

func fromUnix(s int64) time.Time {
	if s == 0 {
		return time.Time{}
	}
	return time.Unix(s, 0).UTC()
}

func (a accountItem) domain() account.Account {
	return account.Account{Reference: a.Reference, Signatory: a.Signatory, Email: a.Email, PasswordHash: a.PasswordHash,
		Status: account.Status(a.Status), ActivationHash: a.ActivationHash, SessionGeneration: a.SessionGeneration,
		NotificationEmail: a.NotificationEmail, EmailChanges: a.EmailChanges,
		CreatedAt: fromUnix(a.CreatedAt), ActivatedAt: fromUnix(a.ActivatedAt)}
}

func itemOf(a account.Account) accountItem {
	return accountItem{PK: accountPK(a.Reference), SK: accountSK(a.Signatory), Reference: a.Reference, Signatory: a.Signatory,
		Email: a.Email, EmailKey: account.EmailKey(a.Email), PasswordHash: a.PasswordHash, Status: string(a.Status),
		ActivationHash: a.ActivationHash, SessionGeneration: a.SessionGeneration, EmailChanges: a.EmailChanges,
		CreatedAt: unix(a.CreatedAt), ActivatedAt: unix(a.ActivatedAt)}
}

// Account reads the account of signatory k.Signatory on lease
// k.Reference; account.ErrNotFound when there is none (an empty signatory
// never names one).
func (s *Store) Account(ctx context.Context, k account.Key) (account.Account, error) {
	if k.Reference == "" || k.Signatory == "" {
		return account.Account{}, account.ErrNotFound
	}
	var it accountItem
	if err := s.get(ctx, s.accounts, accountPK(k.Reference), accountSK(k.Signatory), &it); err != nil {
		return account.Account{}, err
	}
	return it.domain(), nil
}

// Listed reports whether the lease k.Reference still lists signatory
// k.Signatory: one strongly consistent Query of the tenancy table,
// PK = LEASE#<ref> AND SK = SIGNATORY#<id> (a Query, which every
// function's policy allows on that table, rather than a GetItem).
func (s *Store) Listed(ctx context.Context, k account.Key) (bool, error) {
	if k.Reference == "" || k.Signatory == "" {
		return false, nil
	}
	out, err := s.db.Query(ctx, &dynamodb.QueryInput{
		TableName:              &s.tenancy,
		KeyConditionExpression: aws.String("PK = :pk AND SK = :sk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": str(leasePK(k.Reference)), ":sk": str(signatoryPfx + k.Signatory)},
		ProjectionExpression: aws.String("PK"),
		ConsistentRead:       aws.Bool(true),
	})
	if err != nil {
		return false, fmt.Errorf("query signatory: %w", err)
	}
	return len(out.Items) > 0, nil
}

// AccountsOf lists the accounts of a lease whose signatory the lease still
// lists (one that left it gets none of its mails), pending ones included,
// in signatory id order: one strongly consistent Query of
// PK = ACCOUNT#<ref> AND begins_with(SK, "ACCOUNT#") (access pattern 2),
// and one of the lease's SIGNATORY# keys (listedOnly).
func (s *Store) AccountsOf(ctx context.Context, ref string) ([]account.Account, error) {
	items, err := queryAll[accountItem](ctx, s.db, &dynamodb.QueryInput{
		TableName:                 &s.accounts,
		KeyConditionExpression:    aws.String("PK = :pk AND begins_with(SK, :p)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(accountPK(ref)), ":p": str(accountSkPfx)},
		ConsistentRead:            aws.Bool(true),
	})
	if err != nil {
		return nil, fmt.Errorf("query accounts: %w", err)
	}
	return s.listedOnly(ctx, ref, items)
}

// listedOnly keeps, of a lease's account items, those whose signatory the
// lease still lists (the ERP's last import), as accounts: one Query of the
// tenancy table's SIGNATORY# keys of the lease, none when there is no
// account.
func (s *Store) listedOnly(ctx context.Context, ref string, items []accountItem) ([]account.Account, error) {
	if len(items) == 0 {
		return nil, nil
	}
	keys, err := s.sortKeys(ctx, leasePK(ref), signatoryPfx)
	if err != nil {
		return nil, err
	}
	out := make([]account.Account, 0, len(items))
	for _, it := range items {
		if slices.Contains(keys, signatoryPfx+it.Signatory) {
			out = append(out, it.domain())
		}
	}
	return out, nil
}

type emailItem struct {
	PK        string
	SK        string
	Reference string `dynamodbav:"reference"`
	Signatory string `dynamodbav:"signatory"`
}

func emailPK(email string) string { return "EMAIL#" + account.EmailKey(email) }

// AccountByEmail finds an account by its email, whatever the case.
func (s *Store) AccountByEmail(ctx context.Context, email string) (account.Account, error) {
	var claim emailItem
	if err := s.get(ctx, s.accounts, emailPK(email), "EMAIL", &claim); err != nil {
		return account.Account{}, err
	}
	acc, err := s.Account(ctx, account.Key{Reference: claim.Reference, Signatory: claim.Signatory})
	if err != nil {
		return account.Account{}, err
	}
	if account.EmailKey(acc.Email) != account.EmailKey(email) {
		// A claim left behind by an email change: not this account's email.
		return account.Account{}, account.ErrNotFound
	}
	return acc, nil
}

func (s *Store) get(ctx context.Context, table, pk, sk string, out any) error {
	res, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &table, Key: keyOf(pk, sk), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return fmt.Errorf("get %s: %w", keyKind(sk), err)
	}
	if res.Item == nil {
		return account.ErrNotFound
	}
	if err := attributevalue.UnmarshalMap(res.Item, out); err != nil {
		return fmt.Errorf("decode %s: %w", keyKind(sk), err)
	}
	return nil
}

// keyKind is what an error may say of a key: its kind (REQUEST of
// REQUEST#<id>), never the id, which may come from a request's path and
// would end in a log line.
func keyKind(k string) string {
	kind, _, _ := strings.Cut(k, "#")
	return kind
}

type tokenItem struct {
	PK        string
	SK        string
	GSI1PK    string `dynamodbav:",omitempty"`
	GSI1SK    string `dynamodbav:",omitempty"`
	Purpose   string `dynamodbav:"purpose"`
	Reference string `dynamodbav:"reference"`
	Signatory string `dynamodbav:"signatory"`
	CreatedAt int64  `dynamodbav:"createdAt"`
	ExpiresAt int64  `dynamodbav:"expiresAt"`
	UsedAt    int64  `dynamodbav:"usedAt,omitempty"`
	Gen       int    `dynamodbav:"gen"`
	// Email: the address a login email link confirms, or a recovery link
	// gives back.
	Email string `dynamodbav:"email,omitempty"`
	// EmailChange: the login email change a recovery link undoes.
	EmailChange int `dynamodbav:"emailChange,omitempty"`
}

func tokenPK(hash string) string { return "TOKEN#" + hash }

// hashHead is the start of a hash, which orders index keys of the same
// second (eight characters, or fewer if the hash is shorter).
func hashHead(h string) string { return h[:min(8, len(h))] }

// ttlSlack keeps expired items a while after their expiry, so that "this
// link has expired" can still be told apart from "this link is unknown".
const ttlSlack = 7 * 24 * time.Hour

func tokenPut(table string, t account.Token) (*types.Put, error) {
	k := account.Key{Reference: t.Reference, Signatory: t.Signatory}
	av, err := attributevalue.MarshalMap(tokenItem{PK: tokenPK(t.Hash), SK: "TOKEN",
		GSI1PK: accountGSI1PK(k), GSI1SK: fmt.Sprintf("TOKEN#%d#%s", t.CreatedAt.Unix(), hashHead(t.Hash)),
		Purpose: string(t.Purpose), Reference: t.Reference, Signatory: t.Signatory, CreatedAt: unix(t.CreatedAt), ExpiresAt: t.ExpiresAt.Add(ttlSlack).Unix(), Gen: t.Generation, Email: t.Email, EmailChange: t.EmailChange})
	if err != nil {
		return nil, fmt.Errorf("encode token: %w", err)
	}
	// Hashes are 256 random bits: a collision means a bug, never overwrite.
	return &types.Put{TableName: aws.String(table), Item: av, ConditionExpression: aws.String("attribute_not_exists(PK)")}, nil
}

// SavePending writes a pending account, its email claim, its activation
// token and the mail jobs given in one transaction.
func (s *Store) SavePending(ctx context.Context, acc account.Account, previous *account.Account, tok account.Token, also ...account.MailJob) error {
	if acc.Reference == "" || acc.Signatory == "" || tok.Signatory != acc.Signatory || tok.Reference != acc.Reference {
		return errors.New("save pending account: an account and its token need the same lease and signatory")
	}
	av, err := attributevalue.MarshalMap(itemOf(acc))
	if err != nil {
		return fmt.Errorf("encode account: %w", err)
	}
	accPut := &types.Put{TableName: &s.accounts, Item: av}
	if previous == nil {
		accPut.ConditionExpression = aws.String("attribute_not_exists(PK)")
	} else {
		// Replace only the pending request we read: not an account activated
		// or replaced meanwhile.
		accPut.ConditionExpression = aws.String("#st = :pending AND activationHash = :prev")
		accPut.ExpressionAttributeNames = map[string]string{"#st": "status"}
		accPut.ExpressionAttributeValues = map[string]types.AttributeValue{
			":pending": str(string(account.Pending)), ":prev": str(previous.ActivationHash)}
	}
	claim, err := attributevalue.MarshalMap(emailItem{PK: emailPK(acc.Email), SK: "EMAIL", Reference: acc.Reference, Signatory: acc.Signatory})
	if err != nil {
		return fmt.Errorf("encode email claim: %w", err)
	}
	tokPut, err := tokenPut(s.accounts, tok)
	if err != nil {
		return err
	}
	tx := []types.TransactWriteItem{
		{Put: accPut},
		{Put: &types.Put{TableName: &s.accounts, Item: claim,
			ConditionExpression:       aws.String("attribute_not_exists(PK) OR (#ref = :ref AND signatory = :sig)"),
			ExpressionAttributeNames:  map[string]string{"#ref": "reference"},
			ExpressionAttributeValues: map[string]types.AttributeValue{":ref": str(acc.Reference), ":sig": str(acc.Signatory)}}},
		{Put: tokPut},
	}
	if previous != nil && account.EmailKey(previous.Email) != account.EmailKey(acc.Email) {
		tx = append(tx, types.TransactWriteItem{Delete: &types.Delete{TableName: &s.accounts,
			Key:                       keyOf(emailPK(previous.Email), "EMAIL"),
			ConditionExpression:       aws.String("attribute_not_exists(PK) OR (#ref = :ref AND signatory = :sig)"),
			ExpressionAttributeNames:  map[string]string{"#ref": "reference"},
			ExpressionAttributeValues: map[string]types.AttributeValue{":ref": str(acc.Reference), ":sig": str(acc.Signatory)}}})
	}
	for _, j := range also {
		av, err := mailJobAV(j)
		if err != nil {
			return err
		}
		tx = append(tx, types.TransactWriteItem{Put: &types.Put{TableName: &s.accounts, Item: av}})
	}
	_, err = s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: tx})
	if failed := cancelled(err); failed != nil {
		if failed[1] {
			return account.ErrEmailTaken
		}
		return account.ErrConflict
	}
	if err != nil {
		return fmt.Errorf("save pending account: %w", err)
	}
	return nil
}

// cancelled returns which items of a cancelled transaction failed their
// condition, or nil when err is not a cancelled transaction.
func cancelled(err error) map[int]bool {
	var tce *types.TransactionCanceledException
	if !errors.As(err, &tce) {
		return nil
	}
	failed := map[int]bool{}
	for i, r := range tce.CancellationReasons {
		if aws.ToString(r.Code) == "ConditionalCheckFailed" {
			failed[i] = true
		}
	}
	if len(failed) == 0 {
		failed[-1] = true // cancelled for another reason (conflict between transactions)
	}
	return failed
}

// RenewActivation stores a new activation token and makes it the account's
// only valid one.
func (s *Store) RenewActivation(ctx context.Context, k account.Key, tok account.Token) error {
	tokPut, err := tokenPut(s.accounts, tok)
	if err != nil {
		return err
	}
	_, err = s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Update: &types.Update{TableName: &s.accounts, Key: accountKey(k),
			UpdateExpression:          aws.String("SET activationHash = :h"),
			ConditionExpression:       aws.String("#st = :pending"),
			ExpressionAttributeNames:  map[string]string{"#st": "status"},
			ExpressionAttributeValues: map[string]types.AttributeValue{":h": str(tok.Hash), ":pending": str(string(account.Pending))}}},
		{Put: tokPut},
	}})
	if cancelled(err) != nil {
		return account.ErrConflict
	}
	if err != nil {
		return fmt.Errorf("renew activation: %w", err)
	}
	return nil
}

// Token reads a token by its hash.
func (s *Store) Token(ctx context.Context, hash string) (account.Token, error) {
	var it tokenItem
	if err := s.get(ctx, s.accounts, tokenPK(hash), "TOKEN", &it); err != nil {
		return account.Token{}, err
	}
	return account.Token{Hash: hash, Purpose: account.Purpose(it.Purpose), Reference: it.Reference, Signatory: it.Signatory,
		CreatedAt: fromUnix(it.CreatedAt), ExpiresAt: fromUnix(it.ExpiresAt).Add(-ttlSlack), UsedAt: fromUnix(it.UsedAt),
		Generation: it.Gen, Email: it.Email, EmailChange: it.EmailChange}, nil
}

// PutToken stores a new token.
func (s *Store) PutToken(ctx context.Context, tok account.Token) error {
	p, err := tokenPut(s.accounts, tok)
	if err != nil {
		return err
	}
	// Only while the account exists: a link made by a job that read the
	// account just before its deletion would outlive the deletion's cleanup.
	_, err = s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Put: p},
		{ConditionCheck: &types.ConditionCheck{TableName: &s.accounts, Key: accountKey(tokenAccount(tok)),
			ConditionExpression: aws.String("attribute_exists(PK)")}},
	}})
	if failed := cancelled(err); failed != nil && failed[1] {
		return account.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("put token: %w", err)
	}
	return nil
}

func useToken(table string, tok account.Token, at time.Time) *types.Update {
	return &types.Update{TableName: aws.String(table), Key: keyOf(tokenPK(tok.Hash), "TOKEN"),
		UpdateExpression:          aws.String("SET usedAt = :at"),
		ConditionExpression:       aws.String("attribute_exists(PK) AND attribute_not_exists(usedAt)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":at": num(at.Unix())}}
}

// tokenAccount is the key of the account a token serves.
func tokenAccount(t account.Token) account.Key {
	return account.Key{Reference: t.Reference, Signatory: t.Signatory}
}

// Activate uses the token and activates the account in one transaction.
func (s *Store) Activate(ctx context.Context, tok account.Token, at time.Time) error {
	_, err := s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Update: useToken(s.accounts, tok, at)},
		{Update: &types.Update{TableName: &s.accounts, Key: accountKey(tokenAccount(tok)),
			UpdateExpression:         aws.String("SET #st = :active, activatedAt = :at REMOVE activationHash"),
			ConditionExpression:      aws.String("#st = :pending AND activationHash = :h"),
			ExpressionAttributeNames: map[string]string{"#st": "status"},
			ExpressionAttributeValues: map[string]types.AttributeValue{":active": str(string(account.Active)),
				":pending": str(string(account.Pending)), ":h": str(tok.Hash), ":at": num(at.Unix())}}},
	}})
	if cancelled(err) != nil {
		return account.ErrConflict
	}
	if err != nil {
		return fmt.Errorf("activate: %w", err)
	}
	return nil
}

// ResetPassword uses the token, sets the password, bumps the session
// generation and voids a pending notification email's link, in one
// transaction.
func (s *Store) ResetPassword(ctx context.Context, tok account.Token, hash string, at time.Time) error {
	_, err := s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Update: useToken(s.accounts, tok, at)},
		{Update: &types.Update{TableName: &s.accounts, Key: accountKey(tokenAccount(tok)),
			UpdateExpression: aws.String("SET passwordHash = :h, " + voidPendingEmail + " ADD sessionGen :one"),
			// Only an account created at or before the token: never one
			// deleted and signed up again under the same key since.
			ConditionExpression: aws.String("attribute_exists(PK) AND sessionGen = :gen AND createdAt <= :made"),
			ExpressionAttributeValues: withVoidPendingEmail(map[string]types.AttributeValue{":h": str(hash), ":one": num(1),
				":gen": num(int64(tok.Generation)), ":made": num(tok.CreatedAt.Unix())})}},
	}})
	if cancelled(err) != nil {
		return account.ErrConflict
	}
	if err != nil {
		return fmt.Errorf("reset password: %w", err)
	}
	return nil
}
