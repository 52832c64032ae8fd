package portal_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/citejardins/extranet/infra/localstack"
	"github.com/citejardins/extranet/shared/dynamo"
	"github.com/citejardins/extranet/shared/portal"
)

// TestMigrateFunction invokes the migrate function's handler as Lambda does
// with events/triggers/migrate.json (what `aws lambda invoke` sends with no
// payload) on a copy of the previous version's data: the first invoke
// moves the accounts, the second moves nothing; the template declares it
// with no event (it runs when invoked) and the log holds counts, not
// addresses.
func TestMigrateFunction(t *testing.T) {
	ctx := context.Background()
	root, err := localstack.FindRoot()
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := localstack.LoadTemplate(filepath.Join(root, "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	fn, ok := tpl.Functions["migrate"]
	if !ok {
		t.Fatal("template.yaml has no MigrateFunction")
	}
	if len(fn.Routes)+len(fn.S3)+len(fn.Streams)+len(fn.SQS) != 0 {
		t.Errorf("MigrateFunction has events %+v; want none (invoked once, by hand)", fn)
	}
	db, err := localstack.StartDynamoDB(ctx, root)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	for file, table := range map[string]string{"accounts-v0b523d3.json": localstack.LocalTables.Accounts, "tenancy-v0b523d3.json": localstack.LocalTables.Tenancy} {
		data, err := os.ReadFile(filepath.Join(root, "shared", "dynamo", "testdata", file))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := localstack.LoadItems(ctx, db.Client, table, data); err != nil {
			t.Fatal(err)
		}
	}
	env := map[string]string{portal.EnvTenancyTable: localstack.LocalTables.Tenancy, portal.EnvAccountsTable: localstack.LocalTables.Accounts,
		portal.EnvDynamoDBEndpoint: db.URL, "AWS_REGION": localstack.Region, "AWS_ACCESS_KEY_ID": localstack.AccessKey,
		"AWS_SECRET_ACCESS_KEY": localstack.SecretKey}
	getenv := func(k string) string { return env[k] }
	var logs bytes.Buffer
	run, err := portal.MigrateHandler(portal.AWSConfig(getenv), getenv, slog.New(slog.NewJSONHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	event, err := os.ReadFile(filepath.Join(root, "events", "triggers", "migrate.json"))
	if err != nil {
		t.Fatal(err)
	}
	h := lambda.NewHandler(run)
	for i, wantMoved := range []int{3, 0} {
		out, err := h.Invoke(ctx, event)
		if err != nil {
			t.Fatalf("invoke %d: %v", i+1, err)
		}
		var rep dynamo.MigrationReport
		if err := json.Unmarshal(out, &rep); err != nil {
			t.Fatalf("invoke %d answered %s: %v", i+1, out, err)
		}
		if rep.Accounts.Moved != wantMoved || rep.Accounts.Moved+rep.Accounts.Skipped != 3 || rep.Accounts.Left != 0 {
			t.Errorf("invoke %d: accounts %+v, want %d moved of 3, none left", i+1, rep.Accounts, wantMoved)
		}
	}
	if strings.Contains(logs.String(), "@example.fr") || !strings.Contains(logs.String(), `"accounts"`) {
		t.Errorf("the function's log should hold counts and no address:\n%s", logs.String())
	}
}
