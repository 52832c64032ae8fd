package dynamo

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/citejardins/extranet/shared/document"
	"github.com/citejardins/extranet/shared/receipt"
	"github.com/citejardins/extranet/shared/tenancy"
)

// Receipts (DESIGN.md, pattern 17): the whole ledger of a lease in one
// Query, imputed in code by shared/receipt, and each receipt's document
// stored once per version of its facts.

var _ receipt.Store = (*Store)(nil)

// LeaseEntries reads every ledger entry of lease ref, oldest first (by
// date, then ERP id): one Query of its ENTRY# items, paginated, strongly
// consistent. An unknown lease has none.
func (s *Store) LeaseEntries(ctx context.Context, ref string) ([]tenancy.Entry, error) {
	items, err := queryAll[entryItem](ctx, s.db, &dynamodb.QueryInput{
		TableName:                 &s.tenancy,
		KeyConditionExpression:    aws.String("PK = :pk AND begins_with(SK, :p)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(leasePK(ref)), ":p": str(entryPfx)},
		ProjectionExpression:      aws.String("id, #d, label, kind, debitCents, creditCents"),
		ExpressionAttributeNames:  map[string]string{"#d": "date"},
		ConsistentRead:            aws.Bool(true),
	})
	if err != nil {
		return nil, fmt.Errorf("query entries: %w", err)
	}
	out := make([]tenancy.Entry, len(items))
	for i, it := range items {
		out[i] = it.entry()
	}
	return out, nil
}

// PutIssuedDocument stores document d (made on request: Kind.Issued, with
// its Version) of lease ref once. When the lease already has it (the same
// kind, period and version: a retry, or a parallel request that won), it
// reads it back and returns it with existed true.
func (s *Store) PutIssuedDocument(ctx context.Context, ref string, d document.Document) (document.Document, bool, error) {
	if !d.Kind.Issued() {
		return document.Document{}, false, fmt.Errorf("document: a %s is not made on request", d.Kind)
	}
	stored, err := s.PutDocument(ctx, ref, d)
	if err == nil {
		return stored, false, nil
	}
	if !errors.Is(err, ErrDocumentExists) {
		return document.Document{}, false, err
	}
	got, err := s.Document(ctx, ref, document.IssuedDocumentID(ref, d.Kind, d.Period, d.Version))
	if err != nil {
		return document.Document{}, false, fmt.Errorf("read back document: %w", err)
	}
	return got, true, nil
}
