package dynamo_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/citejardins/extranet/infra/localstack"
	"github.com/citejardins/extranet/shared/document"
	"github.com/citejardins/extranet/shared/dynamo"
)

func noticeDoc(period, issued string, amount int64) document.Document {
	due := date(period + "-05")
	return document.Document{Kind: document.Notice, Title: "Avis d'échéance", Period: period, Date: date(issued),
		ContentType: "application/pdf", SizeBytes: 12345, FileName: "avis-echeance-" + period + ".pdf",
		Key: "notices/ab/" + period + "/L1.pdf", AmountDueCents: &amount, DueDate: &due}
}

func TestDocumentPutIssuesOnceInATransaction(t *testing.T) {
	ctx := context.Background()
	db, err := localstack.StartDynamoDB(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	s := dynamo.New(db.Client, localstack.LocalTables)
	table := localstack.LocalTables.Tenancy

	d := noticeDoc("2026-12", "2026-11-20", 61234)
	put, err := dynamo.DocumentPut(table, "0001234", d, map[string]types.AttributeValue{"notice": &types.AttributeValueMemberS{Value: `{"x":1}`}})
	if err != nil {
		t.Fatal(err)
	}
	run := types.TransactWriteItem{Put: &types.Put{TableName: &table, Item: map[string]types.AttributeValue{
		"PK": &types.AttributeValueMemberS{Value: "RUN#2026-12#07"}, "SK": &types.AttributeValueMemberS{Value: "LEASE#0001234"}}}}
	if _, err := db.Client.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{put, run}}); err != nil {
		t.Fatalf("first issue: %v", err)
	}
	// The same lease and period again: the condition cancels the whole transaction.
	again := noticeDoc("2026-12", "2026-11-21", 99)
	put2, err := dynamo.DocumentPut(table, "0001234", again, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.Client.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{put2}})
	var tce *types.TransactionCanceledException
	if !errors.As(err, &tce) {
		t.Fatalf("second issue: err = %v; want a cancelled transaction", err)
	}

	got, err := s.Documents(ctx, "0001234")
	if err != nil {
		t.Fatal(err)
	}
	want := d
	want.ID = document.LeaseDocumentID("0001234", document.Notice, "2026-12")
	if len(got) != 1 || !reflect.DeepEqual(got[0], want) {
		t.Fatalf("Documents = %+v; want [%+v]", got, want)
	}
	one, err := s.Document(ctx, "0001234", want.ID)
	if err != nil || !reflect.DeepEqual(one, want) {
		t.Fatalf("Document(%s) = %+v, %v; want %+v", want.ID, one, err, want)
	}
	// The lease's other reads do not see the document items.
	if _, err := s.PutDocument(ctx, "0001234", noticeDoc("2026-12", "2026-11-20", 1)); !errors.Is(err, dynamo.ErrDocumentExists) {
		t.Fatalf("PutDocument twice: %v; want ErrDocumentExists", err)
	}
}

func TestDocumentPutRefusesWhatIsNotADocument(t *testing.T) {
	good := noticeDoc("2026-12", "2026-11-20", 1)
	cases := map[string]func(d *document.Document) (string, map[string]types.AttributeValue){
		"no lease": func(d *document.Document) (string, map[string]types.AttributeValue) { return "", nil },
		"bad period": func(d *document.Document) (string, map[string]types.AttributeValue) {
			d.Period = "2026-13"
			return "L1", nil
		},
		"short period": func(d *document.Document) (string, map[string]types.AttributeValue) {
			d.Period = "2026-1"
			return "L1", nil
		},
		"no key": func(d *document.Document) (string, map[string]types.AttributeValue) { d.Key = ""; return "L1", nil },
		"landlord kind": func(d *document.Document) (string, map[string]types.AttributeValue) {
			d.Kind = document.Landlord
			return "L1", nil
		},
		"another lease id": func(d *document.Document) (string, map[string]types.AttributeValue) {
			d.ID = document.LeaseDocumentID("L2", d.Kind, d.Period)
			return "L1", nil
		},
		"extra overrides": func(d *document.Document) (string, map[string]types.AttributeValue) {
			return "L1", map[string]types.AttributeValue{"id": &types.AttributeValueMemberS{Value: "x"}}
		},
		"extra key": func(d *document.Document) (string, map[string]types.AttributeValue) {
			return "L1", map[string]types.AttributeValue{"SK": &types.AttributeValueMemberS{Value: "x"}}
		},
	}
	for name, mutate := range cases {
		d := good
		ref, extra := mutate(&d)
		if _, err := dynamo.DocumentPut("T", ref, d, extra); err == nil {
			t.Errorf("%s: DocumentPut accepted it", name)
		}
	}
	if w, err := dynamo.DocumentPut("T", "L1", good, nil); err != nil || *w.Put.ConditionExpression != "attribute_not_exists(PK)" ||
		w.Put.Item["SK"].(*types.AttributeValueMemberS).Value != "DOC#notice#2026-12" {
		t.Fatalf("DocumentPut(good) = %+v, %v", w.Put, err)
	}
}

func TestDocumentsNewestFirstAndOnlyTheLeases(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	seedLease(t, s, "0000001")
	for _, d := range []document.Document{noticeDoc("2026-10", "2026-09-20", 1), noticeDoc("2026-12", "2026-11-20", 3), noticeDoc("2026-11", "2026-10-20", 2)} {
		if _, err := s.PutDocument(ctx, "0000001", d); err != nil {
			t.Fatal(err)
		}
	}
	other, err := s.PutDocument(ctx, "0000002", noticeDoc("2026-12", "2026-11-20", 9))
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Documents(ctx, "0000001")
	if err != nil {
		t.Fatal(err)
	}
	var periods []string
	for _, d := range got {
		periods = append(periods, d.Period)
	}
	if strings.Join(periods, ",") != "2026-12,2026-11,2026-10" {
		t.Fatalf("periods = %v; want newest first", periods)
	}
	if r, err := s.LeaseResidence(ctx, "0000001"); err != nil || r != "R1" {
		t.Fatalf("LeaseResidence = %q, %v; want R1", r, err)
	}
	if r, err := s.LeaseResidence(ctx, "0000009"); err != nil || r != "" {
		t.Fatalf("LeaseResidence(unknown) = %q, %v; want empty", r, err)
	}
	// The lease still reads as before with documents in its partition.
	if l, err := s.Lease(ctx, "0000001"); err != nil || l.Reference != "0000001" {
		t.Fatalf("Lease = %+v, %v", l, err)
	}

	// Another lease's notice of the same period: a different id, not found here.
	if other.ID == got[0].ID {
		t.Fatalf("two leases share the id %s", other.ID)
	}
	for _, id := range []string{other.ID, "", "notice-2026-12", "notice-2026-12-zzzzzzzzzzzz", "landlord-0123456789abcdef",
		"notice-2026-13-" + other.ID[len(other.ID)-12:], strings.Repeat("a", 200), "notice-2026-12-" + strings.ToUpper(got[0].ID[15:])} {
		if _, err := s.Document(ctx, "0000001", id); !errors.Is(err, document.ErrNotFound) {
			t.Errorf("Document(%q) = %v; want ErrNotFound", id, err)
		}
	}
	if d, err := s.Document(ctx, "0000001", got[1].ID); err != nil || d.Period != "2026-11" || *d.AmountDueCents != 2 {
		t.Fatalf("Document(own) = %+v, %v", d, err)
	}
}
