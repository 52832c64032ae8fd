package dynamo_test

import (
	"context"
	"errors"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/citejardins/extranet/shared/payment"
)

// stripeLikeProvider keeps Stripe's documented idempotency rule: a request
// with an Idempotency-Key already used is answered the first result if its
// parameters are the same, else an idempotency_error (400). Its first call
// creates the session but the answer is lost (a timeout after Stripe
// executed it: Stripe saves the result under the key).
type stripeLikeProvider struct {
	testProvider
	mu    sync.Mutex
	seen  map[string]payment.CheckoutRequest
	calls int
}

func (p *stripeLikeProvider) CreateCheckout(ctx context.Context, r payment.CheckoutRequest) (payment.Checkout, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls++
	key := r.IdempotencyKey
	if key == "" {
		key = r.PaymentID
	}
	if first, ok := p.seen[key]; ok {
		if !reflect.DeepEqual(first, r) {
			return payment.Checkout{}, errors.New("idempotency_error: Keys for idempotent requests can only be used with the same parameters they were first used with")
		}
		return p.testProvider.CreateCheckout(ctx, r)
	}
	p.seen[key] = r
	if p.calls == 1 {
		return payment.Checkout{}, errors.New("timeout awaiting response headers")
	}
	return p.testProvider.CreateCheckout(ctx, r)
}

// Found by review 10d: the provider's idempotency key was the payment's id, but the request
// differs from one try to the next (expires_at is now + TTL). After a
// provider call whose answer was lost, the web app retries with the same
// Idempotency-Key (a 5xx keeps it): Stripe refuses the new parameters under
// the old key, so the key answers 503 for 24 h instead of the payment.
func TestStartRetriedAfterALostProviderAnswerGetsThePage(t *testing.T) {
	ps := newPaySetup(t)
	ctx := context.Background()
	prov := &stripeLikeProvider{testProvider: testProvider{"s3cret"}, seen: map[string]payment.CheckoutRequest{}}
	svc := payment.NewService(ps.store, prov, ps.store, nil, payment.Config{PublicURL: "https://portal.example"}, func() time.Time { return ps.now })
	cents := int64(35000)
	if _, err := svc.Start(ctx, "1234567", "k", &cents); codeOf(err) != payment.CodeProviderFailure {
		t.Fatalf("first try: %v, want %s", err, payment.CodeProviderFailure)
	}
	ps.now = ps.now.Add(3 * time.Second) // the tenant taps "Continuer" again
	p, err := svc.Start(ctx, "1234567", "k", &cents)
	if err != nil || p.CheckoutURL == "" {
		t.Fatalf("retry with the same key: %+v, %v; want the payment's page (the provider saw different parameters under one idempotency key)", p, err)
	}
}
