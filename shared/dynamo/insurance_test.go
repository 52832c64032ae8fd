package dynamo_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/citejardins/extranet/infra/localstack"
	"github.com/citejardins/extranet/shared/dynamo"
	"github.com/citejardins/extranet/shared/insurance"
	"github.com/citejardins/extranet/shared/tenancy"
	"github.com/citejardins/extranet/shared/tenant"
)

// TestSubmitCertificateWritesTheAgreedItems: one confirmation writes the
// upload's usedAt, the certificate, the state (current, end, remindShard as
// the lease's shard in two digits, remindOn) and the outbox event, with the
// attribute names of DESIGN.md that the reminders and the decisions read;
// a second submission of the same upload changes nothing.
func TestSubmitCertificateWritesTheAgreedItems(t *testing.T) {
	ctx := context.Background()
	db, err := localstack.StartDynamoDB(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	s := dynamo.New(db.Client, localstack.LocalTables)
	const ref, id = "1234567", "0123456789abcdef0123456789abcdef"
	now := time.Date(2026, 11, 30, 15, 0, 0, 0, time.UTC)
	u := insurance.Upload{ID: id, Reference: ref, FileName: "a.pdf", ContentType: insurance.PDF, SizeBytes: 10,
		Key: insurance.UploadKey(id), CreatedAt: now, ExpiresAt: now.Add(20 * time.Minute)}
	if err := s.PutUpload(ctx, u); err != nil {
		t.Fatal(err)
	}
	if err := s.PutUpload(ctx, u); !errors.Is(err, insurance.ErrConflict) {
		t.Errorf("second PutUpload: %v, want ErrConflict", err)
	}
	if _, err := s.Upload(ctx, "7654321", id); !errors.Is(err, insurance.ErrNotFound) {
		t.Errorf("another lease's upload: %v, want ErrNotFound", err)
	}
	if err := s.ClaimUpload(ctx, ref, id, "claim-a", now, now.Add(30*time.Second)); err != nil {
		t.Fatal(err)
	}
	if err := s.ClaimUpload(ctx, ref, id, "claim-b", now.Add(time.Second), now.Add(31*time.Second)); !errors.Is(err, insurance.ErrConflict) {
		t.Errorf("a second claim while the first holds: %v, want ErrConflict", err)
	}
	end := tenancy.Date{Year: 2027, Month: 9, Day: 30}
	c := insurance.Certificate{ID: id, Insurer: "MAIF", PolicyNumber: "P1", Start: tenancy.Date{Year: 2026, Month: 10, Day: 1}, End: end,
		Status: insurance.Pending, SubmittedAt: now, Key: insurance.CertificateKey(ref, id, insurance.PDF), ContentType: insurance.PDF,
		SizeBytes: 10, FileName: "a.pdf"}
	sub := insurance.Submission{Upload: insurance.Upload{ID: id, Claim: "claim-a"}, Certificate: c, At: now,
		RemindOn: tenancy.Date{Year: 2027, Month: 8, Day: 31}, Remind: true,
		Event: tenant.Event{ID: "ev1", Type: insurance.EventSubmitted, Reference: ref, At: now, Data: map[string]string{"certificateId": id}}}
	if err := s.SubmitCertificate(ctx, ref, sub); err != nil {
		t.Fatal(err)
	}
	sub.Event.ID = "ev2"
	if err := s.SubmitCertificate(ctx, ref, sub); !errors.Is(err, insurance.ErrConflict) {
		t.Errorf("submitting a used upload again: %v, want ErrConflict", err)
	}

	state := item(t, db.Client, "LEASE#"+ref, "INSURANCE")
	want := map[string]string{"current": id, "end": "2027-09-30", "remindShard": fmt.Sprintf("%02d", dynamo.ShardOf(ref)), "remindOn": "2027-08-31"}
	for k, v := range want {
		if got, _ := state[k].(*types.AttributeValueMemberS); got == nil || got.Value != v {
			t.Errorf("state %s = %v, want %q", k, state[k], v)
		}
	}
	cert := item(t, db.Client, "LEASE#"+ref, "INSURANCE#"+id)
	for _, k := range []string{"id", "insurer", "policyNumber", "start", "end", "status", "submittedAt", "key", "contentType", "sizeBytes", "fileName"} {
		if cert[k] == nil {
			t.Errorf("certificate item lacks %s: %v", k, cert)
		}
	}
	if up := item(t, db.Client, "LEASE#"+ref, "UPLOAD#"+id); up["usedAt"] == nil || up["expiresAt"] == nil {
		t.Errorf("upload item %v, want usedAt and expiresAt", up)
	}
	evs, err := s.PendingEvents(ctx, 10)
	if err != nil || len(evs) != 1 || evs[0].Type != insurance.EventSubmitted {
		t.Errorf("outbox %v (%v), want the one event", evs, err)
	}
	rec, err := s.InsuranceRecord(ctx, ref)
	if err != nil || rec.Current != id || rec.State.End != end || len(rec.Certificates) != 1 || rec.Certificates[0] != c ||
		rec.RemindOn.String() != "2027-08-31" {
		t.Errorf("record %+v (%v)", rec, err)
	}
}

func item(t *testing.T, db *dynamodb.Client, pk, sk string) map[string]types.AttributeValue {
	t.Helper()
	out, err := db.GetItem(context.Background(), &dynamodb.GetItemInput{TableName: &localstack.LocalTables.Tenancy,
		Key: map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: pk}, "SK": &types.AttributeValueMemberS{Value: sk}}})
	if err != nil {
		t.Fatal(err)
	}
	return out.Item
}
