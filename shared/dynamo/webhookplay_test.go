package dynamo_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/citejardins/extranet/infra/localstack"
	"github.com/citejardins/extranet/shared/dynamo"
	"github.com/citejardins/extranet/shared/payment"
)

// webhookPlay plays the payments function's writes (DESIGN.md, patterns 19
// and 20) on the emulator, through the real SDK client: the payment item
// CHECKOUT#<id>, and for a paid or refunded event one transaction of the
// provisional entry, the payment item's update (conditioned on the version
// read and on no settlement) and ADD balanceCents.
type webhookPlay struct {
	db    *dynamodb.Client
	table string
}

func newSettleStore(t *testing.T) (*dynamo.Store, webhookPlay) {
	t.Helper()
	db, err := localstack.StartDynamoDB(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	return dynamo.New(db.Client, localstack.LocalTables), webhookPlay{db: db.Client, table: localstack.LocalTables.Tenancy}
}

type playedPayment struct {
	PK, SK        string
	ID            string `dynamodbav:"id"`
	AmountCents   int64  `dynamodbav:"amountCents"`
	Status        string `dynamodbav:"status"`
	PaidCents     int64  `dynamodbav:"paidCents"`
	RefundedCents int64  `dynamodbav:"refundedCents"`
	CreditedCents int64  `dynamodbav:"creditedCents"`
	EntryDate     string `dynamodbav:"entryDate,omitempty"`
	// The refund's entry is on the day of the refund, as the payments
	// branch writes it.
	RefundEntryDate string `dynamodbav:"refundEntryDate,omitempty"`
	SettledBy       string `dynamodbav:"settledBy,omitempty"`
	Version         int64  `dynamodbav:"version"`
}

func stlS(s string) types.AttributeValue { return &types.AttributeValueMemberS{Value: s} }
func stlN(n int64) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(n, 10)}
}

func stlKey(ref, sk string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{"PK": stlS("LEASE#" + ref), "SK": stlS(sk)}
}

// start puts a payment the tenant started (status open, version 1).
func (p webhookPlay) start(t *testing.T, ref, key string, amount int64) string {
	t.Helper()
	id := payment.IDFor(ref, key)
	item, err := attributevalue.MarshalMap(playedPayment{PK: "LEASE#" + ref, SK: "CHECKOUT#" + id, ID: id, AmountCents: amount,
		Status: string(payment.Open), Version: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.db.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: &p.table, Item: item}); err != nil {
		t.Fatal(err)
	}
	return id
}

func (p webhookPlay) payment(t *testing.T, ref, id string) playedPayment {
	t.Helper()
	c, err := p.read(context.Background(), ref, id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (p webhookPlay) read(ctx context.Context, ref, id string) (playedPayment, error) {
	var c playedPayment
	out, err := p.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &p.table, Key: stlKey(ref, "CHECKOUT#"+id), ConsistentRead: aws.Bool(true)})
	if err == nil && out.Item == nil {
		err = errors.New("no payment " + id)
	}
	if err == nil {
		err = attributevalue.UnmarshalMap(out.Item, &c)
	}
	return c, err
}

// paid applies a paid event of the whole amount on day; refunded, a refund
// of cents in total. A delivery again changes nothing; once the payment is
// settled, only its status moves (no provisional entry, no balance).
func (p webhookPlay) paid(ctx context.Context, ref, id, day string) error {
	return p.apply(ctx, ref, id, day, func(c *playedPayment) { c.Status, c.PaidCents = string(payment.Succeeded), c.AmountCents })
}

func (p webhookPlay) refunded(ctx context.Context, ref, id, day string, cents int64) error {
	return p.apply(ctx, ref, id, day, func(c *playedPayment) { c.RefundedCents = cents })
}

func (p webhookPlay) apply(ctx context.Context, ref, id, day string, event func(*playedPayment)) error {
	for try := 0; try < 200; try++ {
		if try > 0 {
			time.Sleep(time.Duration(1+rand.IntN(10*min(try, 10))) * time.Millisecond)
		}
		c, err := p.read(ctx, ref, id)
		if err != nil {
			return err
		}
		was := c
		event(&c)
		if c == was {
			return nil // a duplicate delivery
		}
		c.Version++
		cond := "version = :v"
		var tx []types.TransactWriteItem
		if c.SettledBy == "" {
			cond += " AND attribute_not_exists(settledBy)"
			entry := func(date, eid, label string, debit, credit int64) types.TransactWriteItem {
				item := map[string]types.AttributeValue{"PK": stlS("LEASE#" + ref), "SK": stlS("ENTRY#" + date + "#" + eid), "id": stlS(eid),
					"date": stlS(date), "label": stlS(label), "kind": stlS("payment"), "debitCents": stlN(debit), "creditCents": stlN(credit),
					"provisional": &types.AttributeValueMemberBOOL{Value: true}, "paymentId": stlS(id)}
				return types.TransactWriteItem{Put: &types.Put{TableName: &p.table, Item: item}}
			}
			if c.PaidCents > 0 {
				if c.EntryDate == "" {
					c.EntryDate = day
				}
				tx = append(tx, entry(c.EntryDate, "portal-"+id, "Paiement en ligne (en cours d’enregistrement)", 0, c.PaidCents))
			}
			if c.RefundedCents > 0 {
				if c.RefundEntryDate == "" {
					c.RefundEntryDate = day
				}
				tx = append(tx, entry(c.RefundEntryDate, "portal-"+id+"-refund", "Remboursement du paiement en ligne", c.RefundedCents, 0))
			}
			credited := c.PaidCents - c.RefundedCents
			tx = append(tx, types.TransactWriteItem{Update: &types.Update{TableName: &p.table, Key: stlKey(ref, "LEASE#ACCOUNT"),
				UpdateExpression: aws.String("ADD balanceCents :d"), ExpressionAttributeValues: map[string]types.AttributeValue{
					":d": stlN(-(credited - c.CreditedCents))}}})
			c.CreditedCents = credited
		}
		item, err := attributevalue.MarshalMap(c)
		if err != nil {
			return err
		}
		tx = append(tx, types.TransactWriteItem{Put: &types.Put{TableName: &p.table, Item: item, ConditionExpression: aws.String(cond),
			ExpressionAttributeValues: map[string]types.AttributeValue{":v": stlN(was.Version)}}})
		_, err = p.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: tx})
		var tce *types.TransactionCanceledException
		if errors.As(err, &tce) {
			continue // the import (or another delivery) wrote meanwhile: read again
		}
		return err
	}
	return errors.New("payment kept moving")
}

// ledgerState is one consistent read of a lease's partition from its entries on
// (one Query: minidyn serves it under the lock its transactions take):
// the entries, and the balance item.
type ledgerState struct {
	entries []playedEntry
	balance int64
	sum     int64
}

type playedEntry struct {
	SK          string
	ID          string `dynamodbav:"id"`
	Debit       int64  `dynamodbav:"debitCents"`
	Credit      int64  `dynamodbav:"creditCents"`
	PaymentID   string `dynamodbav:"paymentId"`
	Provisional bool   `dynamodbav:"provisional"`
}

func (p webhookPlay) ledgerState(ctx context.Context, ref string) (ledgerState, error) {
	var l ledgerState
	out, err := p.db.Query(ctx, &dynamodb.QueryInput{TableName: &p.table, KeyConditionExpression: aws.String("PK = :pk AND SK >= :e"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": stlS("LEASE#" + ref), ":e": stlS("ENTRY#")}, ConsistentRead: aws.Bool(true)})
	if err != nil || out.LastEvaluatedKey != nil {
		return l, fmt.Errorf("query ledger: %v (more: %v)", err, out != nil && out.LastEvaluatedKey != nil)
	}
	for _, item := range out.Items {
		sk := item["SK"].(*types.AttributeValueMemberS).Value
		switch {
		case strings.HasPrefix(sk, "ENTRY#"):
			var e playedEntry
			if err := attributevalue.UnmarshalMap(item, &e); err != nil {
				return l, err
			}
			l.entries = append(l.entries, e)
			l.sum += e.Debit - e.Credit
		case sk == "LEASE#ACCOUNT":
			var b struct {
				Balance int64 `dynamodbav:"balanceCents"`
			}
			if err := attributevalue.UnmarshalMap(item, &b); err != nil {
				return l, err
			}
			l.balance = b.Balance
		}
	}
	return l, nil
}

// credits are the entries crediting a payment: the provisional one, the
// ERP's, or (wrongly) both.
func (l ledgerState) credits(id string) (provisional, erp []string) {
	for _, e := range l.entries {
		if e.PaymentID == id && e.Credit > 0 {
			if e.Provisional {
				provisional = append(provisional, e.ID)
			} else {
				erp = append(erp, e.ID)
			}
		}
	}
	return provisional, erp
}

func (p webhookPlay) mustLedger(t *testing.T, ref string) ledgerState {
	t.Helper()
	l, err := p.ledgerState(context.Background(), ref)
	if err != nil {
		t.Fatal(err)
	}
	if l.balance != l.sum {
		t.Fatalf("balance %d, entries' sum %d", l.balance, l.sum)
	}
	return l
}
