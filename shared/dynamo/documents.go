package dynamo

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/citejardins/extranet/shared/account"
	"github.com/citejardins/extranet/shared/document"
	"github.com/citejardins/extranet/shared/notice"
)

// A lease's documents live in its partition of the tenancy table under
// DOC#<kind>#<AAAA-MM> (a notice) or DOC#<kind>#<AAAA-MM>#<12 hex> (a
// document made on request, one per version) (DESIGN.md, "Monthly notices
// and documents"): one Query lists them, and an id names its sort key, so a
// look-up by id is one GetItem within the asking tenant's lease.
const docPfx = "DOC#"

func documentSK(p document.ParsedID) string {
	if p.Kind.Issued() {
		return docPfx + string(p.Kind) + "#" + p.Period + "#" + p.Hash
	}
	return docPfx + string(p.Kind) + "#" + p.Period
}

// leaseDocumentID is the id of lease ref's document d: per period for a
// notice, per period and version for a document made on request.
func leaseDocumentID(ref string, d document.Document) string {
	if d.Kind.Issued() {
		return document.IssuedDocumentID(ref, d.Kind, d.Period, d.Version)
	}
	return document.LeaseDocumentID(ref, d.Kind, d.Period)
}

// documentItem is a document's item. The fan-out adds `notice` (the
// notice as JSON, to print it again), which the reads ignore.
type documentItem struct {
	PK             string
	SK             string
	ID             string `dynamodbav:"id"`
	Kind           string `dynamodbav:"kind"`
	Title          string `dynamodbav:"title"`
	Period         string `dynamodbav:"period,omitempty"`
	Date           string `dynamodbav:"date"`
	ContentType    string `dynamodbav:"contentType"`
	SizeBytes      int64  `dynamodbav:"sizeBytes"`
	Key            string `dynamodbav:"key"`
	FileName       string `dynamodbav:"fileName"`
	AmountDueCents *int64 `dynamodbav:"amountDueCents,omitempty"`
	DueDate        string `dynamodbav:"dueDate,omitempty"`
	// Version is a document made on request's fingerprint of its facts.
	Version string `dynamodbav:"version,omitempty"`
}

func (it documentItem) domain() document.Document {
	d := document.Document{ID: it.ID, Kind: document.Kind(it.Kind), Title: it.Title, Period: it.Period,
		Date: parseDate(it.Date), ContentType: it.ContentType, SizeBytes: it.SizeBytes, FileName: it.FileName,
		Key: it.Key, AmountDueCents: it.AmountDueCents, Version: it.Version}
	if it.DueDate != "" {
		due := parseDate(it.DueDate)
		d.DueDate = &due
	}
	return d
}

// documentAttributes is the item of document d of lease ref. d.ID may be
// empty (it is then derived); one that is not the lease's id for its kind
// and period is refused, as is a document without a period or a key.
func documentAttributes(ref string, d document.Document) (map[string]types.AttributeValue, error) {
	if ref == "" || d.Kind == "" || d.Kind == document.Landlord || d.Key == "" || d.Date.IsZero() {
		return nil, errors.New("document: lease, kind (not landlord), key and date are required")
	}
	if p, err := notice.ParsePeriod(d.Period); err != nil || p.String() != d.Period {
		return nil, fmt.Errorf("document: period %q is not AAAA-MM", d.Period)
	}
	if d.Kind.Issued() != (d.Version != "") {
		return nil, fmt.Errorf("document: a %s has a version exactly when it is made on request", d.Kind)
	}
	id := leaseDocumentID(ref, d)
	p, ok := document.ParseID(id)
	if !ok { // a kind the reads could not find again
		return nil, fmt.Errorf("document: kind %q has no id scheme", d.Kind)
	}
	if d.ID != "" && d.ID != id {
		return nil, errors.New("document: id is not the lease's id for its kind and period")
	}
	it := documentItem{PK: leasePK(ref), SK: documentSK(p), ID: id, Kind: string(d.Kind),
		Title: d.Title, Period: d.Period, Date: d.Date.String(), ContentType: d.ContentType, SizeBytes: d.SizeBytes,
		Key: d.Key, FileName: d.FileName, AmountDueCents: d.AmountDueCents, Version: d.Version}
	if d.DueDate != nil {
		it.DueDate = d.DueDate.String()
	}
	return attributevalue.MarshalMap(it)
}

// DocumentPut is the Put of document d of lease ref into the tenancy table,
// for a transaction: conditioned on `attribute_not_exists(PK)`, so that a
// second put of the same lease, kind and period (and version, for a
// document made on request) cancels the transaction (the monthly run
// issues a notice once). The id is derived from the lease, kind and period
// (document.LeaseDocumentID) and, for a document made on request
// (Kind.Issued, which needs d.Version), its version
// (document.IssuedDocumentID); d.ID, if set, must equal it.
// extra adds attributes the reads ignore (the fan-out's `notice`); it may
// not name one of the document's own attributes.
func DocumentPut(table, ref string, d document.Document, extra map[string]types.AttributeValue) (types.TransactWriteItem, error) {
	av, err := documentAttributes(ref, d)
	if err != nil {
		return types.TransactWriteItem{}, err
	}
	for name, v := range extra {
		if _, taken := av[name]; taken || name == "PK" || name == "SK" {
			return types.TransactWriteItem{}, fmt.Errorf("document: extra attribute %q is one of the document's", name)
		}
		av[name] = v
	}
	return types.TransactWriteItem{Put: &types.Put{TableName: aws.String(table), Item: av,
		ConditionExpression: aws.String("attribute_not_exists(PK)")}}, nil
}

// ErrDocumentExists is returned by PutDocument when the lease already has a
// document of that kind and period.
var ErrDocumentExists = errors.New("document already exists")

// PutDocument stores one document of lease ref on its own (seeding and
// tests; the monthly run uses DocumentPut in its transaction). It returns
// the document as stored, with its id.
func (s *Store) PutDocument(ctx context.Context, ref string, d document.Document) (document.Document, error) {
	w, err := DocumentPut(s.tenancy, ref, d, nil)
	if err != nil {
		return document.Document{}, err
	}
	_, err = s.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: w.Put.TableName, Item: w.Put.Item,
		ConditionExpression: w.Put.ConditionExpression})
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		return document.Document{}, ErrDocumentExists
	}
	if err != nil {
		return document.Document{}, fmt.Errorf("put document: %w", err)
	}
	d.ID = leaseDocumentID(ref, d)
	return d, nil
}

// Documents lists the documents of lease ref, newest first (by date, then
// period, then id): one Query of the lease's DOC# items.
func (s *Store) Documents(ctx context.Context, ref string) ([]document.Document, error) {
	items, err := queryAll[documentItem](ctx, s.db, &dynamodb.QueryInput{
		TableName:                 &s.tenancy,
		KeyConditionExpression:    aws.String("PK = :pk AND begins_with(SK, :p)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(leasePK(ref)), ":p": str(docPfx)},
		ProjectionExpression:      aws.String("id, kind, title, period, #d, contentType, sizeBytes, #k, fileName, amountDueCents, dueDate, version"),
		ExpressionAttributeNames:  map[string]string{"#d": "date", "#k": "key"},
	})
	if err != nil {
		return nil, fmt.Errorf("query documents: %w", err)
	}
	out := make([]document.Document, len(items))
	for i, it := range items {
		out[i] = it.domain()
	}
	document.SortNewestFirst(out)
	return out, nil
}

// Document reads one document of lease ref by id. The id names its sort
// key within the lease; the stored id must equal it, so another lease's id
// (or any id that is not one) is document.ErrNotFound.
func (s *Store) Document(ctx context.Context, ref, id string) (document.Document, error) {
	p, ok := document.ParseID(id)
	if !ok || p.Kind == document.Landlord {
		return document.Document{}, document.ErrNotFound
	}
	var it documentItem
	if err := s.get(ctx, s.tenancy, leasePK(ref), documentSK(p), &it); err != nil {
		if errors.Is(err, account.ErrNotFound) {
			return document.Document{}, document.ErrNotFound
		}
		return document.Document{}, err
	}
	if it.ID != id {
		return document.Document{}, document.ErrNotFound
	}
	return it.domain(), nil
}

// LeaseResidence is the id of lease ref's residence (one GetItem of the
// lease item), empty when the lease is unknown.
func (s *Store) LeaseResidence(ctx context.Context, ref string) (string, error) {
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &s.tenancy, Key: keyOf(leasePK(ref), leaseSK),
		ProjectionExpression: aws.String("residenceId")})
	if err != nil {
		return "", fmt.Errorf("get lease: %w", err)
	}
	var it struct {
		ResidenceID string `dynamodbav:"residenceId"`
	}
	if err := attributevalue.UnmarshalMap(out.Item, &it); err != nil {
		return "", fmt.Errorf("decode lease: %w", err)
	}
	return it.ResidenceID, nil
}

var _ document.LeaseStore = (*Store)(nil)
