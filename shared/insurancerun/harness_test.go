package insurancerun_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/ses"

	"github.com/citejardins/extranet/infra/localstack"
	"github.com/citejardins/extranet/infra/sesemu"
	"github.com/citejardins/extranet/shared/dynamo"
	"github.com/citejardins/extranet/shared/insurance"
	"github.com/citejardins/extranet/shared/insurancerun"
	"github.com/citejardins/extranet/shared/mail"
	"github.com/citejardins/extranet/shared/tenancy"
)

const publicURL = "https://extranet.example.fr"

// harness is the run against the DynamoDB and SES emulators, on a clock
// the test moves.
type harness struct {
	t     *testing.T
	store *dynamo.Store
	db    *dynamodb.Client
	ses   *sesemu.Server
	mail  *mail.SES

	mu   sync.Mutex
	now  time.Time
	logs lockedBuffer
}

// lockedBuffer collects the runs' logs, written from several goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	db, err := localstack.StartDynamoDB(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	emu := sesemu.New(nil)
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	client := ses.NewFromConfig(aws.Config{Region: "eu-west-3", Credentials: credentials.NewStaticCredentialsProvider("k", "s", "")},
		func(o *ses.Options) { o.BaseEndpoint = aws.String(srv.URL) })
	return &harness{t: t, store: dynamo.New(db.Client, localstack.LocalTables), db: db.Client, ses: emu,
		mail: mail.NewSES(client, "Extranet Locataire <ne-pas-repondre@example.fr>")}
}

// day sets the clock to 08:00 in Paris on the given day (the schedule's
// hour).
func (h *harness) day(s string) {
	d, err := tenancy.ParseDate(s)
	if err != nil {
		h.t.Fatal(err)
	}
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		h.t.Fatal(err)
	}
	h.mu.Lock()
	h.now = time.Date(d.Year, d.Month, d.Day, 8, 0, 0, 0, loc)
	h.mu.Unlock()
}

func (h *harness) clock() time.Time {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.now
}

func (h *harness) runner(m insurancerun.Mailer) *insurancerun.Runner {
	if m == nil {
		m = h.mail
	}
	return &insurancerun.Runner{Store: h.store, Recipients: h.store, Mailer: m, PublicURL: publicURL, Now: h.clock,
		Log: slog.New(slog.NewJSONHandler(&h.logs, nil))}
}

func (h *harness) run(m insurancerun.Mailer) insurancerun.Report {
	h.t.Helper()
	rep, err := h.runner(m).Run(context.Background())
	if err != nil {
		h.t.Fatalf("run on %s: %v", h.clock().Format("2006-01-02"), err)
	}
	return rep
}

func (h *harness) today() tenancy.Date { return tenancy.ParisDate(h.clock()) }

// lease writes a running lease, required or not, as the baux import does.
func (h *harness) lease(ref string, required bool) {
	h.t.Helper()
	ctx := context.Background()
	l := tenancy.Lease{Reference: ref, ResidenceID: "R1", Start: tenancy.Date{Year: 2020, Month: 1, Day: 1}, RentCents: 50000,
		Address: tenancy.Address{Street: "1 rue", PostalCode: "75001", City: "Paris"}, InsuranceRequired: required}
	if _, err := h.store.UpsertLeasesOn(ctx, []tenancy.Lease{l}, h.today()); err != nil {
		h.t.Fatal(err)
	}
	if _, err := h.store.SyncInsuranceRequired(ctx, []dynamo.LeaseRequirement{{Reference: ref, Required: required}}, h.today()); err != nil {
		h.t.Fatal(err)
	}
}

// account writes the account of the lease's main signatory (S<ref>-1),
// whom the lease lists: active or not, with a notification address when
// notify is not empty.
func (h *harness) account(ref, email, notify, status string) {
	h.t.Helper()
	if _, err := h.store.UpsertSignatories(context.Background(), []dynamo.SignatoryOf{{Reference: ref, Signatory: tenancy.Signatory{
		ID: "S" + ref + "-1", Main: true, LastName: "DUPONT", FirstName: "Marie", DateOfBirth: tenancy.Date{Year: 1978, Month: 4, Day: 12}}}}); err != nil {
		h.t.Fatal(err)
	}
	item := map[string]types.AttributeValue{"PK": s("ACCOUNT#" + ref), "SK": s("ACCOUNT#S" + ref + "-1"), "reference": s(ref),
		"signatory": s("S" + ref + "-1"),
		"email":     s(email), "status": s(status), "passwordHash": s("$argon2id$secret")}
	if notify != "" {
		item["notificationEmail"] = s(notify)
	}
	if _, err := h.db.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: aws.String(localstack.LocalTables.Accounts), Item: item}); err != nil {
		h.t.Fatal(err)
	}
}

func s(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }

// submit plays the tenant's submission as DESIGN.md lays it out: the
// certificate item, then the state's current, end and next reminder
// (insurance.State.Next), the reminders already mailed kept.
func (h *harness) submit(ref, id, end string) {
	h.t.Helper()
	ctx := context.Background()
	table := aws.String(localstack.LocalTables.Tenancy)
	item := map[string]types.AttributeValue{"PK": s("LEASE#" + ref), "SK": s("INSURANCE#" + id), "id": s(id),
		"insurer": s("MAIF"), "policyNumber": s("P-" + id), "start": s("2026-01-01"), "end": s(end), "status": s("pending"),
		"submittedAt": &types.AttributeValueMemberN{Value: fmt.Sprint(h.clock().Unix())}, "key": s("insurance/certificates/" + ref + "/" + id + ".pdf"),
		"contentType": s("application/pdf"), "sizeBytes": &types.AttributeValueMemberN{Value: "1000"}, "fileName": s("a.pdf")}
	if _, err := h.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: table, Item: item}); err != nil {
		h.t.Fatal(err)
	}
	st := h.state(ref)
	e, _ := tenancy.ParseDate(end)
	_, due, ok := insurance.State{End: e, Required: st.Required, Reminded: st.Reminded}.Next(h.today())
	if !ok {
		h.t.Fatalf("no reminder to come for a new certificate ending %s", end)
	}
	// Read and put whole: minidyn's UpdateItem that brings an item into an
	// index drops another item's entry (DESIGN.md, emulator gaps).
	res, err := h.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: table, ConsistentRead: aws.Bool(true),
		Key: map[string]types.AttributeValue{"PK": s("LEASE#" + ref), "SK": s("INSURANCE")}})
	if err != nil {
		h.t.Fatal(err)
	}
	state := res.Item
	if state == nil {
		state = map[string]types.AttributeValue{"PK": s("LEASE#" + ref), "SK": s("INSURANCE"),
			"required": &types.AttributeValueMemberBOOL{Value: false}}
	}
	state["current"], state["end"] = s(id), s(end)
	state["remindShard"], state["remindOn"] = s(fmt.Sprintf("%02d", dynamo.ShardOf(ref))), s(due.String())
	_, err = h.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: table, Item: state})
	if err != nil {
		h.t.Fatal(err)
	}
}

type stateView struct {
	Current  string   `dynamodbav:"current"`
	End      string   `dynamodbav:"end"`
	Required bool     `dynamodbav:"required"`
	Reminded []string `dynamodbav:"reminded"`
	RemindOn string   `dynamodbav:"remindOn"`
}

func (h *harness) state(ref string) stateView {
	h.t.Helper()
	res, err := h.db.GetItem(context.Background(), &dynamodb.GetItemInput{TableName: aws.String(localstack.LocalTables.Tenancy),
		Key: map[string]types.AttributeValue{"PK": s("LEASE#" + ref), "SK": s("INSURANCE")}, ConsistentRead: aws.Bool(true)})
	if err != nil {
		h.t.Fatal(err)
	}
	var v stateView
	if err := attributevalue.UnmarshalMap(res.Item, &v); err != nil {
		h.t.Fatal(err)
	}
	return v
}

// mails lists the mails sent to an address, as "subject" strings.
func (h *harness) mails(to string) []sesemu.Message {
	var out []sesemu.Message
	for _, m := range h.ses.Messages() {
		for _, a := range m.To {
			if a == to {
				out = append(out, m)
			}
		}
	}
	return out
}

// days runs the schedule once a day from one day to another (inclusive)
// and returns, for each mail sent to the address, the day it went.
func (h *harness) days(from, to, addr string) []string {
	h.t.Helper()
	var sent []string
	f, _ := tenancy.ParseDate(from)
	l, _ := tenancy.ParseDate(to)
	for d := f; !l.Before(d); d = tenancy.DateOf(d.Time().AddDate(0, 0, 1)) {
		h.day(d.String())
		before := len(h.mails(addr))
		h.run(nil)
		for _, m := range h.mails(addr)[before:] {
			sent = append(sent, d.String()+" "+m.Subject)
		}
	}
	return sent
}
