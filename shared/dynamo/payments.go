package dynamo

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/citejardins/extranet/shared/account"
	"github.com/citejardins/extranet/shared/payment"
	"github.com/citejardins/extranet/shared/tenancy"
	"github.com/citejardins/extranet/shared/tenant"
)

var _ payment.Store = (*Store)(nil)

// Online payments (DESIGN.md, patterns 19 and 20): the payment item
// CHECKOUT#<id> in its lease's partition, each provider event PAYEVENT#<id>
// recorded once, and the payment's provisional ledger entries, all written
// in one transaction with the lease's balance and the ERP's outbox.

const (
	checkoutPfx = "CHECKOUT#"
	payEventPfx = "PAYEVENT#"
	// payEventTTL keeps a provider event longer than the provider retries
	// it (Stripe: 3 days).
	payEventTTL = 90 * 24 * time.Hour
)

type paymentItem struct {
	PK                string `dynamodbav:"PK"`
	SK                string `dynamodbav:"SK"`
	ID                string `dynamodbav:"id"`
	Reference         string `dynamodbav:"reference"`
	AmountCents       int64  `dynamodbav:"amountCents"`
	Currency          string `dynamodbav:"currency"`
	Status            string `dynamodbav:"status"`
	CreatedAt         string `dynamodbav:"createdAt"`
	CheckoutID        string `dynamodbav:"checkoutId"`
	CheckoutURL       string `dynamodbav:"checkoutUrl"`
	CheckoutExpiresAt string `dynamodbav:"checkoutExpiresAt"`
	ProviderPaymentID string `dynamodbav:"providerPaymentId"`
	PaidCents         int64  `dynamodbav:"paidCents"`
	PaidAt            string `dynamodbav:"paidAt"`
	RefundedCents     int64  `dynamodbav:"refundedCents"`
	Flag              string `dynamodbav:"flag"`
	CreditedCents     int64  `dynamodbav:"creditedCents"`
	EntryDate         string `dynamodbav:"entryDate"`
	RefundEntryDate   string `dynamodbav:"refundEntryDate"`
	// The rest of the events' facts (payment.Facts), so that the next
	// event's state is computed from all of them.
	Paid                  bool   `dynamodbav:"paid"`
	PaidProviderPaymentID string `dynamodbav:"paidProviderPaymentId"`
	PaidCheckoutID        string `dynamodbav:"paidCheckoutId"`
	PaidCurrency          string `dynamodbav:"paidCurrency"`
	PaidReference         string `dynamodbav:"paidReference"`
	Conflict              bool   `dynamodbav:"conflict"`
	Failed                bool   `dynamodbav:"failed"`
	Expired               bool   `dynamodbav:"expired"`
	// SettledBy is written by the ERP import only (pattern 11).
	SettledBy string `dynamodbav:"settledBy,omitempty"`
	Version   int64  `dynamodbav:"version"`
}

func instant(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func parseInstant(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}

func paymentItemOf(p payment.Payment) paymentItem {
	f := p.Facts
	return paymentItem{PK: leasePK(p.Reference), SK: checkoutPfx + p.ID, ID: p.ID, Reference: p.Reference,
		AmountCents: p.AmountCents, Currency: p.Currency, Status: string(p.Status), CreatedAt: instant(p.CreatedAt),
		CheckoutID: p.CheckoutID, CheckoutURL: p.CheckoutURL, CheckoutExpiresAt: instant(p.CheckoutExpiresAt),
		ProviderPaymentID: f.ProviderPaymentID, PaidCents: f.PaidCents, PaidAt: instant(f.PaidAt), RefundedCents: f.RefundedCents,
		Flag: p.Flag, CreditedCents: p.CreditedCents, EntryDate: p.EntryDate, RefundEntryDate: p.RefundEntryDate,
		Paid: f.Paid, PaidProviderPaymentID: f.PaidProviderPaymentID, PaidCheckoutID: f.PaidCheckoutID, PaidCurrency: f.PaidCurrency, PaidReference: f.PaidReference, Conflict: f.Conflict, Failed: f.Failed,
		Expired: f.Expired, SettledBy: p.SettledBy, Version: p.Version}
}

func (it paymentItem) payment() payment.Payment {
	f := payment.Facts{Paid: it.Paid, PaidProviderPaymentID: it.PaidProviderPaymentID, PaidCheckoutID: it.PaidCheckoutID, PaidCents: it.PaidCents, PaidCurrency: it.PaidCurrency, PaidReference: it.PaidReference,
		PaidAt: parseInstant(it.PaidAt), ProviderPaymentID: it.ProviderPaymentID, Conflict: it.Conflict, Failed: it.Failed,
		Expired: it.Expired, RefundedCents: it.RefundedCents}
	return payment.Payment{ID: it.ID, Reference: it.Reference, AmountCents: it.AmountCents, Currency: it.Currency,
		Status: payment.Status(it.Status), CreatedAt: parseInstant(it.CreatedAt), CheckoutID: it.CheckoutID,
		CheckoutURL: it.CheckoutURL, CheckoutExpiresAt: parseInstant(it.CheckoutExpiresAt), ProviderPaymentID: it.ProviderPaymentID,
		PaidCents: it.PaidCents, PaidAt: f.PaidAt, RefundedCents: it.RefundedCents, Flag: it.Flag, Facts: f,
		CreditedCents: it.CreditedCents, EntryDate: it.EntryDate, RefundEntryDate: it.RefundEntryDate, SettledBy: it.SettledBy,
		Version: it.Version}
}

// Payment reads a lease's payment, strongly: payment.ErrNotFound.
func (s *Store) Payment(ctx context.Context, ref, id string) (payment.Payment, error) {
	var it paymentItem
	if err := s.get(ctx, s.tenancy, leasePK(ref), checkoutPfx+id, &it); err != nil {
		if errors.Is(err, account.ErrNotFound) {
			return payment.Payment{}, payment.ErrNotFound
		}
		return payment.Payment{}, err
	}
	return it.payment(), nil
}

// CreatePayment puts a new payment, once: payment.ErrExists.
func (s *Store) CreatePayment(ctx context.Context, p payment.Payment) error {
	av, err := attributevalue.MarshalMap(paymentItemOf(p))
	if err != nil {
		return fmt.Errorf("encode payment: %w", err)
	}
	_, err = s.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &s.tenancy, Item: av,
		ConditionExpression: aws.String("attribute_not_exists(PK)")})
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		return payment.ErrExists
	}
	if err != nil {
		return fmt.Errorf("put payment: %w", err)
	}
	return nil
}

// ReleasePayment deletes a payment that is still a claim of its
// Idempotency-Key (version 1, no page): its request was refused (the
// limit, the provider) or gave up. Nil when it is no longer a claim, or
// gone.
func (s *Store) ReleasePayment(ctx context.Context, ref, id string) error {
	_, err := s.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: &s.tenancy, Key: keyOf(leasePK(ref), checkoutPfx+id),
		ConditionExpression:       aws.String("version = :one AND checkoutUrl = :none"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":one": num(1), ":none": str("")}})
	var ccf *types.ConditionalCheckFailedException
	if err != nil && !errors.As(err, &ccf) {
		return fmt.Errorf("release payment: %w", err)
	}
	return nil
}

// SetCheckout stores the payment's hosted page if its version is the one
// read: payment.ErrVersion.
func (s *Store) SetCheckout(ctx context.Context, p payment.Payment) error {
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: &s.tenancy, Key: keyOf(leasePK(p.Reference), checkoutPfx+p.ID),
		UpdateExpression:    aws.String("SET checkoutId = :id, checkoutUrl = :url, checkoutExpiresAt = :exp, version = :next"),
		ConditionExpression: aws.String("version = :v"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":id": str(p.CheckoutID), ":url": str(p.CheckoutURL),
			":exp": str(instant(p.CheckoutExpiresAt)), ":v": num(p.Version), ":next": num(p.Version + 1)}})
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		return payment.ErrVersion
	}
	if err != nil {
		return fmt.Errorf("set checkout: %w", err)
	}
	return nil
}

// Payments lists a lease's payments (one Query of CHECKOUT#).
func (s *Store) Payments(ctx context.Context, ref string) ([]payment.Payment, error) {
	items, err := queryAll[paymentItem](ctx, s.db, &dynamodb.QueryInput{TableName: &s.tenancy,
		KeyConditionExpression:    aws.String("PK = :pk AND begins_with(SK, :p)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(leasePK(ref)), ":p": str(checkoutPfx)}})
	if err != nil {
		return nil, fmt.Errorf("query payments: %w", err)
	}
	out := make([]payment.Payment, len(items))
	for i, it := range items {
		out[i] = it.payment()
	}
	return out, nil
}

// EventSeen says whether a provider event is recorded.
func (s *Store) EventSeen(ctx context.Context, eventID string) (bool, error) {
	res, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &s.tenancy, Key: keyOf(payEventPfx+eventID, "PAYEVENT"),
		ConsistentRead: aws.Bool(true), ProjectionExpression: aws.String("PK")})
	if err != nil {
		return false, fmt.Errorf("get provider event: %w", err)
	}
	return res.Item != nil, nil
}

// PaymentEvent is a recorded provider event, as tests and the landlord
// read it.
type PaymentEvent struct {
	ID        string `dynamodbav:"id"`
	Type      string `dynamodbav:"type"`
	PaymentID string `dynamodbav:"paymentId"`
	Reference string `dynamodbav:"reference"`
	Outcome   string `dynamodbav:"outcome"`
	At        string `dynamodbav:"at"`
}

// ApplyEvent writes a provider event's effect in one transaction:
// PAYEVENT#<id> (attribute_not_exists), the payment (version read; and
// not settled when its entries change), the provisional entries, the
// balance and the ERP events; with the confirmation mail job. Errors:
// payment.ErrDuplicateEvent, payment.ErrVersion (also for a conflict
// between transactions: read again and retry).
func (s *Store) ApplyEvent(ctx context.Context, w payment.Write) error {
	e := w.Event
	ev, err := attributevalue.MarshalMap(struct {
		PK string `dynamodbav:"PK"`
		SK string `dynamodbav:"SK"`
		PaymentEvent
		ExpiresAt int64 `dynamodbav:"expiresAt"`
	}{PK: payEventPfx + e.ID, SK: "PAYEVENT", PaymentEvent: PaymentEvent{ID: e.ID, Type: string(e.Type), PaymentID: e.PaymentID,
		Reference: e.Reference, Outcome: string(w.Outcome), At: instant(w.At)}, ExpiresAt: w.At.Add(payEventTTL).Unix()})
	if err != nil {
		return fmt.Errorf("encode provider event: %w", err)
	}
	tx := []types.TransactWriteItem{{Put: &types.Put{TableName: &s.tenancy, Item: ev,
		ConditionExpression: aws.String("attribute_not_exists(PK)")}}}
	spanAt := -2 // the balance update's index when it is conditioned on the span read
	if w.After != nil {
		up, err := s.paymentUpdate(*w.After, w.Before.Version, len(w.Entries) > 0)
		if err != nil {
			return err
		}
		tx = append(tx, up)
		ref := w.After.Reference
		for _, c := range w.Entries {
			sk := entryPfx + c.Date + "#" + c.ID
			if c.Delete {
				tx = append(tx, types.TransactWriteItem{Delete: &types.Delete{TableName: &s.tenancy, Key: keyOf(leasePK(ref), sk)}})
				continue
			}
			it := entryItemOf(ref, tenancy.Entry{ID: c.ID, Date: parseDate(c.Date), Label: c.Label, Kind: tenancy.PaymentReceived,
				DebitCents: c.DebitCents, CreditCents: c.CreditCents})
			av, err := attributevalue.MarshalMap(it)
			if err != nil {
				return fmt.Errorf("encode entry: %w", err)
			}
			av["provisional"] = &types.AttributeValueMemberBOOL{Value: true}
			av["paymentId"] = str(w.After.ID)
			tx = append(tx, types.TransactWriteItem{Put: &types.Put{TableName: &s.tenancy, Item: av}})
		}
		if w.BalanceDeltaCents != 0 || len(w.Entries) > 0 {
			// ADD makes the balance item of a lease that had no ledger line
			// yet, as SyncEntries does.
			update := "ADD balanceCents :d"
			values := map[string]types.AttributeValue{":d": num(w.BalanceDeltaCents)}
			var sets []string
			if w.Confirm && w.After.EntryDate != "" {
				// Mon compte's "dernier paiement": this one, until the ERP's
				// next import says otherwise.
				sets = append(sets, "lastPaymentDate = :pd", "lastPaymentCents = :pc")
				values[":pd"], values[":pc"] = str(w.After.EntryDate), num(w.After.Facts.PaidCents)
			}
			span, cond, err := s.entrySpanUpdate(ctx, ref, w.Entries, values)
			if err != nil {
				return err
			}
			sets = append(sets, span...)
			if len(sets) > 0 {
				update += " SET " + strings.Join(sets, ", ")
			}
			up := &types.Update{TableName: &s.tenancy, Key: keyOf(leasePK(ref), leaseAccountSK),
				UpdateExpression: aws.String(update), ExpressionAttributeValues: values}
			if cond != "" {
				up.ConditionExpression, spanAt = aws.String(cond), len(tx)
			}
			tx = append(tx, types.TransactWriteItem{Update: up})
		}
	}
	for _, o := range w.Outbox {
		put, err := s.outboxPut(tenant.Event{ID: o.ID, Type: o.Type, Reference: o.Reference, At: o.At, Data: o.Data})
		if err != nil {
			return err
		}
		tx = append(tx, put)
	}
	if w.Confirm {
		av, err := mailJobAV(account.MailJob{ID: "payment-" + e.ID, Kind: account.JobPaymentReceived, Reference: w.After.Reference,
			AmountCents: w.After.Facts.PaidCents, CreatedAt: w.At})
		if err != nil {
			return err
		}
		tx = append(tx, types.TransactWriteItem{Put: &types.Put{TableName: &s.accounts, Item: av}})
	}
	_, err = s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: tx})
	if failed := cancelled(err); failed != nil {
		switch {
		case failed[0]:
			return payment.ErrDuplicateEvent
		case failed[1], failed[spanAt], failed[-1]: // the payment's version, the statement's span, or a conflict between transactions
			return payment.ErrVersion
		}
		return fmt.Errorf("apply provider event: a condition failed: %w", err)
	}
	if err != nil {
		return fmt.Errorf("apply provider event: %w", err)
	}
	return nil
}

// entrySpanUpdate keeps the statement's span (firstEntryDate,
// lastEntryDate on LEASE#ACCOUNT, which Mon compte's year list reads) true
// when provisional entries are put: it reads the span and, if an entry
// falls outside it, returns the SET clauses (values added to values) and
// the condition that the span is still as read (else the transaction fails
// and the event is applied again). Deleted entries never shrink the span:
// the ERP's next import recomputes it from the whole ledger.
func (s *Store) entrySpanUpdate(ctx context.Context, ref string, entries []payment.EntryChange, values map[string]types.AttributeValue) ([]string, string, error) {
	lo, hi := "", ""
	for _, c := range entries {
		if c.Delete {
			continue
		}
		if lo == "" || c.Date < lo {
			lo = c.Date
		}
		if c.Date > hi {
			hi = c.Date
		}
	}
	if lo == "" {
		return nil, "", nil
	}
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &s.tenancy, Key: keyOf(leasePK(ref), leaseAccountSK),
		ConsistentRead: aws.Bool(true), ProjectionExpression: aws.String("firstEntryDate, lastEntryDate")})
	if err != nil {
		return nil, "", fmt.Errorf("read the statement's span of %s: %w", ref, err)
	}
	var span struct {
		First string `dynamodbav:"firstEntryDate"`
		Last  string `dynamodbav:"lastEntryDate"`
	}
	if err := attributevalue.UnmarshalMap(out.Item, &span); err != nil {
		return nil, "", fmt.Errorf("decode the statement's span of %s: %w", ref, err)
	}
	var sets []string
	if span.First == "" || lo < span.First {
		sets = append(sets, "firstEntryDate = :fd")
		values[":fd"] = str(lo)
	}
	if hi > span.Last {
		sets = append(sets, "lastEntryDate = :ld")
		values[":ld"] = str(hi)
	}
	if len(sets) == 0 {
		return nil, "", nil
	}
	values[":ofd"], values[":old"] = str(span.First), str(span.Last)
	return sets, "(attribute_not_exists(firstEntryDate) OR firstEntryDate = :ofd) AND " +
		"(attribute_not_exists(lastEntryDate) OR lastEntryDate = :old)", nil
}

// paymentUpdate sets every attribute the portal owns on the payment item
// (never settledBy, the ERP import's), if its version is the one read.
func (s *Store) paymentUpdate(p payment.Payment, version int64, entries bool) (types.TransactWriteItem, error) {
	av, err := attributevalue.MarshalMap(paymentItemOf(p))
	if err != nil {
		return types.TransactWriteItem{}, fmt.Errorf("encode payment: %w", err)
	}
	delete(av, "PK")
	delete(av, "SK")
	delete(av, "settledBy")
	names := make([]string, 0, len(av))
	for n := range av {
		names = append(names, n)
	}
	sort.Strings(names)
	expr := "SET "
	attrNames := map[string]string{}
	values := map[string]types.AttributeValue{":v": num(version)}
	for i, n := range names {
		k := strconv.Itoa(i)
		if i > 0 {
			expr += ", "
		}
		expr += "#a" + k + " = :a" + k
		attrNames["#a"+k] = n
		values[":a"+k] = av[n]
	}
	cond := "version = :v"
	if entries {
		cond += " AND attribute_not_exists(settledBy)"
	}
	return types.TransactWriteItem{Update: &types.Update{TableName: &s.tenancy, Key: keyOf(leasePK(p.Reference), checkoutPfx+p.ID),
		UpdateExpression: aws.String(expr), ConditionExpression: aws.String(cond), ExpressionAttributeNames: attrNames,
		ExpressionAttributeValues: values}}, nil
}
