package dynamo_test

import (
	"context"
	"fmt"
	"os"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/citejardins/extranet/infra/localstack"
	"github.com/citejardins/extranet/shared/dynamo"
)

// The fixture: data written by the previous version (testdata/README.md).
const (
	fixtureAccounts = "testdata/accounts-v0b523d3.json"
	fixtureTenancy  = "testdata/tenancy-v0b523d3.json"
)

// The demo leases' main signatories (infra/demo/erp/signataires_*.csv), as
// the fixture's tenancy items name them.
var mainOf = map[string]string{"8889999": "S8889999-1", "1234567": "S1234567-1", "7654321": "S7654321-1"}

type rawItem = map[string]types.AttributeValue

// migrationDB starts an emulator with a copy of the fixture, and extra
// legacy items if given.
func migrationDB(t *testing.T, extra ...rawItem) (*localstack.DynamoDB, *dynamo.Store, []rawItem) {
	t.Helper()
	ctx := context.Background()
	db, err := localstack.StartDynamoDB(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	for file, table := range map[string]string{fixtureAccounts: localstack.LocalTables.Accounts, fixtureTenancy: localstack.LocalTables.Tenancy} {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := localstack.LoadItems(ctx, db.Client, table, data); err != nil {
			t.Fatal(err)
		}
	}
	for _, it := range extra {
		if _, err := db.Client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(localstack.LocalTables.Accounts), Item: it}); err != nil {
			t.Fatal(err)
		}
	}
	return db, dynamo.New(db.Client, localstack.LocalTables), fixtureItems(t)
}

func fixtureItems(t *testing.T) []rawItem {
	t.Helper()
	data, err := os.ReadFile(fixtureAccounts)
	if err != nil {
		t.Fatal(err)
	}
	items, err := localstack.ParseDump(data)
	if err != nil {
		t.Fatal(err)
	}
	return items
}

// accountsTable reads every rawItem of the accounts table, by "PK|SK".
func accountsTable(t *testing.T, db *localstack.DynamoDB) map[string]rawItem {
	t.Helper()
	data, err := localstack.DumpItems(context.Background(), db.Client, localstack.LocalTables.Accounts, nil)
	if err != nil {
		t.Fatal(err)
	}
	items, err := localstack.ParseDump(data)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]rawItem{}
	for _, it := range items {
		out[keyOfItem(it)] = it
	}
	return out
}

func s(it rawItem, name string) string {
	v, _ := it[name].(*types.AttributeValueMemberS)
	if v == nil {
		return ""
	}
	return v.Value
}

func keyOfItem(it rawItem) string { return s(it, "PK") + "|" + s(it, "SK") }

func with(it rawItem, set map[string]types.AttributeValue, drop ...string) rawItem {
	out := rawItem{}
	for k, v := range it {
		out[k] = v
	}
	for _, k := range drop {
		delete(out, k)
	}
	for k, v := range set {
		out[k] = v
	}
	return out
}

func sv(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }

// expectedAfter is the accounts table the migration must leave from the
// fixture's items, by COMMON.md's layout (DESIGN.md, Accounts).
func expectedAfter(t *testing.T, before []rawItem) map[string]rawItem {
	t.Helper()
	want := map[string]rawItem{}
	kinds := map[string]int{}
	for _, it := range before {
		pk, sk, ref := s(it, "PK"), s(it, "SK"), s(it, "reference")
		sig := mainOf[ref]
		switch {
		case strings.HasPrefix(pk, "ACCOUNT#") && sk == "ACCOUNT":
			kinds["account"]++
			if ref != strings.TrimPrefix(pk, "ACCOUNT#") || sig == "" {
				t.Fatalf("fixture account %s names lease %q", pk, ref)
			}
			next := with(it, map[string]types.AttributeValue{"SK": sv("ACCOUNT#" + sig), "signatory": sv(sig)}, "paperless", "paperlessSince")
			want[keyOfItem(next)] = next
			if since, ok := it["paperlessSince"].(*types.AttributeValueMemberN); ok && since.Value != "0" {
				p := rawItem{"PK": sv(pk), "SK": sv("LEASEPREFS"), "reference": sv(ref), "paperless": it["paperless"],
					"paperlessSince": since, "paperlessBy": sv(sig)}
				want[keyOfItem(p)] = p
			}
		case strings.HasPrefix(pk, "EMAIL#"):
			kinds["claim"]++
			want[keyOfItem(it)] = with(it, map[string]types.AttributeValue{"signatory": sv(sig)})
		case strings.HasPrefix(pk, "TOKEN#"):
			kinds["token"]++
			created := it["createdAt"].(*types.AttributeValueMemberN).Value
			want[keyOfItem(it)] = with(it, map[string]types.AttributeValue{"signatory": sv(sig),
				"GSI1PK": sv("ACCOUNT#" + ref + "#" + sig), "GSI1SK": sv("TOKEN#" + created + "#" + strings.TrimPrefix(pk, "TOKEN#")[:8])})
		case strings.HasPrefix(pk, "SESSION#"):
			kinds["session"]++
			want[keyOfItem(it)] = with(it, map[string]types.AttributeValue{"signatory": sv(sig), "GSI1PK": sv("ACCOUNT#" + ref + "#" + sig)})
		case pk == "MAILJOB" && ref != "":
			kinds["mail job of a lease"]++
			want[keyOfItem(it)] = with(it, map[string]types.AttributeValue{"signatory": sv(sig)})
		default:
			kinds[strings.SplitN(pk, "#", 2)[0]]++
			want[keyOfItem(it)] = it
		}
	}
	// The fixture holds what the test is about (testdata/README.md).
	for k, n := range map[string]int{"account": 3, "claim": 3, "token": 6, "session": 2, "mail job of a lease": 1, "MAILJOB": 1, "OUTBOX": 3} {
		if kinds[k] != n {
			t.Fatalf("the fixture has %d items of kind %q, want %d: %v", kinds[k], k, n, kinds)
		}
	}
	if kinds["ACCOUNT"] != 1 { // the change request, in the lease's partition
		t.Fatalf("the fixture has %d change requests, want 1: %v", kinds["ACCOUNT"], kinds)
	}
	return want
}

func diffTables(t *testing.T, got, want map[string]rawItem) {
	t.Helper()
	var keys []string
	for k := range want {
		keys = append(keys, k)
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		g, w := got[k], want[k]
		switch {
		case g == nil:
			t.Errorf("%s: missing after the migration", k)
		case w == nil:
			t.Errorf("%s: not expected after the migration: %v", k, g)
		case !reflect.DeepEqual(g, w):
			t.Errorf("%s:\n got %v\nwant %v", k, dump(g), dump(w))
		}
	}
}

func dump(it rawItem) string {
	var parts []string
	for k, v := range it {
		parts = append(parts, fmt.Sprintf("%s=%v", k, reflect.ValueOf(v).Elem().Field(0).Interface()))
	}
	sort.Strings(parts)
	return strings.Join(parts, " ")
}

// TestMigrateAccountsFixture migrates a copy of the previous version's data
// twice: every rawItem is kept, in exactly the new layout, and the second run
// moves nothing.
func TestMigrateAccountsFixture(t *testing.T) {
	db, store, before := migrationDB(t)
	dynamo.SetMigrationPageSize(t, 4) // several pages, as a real table's Scan of 1 MB pages
	ctx := context.Background()
	want := expectedAfter(t, before)

	rep, err := store.MigrateAccounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	wantRep := dynamo.MigrationReport{Accounts: dynamo.MigrationCount{Moved: 3}, Prefs: 1, Claims: dynamo.MigrationCount{Moved: 3},
		Tokens: dynamo.MigrationCount{Moved: 6}, Sessions: dynamo.MigrationCount{Moved: 2},
		MailJobs: dynamo.MigrationCount{Moved: 1, Skipped: 1}, Other: len(before) - 16}
	if !reflect.DeepEqual(rep, wantRep) {
		t.Errorf("first run's report %+v, want %+v", rep, wantRep)
	}
	after := accountsTable(t, db)
	diffTables(t, after, want)
	if len(after) != len(before)+1 { // + LEASEPREFS of LEFÈVRE
		t.Errorf("%d items after, %d before: want one more (the lease's preferences)", len(after), len(before))
	}

	again, err := store.MigrateAccounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	wantAgain := dynamo.MigrationReport{Accounts: dynamo.MigrationCount{Skipped: 3}, Claims: dynamo.MigrationCount{Skipped: 3},
		Tokens: dynamo.MigrationCount{Skipped: 6}, Sessions: dynamo.MigrationCount{Skipped: 2},
		MailJobs: dynamo.MigrationCount{Skipped: 2}, Other: len(before) - 16 + 1}
	if !reflect.DeepEqual(again, wantAgain) {
		t.Errorf("second run's report %+v, want %+v", again, wantAgain)
	}
	diffTables(t, accountsTable(t, db), want)

	// The new access patterns find the moved items.
	out, err := db.Client.Query(ctx, &dynamodb.QueryInput{TableName: aws.String(localstack.LocalTables.Accounts),
		KeyConditionExpression:    aws.String("PK = :pk AND begins_with(SK, :a)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": sv("ACCOUNT#1234567"), ":a": sv("ACCOUNT#")}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Items) != 1 || s(out.Items[0], "signatory") != "S1234567-1" || s(out.Items[0], "email") != "celine.lefevre@example.fr" {
		t.Errorf("accounts of lease 1234567: %v, want Céline's alone", out.Items)
	}
	for prefix, n := range map[string]int{"SESSION#": 1, "TOKEN#": 3} { // Céline's: her activation link and two notification email links
		out, err := db.Client.Query(ctx, &dynamodb.QueryInput{TableName: aws.String(localstack.LocalTables.Accounts), IndexName: aws.String(dynamo.GSI1),
			KeyConditionExpression:    aws.String("GSI1PK = :pk AND begins_with(GSI1SK, :p)"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":pk": sv("ACCOUNT#1234567#S1234567-1"), ":p": sv(prefix)}})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Items) != n {
			t.Errorf("GSI1 lists %d %s items of Céline's account, want %d", len(out.Items), prefix, n)
		}
	}
}

// TestMigrateAccountsResumes plays a crash after each number of writes of
// a run, then runs again: every time, the table ends as one whole run
// leaves it.
func TestMigrateAccountsResumes(t *testing.T) {
	var total int
	{
		_, store, _ := migrationDB(t)
		dynamo.FailMigrationAfter(t, -1, &total)
		if _, err := store.MigrateAccounts(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if total != 3+3+6+2+1 {
		t.Fatalf("a whole run writes %d times, want 15 (3 accounts, 3 claims, 6 tokens, 2 sessions, 1 mail job)", total)
	}
	for n := 0; n < total; n++ {
		t.Run(fmt.Sprintf("crash after %d writes", n), func(t *testing.T) {
			db, store, before := migrationDB(t)
			dynamo.SetMigrationPageSize(t, 3)
			var writes int
			dynamo.FailMigrationAfter(t, n, &writes)
			if _, err := store.MigrateAccounts(context.Background()); err == nil {
				t.Fatal("the crashed run returned no error")
			}
			if writes != n {
				t.Fatalf("the crashed run wrote %d times, want %d", writes, n)
			}
			// Nothing is lost at the crash: each legacy account is there,
			// under its old key or its new one.
			mid := accountsTable(t, db)
			for ref, sig := range mainOf {
				_, old := mid["ACCOUNT#"+ref+"|ACCOUNT"]
				_, moved := mid["ACCOUNT#"+ref+"|ACCOUNT#"+sig]
				if old == moved {
					t.Errorf("after the crash, lease %s: legacy account %v, moved account %v; want exactly one", ref, old, moved)
				}
			}
			dynamo.FailMigrationAfter(t, -1, new(int))
			rep, err := store.MigrateAccounts(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			moved := rep.Accounts.Moved + rep.Claims.Moved + rep.Tokens.Moved + rep.Sessions.Moved + rep.MailJobs.Moved
			if moved != total-n {
				t.Errorf("the resumed run moved %d items, want the %d left: %+v", moved, total-n, rep)
			}
			diffTables(t, accountsTable(t, db), expectedAfter(t, before))
		})
	}
}

// TestMigrateAccountsInParallel: 40 runs at once (the local stack's run at
// start and an operator's invoke, many times over) move each item once
// and end in the same table.
func TestMigrateAccountsInParallel(t *testing.T) {
	db, store, before := migrationDB(t)
	var wg sync.WaitGroup
	reps := make([]dynamo.MigrationReport, 40)
	errs := make([]error, 40)
	for i := range reps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			reps[i], errs[i] = store.MigrateAccounts(context.Background())
		}()
	}
	wg.Wait()
	var sum dynamo.MigrationReport
	for i, r := range reps {
		if errs[i] != nil {
			t.Errorf("run %d: %v", i, errs[i])
		}
		sum.Accounts.Moved += r.Accounts.Moved
		sum.Prefs += r.Prefs
		sum.Claims.Moved += r.Claims.Moved
		sum.Tokens.Moved += r.Tokens.Moved
		sum.Sessions.Moved += r.Sessions.Moved
		sum.MailJobs.Moved += r.MailJobs.Moved
	}
	if sum.Accounts.Moved != 3 || sum.Prefs != 1 || sum.Claims.Moved != 3 || sum.Tokens.Moved != 6 || sum.Sessions.Moved != 2 || sum.MailJobs.Moved != 1 {
		t.Errorf("the 40 runs moved %+v in all; want each item once (3 accounts, 1 preferences, 3 claims, 6 tokens, 2 sessions, 1 mail job)", sum)
	}
	diffTables(t, accountsTable(t, db), expectedAfter(t, before))
}

// TestMigrateAccountsLeavesWhatItCannotName: an account (with its claim
// and session) of a lease the tenancy table does not have, and one of a
// lease without a main signatory, stay as they were and are reported.
func TestMigrateAccountsLeavesWhatItCannotName(t *testing.T) {
	var dupont rawItem
	for _, it := range fixtureItems(t) {
		if s(it, "PK") == "ACCOUNT#8889999" && s(it, "SK") == "ACCOUNT" {
			dupont = it
		}
	}
	ctx := context.Background()
	orphan := with(dupont, map[string]types.AttributeValue{"PK": sv("ACCOUNT#5555555"), "reference": sv("5555555"),
		"email": sv("x@example.fr"), "emailKey": sv("x@example.fr")})
	noMain := with(orphan, map[string]types.AttributeValue{"PK": sv("ACCOUNT#4444444"), "reference": sv("4444444")})
	claim := rawItem{"PK": sv("EMAIL#x@example.fr"), "SK": sv("EMAIL"), "reference": sv("5555555")}
	session := rawItem{"PK": sv("SESSION#abcdef0123456789"), "SK": sv("SESSION"), "reference": sv("5555555"),
		"GSI1PK": sv("ACCOUNT#5555555"), "GSI1SK": sv("SESSION#1#abcdef01"), "generation": &types.AttributeValueMemberN{Value: "0"},
		"createdAt": &types.AttributeValueMemberN{Value: "1"}, "expiresAt": &types.AttributeValueMemberN{Value: "2"}}
	db, store, before := migrationDB(t, orphan, noMain, claim, session)
	// Lease 4444444 exists, with a co-signatory only.
	for _, it := range []rawItem{{"PK": sv("LEASE#4444444"), "SK": sv("LEASE"), "reference": sv("4444444")},
		{"PK": sv("LEASE#4444444"), "SK": sv("SIGNATORY#S4444444-2"), "id": sv("S4444444-2"), "main": &types.AttributeValueMemberBOOL{Value: false}}} {
		if _, err := db.Client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(localstack.LocalTables.Tenancy), Item: it}); err != nil {
			t.Fatal(err)
		}
	}
	for range 2 {
		rep, err := store.MigrateAccounts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Accounts.Left != 2 || rep.Claims.Left != 1 || rep.Sessions.Left != 1 || !reflect.DeepEqual(rep.LeftLeases, []string{"4444444", "5555555"}) {
			t.Errorf("report %+v; want 2 accounts, 1 claim and 1 session left, of leases 4444444 and 5555555", rep)
		}
	}
	want := expectedAfter(t, before)
	for _, it := range []rawItem{orphan, noMain, claim, session} {
		want[keyOfItem(it)] = it
	}
	diffTables(t, accountsTable(t, db), want)
}

// TestMigrateAccountsKeepsWhatChangedMeanwhile: a request of the previous
// version that changes an item between the Scan and its write (a reset
// link used, a session seen, a password changed) is not undone: the write
// fails its condition, the item is read again and moved as it is now.
func TestMigrateAccountsKeepsWhatChangedMeanwhile(t *testing.T) {
	db, store, before := migrationDB(t)
	ctx := context.Background()
	var resetToken, dupontSession string
	for _, it := range before {
		if s(it, "reference") == "8889999" && s(it, "purpose") == "reset" {
			resetToken = s(it, "PK")
		}
		if s(it, "reference") == "8889999" && strings.HasPrefix(s(it, "PK"), "SESSION#") {
			dupontSession = s(it, "PK")
		}
	}
	if resetToken == "" || dupontSession == "" {
		t.Fatal("the fixture lacks DUPONT's reset link or session")
	}
	table := aws.String(localstack.LocalTables.Accounts)
	n := func(v string) types.AttributeValue { return &types.AttributeValueMemberN{Value: v} }
	changes := map[string]*dynamodb.UpdateItemInput{
		resetToken: {TableName: table, Key: rawItem{"PK": sv(resetToken), "SK": sv("TOKEN")},
			UpdateExpression: aws.String("SET usedAt = :at"), ExpressionAttributeValues: rawItem{":at": n("1796072999")}},
		dupontSession: {TableName: table, Key: rawItem{"PK": sv(dupontSession), "SK": sv("SESSION")},
			UpdateExpression: aws.String("SET lastSeen = :at"), ExpressionAttributeValues: rawItem{":at": n("1796072888")}},
		"ACCOUNT#1234567": {TableName: table, Key: rawItem{"PK": sv("ACCOUNT#1234567"), "SK": sv("ACCOUNT")},
			UpdateExpression: aws.String("SET passwordHash = :h ADD sessionGen :one"), ExpressionAttributeValues: rawItem{":h": sv("changed meanwhile"), ":one": n("1")}},
	}
	done := map[string]bool{}
	dynamo.BeforeMigrationWrite(t, func(pk, _ string) {
		if in := changes[pk]; in != nil && !done[pk] {
			done[pk] = true
			if _, err := db.Client.UpdateItem(ctx, in); err != nil {
				t.Errorf("change %s: %v", pk, err)
			}
		}
	})
	rep, err := store.MigrateAccounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(done) != 3 {
		t.Fatalf("changed %v before their writes; want the three", done)
	}
	if rep.Accounts.Moved != 3 || rep.Tokens.Moved != 6 || rep.Sessions.Moved != 2 {
		t.Errorf("report %+v; want every account, token and session moved", rep)
	}
	after := accountsTable(t, db)
	want := expectedAfter(t, before)
	tok := want[resetToken+"|TOKEN"]
	tok["usedAt"] = n("1796072999")
	ses := want[dupontSession+"|SESSION"]
	ses["lastSeen"] = n("1796072888")
	acc := want["ACCOUNT#1234567|ACCOUNT#S1234567-1"]
	acc["passwordHash"], acc["sessionGen"] = sv("changed meanwhile"), n("1")
	diffTables(t, after, want)
}

// TestMigrateAccountsWithdrawnConsent: a consent withdrawn (paperless false,
// with its date) is the lease's preference too, by the main signatory.
func TestMigrateAccountsWithdrawnConsent(t *testing.T) {
	var dupont rawItem
	for _, it := range fixtureItems(t) {
		if s(it, "PK") == "ACCOUNT#8889999" && s(it, "SK") == "ACCOUNT" {
			dupont = with(it, rawItem{"paperless": &types.AttributeValueMemberBOOL{Value: false},
				"paperlessSince": &types.AttributeValueMemberN{Value: "1790000000"}})
		}
	}
	db, store, _ := migrationDB(t, dupont)
	rep, err := store.MigrateAccounts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Prefs != 2 {
		t.Errorf("%d lease preferences written, want 2 (LEFÈVRE's consent, DUPONT's withdrawal)", rep.Prefs)
	}
	got := accountsTable(t, db)["ACCOUNT#8889999|LEASEPREFS"]
	want := rawItem{"PK": sv("ACCOUNT#8889999"), "SK": sv("LEASEPREFS"), "reference": sv("8889999"),
		"paperless": &types.AttributeValueMemberBOOL{Value: false}, "paperlessSince": &types.AttributeValueMemberN{Value: "1790000000"},
		"paperlessBy": sv("S8889999-1")}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("DUPONT's lease preferences %v, want %v", got, want)
	}
	if acc := accountsTable(t, db)["ACCOUNT#8889999|ACCOUNT#S8889999-1"]; acc == nil || acc["paperless"] != nil || acc["paperlessSince"] != nil {
		t.Errorf("DUPONT's account %v: want it moved, without the consent", acc)
	}
}
