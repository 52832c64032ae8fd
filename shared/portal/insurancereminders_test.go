package portal_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/citejardins/extranet/infra/localstack"
	"github.com/citejardins/extranet/infra/sesemu"
	"github.com/citejardins/extranet/shared/dynamo"
	"github.com/citejardins/extranet/shared/portal"
	"github.com/citejardins/extranet/shared/tenancy"
)

// TestInsuranceRemindersScheduleSendsTheSample: the Daily schedule runs the
// function at 08:00 in Paris with the input of
// events/triggers/insurance-reminders.json.
func TestInsuranceRemindersScheduleSendsTheSample(t *testing.T) {
	events := templateEvents(t, "InsuranceRemindersFunction")
	for name, want := range map[string]struct{ cron, sample string }{
		"Daily":    {"cron(0 8 * * ? *)", "insurance-reminders.json"},
		"Refusals": {"cron(15 9-20 * * ? *)", "insurance-refusals.json"},
	} {
		ev, ok := events[name]
		if !ok || ev.Type != "ScheduleV2" || ev.Properties.ScheduleExpression != want.cron ||
			ev.Properties.ScheduleExpressionTimezone != "Europe/Paris" {
			t.Fatalf("%s schedule %+v; want ScheduleV2 %s Europe/Paris", name, ev, want.cron)
		}
		var fromTemplate, sample portal.InsuranceEvent
		strictJSON(t, []byte(ev.Properties.Input), &fromTemplate)
		strictJSON(t, triggerEvent(t, want.sample), &sample)
		if fromTemplate != sample || (sample.Run != portal.RunInsuranceReminders && sample.Run != portal.RunInsuranceRefusals) {
			t.Errorf("%s sends %+v; events/triggers/%s holds %+v", name, fromTemplate, want.sample, sample)
		}
	}
}

// TestInsuranceRemindersHandlerMailsAndLogsNoAddress: the function's
// handler, on its settings, mails a required lease's tenant the Missing
// reminder once, and its logs name neither the address nor the lease.
func TestInsuranceRemindersHandlerMailsAndLogsNoAddress(t *testing.T) {
	ctx := context.Background()
	db, err := localstack.StartDynamoDB(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	emu := sesemu.New(nil)
	sesSrv := httptest.NewServer(emu)
	defer sesSrv.Close()
	env := map[string]string{
		portal.EnvTenancyTable: localstack.LocalTables.Tenancy, portal.EnvAccountsTable: localstack.LocalTables.Accounts,
		portal.EnvPublicURL: "https://locataire.example.fr", portal.EnvMailFrom: "ne-pas-repondre@example.fr",
		portal.EnvDynamoDBEndpoint: db.URL, portal.EnvSESEndpoint: sesSrv.URL,
		"AWS_REGION": "eu-west-3", "AWS_ACCESS_KEY_ID": "k", "AWS_SECRET_ACCESS_KEY": "s",
	}
	getenv := func(k string) string { return env[k] }
	store := dynamo.New(db.Client, localstack.LocalTables)
	today := tenancy.ParisDate(time.Now())
	l := tenancy.Lease{Reference: "1234567", ResidenceID: "R1", Start: tenancy.Date{Year: 2020, Month: 1, Day: 1},
		Address: tenancy.Address{Street: "1 rue", PostalCode: "92230", City: "Gennevilliers"}, RentCents: 43000, InsuranceRequired: true}
	if _, err := store.UpsertLeasesOn(ctx, []tenancy.Lease{l}, today); err != nil {
		t.Fatal(err)
	}
	if _, err := store.SyncInsuranceRequired(ctx, []dynamo.LeaseRequirement{{Reference: "1234567", Required: true}}, today); err != nil {
		t.Fatal(err)
	}
	if _, err := store.UpsertSignatories(ctx, []dynamo.SignatoryOf{{Reference: "1234567", Signatory: tenancy.Signatory{ID: "S1234567-1",
		Main: true, LastName: "LEFÈVRE", FirstName: "Sophie", DateOfBirth: tenancy.Date{Year: 1985, Month: 11, Day: 3}}}}); err != nil {
		t.Fatal(err)
	}
	s := func(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
	if _, err := db.Client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(localstack.LocalTables.Accounts),
		Item: map[string]types.AttributeValue{"PK": s("ACCOUNT#1234567"), "SK": s("ACCOUNT#S1234567-1"), "email": s("sophie.lefevre@example.fr"),
			"status": s("active"), "reference": s("1234567"), "signatory": s("S1234567-1")}}); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	run, err := portal.InsuranceRemindersHandler(portal.AWSConfig(getenv), getenv, slog.New(slog.NewJSONHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if rep, err := run(ctx, portal.InsuranceEvent{Run: portal.RunInsuranceRefusals}); err != nil || rep.Mailed != 0 || len(emu.Messages()) != 0 {
		t.Fatalf("the refusals' run: %+v, %v, %d mails; want no reminder mailed", rep, err, len(emu.Messages()))
	}
	if _, err := run(ctx, portal.InsuranceEvent{Run: "everything"}); !errors.Is(err, portal.ErrUnknownInsuranceRun) {
		t.Errorf("unknown run: %v", err)
	}
	for range 2 {
		if _, err := run(ctx, portal.InsuranceEvent{Run: portal.RunInsuranceReminders}); err != nil {
			t.Fatal(err)
		}
	}
	msgs := emu.Messages()
	if len(msgs) != 1 || msgs[0].To[0] != "sophie.lefevre@example.fr" ||
		!strings.Contains(msgs[0].Text, "https://locataire.example.fr/mon-espace/assurance") {
		t.Fatalf("mails %+v; want one missing reminder with the link", msgs)
	}
	if strings.Contains(logs.String(), "sophie") || strings.Contains(logs.String(), "1234567") || !strings.Contains(logs.String(), `"mailed":1`) {
		t.Errorf("logs %s; want the counts, without the address or the lease", logs.String())
	}
}
