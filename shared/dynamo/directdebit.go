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

	"github.com/citejardins/extranet/shared/directdebit"
	"github.com/citejardins/extranet/shared/document"
	"github.com/citejardins/extranet/shared/tenancy"
	"github.com/citejardins/extranet/shared/tenant"
)

// A lease's direct debit (DESIGN.md, pattern 21): the DIRECTDEBIT item
// (current: the active mandate's RUM, empty when none; seq: the mandate
// numbers taken) and one MANDATE#<rum> item per mandate, in the lease's
// partition.

var _ directdebit.Store = (*Store)(nil)

const (
	directDebitSK = "DIRECTDEBIT"
	mandatePfx    = "MANDATE#"
)

type directDebitItem struct {
	PK      string
	SK      string
	Current string `dynamodbav:"current"`
	Seq     int64  `dynamodbav:"seq"`
}

type mandateItem struct {
	PK              string
	SK              string
	RUM             string   `dynamodbav:"rum"`
	ICS             string   `dynamodbav:"ics"`
	Status          string   `dynamodbav:"status"`
	CreditorName    string   `dynamodbav:"creditorName"`
	CreditorAddress []string `dynamodbav:"creditorAddress,omitempty"`
	DebtorName      string   `dynamodbav:"debtorName"`
	Street          string   `dynamodbav:"debtorStreet"`
	Complement      string   `dynamodbav:"debtorComplement"`
	PostalCode      string   `dynamodbav:"debtorPostalCode"`
	City            string   `dynamodbav:"debtorCity"`
	IBAN            string   `dynamodbav:"iban"`
	BIC             string   `dynamodbav:"bic"`
	Holder          string   `dynamodbav:"holder"`
	Type            string   `dynamodbav:"type"`
	SignedAt        string   `dynamodbav:"signedAt"`
	SignedOn        string   `dynamodbav:"signedOn"`
	Place           string   `dynamodbav:"place"`
	DebitDay        int      `dynamodbav:"debitDay"`
	// Empty on a mandate signed before they existed.
	FirstDebitOn string `dynamodbav:"firstDebitOn,omitempty"`
	OnBehalfOf   string `dynamodbav:"onBehalfOf,omitempty"`
	// Empty until they happen (an attribute never removed: see DESIGN.md).
	RevokedOn   string `dynamodbav:"revokedOn"`
	LapsedOn    string `dynamodbav:"lapsedOn"`
	LastDebitOn string `dynamodbav:"lastDebitOn"`
	DocumentID  string `dynamodbav:"documentId"`
	DocumentKey string `dynamodbav:"documentKey"`
}

func (it mandateItem) domain() directdebit.Mandate {
	at, _ := time.Parse(time.RFC3339Nano, it.SignedAt)
	return directdebit.Mandate{RUM: it.RUM, ICS: it.ICS, Status: directdebit.Status(it.Status), CreditorName: it.CreditorName,
		CreditorAddress: it.CreditorAddress, DebtorName: it.DebtorName,
		DebtorAddress: tenancy.Address{Street: it.Street, Complement: it.Complement, PostalCode: it.PostalCode, City: it.City},
		IBAN:          it.IBAN, BIC: it.BIC, Holder: it.Holder, Type: it.Type, SignedAt: at, SignedOn: parseDate(it.SignedOn),
		Place: it.Place, DebitDay: it.DebitDay, RevokedOn: parseDate(it.RevokedOn), LapsedOn: parseDate(it.LapsedOn),
		LastDebitOn: parseDate(it.LastDebitOn), DocumentID: it.DocumentID, DocumentKey: it.DocumentKey,
		FirstDebitOn: parseDate(it.FirstDebitOn), OnBehalfOf: it.OnBehalfOf, Reference: strings.TrimPrefix(it.PK, leasePK(""))}
}

// Mandates reads the lease's DIRECTDEBIT item and its MANDATE# items: one
// strongly consistent GetItem and, when the item exists, one Query
// `begins_with(SK, "MANDATE#")`.
func (s *Store) Mandates(ctx context.Context, ref string) (directdebit.State, []directdebit.Mandate, error) {
	var st directDebitItem
	res, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &s.tenancy, Key: keyOf(leasePK(ref), directDebitSK),
		ConsistentRead: aws.Bool(true)})
	if err != nil {
		return directdebit.State{}, nil, fmt.Errorf("get direct debit: %w", err)
	}
	if res.Item == nil {
		// NextSeq writes the item before any mandate: none without it (the
		// monthly notices ask this of every lease).
		return directdebit.State{}, nil, nil
	}
	if err := attributevalue.UnmarshalMap(res.Item, &st); err != nil {
		return directdebit.State{}, nil, fmt.Errorf("decode direct debit: %w", err)
	}
	items, err := queryAll[mandateItem](ctx, s.db, &dynamodb.QueryInput{
		TableName:                 &s.tenancy,
		KeyConditionExpression:    aws.String("PK = :pk AND begins_with(SK, :p)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(leasePK(ref)), ":p": str(mandatePfx)},
		ConsistentRead:            aws.Bool(true),
	})
	if err != nil {
		return directdebit.State{}, nil, fmt.Errorf("query mandates: %w", err)
	}
	out := make([]directdebit.Mandate, len(items))
	for i, it := range items {
		out[i] = it.domain()
	}
	return directdebit.State{Current: st.Current, Seq: st.Seq}, out, nil
}

// NextSeq takes the lease's next mandate number: `ADD seq :1` on
// DIRECTDEBIT, returning the new value. Parallel callers each get their
// own; a number whose mandate is never signed stays unused.
func (s *Store) NextSeq(ctx context.Context, ref string) (int64, error) {
	out, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: &s.tenancy, Key: keyOf(leasePK(ref), directDebitSK),
		UpdateExpression:          aws.String("ADD seq :one"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":one": num(1)},
		ReturnValues:              types.ReturnValueUpdatedNew})
	if err != nil {
		return 0, fmt.Errorf("take mandate number: %w", err)
	}
	n, ok := out.Attributes["seq"].(*types.AttributeValueMemberN)
	if !ok {
		return 0, errors.New("take mandate number: no seq returned")
	}
	return strconv.ParseInt(n.Value, 10, 64)
}

// currentCond is the condition that the DIRECTDEBIT item's current is
// still cur (empty: none, or no item yet).
func currentCond(cur string, values map[string]types.AttributeValue) string {
	values[":cur"] = str(cur)
	if cur == "" {
		return "attribute_not_exists(#cur) OR #cur = :cur"
	}
	return "#cur = :cur"
}

// Sign writes, in one transaction: DIRECTDEBIT's current = m's RUM
// (condition: current as read), the MANDATE#<rum> item
// (`attribute_not_exists(PK)`), the former mandate's status revoked on
// m.SignedOn (condition: still active), the PDF's document and the event.
// A cancelled transaction is directdebit.ErrConflict.
func (s *Store) Sign(ctx context.Context, ref, current string, m directdebit.Mandate, doc document.Document, e tenant.Event) error {
	values := map[string]types.AttributeValue{":rum": str(m.RUM)}
	cond := currentCond(current, values)
	tx := []types.TransactWriteItem{{Update: &types.Update{TableName: &s.tenancy, Key: keyOf(leasePK(ref), directDebitSK),
		UpdateExpression: aws.String("SET #cur = :rum"), ConditionExpression: aws.String(cond),
		ExpressionAttributeNames: map[string]string{"#cur": "current"}, ExpressionAttributeValues: values}}}
	it := mandateItem{PK: leasePK(ref), SK: mandatePfx + m.RUM, RUM: m.RUM, ICS: m.ICS, Status: string(m.Status),
		CreditorName: m.CreditorName, CreditorAddress: m.CreditorAddress, DebtorName: m.DebtorName,
		Street: m.DebtorAddress.Street, Complement: m.DebtorAddress.Complement, PostalCode: m.DebtorAddress.PostalCode,
		City: m.DebtorAddress.City, IBAN: m.IBAN, BIC: m.BIC, Holder: m.Holder, Type: m.Type,
		SignedAt: m.SignedAt.UTC().Format(time.RFC3339Nano), SignedOn: m.SignedOn.String(), Place: m.Place, DebitDay: m.DebitDay,
		RevokedOn: dateString(m.RevokedOn), LapsedOn: dateString(m.LapsedOn), LastDebitOn: dateString(m.LastDebitOn),
		DocumentID: m.DocumentID, DocumentKey: m.DocumentKey, FirstDebitOn: dateString(m.FirstDebitOn), OnBehalfOf: m.OnBehalfOf}
	av, err := attributevalue.MarshalMap(it)
	if err != nil {
		return fmt.Errorf("encode mandate: %w", err)
	}
	tx = append(tx, types.TransactWriteItem{Put: &types.Put{TableName: &s.tenancy, Item: av,
		ConditionExpression: aws.String("attribute_not_exists(PK)")}})
	if current != "" {
		tx = append(tx, s.endUpdate(ref, current, directdebit.Revoked, map[string]string{"revokedOn": m.SignedOn.String()}))
	}
	dw, err := DocumentPut(s.tenancy, ref, doc, nil)
	if err != nil {
		return err
	}
	ev, err := s.outboxPut(e)
	if err != nil {
		return err
	}
	tx = append(tx, dw, ev)
	_, err = s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: tx})
	if cancelled(err) != nil {
		return directdebit.ErrConflict
	}
	if err != nil {
		return fmt.Errorf("sign mandate: %w", err)
	}
	return nil
}

// endUpdate sets mandate rum's status and dates, if it is still active.
func (s *Store) endUpdate(ref, rum string, status directdebit.Status, dates map[string]string) types.TransactWriteItem {
	set := []string{"#st = :st"}
	names := map[string]string{"#st": "status"}
	values := map[string]types.AttributeValue{":st": str(string(status)), ":active": str(string(directdebit.Active))}
	for k, v := range dates {
		set = append(set, "#"+k+" = :"+k)
		names["#"+k] = k
		values[":"+k] = str(v)
	}
	return types.TransactWriteItem{Update: &types.Update{TableName: &s.tenancy, Key: keyOf(leasePK(ref), mandatePfx+rum),
		UpdateExpression: aws.String("SET " + strings.Join(set, ", ")), ConditionExpression: aws.String("#st = :active"),
		ExpressionAttributeNames: names, ExpressionAttributeValues: values}}
}

// End records the end of the active mandate m in one transaction:
// DIRECTDEBIT's current emptied (condition: it is m's RUM), m's status
// and dates (condition: still active) and the event. A cancelled
// transaction is directdebit.ErrConflict.
func (s *Store) End(ctx context.Context, ref string, m directdebit.Mandate, e tenant.Event) error {
	var dates map[string]string
	switch m.Status {
	case directdebit.Revoked:
		dates = map[string]string{"revokedOn": m.RevokedOn.String()}
	case directdebit.Lapsed:
		dates = map[string]string{"lapsedOn": m.LapsedOn.String(), "lastDebitOn": dateString(m.LastDebitOn)}
	default:
		return fmt.Errorf("end mandate: status %q is no end", m.Status)
	}
	values := map[string]types.AttributeValue{":none": str("")}
	cond := currentCond(m.RUM, values)
	tx := []types.TransactWriteItem{{Update: &types.Update{TableName: &s.tenancy, Key: keyOf(leasePK(ref), directDebitSK),
		UpdateExpression: aws.String("SET #cur = :none"), ConditionExpression: aws.String(cond),
		ExpressionAttributeNames: map[string]string{"#cur": "current"}, ExpressionAttributeValues: values}},
		s.endUpdate(ref, m.RUM, m.Status, dates)}
	ev, err := s.outboxPut(e)
	if err != nil {
		return err
	}
	tx = append(tx, ev)
	_, err = s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: tx})
	if cancelled(err) != nil {
		return directdebit.ErrConflict
	}
	if err != nil {
		return fmt.Errorf("end mandate: %w", err)
	}
	return nil
}
