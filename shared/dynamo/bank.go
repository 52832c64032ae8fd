package dynamo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/citejardins/extranet/shared/bankaccount"
	"github.com/citejardins/extranet/shared/bankdetails"
	"github.com/citejardins/extranet/shared/tenant"
)

// A lease's bank details: item LEASE#<ref> / BANK of the tenancy table
// (DESIGN.md, "Payments, bank details and direct debit"), sorted before
// ENTRY#, out of the ERP import's reach.

var _ bankdetails.Store = (*Store)(nil)

const bankSK = "BANK"

type bankItem struct {
	PK        string
	SK        string
	IBAN      string `dynamodbav:"iban"`
	BIC       string `dynamodbav:"bic"`
	Holder    string `dynamodbav:"holder"`
	UpdatedAt string `dynamodbav:"updatedAt"` // RFC 3339, UTC, milliseconds
	Version   int64  `dynamodbav:"version"`
}

// BankDetails reads the lease's bank details, strongly consistent (a read
// right after a change sees it); bankdetails.ErrNotFound when none.
func (s *Store) BankDetails(ctx context.Context, ref string) (bankdetails.Details, error) {
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &s.tenancy, Key: keyOf(leasePK(ref), bankSK),
		ConsistentRead: aws.Bool(true)})
	if err != nil {
		return bankdetails.Details{}, fmt.Errorf("get bank details: %w", err)
	}
	if out.Item == nil {
		return bankdetails.Details{}, bankdetails.ErrNotFound
	}
	var it bankItem
	if err := attributevalue.UnmarshalMap(out.Item, &it); err != nil {
		return bankdetails.Details{}, fmt.Errorf("decode bank details: %w", err)
	}
	at, err := time.Parse(time.RFC3339Nano, it.UpdatedAt)
	if err != nil {
		return bankdetails.Details{}, fmt.Errorf("decode bank details' date: %w", err)
	}
	return bankdetails.Details{IBAN: bankaccount.IBAN(it.IBAN), BIC: bankaccount.BIC(it.BIC), Holder: it.Holder,
		UpdatedAt: at, Version: it.Version}, nil
}

// SetBankDetails puts the details, conditioned on the version before them
// (no item for version 1), and the event in the accounts table's outbox, in
// one transaction; bankdetails.ErrConflict when the condition fails or the
// transaction meets another one.
func (s *Store) SetBankDetails(ctx context.Context, ref string, d bankdetails.Details, e tenant.Event) error {
	if d.Version < 1 {
		return errors.New("set bank details: version must be at least 1")
	}
	av, err := attributevalue.MarshalMap(bankItem{PK: leasePK(ref), SK: bankSK, IBAN: string(d.IBAN), BIC: string(d.BIC),
		Holder: d.Holder, UpdatedAt: d.UpdatedAt.UTC().Format(time.RFC3339Nano), Version: d.Version})
	if err != nil {
		return fmt.Errorf("encode bank details: %w", err)
	}
	put := &types.Put{TableName: &s.tenancy, Item: av}
	if d.Version == 1 {
		put.ConditionExpression = aws.String("attribute_not_exists(PK)")
	} else {
		put.ConditionExpression = aws.String("version = :v")
		put.ExpressionAttributeValues = map[string]types.AttributeValue{":v": num(d.Version - 1)}
	}
	ev, err := s.outboxPut(e)
	if err != nil {
		return err
	}
	_, err = s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{{Put: put}, ev}})
	if cancelled(err) != nil {
		return bankdetails.ErrConflict
	}
	if err != nil {
		return fmt.Errorf("set bank details: %w", err)
	}
	return nil
}
