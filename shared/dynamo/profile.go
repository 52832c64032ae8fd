package dynamo

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/citejardins/extranet/shared/account"
	"github.com/citejardins/extranet/shared/tenant"
)

// "Mon profil" (account.Profiles): the login email's link, its swap, the
// account's deletion and the list of its sessions. See DESIGN.md.

var _ account.ProfileStore = (*Store)(nil)

// PutLoginEmailLink puts the link's token with the address it confirms and
// makes it the account's only valid login email link
// (pendingLoginHash), in one transaction, if the account is still acc.
func (s *Store) PutLoginEmailLink(ctx context.Context, acc account.Account, tok account.Token, email string) error {
	tokPut, err := tokenPut(s.accounts, tok)
	if err != nil {
		return err
	}
	tokPut.Item["email"] = str(email)
	_, err = s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Put: tokPut},
		{Update: &types.Update{TableName: &s.accounts, Key: accountKey(acc.Key()),
			UpdateExpression:    aws.String("SET pendingLoginHash = :h"),
			ConditionExpression: aws.String("attribute_exists(PK) AND createdAt = :c AND sessionGen = :gen"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":h": str(tok.Hash), ":c": num(unix(acc.CreatedAt)),
				":gen": num(int64(acc.SessionGeneration))}}},
	}})
	if cancelled(err) != nil {
		return account.ErrConflict
	}
	if err != nil {
		return fmt.Errorf("put login email link: %w", err)
	}
	return nil
}

// LoginEmailLink reads a login email link's token and its address.
func (s *Store) LoginEmailLink(ctx context.Context, hash string) (account.Token, string, error) {
	tok, err := s.Token(ctx, hash)
	if err != nil {
		return account.Token{}, "", err
	}
	var it struct {
		Email string `dynamodbav:"email"`
	}
	if err := s.get(ctx, s.accounts, tokenPK(hash), "TOKEN", &it); err != nil {
		return account.Token{}, "", err
	}
	return tok, it.Email, nil
}

// claimCondition keeps a claim that is another account's.
func (s *Store) claimCondition(k account.Key) (*string, map[string]string, map[string]types.AttributeValue) {
	return aws.String("attribute_not_exists(PK) OR (#ref = :ref AND signatory = :sig)"), map[string]string{"#ref": "reference"},
		map[string]types.AttributeValue{":ref": str(k.Reference), ":sig": str(k.Signatory)}
}

// claimSwap makes email acc's login email in the claims: its claim Put
// (first, only if free or acc's: a failure there is "taken"), then the
// current address's Delete (only if still acc's) when the two differ.
func (s *Store) claimSwap(acc account.Account, email string) ([]types.TransactWriteItem, error) {
	cond, names, vals := s.claimCondition(acc.Key())
	claim, err := attributevalue.MarshalMap(emailItem{PK: emailPK(email), SK: "EMAIL", Reference: acc.Reference, Signatory: acc.Signatory})
	if err != nil {
		return nil, fmt.Errorf("encode email claim: %w", err)
	}
	tx := []types.TransactWriteItem{{Put: &types.Put{TableName: &s.accounts, Item: claim, ConditionExpression: cond,
		ExpressionAttributeNames: names, ExpressionAttributeValues: vals}}}
	if account.EmailKey(email) != account.EmailKey(acc.Email) {
		tx = append(tx, types.TransactWriteItem{Delete: &types.Delete{TableName: &s.accounts,
			Key: keyOf(emailPK(acc.Email), "EMAIL"), ConditionExpression: cond,
			ExpressionAttributeNames: names, ExpressionAttributeValues: vals}})
	}
	return tx, nil
}

// ConfirmLoginEmail swaps the login email in one transaction: the token
// used once, the account's email (conditioned on the link being its
// current one, its generation and its old email), the old claim deleted
// and the new one put (each only if free or the account's), and the event.
func (s *Store) ConfirmLoginEmail(ctx context.Context, acc account.Account, tok account.Token, email string, ev account.ProfileEvent, at time.Time) error {
	swap, err := s.claimSwap(acc, email)
	if err != nil {
		return err
	}
	tx := []types.TransactWriteItem{
		{Update: useToken(s.accounts, tok, at)},
		{Update: &types.Update{TableName: &s.accounts, Key: accountKey(acc.Key()),
			UpdateExpression:    aws.String("SET email = :e, emailKey = :k, pendingLoginHash = :empty ADD emailChanges :one"),
			ConditionExpression: aws.String("pendingLoginHash = :h AND sessionGen = :gen AND email = :old AND createdAt = :c"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":e": str(email), ":k": str(account.EmailKey(email)),
				":empty": str(""), ":h": str(tok.Hash), ":gen": num(int64(tok.Generation)), ":old": str(acc.Email),
				":c": num(unix(acc.CreatedAt)), ":one": num(1)}}},
	}
	const claimItem = 2 // swap's first item
	tx = append(tx, swap...)
	if ev.Type != "" {
		put, err := s.outboxPut(tenantEvent(ev))
		if err != nil {
			return err
		}
		tx = append(tx, put)
	}
	_, err = s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: tx})
	if failed := cancelled(err); failed != nil {
		if failed[claimItem] {
			return account.ErrEmailTaken
		}
		return account.ErrConflict
	}
	if err != nil {
		return fmt.Errorf("confirm login email: %w", err)
	}
	return nil
}

// RecoverAccount gives tok.Email back to acc as its login email, with a
// new password, in one transaction: the token used once; the account's
// email, password hash and next session generation, its notification
// address dropped (notices go to the login email: a taker may have set
// theirs), with its pending login and notification email links voided
// (conditioned on the account still being acc: same creation, email and
// count of changes); tok.Email's claim put
// and the current address's deleted (each only if free or the account's);
// and the event.
//
// The account keeps the numbers of every change a recovery undid, from
// the link's (tok.EmailChange) to the last (acc.EmailChanges), in a number
// set (undoneChanges) that each recovery adds to: a recovery link of such a
// change was sent to an address the account had during a takeover, the
// taker's, and is refused (ErrConflict), so that the taker cannot take the
// account back with it, even after a later recovery (a single remembered
// span, overwritten by the next recovery, let it serve again). A link of an
// earlier change (an older, legitimate address) or a later one still
// serves. Numbers, not times: a script makes several changes within a
// second.
func (s *Store) RecoverAccount(ctx context.Context, acc account.Account, tok account.Token, passwordHash string, ev account.ProfileEvent, at time.Time) error {
	swap, err := s.claimSwap(acc, tok.Email)
	if err != nil {
		return err
	}
	// The set is read first, and the update conditioned on it: "NOT
	// contains" alone would do in DynamoDB, where contains is false on a
	// missing attribute, but the emulator refuses contains on one.
	var undone struct {
		Changes []int `dynamodbav:"undoneChanges,numberset"`
	}
	switch err := s.get(ctx, s.accounts, accountPK(acc.Reference), accountSK(acc.Signatory), &undone); {
	case errors.Is(err, account.ErrNotFound):
		return account.ErrConflict
	case err != nil:
		return fmt.Errorf("recover account: %w", err)
	case slices.Contains(undone.Changes, tok.EmailChange):
		return account.ErrConflict
	}
	squat, err := s.pendingClaim(ctx, acc.Key(), tok.Email)
	if err != nil {
		return fmt.Errorf("recover account: %w", err)
	}
	undoneCond := "attribute_not_exists(undoneChanges)"
	if len(undone.Changes) > 0 {
		undoneCond = "NOT contains(undoneChanges, :n)"
	}
	tx := []types.TransactWriteItem{
		{Update: useToken(s.accounts, tok, at)},
		{Update: &types.Update{TableName: &s.accounts, Key: accountKey(acc.Key()),
			UpdateExpression: aws.String("SET email = :e, emailKey = :k, passwordHash = :h, pendingLoginHash = :empty, notificationEmail = :empty, " +
				voidPendingEmail + " ADD sessionGen :one, undoneChanges :undone"),
			// Not sessionGen: a taker changing the password in a loop
			// would keep the recovery failing; the email and the count of
			// changes are what the claims and the set depend on.
			ConditionExpression: aws.String("email = :cur AND createdAt = :c AND emailChanges = :last AND " +
				undoneCond),
			ExpressionAttributeValues: withVoidPendingEmail(map[string]types.AttributeValue{":e": str(tok.Email), ":k": str(account.EmailKey(tok.Email)),
				":h": str(passwordHash), ":one": num(1), ":cur": str(acc.Email),
				":c": num(unix(acc.CreatedAt)), ":n": num(int64(tok.EmailChange)), ":last": num(int64(acc.EmailChanges)),
				":undone": undoneChanges(tok.EmailChange, acc.EmailChanges)})}},
	}
	if len(undone.Changes) == 0 {
		delete(tx[1].Update.ExpressionAttributeValues, ":n")
	}
	const claimItem = 2 // swap's first item
	if squat != nil {
		// The claim is taken over from the pending sign-up, which goes.
		_, names, vals := s.claimCondition(squat.Key())
		swap[0].Put.ConditionExpression = aws.String("#ref = :ref AND signatory = :sig")
		swap[0].Put.ExpressionAttributeNames, swap[0].Put.ExpressionAttributeValues = names, vals
		swap = append(swap, types.TransactWriteItem{Delete: &types.Delete{TableName: &s.accounts, Key: accountKey(squat.Key()),
			ConditionExpression:      aws.String("#st = :pending AND createdAt = :c AND emailKey = :k"),
			ExpressionAttributeNames: map[string]string{"#st": "status"},
			ExpressionAttributeValues: map[string]types.AttributeValue{":pending": str(string(account.Pending)),
				":c": num(unix(squat.CreatedAt)), ":k": str(account.EmailKey(tok.Email))}}})
	}
	tx = append(tx, swap...)
	if ev.Type != "" {
		put, err := s.outboxPut(tenantEvent(ev))
		if err != nil {
			return err
		}
		tx = append(tx, put)
	}
	_, err = s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: tx})
	if failed := cancelled(err); failed != nil {
		if failed[claimItem] && squat == nil {
			return account.ErrEmailTaken
		}
		return account.ErrConflict // with a squat, read again
	}
	if err != nil {
		return fmt.Errorf("recover account: %w", err)
	}
	return nil
}

// pendingClaim is the account, other than k, whose claim holds email when
// it is a pending sign-up for that address; nil when the address is free,
// k's or an active account's. A pending sign-up never proved it holds the
// address (its activation link went there), and one that someone who took
// an account makes with its old address must not defeat the recovery link
// mailed to that address: RecoverAccount takes its claim over and deletes
// it.
func (s *Store) pendingClaim(ctx context.Context, k account.Key, email string) (*account.Account, error) {
	var claim emailItem
	switch err := s.get(ctx, s.accounts, emailPK(email), "EMAIL", &claim); {
	case errors.Is(err, account.ErrNotFound):
		return nil, nil
	case err != nil:
		return nil, err
	case claim.Reference == k.Reference && claim.Signatory == k.Signatory:
		return nil, nil
	}
	var other accountItem
	switch err := s.get(ctx, s.accounts, accountPK(claim.Reference), accountSK(claim.Signatory), &other); {
	case errors.Is(err, account.ErrNotFound):
		return nil, nil
	case err != nil:
		return nil, err
	case other.Status != string(account.Pending) || account.EmailKey(other.Email) != account.EmailKey(email):
		return nil, nil
	}
	acc := other.domain()
	return &acc, nil
}

// undoneChanges is the number set of the login email changes from..last
// (from alone if last is smaller: a set is never empty).
func undoneChanges(from, last int) types.AttributeValue {
	ns := []string{strconv.Itoa(from)}
	for n := from + 1; n <= last; n++ {
		ns = append(ns, strconv.Itoa(n))
	}
	return &types.AttributeValueMemberNS{Value: ns}
}

func tenantEvent(e account.ProfileEvent) tenant.Event {
	return tenant.Event{ID: e.ID, Type: e.Type, Reference: e.Reference, At: e.At, Data: e.Data}
}

// DeleteAccount deletes the account (if it is still acc: same creation)
// and its email claim (if still the account's), and puts the event, in one
// transaction.
func (s *Store) DeleteAccount(ctx context.Context, acc account.Account, ev account.ProfileEvent) error {
	cond, names, vals := s.claimCondition(acc.Key())
	tx := []types.TransactWriteItem{
		{Delete: &types.Delete{TableName: &s.accounts, Key: accountKey(acc.Key()),
			ConditionExpression:       aws.String("attribute_exists(PK) AND createdAt = :c AND email = :e"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":c": num(unix(acc.CreatedAt)), ":e": str(acc.Email)}}},
		{Delete: &types.Delete{TableName: &s.accounts, Key: keyOf(emailPK(acc.Email), "EMAIL"), ConditionExpression: cond,
			ExpressionAttributeNames: names, ExpressionAttributeValues: vals}},
	}
	if ev.Type != "" {
		put, err := s.outboxPut(tenantEvent(ev))
		if err != nil {
			return err
		}
		tx = append(tx, put)
	}
	_, err := s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: tx})
	if cancelled(err) != nil {
		return account.ErrConflict
	}
	if err != nil {
		return fmt.Errorf("delete account: %w", err)
	}
	return nil
}

// DeleteAccountItems deletes the sessions and tokens GSI1 lists for the
// account, created at or before until. Each delete is conditioned on the
// item itself (its GSI1PK and creation), read strongly by DynamoDB: the
// index is eventually consistent and the emulator's may list stale keys.
func (s *Store) DeleteAccountItems(ctx context.Context, acc account.Account, until time.Time) (int, error) {
	pk := accountGSI1PK(acc.Key())
	keys, err := queryAll[struct{ PK, SK string }](ctx, s.db, &dynamodb.QueryInput{
		TableName: &s.accounts, IndexName: aws.String(GSI1),
		KeyConditionExpression:    aws.String("GSI1PK = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(pk)},
		ProjectionExpression:      aws.String("PK, SK"),
	})
	if err != nil {
		return 0, fmt.Errorf("list sessions and tokens: %w", err)
	}
	n := 0
	for _, k := range keys {
		_, err := s.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: &s.accounts, Key: keyOf(k.PK, k.SK),
			ConditionExpression:       aws.String("GSI1PK = :pk AND createdAt <= :until"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(pk), ":until": num(until.Unix())}})
		var failed *types.ConditionalCheckFailedException
		switch {
		case errors.As(err, &failed):
			continue // gone already, or another account's
		case err != nil:
			return n, fmt.Errorf("delete %s: %w", keyKind(k.PK), err)
		}
		n++
	}
	return n, nil
}

// Sessions lists the account's sessions through GSI1, each read again
// strongly, newest first.
func (s *Store) Sessions(ctx context.Context, acc account.Account) ([]account.Session, error) {
	keys, err := queryAll[struct{ PK, SK string }](ctx, s.db, &dynamodb.QueryInput{
		TableName: &s.accounts, IndexName: aws.String(GSI1),
		KeyConditionExpression:    aws.String("GSI1PK = :pk AND begins_with(GSI1SK, :s)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(accountGSI1PK(acc.Key())), ":s": str("SESSION#")},
		ProjectionExpression:      aws.String("PK, SK"),
	})
	if err != nil {
		return nil, fmt.Errorf("list sessions: %w", err)
	}
	var out []account.Session
	for _, k := range keys {
		if len(k.PK) <= len("SESSION#") {
			continue
		}
		ss, err := s.Session(ctx, k.PK[len("SESSION#"):])
		if errors.Is(err, account.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if ss.Reference != acc.Reference || ss.Signatory != acc.Signatory {
			continue
		}
		out = append(out, ss)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].CreatedAt.After(out[j].CreatedAt) })
	return out, nil
}
