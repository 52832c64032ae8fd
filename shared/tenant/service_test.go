package tenant_test

import (
	"context"
	"testing"
	"time"

	"github.com/citejardins/extranet/infra/localstack"
	"github.com/citejardins/extranet/shared/account"
	"github.com/citejardins/extranet/shared/dynamo"
	"github.com/citejardins/extranet/shared/fault"
	"github.com/citejardins/extranet/shared/tenant"
)

func TestWritesPerDayAreBounded(t *testing.T) {
	ctx := context.Background()
	db, err := localstack.StartDynamoDB(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	store := dynamo.New(db.Client, localstack.LocalTables)
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	if err := store.SavePending(ctx, account.Account{Reference: "1", Email: "a@example.fr", Status: account.Pending, ActivationHash: "h"},
		nil, account.Token{Hash: "t", Purpose: account.Activation, Reference: "1", ExpiresAt: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	svc := tenant.NewService(store, nil, clock, nil, nil).WithCounter(store)
	for i := 0; i < tenant.WritesPerDay; i++ {
		if _, err := svc.SubmitChangeRequest(ctx, "1", "other", "Nouvelle adresse email"); err != nil {
			t.Fatalf("request %d: %v", i+1, err)
		}
	}
	_, err = svc.SubmitChangeRequest(ctx, "1", "other", "Une de trop")
	if !fault.Is(err, fault.TooManyRequests) {
		t.Fatalf("request past the limit: %v; want too_many_requests", err)
	}
	rs, _ := svc.ChangeRequests(ctx, "1")
	if len(rs) != tenant.WritesPerDay {
		t.Errorf("%d requests saved; want %d", len(rs), tenant.WritesPerDay)
	}
	now = now.Add(24 * time.Hour)
	if _, err := svc.SubmitChangeRequest(ctx, "1", "other", "Le lendemain"); err != nil {
		t.Errorf("next day: %v", err)
	}
}
