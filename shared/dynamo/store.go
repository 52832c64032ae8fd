package dynamo

import (
	"context"
	"errors"
	"fmt"
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

// GSI1 is the accounts table's index listing an account's sessions.
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
	Email             string `dynamodbav:"email"`
	EmailKey          string `dynamodbav:"emailKey"`
	PasswordHash      string `dynamodbav:"passwordHash"`
	Status            string `dynamodbav:"status"`
	ActivationHash    string `dynamodbav:"activationHash,omitempty"`
	SessionGeneration int    `dynamodbav:"sessionGen"`
	Paperless         bool   `dynamodbav:"paperless"`
	PaperlessSince    int64  `dynamodbav:"paperlessSince,omitempty"`
	NotificationEmail string `dynamodbav:"notificationEmail,omitempty"`
	// A notification email waiting for its link; empty (never removed:
	// see DESIGN.md) when none.
	PendingEmail        string `dynamodbav:"pendingEmail,omitempty"`
	PendingEmailHash    string `dynamodbav:"pendingEmailHash,omitempty"`
	PendingEmailAt      int64  `dynamodbav:"pendingEmailAt,omitempty"`
	PendingEmailExpires int64  `dynamodbav:"pendingEmailExpires,omitempty"`
	CreatedAt           int64  `dynamodbav:"createdAt"`
	ActivatedAt         int64  `dynamodbav:"activatedAt,omitempty"`
}

func accountPK(ref string) string { return "ACCOUNT#" + ref }

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
	return account.Account{Reference: a.Reference, Email: a.Email, PasswordHash: a.PasswordHash,
		Status: account.Status(a.Status), ActivationHash: a.ActivationHash, SessionGeneration: a.SessionGeneration,
		Paperless: a.Paperless, PaperlessSince: fromUnix(a.PaperlessSince), NotificationEmail: a.NotificationEmail,
		CreatedAt: fromUnix(a.CreatedAt), ActivatedAt: fromUnix(a.ActivatedAt)}
}

func itemOf(a account.Account) accountItem {
	return accountItem{PK: accountPK(a.Reference), SK: "ACCOUNT", Reference: a.Reference, Email: a.Email,
		EmailKey: account.EmailKey(a.Email), PasswordHash: a.PasswordHash, Status: string(a.Status),
		ActivationHash: a.ActivationHash, SessionGeneration: a.SessionGeneration, Paperless: a.Paperless,
		PaperlessSince: unix(a.PaperlessSince), CreatedAt: unix(a.CreatedAt), ActivatedAt: unix(a.ActivatedAt)}
}

// Account reads the account of a lease.
func (s *Store) Account(ctx context.Context, ref string) (account.Account, error) {
	var it accountItem
	if err := s.get(ctx, s.accounts, accountPK(ref), "ACCOUNT", &it); err != nil {
		return account.Account{}, err
	}
	return it.domain(), nil
}

type emailItem struct {
	PK        string
	SK        string
	Reference string `dynamodbav:"reference"`
}

func emailPK(email string) string { return "EMAIL#" + account.EmailKey(email) }

// AccountByEmail finds an account by its email, whatever the case.
func (s *Store) AccountByEmail(ctx context.Context, email string) (account.Account, error) {
	var claim emailItem
	if err := s.get(ctx, s.accounts, emailPK(email), "EMAIL", &claim); err != nil {
		return account.Account{}, err
	}
	acc, err := s.Account(ctx, claim.Reference)
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
	Purpose   string `dynamodbav:"purpose"`
	Reference string `dynamodbav:"reference"`
	CreatedAt int64  `dynamodbav:"createdAt"`
	ExpiresAt int64  `dynamodbav:"expiresAt"`
	UsedAt    int64  `dynamodbav:"usedAt,omitempty"`
	Gen       int    `dynamodbav:"gen"`
	// GSI1PK and GSI1SK list the token with its account's sessions, so that
	// a deleted account's tokens can be found (profile.go).
	GSI1PK string `dynamodbav:",omitempty"`
	GSI1SK string `dynamodbav:",omitempty"`
}

func tokenPK(hash string) string { return "TOKEN#" + hash }

// ttlSlack keeps expired items a while after their expiry, so that "this
// link has expired" can still be told apart from "this link is unknown".
const ttlSlack = 7 * 24 * time.Hour

func tokenPut(table string, t account.Token) (*types.Put, error) {
	av, err := attributevalue.MarshalMap(tokenItem{PK: tokenPK(t.Hash), SK: "TOKEN", Purpose: string(t.Purpose),
		Reference: t.Reference, CreatedAt: unix(t.CreatedAt), ExpiresAt: t.ExpiresAt.Add(ttlSlack).Unix(), Gen: t.Generation,
		GSI1PK: accountPK(t.Reference), GSI1SK: fmt.Sprintf("TOKEN#%d#%.8s", t.CreatedAt.Unix(), t.Hash)})
	if err != nil {
		return nil, fmt.Errorf("encode token: %w", err)
	}
	// Hashes are 256 random bits: a collision means a bug, never overwrite.
	return &types.Put{TableName: aws.String(table), Item: av, ConditionExpression: aws.String("attribute_not_exists(PK)")}, nil
}

// SavePending writes a pending account, its email claim, its activation
// token and the mail jobs given in one transaction.
func (s *Store) SavePending(ctx context.Context, acc account.Account, previous *account.Account, tok account.Token, also ...account.MailJob) error {
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
	claim, err := attributevalue.MarshalMap(emailItem{PK: emailPK(acc.Email), SK: "EMAIL", Reference: acc.Reference})
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
			ConditionExpression:       aws.String("attribute_not_exists(PK) OR #ref = :ref"),
			ExpressionAttributeNames:  map[string]string{"#ref": "reference"},
			ExpressionAttributeValues: map[string]types.AttributeValue{":ref": str(acc.Reference)}}},
		{Put: tokPut},
	}
	if previous != nil && account.EmailKey(previous.Email) != account.EmailKey(acc.Email) {
		tx = append(tx, types.TransactWriteItem{Delete: &types.Delete{TableName: &s.accounts,
			Key:                       keyOf(emailPK(previous.Email), "EMAIL"),
			ConditionExpression:       aws.String("attribute_not_exists(PK) OR #ref = :ref"),
			ExpressionAttributeNames:  map[string]string{"#ref": "reference"},
			ExpressionAttributeValues: map[string]types.AttributeValue{":ref": str(acc.Reference)}}})
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
func (s *Store) RenewActivation(ctx context.Context, ref string, tok account.Token) error {
	tokPut, err := tokenPut(s.accounts, tok)
	if err != nil {
		return err
	}
	_, err = s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Update: &types.Update{TableName: &s.accounts, Key: keyOf(accountPK(ref), "ACCOUNT"),
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
	return account.Token{Hash: hash, Purpose: account.Purpose(it.Purpose), Reference: it.Reference,
		CreatedAt: fromUnix(it.CreatedAt), ExpiresAt: fromUnix(it.ExpiresAt).Add(-ttlSlack), UsedAt: fromUnix(it.UsedAt),
		Generation: it.Gen}, nil
}

// PutToken stores a new token.
func (s *Store) PutToken(ctx context.Context, tok account.Token) error {
	p, err := tokenPut(s.accounts, tok)
	if err != nil {
		return err
	}
	_, err = s.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: p.TableName, Item: p.Item, ConditionExpression: p.ConditionExpression})
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

// Activate uses the token and activates the account in one transaction.
func (s *Store) Activate(ctx context.Context, tok account.Token, at time.Time) error {
	_, err := s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Update: useToken(s.accounts, tok, at)},
		{Update: &types.Update{TableName: &s.accounts, Key: keyOf(accountPK(tok.Reference), "ACCOUNT"),
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
		{Update: &types.Update{TableName: &s.accounts, Key: keyOf(accountPK(tok.Reference), "ACCOUNT"),
			UpdateExpression:          aws.String("SET passwordHash = :h, " + voidPendingEmail + " ADD sessionGen :one"),
			ConditionExpression:       aws.String("attribute_exists(PK) AND sessionGen = :gen"),
			ExpressionAttributeValues: withVoidPendingEmail(map[string]types.AttributeValue{":h": str(hash), ":one": num(1), ":gen": num(int64(tok.Generation))})}},
	}})
	if cancelled(err) != nil {
		return account.ErrConflict
	}
	if err != nil {
		return fmt.Errorf("reset password: %w", err)
	}
	return nil
}
