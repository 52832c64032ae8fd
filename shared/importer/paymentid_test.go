package importer_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/citejardins/extranet/infra/localstack"
	"github.com/citejardins/extranet/shared/dynamo"
	"github.com/citejardins/extranet/shared/importer"
	"github.com/citejardins/extranet/shared/payment"
	"github.com/citejardins/extranet/shared/tenancy"
)

// creditOnline writes what the payment webhook writes for LEFÈVRE's 350 €
// paid online on 2026-11-30 (DESIGN.md, pattern 20): the payment item,
// its provisional entry and the balance's move, in one transaction.
func creditOnline(t *testing.T, db *dynamodb.Client, ref, id string, cents int64) {
	t.Helper()
	s := func(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
	n := func(v string) types.AttributeValue { return &types.AttributeValueMemberN{Value: v} }
	table := localstack.LocalTables.Tenancy
	amount := strconv.FormatInt(cents, 10)
	_, err := db.TransactWriteItems(context.Background(), &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Put: &types.Put{TableName: &table, Item: map[string]types.AttributeValue{"PK": s("LEASE#" + ref), "SK": s("CHECKOUT#" + id),
			"id": s(id), "amountCents": n(amount), "status": s(string(payment.Succeeded)), "paidCents": n(amount),
			"creditedCents": n(amount), "entryDate": s("2026-11-30"), "version": n("2")}}},
		{Put: &types.Put{TableName: &table, Item: map[string]types.AttributeValue{"PK": s("LEASE#" + ref),
			"SK": s("ENTRY#2026-11-30#portal-" + id), "id": s("portal-" + id), "date": s("2026-11-30"),
			"label": s("Paiement en ligne (en cours d’enregistrement)"), "kind": s("payment"), "debitCents": n("0"),
			"creditCents": n(amount), "provisional": &types.AttributeValueMemberBOOL{Value: true}, "paymentId": s(id)}}},
		{Update: &types.Update{TableName: &table, Key: map[string]types.AttributeValue{"PK": s("LEASE#" + ref), "SK": s("LEASE#ACCOUNT")},
			UpdateExpression: aws.String("ADD balanceCents :d"), ExpressionAttributeValues: map[string]types.AttributeValue{":d": n("-" + amount)}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
}

func statementOf(t *testing.T, st *dynamo.Store, ref string) []tenancy.Entry {
	t.Helper()
	p, err := st.Entries(context.Background(), ref, tenancy.Date{}, tenancy.Date{}, "", 100)
	if err != nil {
		t.Fatal(err)
	}
	return p.Entries
}

// TestImportOfTheERPLineOfAnOnlinePayment is issue 10's "done when" on the
// import's side: LEFÈVRE's 350 € paid online bring her balance to 0; the
// ERP's line with the same id_paiement keeps it at 0 and the payment shows
// once; a bad id_paiement is a line error that writes nothing.
func TestImportOfTheERPLineOfAnOnlinePayment(t *testing.T) {
	ctx := context.Background()
	db, err := localstack.StartDynamoDB(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	st := dynamo.New(db.Client, localstack.LocalTables)
	importDemo(t, st)
	id := payment.IDFor("1234567", "demo")
	creditOnline(t, db.Client, "1234567", id, 35000)
	before := statementOf(t, st, "1234567")
	if before[0].BalanceAfterCents != 0 || before[0].PaymentID != id {
		t.Fatalf("after the online payment: %+v; want the provisional entry, balance 0", before[0])
	}

	run := func(name, body string) *importer.Report {
		t.Helper()
		rep, err := importer.Run(ctx, st, "imports/"+name, strings.NewReader(body), importer.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return rep
	}
	bad := "reference;id_ecriture;date;libelle;type;debit;credit;id_paiement\n" +
		"0001234567;WEB-1;01/12/2026;Paiement en ligne;paiement;0,00;350,00;" + strings.ToUpper(id[:31]) + "\n"
	rep := run("ecritures_delta_20261201.csv", bad)
	if rep.Rejected != 1 || rep.Written != 0 || len(rep.Errors) != 1 || rep.Errors[0].Line != 2 ||
		!strings.HasPrefix(rep.Errors[0].Reason, "id_paiement: ") || !strings.Contains(rep.Errors[0].Reason, "n’est pas un identifiant de paiement du portail") {
		t.Fatalf("bad id_paiement: %+v; want line 2 refused, naming id_paiement", rep)
	}
	if got := statementOf(t, st, "1234567"); len(got) != len(before) || got[0] != before[0] {
		t.Fatalf("a refused line changed the statement: %+v", got[0])
	}

	good := strings.Replace(bad, strings.ToUpper(id[:31]), id, 1)
	for i := 0; i < 2; i++ {
		rep = run("ecritures_delta_20261201.csv", good)
		if rep.Rejected != 0 || rep.Written != 1-i || rep.Unchanged != i {
			t.Fatalf("import %d: %+v", i+1, rep)
		}
		got := statementOf(t, st, "1234567")
		if len(got) != len(before) || got[0].ID != "WEB-1" || got[0].PaymentID != id || got[0].BalanceAfterCents != 0 {
			t.Fatalf("import %d: statement starts %+v, %d entries; want WEB-1 in place of the provisional entry, balance 0", i+1, got[0], len(got))
		}
		for _, e := range got {
			if strings.HasPrefix(e.ID, tenancy.ProvisionalEntryPrefix) {
				t.Errorf("import %d: provisional entry %s left", i+1, e.ID)
			}
		}
	}
}
