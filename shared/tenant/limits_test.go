package tenant_test

import (
	"context"
	"testing"
	"time"

	"github.com/citejardins/extranet/shared/fault"
	"github.com/citejardins/extranet/shared/tenant"
)

// TestWritesPerDaySlide checks that a lease's writes are bounded in any
// 24 hours, not per calendar day: WritesPerDay writes a second before
// midnight UTC and as many two seconds later used to pass.
func TestWritesPerDaySlide(t *testing.T) {
	ctx := context.Background()
	store, start := newAccount(t)
	now := start.Truncate(24 * time.Hour).Add(24*time.Hour - time.Second) // 23:59:59
	svc := tenant.NewService(store, nil, func() time.Time { return now }, nil, nil).WithCounter(store)
	for i := range tenant.WritesPerDay {
		if _, err := svc.SubmitChangeRequest(ctx, key1, "other", "Avant minuit"); err != nil {
			t.Fatalf("request %d: %v", i+1, err)
		}
	}
	now = now.Add(2 * time.Second)
	_, err := svc.SubmitChangeRequest(ctx, key1, "other", "Après minuit")
	if !fault.Is(err, fault.TooManyRequests) {
		t.Fatalf("request 2 s after %d others: %v; want too_many_requests", tenant.WritesPerDay, err)
	}
	if wait := err.(*fault.Error).RetryAfter; wait != 24*time.Hour-2*time.Second {
		t.Errorf("RetryAfter = %v; want %v, when the first writes are a day old", wait, 24*time.Hour-2*time.Second)
	}
	now = now.Add(24*time.Hour - 2*time.Second)
	if _, err := svc.SubmitChangeRequest(ctx, key1, "other", "Le lendemain"); err != nil {
		t.Errorf("a day after the first writes: %v", err)
	}
}
