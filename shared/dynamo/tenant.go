package dynamo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/citejardins/extranet/shared/account"
	"github.com/citejardins/extranet/shared/tenancy"
	"github.com/citejardins/extranet/shared/tenant"
)

var _ tenant.Store = (*Store)(nil)

// The paperless consent is the lease's: it lives in the lease's partition
// of the accounts table (ACCOUNT#<ref> / LEASEPREFS), with when and by
// which signatory it was last given or withdrawn. The notification address
// is each account's own, on its account item. Change requests live in the
// lease's partition too (REQUEST#<id>), so reading one by id is scoped to
// the lease by its key. Events for the ERP wait in an outbox partition
// (OUTBOX), written in the same transaction as the action they describe.

const (
	requestPfx = "REQUEST#"
	outboxPK   = "OUTBOX"
	// leasePrefsSK is the sort key of a lease's preferences item.
	leasePrefsSK = "LEASEPREFS"
)

// leasePrefsItem is the lease's paperless consent. Absent until a
// signatory first chooses.
type leasePrefsItem struct {
	Paperless      bool   `dynamodbav:"paperless"`
	PaperlessSince int64  `dynamodbav:"paperlessSince,omitempty"`
	PaperlessBy    string `dynamodbav:"paperlessBy,omitempty"`
}

// leasePrefs reads the lease's preferences item (the zero item when there
// is none).
func (s *Store) leasePrefs(ctx context.Context, ref string) (leasePrefsItem, error) {
	var lp leasePrefsItem
	if err := s.get(ctx, s.accounts, accountPK(ref), leasePrefsSK, &lp); err != nil && !errors.Is(err, account.ErrNotFound) {
		return leasePrefsItem{}, err
	}
	return lp, nil
}

// Preferences reads the lease's paperless consent and account k's
// notification address: two strongly consistent GetItems.
func (s *Store) Preferences(ctx context.Context, k account.Key) (tenant.Preferences, error) {
	var it accountItem
	if err := s.get(ctx, s.accounts, accountPK(k.Reference), accountSK(k.Signatory), &it); err != nil {
		if errors.Is(err, account.ErrNotFound) {
			return tenant.Preferences{}, tenant.ErrNotFound
		}
		return tenant.Preferences{}, err
	}
	lp, err := s.leasePrefs(ctx, k.Reference)
	if err != nil {
		return tenant.Preferences{}, err
	}
	p := tenant.Preferences{Paperless: lp.Paperless, Since: fromUnix(lp.PaperlessSince), By: lp.PaperlessBy,
		NotificationEmail: it.NotificationEmail, LoginEmail: it.Email}
	if p.NotificationEmail == "" {
		p.NotificationEmail = it.Email
	}
	if it.PendingEmailHash != "" {
		p.Pending = &tenant.PendingEmail{Email: it.PendingEmail, AskedAt: fromUnix(it.PendingEmailAt),
			ExpiresAt: fromUnix(it.PendingEmailExpires), LinkHash: it.PendingEmailHash}
	}
	return p, nil
}

type outboxItem struct {
	PK        string
	SK        string
	ID        string `dynamodbav:"id"`
	Type      string `dynamodbav:"type"`
	Reference string `dynamodbav:"reference"`
	At        string `dynamodbav:"at"`
	Data      string `dynamodbav:"data"` // JSON
}

func outboxSK(e tenant.Event) string { return e.At.UTC().Format(time.RFC3339Nano) + "#" + e.ID }

func (s *Store) outboxPut(e tenant.Event) (types.TransactWriteItem, error) {
	data, err := json.Marshal(e.Data)
	if err != nil {
		return types.TransactWriteItem{}, fmt.Errorf("encode event: %w", err)
	}
	av, err := attributevalue.MarshalMap(outboxItem{PK: outboxPK, SK: outboxSK(e), ID: e.ID, Type: e.Type,
		Reference: e.Reference, At: e.At.UTC().Format(time.RFC3339Nano), Data: string(data)})
	if err != nil {
		return types.TransactWriteItem{}, fmt.Errorf("encode event: %w", err)
	}
	return types.TransactWriteItem{Put: &types.Put{TableName: &s.accounts, Item: av}}, nil
}

// SetPreferences saves the preferences and their event (none when e.ID is
// empty) at once: the lease's consent on its LEASEPREFS item when it
// changes, the account's addresses on its account item (which must exist).
func (s *Store) SetPreferences(ctx context.Context, k account.Key, old, p tenant.Preferences, e tenant.Event) error {
	var tx []types.TransactWriteItem
	cond, values := consentAsRead(old)
	switch {
	case p.Paperless != old.Paperless || !p.Since.Equal(old.Since) || p.By != old.By:
		// The consent, its date and its author change together or not at
		// all: two devices (or two signatories) saving at once must not
		// leave a date that belongs to the other choice.
		values[":p"], values[":s"], values[":by"] = &types.AttributeValueMemberBOOL{Value: p.Paperless}, num(unix(p.Since)), str(p.By)
		tx = append(tx, types.TransactWriteItem{Update: &types.Update{TableName: &s.accounts,
			Key:                 keyOf(accountPK(k.Reference), leasePrefsSK),
			UpdateExpression:    aws.String("SET paperless = :p, paperlessSince = :s, paperlessBy = :by"),
			ConditionExpression: aws.String(cond), ExpressionAttributeValues: values}})
	case e.ID != "":
		// The event states the lease's consent too: it must still be the
		// one read, or the ERP would get, after another signatory's
		// change, an older consent than theirs.
		tx = append(tx, consentCheck(s.accounts, k.Reference, old))
	}
	cond = "attribute_exists(PK)"
	var sets []string
	values = map[string]types.AttributeValue{}
	// The address in use is written only when it changes, so that saving
	// the consent never puts back an address confirmed meanwhile.
	if p.NotificationEmail != old.NotificationEmail {
		sets = append(sets, "notificationEmail = :e")
		values[":e"] = str(p.NotificationEmail)
	}
	if old.Pending != nil || p.Pending != nil {
		if old.Pending == nil {
			cond += " AND (attribute_not_exists(pendingEmailHash) OR pendingEmailHash = :empty)"
			values[":empty"] = str("")
		} else {
			cond += " AND pendingEmailHash = :oph"
			values[":oph"] = str(old.Pending.LinkHash)
		}
		var pend tenant.PendingEmail // none: empty values (see DESIGN.md)
		if p.Pending != nil {
			pend = *p.Pending
		}
		sets = append(sets, "pendingEmail = :pe", "pendingEmailHash = :ph", "pendingEmailAt = :pa", "pendingEmailExpires = :px")
		values[":pe"], values[":ph"] = str(pend.Email), str(pend.LinkHash)
		values[":pa"], values[":px"] = num(unix(pend.AskedAt)), num(unix(pend.ExpiresAt))
	}
	if len(sets) > 0 {
		tx = append(tx, types.TransactWriteItem{Update: &types.Update{TableName: &s.accounts, Key: accountKey(k),
			UpdateExpression: aws.String("SET " + strings.Join(sets, ", ")), ConditionExpression: aws.String(cond),
			ExpressionAttributeValues: values}})
	} else {
		// The account must still exist (not deleted meanwhile).
		tx = append(tx, types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{TableName: &s.accounts, Key: accountKey(k),
			ConditionExpression: aws.String(cond)}})
	}
	if e.ID != "" {
		ev, err := s.outboxPut(e)
		if err != nil {
			return err
		}
		tx = append(tx, ev)
	}
	_, err := s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: tx})
	if cancelled(err) != nil {
		return tenant.ErrConflict
	}
	if err != nil {
		return fmt.Errorf("set preferences: %w", err)
	}
	return nil
}

// consentAsRead is the condition that the lease's LEASEPREFS item still
// holds the consent of p (absent or without a date when p has none), and
// its values.
func consentAsRead(p tenant.Preferences) (string, map[string]types.AttributeValue) {
	if p.Since.IsZero() {
		return "attribute_not_exists(paperlessSince) OR paperlessSince = :zero", map[string]types.AttributeValue{":zero": num(0)}
	}
	return "paperless = :op AND paperlessSince = :os", map[string]types.AttributeValue{
		":op": &types.AttributeValueMemberBOOL{Value: p.Paperless}, ":os": num(unix(p.Since))}
}

// consentCheck checks, in a transaction, that the lease's consent is still
// the one of p.
func consentCheck(table, ref string, p tenant.Preferences) types.TransactWriteItem {
	cond, values := consentAsRead(p)
	return types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{TableName: &table,
		Key: keyOf(accountPK(ref), leasePrefsSK), ConditionExpression: aws.String(cond), ExpressionAttributeValues: values}}
}

// ConfirmNotificationEmail uses the link, makes its pending address
// (p.NotificationEmail) the notification email and saves the event, in one
// transaction, on condition that the lease's consent is still p's, which
// the event states.
func (s *Store) ConfirmNotificationEmail(ctx context.Context, k account.Key, hash string, p tenant.Preferences, e tenant.Event, at time.Time) error {
	email := p.NotificationEmail
	ev, err := s.outboxPut(e)
	if err != nil {
		return err
	}
	_, err = s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Update: useToken(s.accounts, account.Token{Hash: hash}, at)},
		{Update: &types.Update{TableName: &s.accounts, Key: accountKey(k),
			UpdateExpression: aws.String("SET notificationEmail = :e, pendingEmail = :empty, pendingEmailHash = :empty, " +
				"pendingEmailAt = :zero, pendingEmailExpires = :zero"),
			ConditionExpression: aws.String("pendingEmailHash = :h AND pendingEmail = :e"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":e": str(email), ":h": str(hash),
				":empty": str(""), ":zero": num(0)}}},
		consentCheck(s.accounts, k.Reference, p),
		ev,
	}})
	if cancelled(err) != nil {
		return tenant.ErrConflict
	}
	if err != nil {
		return fmt.Errorf("confirm notification email: %w", err)
	}
	return nil
}

type requestItem struct {
	PK          string
	SK          string
	ID          string `dynamodbav:"id"`
	Reference   string `dynamodbav:"reference"`
	By          string `dynamodbav:"by,omitempty"`
	Kind        string `dynamodbav:"kind"`
	Text        string `dynamodbav:"text"`
	Status      string `dynamodbav:"status"`
	SubmittedAt int64  `dynamodbav:"submittedAt"`
	StartedAt   string `dynamodbav:"startedAt,omitempty"`
	DoneAt      string `dynamodbav:"doneAt,omitempty"`
}

func (it requestItem) domain() tenant.ChangeRequest {
	return tenant.ChangeRequest{ID: it.ID, Reference: it.Reference, By: it.By, Kind: tenant.RequestKind(it.Kind), Text: it.Text,
		Status: tenant.RequestStatus(it.Status), SubmittedAt: fromUnix(it.SubmittedAt),
		StartedAt: parseDate(it.StartedAt), DoneAt: parseDate(it.DoneAt)}
}

// AddChangeRequest saves a new request and its event at once.
func (s *Store) AddChangeRequest(ctx context.Context, r tenant.ChangeRequest, e tenant.Event) error {
	av, err := attributevalue.MarshalMap(requestItem{PK: accountPK(r.Reference), SK: requestPfx + r.ID, ID: r.ID,
		Reference: r.Reference, By: r.By, Kind: string(r.Kind), Text: r.Text, Status: string(r.Status), SubmittedAt: unix(r.SubmittedAt)})
	if err != nil {
		return fmt.Errorf("encode change request: %w", err)
	}
	ev, err := s.outboxPut(e)
	if err != nil {
		return err
	}
	_, err = s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Put: &types.Put{TableName: &s.accounts, Item: av, ConditionExpression: aws.String("attribute_not_exists(PK)")}},
		ev,
	}})
	if cancelled(err) != nil {
		return tenant.ErrConflict
	}
	if err != nil {
		return fmt.Errorf("add change request: %w", err)
	}
	return nil
}

// ChangeRequests lists a lease's requests.
func (s *Store) ChangeRequests(ctx context.Context, ref string) ([]tenant.ChangeRequest, error) {
	items, err := queryAll[requestItem](ctx, s.db, &dynamodb.QueryInput{
		TableName:                 &s.accounts,
		KeyConditionExpression:    aws.String("PK = :pk AND begins_with(SK, :p)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(accountPK(ref)), ":p": str(requestPfx)},
		ScanIndexForward:          aws.Bool(false),
	})
	if err != nil {
		return nil, fmt.Errorf("query change requests: %w", err)
	}
	out := make([]tenant.ChangeRequest, len(items))
	for i, it := range items {
		out[i] = it.domain()
	}
	return out, nil
}

// ChangeRequest reads one request of a lease by id: the lease is part of
// the key, so another lease's request is simply not found.
func (s *Store) ChangeRequest(ctx context.Context, ref, id string) (tenant.ChangeRequest, error) {
	if id == "" || len(id) > 64 || strings.ContainsAny(id, "#") {
		return tenant.ChangeRequest{}, tenant.ErrNotFound
	}
	var it requestItem
	if err := s.get(ctx, s.accounts, accountPK(ref), requestPfx+id, &it); err != nil {
		if errors.Is(err, account.ErrNotFound) {
			return tenant.ChangeRequest{}, tenant.ErrNotFound
		}
		return tenant.ChangeRequest{}, err
	}
	return it.domain(), nil
}

// SetRequestStatus records the landlord's progress on a request (from the
// ERP's import). The status only moves forward: a late "in progress" line
// does not undo "done". It reports whether anything changed.
func (s *Store) SetRequestStatus(ctx context.Context, ref, id string, status tenant.RequestStatus, on tenancy.Date) (bool, error) {
	r, err := s.ChangeRequest(ctx, ref, id)
	if err != nil {
		return false, err
	}
	var update string
	switch {
	case status == tenant.InProgress && r.Status == tenant.Submitted:
		update = "SET #st = :st, startedAt = :d"
	case status == tenant.Done && r.Status != tenant.Done:
		update = "SET #st = :st, doneAt = :d"
		if r.StartedAt.IsZero() {
			update += ", startedAt = :d"
		}
	default:
		return false, nil
	}
	_, err = s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: &s.accounts, Key: keyOf(accountPK(ref), requestPfx+id),
		UpdateExpression:          aws.String(update),
		ConditionExpression:       aws.String("#st = :old"),
		ExpressionAttributeNames:  map[string]string{"#st": "status"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":st": str(string(status)), ":d": str(on.String()), ":old": str(string(r.Status))}})
	if err != nil {
		return false, fmt.Errorf("set request status: %w", err)
	}
	return true, nil
}

// MarkPublished removes a published event from the outbox.
func (s *Store) MarkPublished(ctx context.Context, e tenant.Event) error {
	_, err := s.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: &s.accounts, Key: keyOf(outboxPK, outboxSK(e))})
	if err != nil {
		return fmt.Errorf("mark event published: %w", err)
	}
	return nil
}

// PendingEvents lists the events not yet published, oldest first.
func (s *Store) PendingEvents(ctx context.Context, limit int) ([]tenant.Event, error) {
	items, err := oldestFirst[outboxItem](ctx, s.db, s.accounts, outboxPK, limit)
	if err != nil {
		return nil, fmt.Errorf("query outbox: %w", err)
	}
	var evs []tenant.Event
	for _, it := range items {
		at, _ := time.Parse(time.RFC3339Nano, it.At)
		evs = append(evs, tenant.Event{ID: it.ID, Type: it.Type, Reference: it.Reference, At: at, Data: json.RawMessage(it.Data)})
	}
	return evs, nil
}
