package portal_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
	"gopkg.in/yaml.v3"

	"github.com/citejardins/extranet/infra/localstack"
	"github.com/citejardins/extranet/infra/sesemu"
	"github.com/citejardins/extranet/shared/account"
	"github.com/citejardins/extranet/shared/dynamo"
	"github.com/citejardins/extranet/shared/noticerun"
	"github.com/citejardins/extranet/shared/portal"
	"github.com/citejardins/extranet/shared/tenancy"
	"github.com/citejardins/extranet/shared/tenant"
)

func strictJSON(t *testing.T, raw []byte, v any) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("%s: %v", raw, err)
	}
}

func triggerEvent(t *testing.T, name string) []byte {
	t.Helper()
	root, err := localstack.FindRoot()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(root, "events", "triggers", name))
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// TestScheduleInputsAreNoticesEvents checks that what the template's
// schedules send the notices function is an event it runs, one sample of
// each in events/triggers.
// templateEvent is one of a function's Events in template.yaml.
type templateEvent struct {
	Type       string `yaml:"Type"`
	Properties struct {
		Input                      string `yaml:"Input"`
		ScheduleExpression         string `yaml:"ScheduleExpression"`
		ScheduleExpressionTimezone string `yaml:"ScheduleExpressionTimezone"`
	} `yaml:"Properties"`
}

// templateEvents reads the repository's template.yaml and returns the
// events of the function fn (its logical id), by name.
func templateEvents(t *testing.T, fn string) map[string]templateEvent {
	t.Helper()
	root, err := localstack.FindRoot()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(root, "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var tpl struct {
		Resources map[string]struct {
			Properties struct {
				Events map[string]templateEvent `yaml:"Events"`
			} `yaml:"Properties"`
		} `yaml:"Resources"`
	}
	if err := yaml.Unmarshal(raw, &tpl); err != nil {
		t.Fatal(err)
	}
	return tpl.Resources[fn].Properties.Events
}

func TestScheduleInputsAreNoticesEvents(t *testing.T) {
	steps := map[string]bool{}
	for name, ev := range templateEvents(t, "NoticesFunction") {
		if ev.Type != "ScheduleV2" {
			continue
		}
		var e portal.NoticesEvent
		strictJSON(t, []byte(ev.Properties.Input), &e)
		if e.Step != portal.StepPlan && e.Step != portal.StepPrint {
			t.Errorf("schedule %s sends step %q", name, e.Step)
		}
		steps[e.Step] = true
	}
	if !steps[portal.StepPlan] || !steps[portal.StepPrint] {
		t.Errorf("schedules for steps %v; want plan and print", steps)
	}
	for _, f := range []string{"notices-plan.json", "notices-print.json"} {
		var e portal.NoticesEvent
		strictJSON(t, triggerEvent(t, f), &e)
		if e.Step != portal.StepPlan && e.Step != portal.StepPrint {
			t.Errorf("%s: step %q", f, e.Step)
		}
	}
	var sqsEv events.SQSEvent
	strictJSON(t, triggerEvent(t, "noticeworker-sqs.json"), &sqsEv)
	if len(sqsEv.Records) != 1 || sqsEv.Records[0].EventSource != "aws:sqs" {
		t.Fatalf("noticeworker-sqs.json: %+v", sqsEv)
	}
	if _, err := noticerun.DecodeBatch(sqsEv.Records[0].Body); err != nil {
		t.Errorf("noticeworker-sqs.json body: %v", err)
	}
	var mailEv events.SQSEvent
	strictJSON(t, triggerEvent(t, "noticemails-sqs.json"), &mailEv)
	if len(mailEv.Records) == 0 {
		t.Fatalf("noticemails-sqs.json: %+v", mailEv)
	}
	for _, r := range mailEv.Records {
		if _, err := noticerun.DecodeMailMessage(r.Body); err != nil || r.EventSource != "aws:sqs" {
			t.Errorf("noticemails-sqs.json record: %v", err)
		}
	}
}

// memQueue stands for SQS between the two functions.
type memQueue struct {
	mu     sync.Mutex
	bodies []string
}

func (q *memQueue) Send(_ context.Context, bodies []string) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.bodies = append(q.bodies, bodies...)
	return nil
}

// TestNoticeFunctionsRunAPeriod runs the three functions' handlers, built
// from settings as in Lambda, against the emulators: the plan event, the
// queued batches as SQS events (with a message that is no batch), the
// queued mails as SQS events (with a message that is no mail), then the
// print event.
func TestNoticeFunctionsRunAPeriod(t *testing.T) {
	ctx := context.Background()
	db, err := localstack.StartDynamoDB(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s3srv := httptest.NewServer(gofakes3.New(s3mem.New()).Server())
	defer s3srv.Close()
	emu := sesemu.New(nil)
	sesSrv := httptest.NewServer(emu)
	defer sesSrv.Close()
	env := map[string]string{
		portal.EnvTenancyTable: localstack.LocalTables.Tenancy, portal.EnvAccountsTable: localstack.LocalTables.Accounts,
		portal.EnvDocumentsBucket: "documents", portal.EnvPublicURL: "https://locataire.example.fr", portal.EnvMailFrom: "ne-pas-repondre@example.fr",
		portal.EnvDynamoDBEndpoint: db.URL, portal.EnvS3Endpoint: s3srv.URL, portal.EnvSESEndpoint: sesSrv.URL,
		portal.EnvNoticeShards: "16", portal.EnvNoticeMailRate: "100", portal.EnvNoticeMailConcurrency: "4",
		portal.EnvLandlordName: "Cité Jardins Habitat", portal.EnvLandlordAddress: "12 avenue des Tilleuls|93200 Saint-Denis",
		"AWS_REGION": "eu-west-3", "AWS_ACCESS_KEY_ID": "k", "AWS_SECRET_ACCESS_KEY": "s",
	}
	getenv := func(k string) string { return env[k] }
	cfg := portal.AWSConfig(getenv)
	s3c := s3.NewFromConfig(aws.Config{Region: "eu-west-3", Credentials: credentials.NewStaticCredentialsProvider("k", "s", "")},
		func(o *s3.Options) { o.BaseEndpoint, o.UsePathStyle = aws.String(s3srv.URL), true })
	if _, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("documents")}); err != nil {
		t.Fatal(err)
	}
	store := dynamo.New(db.Client, localstack.LocalTables)
	var leases []tenancy.Lease
	for i, ref := range []string{"8889999", "1234567", "7654321"} {
		leases = append(leases, tenancy.Lease{Reference: ref, ResidenceID: "R1", Start: tenancy.Date{Year: 2020, Month: 1, Day: 1},
			Address:   tenancy.Address{Street: "1 rue des Lilas", PostalCode: []string{"93200", "75011", "69001"}[i], City: "Ville"},
			RentCents: 40000, ChargesCents: 6000, DueDay: 5, PaymentMethod: tenancy.Transfer})
	}
	if _, err := store.UpsertLeasesOn(ctx, leases, tenancy.Date{Year: 2026, Month: 11, Day: 1}); err != nil {
		t.Fatal(err)
	}
	// 8889999's tenant (whom the lease lists) chose paperless notices.
	if _, err := store.UpsertSignatories(ctx, []dynamo.SignatoryOf{{Reference: "8889999", Signatory: tenancy.Signatory{ID: "S8889999-1",
		Main: true, LastName: "DUPONT", FirstName: "Marie", DateOfBirth: tenancy.Date{Year: 1978, Month: 4, Day: 12}}}}); err != nil {
		t.Fatal(err)
	}
	created := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	paperless := account.Account{Reference: "8889999", Signatory: "S8889999-1", Email: "paperless@example.fr", PasswordHash: "x",
		Status: account.Active, CreatedAt: created}
	if err := store.SavePending(ctx, paperless, nil, account.Token{Hash: "h", Purpose: "activation", Reference: "8889999",
		Signatory: paperless.Signatory, CreatedAt: created, ExpiresAt: created.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if err := store.SetPreferences(ctx, paperless.Key(), tenant.Preferences{}, tenant.Preferences{Paperless: true, Since: created,
		By: paperless.Signatory}, tenant.Event{}); err != nil {
		t.Fatal(err)
	}

	now := func() time.Time { return time.Date(2026, 11, 20, 5, 0, 0, 0, time.UTC) }
	q, mq := &memQueue{}, &memQueue{}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	notices, err := portal.NoticesHandler(cfg, getenv, log, portal.NoticeOptions{Queue: q, MailQueue: mq, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	worker, err := portal.NoticeWorkerHandler(cfg, getenv, log, portal.NoticeOptions{MailQueue: mq, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	mails, err := portal.NoticeMailsHandler(cfg, getenv, log, portal.NoticeOptions{Now: now})
	if err != nil {
		t.Fatal(err)
	}

	var plan portal.NoticesEvent
	strictJSON(t, triggerEvent(t, "notices-plan.json"), &plan)
	rep, err := notices(ctx, plan)
	if err != nil || rep.Period != "2026-12" || rep.Leases != 3 || len(q.bodies) == 0 {
		t.Fatalf("plan: %+v, %v, %d messages; want 2026-12 (the coming period) with 3 leases", rep, err, len(q.bodies))
	}
	ev := events.SQSEvent{Records: []events.SQSMessage{{MessageId: "not-a-batch", Body: `{"hello":1}`, EventSource: "aws:sqs"}}}
	for i, b := range q.bodies {
		ev.Records = append(ev.Records, events.SQSMessage{MessageId: "m" + string(rune('0'+i)), Body: b, EventSource: "aws:sqs"})
	}
	// An invocation about to time out starts nothing: every record comes
	// back whole.
	late, cancel := context.WithTimeout(ctx, 5*time.Second)
	resp, err := worker(late, ev)
	cancel()
	if err != nil || len(resp.BatchItemFailures) != len(ev.Records) {
		t.Fatalf("late worker: %+v, %v; want every record back", resp, err)
	}
	if docs, err := store.Documents(ctx, "8889999"); err != nil || len(docs) != 0 {
		t.Fatalf("the late worker issued %d documents, %v", len(docs), err)
	}
	resp, err = worker(ctx, ev)
	if err != nil || len(resp.BatchItemFailures) != 1 || resp.BatchItemFailures[0].ItemIdentifier != "not-a-batch" {
		t.Fatalf("worker: %+v, %v; want only not-a-batch failed", resp, err)
	}
	if len(emu.Messages()) != 0 || len(mq.bodies) != 1 {
		t.Fatalf("the worker sent %d mails and queued %d; want 0 sent, 1 queued", len(emu.Messages()), len(mq.bodies))
	}
	mev := events.SQSEvent{Records: []events.SQSMessage{{MessageId: "not-a-mail", Body: `{"ref":"8889999"}`, EventSource: "aws:sqs"},
		{MessageId: "mail", Body: mq.bodies[0], EventSource: "aws:sqs"}, {MessageId: "again", Body: mq.bodies[0], EventSource: "aws:sqs"}}}
	resp, err = mails(ctx, mev)
	if err != nil || len(resp.BatchItemFailures) > 1 || (len(resp.BatchItemFailures) == 1 && resp.BatchItemFailures[0].ItemIdentifier == "not-a-mail") {
		t.Fatalf("mails: %+v, %v; want the bad record dropped", resp, err)
	}
	if got := emu.Messages(); len(got) != 1 || got[0].To[0] != "paperless@example.fr" {
		t.Fatalf("mails sent %+v; want one to the paperless tenant", got)
	}
	rep, err = notices(ctx, portal.NoticesEvent{Step: portal.StepPrint})
	if err != nil || rep.Issued != 3 || rep.Mailed != 1 || rep.Printed != 2 || rep.PrintBatch == nil || *rep.PrintBatch != "print/2026-12/001/avis.pdf" {
		t.Fatalf("print: %+v, %v", rep, err)
	}
	out, err := s3c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("documents"), Key: rep.PrintBatch})
	if err != nil {
		t.Fatal(err)
	}
	pdfBytes, _ := io.ReadAll(out.Body)
	out.Body.Close()
	if !bytes.HasPrefix(pdfBytes, []byte("%PDF-")) {
		t.Errorf("print batch is no PDF: %q", pdfBytes[:min(16, len(pdfBytes))])
	}
	// A period whose only print evening has passed: planned and issued on
	// the 28th, its paper tenants still wait on 3 January, when the
	// coming period is February. The daily print step prints them.
	jan3 := func() time.Time { return time.Date(2027, 1, 3, 17, 0, 0, 0, time.UTC) }
	q2, mq2 := &memQueue{}, &memQueue{}
	notices2, err := portal.NoticesHandler(cfg, getenv, log, portal.NoticeOptions{Queue: q2, MailQueue: mq2, Now: jan3})
	if err != nil {
		t.Fatal(err)
	}
	worker2, err := portal.NoticeWorkerHandler(cfg, getenv, log, portal.NoticeOptions{MailQueue: mq2, Now: jan3})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := notices2(ctx, portal.NoticesEvent{Step: portal.StepPlan, Period: "2027-01"}); err != nil {
		t.Fatal(err)
	}
	ev2 := events.SQSEvent{}
	for i, b := range q2.bodies {
		ev2.Records = append(ev2.Records, events.SQSMessage{MessageId: "j" + string(rune('0'+i)), Body: b, EventSource: "aws:sqs"})
	}
	if resp, err := worker2(ctx, ev2); err != nil || len(resp.BatchItemFailures) != 0 {
		t.Fatalf("worker for 2027-01: %+v, %v", resp, err)
	}
	if _, err := notices2(ctx, portal.NoticesEvent{Step: portal.StepPrint}); err != nil {
		t.Fatalf("daily print step: %v", err)
	}
	if _, err := s3c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("documents"), Key: aws.String("print/2027-01/001/manifest.csv")}); err != nil {
		t.Errorf("the daily print step on 3 January left 2027-01's paper notices unprinted: %v", err)
	}
	if _, err := notices(ctx, portal.NoticesEvent{Step: "send"}); err == nil || !strings.Contains(err.Error(), "step") {
		t.Errorf("unknown step: %v", err)
	}
	if _, err := notices(ctx, portal.NoticesEvent{Step: portal.StepPlan, Period: "2026-13"}); err == nil {
		t.Error("bad period: no error")
	}
}

func TestNoticeSettings(t *testing.T) {
	base := map[string]string{portal.EnvTenancyTable: "T", portal.EnvAccountsTable: "A", portal.EnvDocumentsBucket: "b",
		portal.EnvPublicURL: "https://x.fr", portal.EnvMailFrom: "a@x.fr", portal.EnvNoticesQueueURL: "https://sqs/q",
		portal.EnvNoticeMailsQueueURL: "https://sqs/m", portal.EnvLandlordName: "Cité Jardins",
		portal.EnvLandlordAddress: "12 rue des Tilleuls|93200 Saint-Denis"}
	for _, missing := range []string{portal.EnvLandlordName, portal.EnvLandlordAddress} {
		getenv := func(k string) string {
			if k == missing {
				return "  "
			}
			return base[k]
		}
		if _, err := portal.NewNoticeWorker(aws.Config{}, getenv, nil, portal.NoticeOptions{}); err == nil {
			t.Errorf("worker without %s: no error", missing)
		}
	}
	if _, err := portal.NewNoticeWorker(aws.Config{}, func(k string) string { return base[k] }, nil, portal.NoticeOptions{}); err != nil {
		t.Errorf("worker with every setting: %v", err)
	}
	for name, bad := range map[string]map[string]string{
		"shards":  {portal.EnvNoticeShards: "8"},
		"rate":    {portal.EnvNoticeMailRate: "vite"},
		"senders": {portal.EnvNoticeMailRate: "10", portal.EnvNoticeMailConcurrency: "0"},
		"queue":   {portal.EnvNoticesQueueURL: ""},
		"mails":   {portal.EnvNoticeMailsQueueURL: ""},
	} {
		getenv := func(k string) string {
			if v, ok := bad[k]; ok {
				return v
			}
			return base[k]
		}
		_, errRun := portal.NewNoticeRun(aws.Config{}, getenv, nil, portal.NoticeOptions{})
		_, errWork := portal.NewNoticeWorker(aws.Config{}, getenv, nil, portal.NoticeOptions{})
		_, errMail := portal.NewNoticeMailSender(aws.Config{}, getenv, nil, portal.NoticeOptions{})
		if errRun == nil && errWork == nil && errMail == nil {
			t.Errorf("%s: no error from either function", name)
		}
	}
	l := portal.LandlordFrom(func(k string) string {
		return map[string]string{portal.EnvLandlordName: "Cité Jardins", portal.EnvLandlordAddress: "Service Clientèle| 12 rue des Tilleuls |93200 Saint-Denis"}[k]
	})
	if l.Name != "Cité Jardins" || strings.Join(l.AddressLines, "/") != "Service Clientèle/12 rue des Tilleuls/93200 Saint-Denis" {
		t.Errorf("landlord %+v", l)
	}
}
