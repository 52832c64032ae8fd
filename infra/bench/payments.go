package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/citejardins/extranet/infra/localstack"
	"github.com/citejardins/extranet/shared/payment"
	"github.com/citejardins/extranet/shared/portal"
	"github.com/citejardins/extranet/shared/stripepay"
	"github.com/citejardins/extranet/shared/tenancy"
)

// paymentsOptions sizes the webhook benchmark.
type paymentsOptions struct {
	run        bool
	distinct   int // distinct events, delivered at once by workers
	sequential int // events delivered one at a time, for p50/p99
	duplicates int // concurrent deliveries of one event
	workers    int
	leases     int // generated leases the payments are spread over
}

// webhookBench measures POST /api/v1/payments/webhook on the local stack:
// signed Stripe events (checkout.session.completed) of payments started on
// generated leases, delivered over loopback HTTP as Stripe would.
func webhookBench(ctx context.Context, r *report, o paymentsOptions, st *localstack.Stack) {
	const section = "Payment webhook"
	r.printf("## %s\n\n", section)
	env, err := st.FunctionEnv("paymentwebhook")
	if err != nil {
		r.fail(section, err)
		return
	}
	secret := env[portal.EnvPaymentWebhookSecret]
	store := st.Store()
	// Leases of their own, so that concurrent events mostly touch other
	// leases' balances, as tenants paying at once do.
	var refs []string
	var leases []tenancy.Lease
	for i := range o.leases {
		ref := strconv.Itoa(9900000 + i)
		refs = append(refs, ref)
		leases = append(leases, tenancy.Lease{Reference: ref, ResidenceID: "BENCH", Start: tenancy.DateOf(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)),
			Address: tenancy.Address{Street: "1 rue du Banc", PostalCode: "75001", City: "Paris"}, RentCents: 50000, ChargesCents: 10000})
	}
	if _, err := store.UpsertLeases(ctx, leases); err != nil {
		r.fail(section, err)
		return
	}
	balance := func() (int64, error) {
		var sum int64
		for _, ref := range refs {
			l, err := store.Lease(ctx, ref)
			if err != nil {
				return 0, err
			}
			sum += l.BalanceCents
		}
		return sum, nil
	}
	n := 0
	// newEvent starts a payment of 1 € on a lease (straight in the
	// store, as POST /api/v1/payments would) and signs its paid event.
	newEvent := func() ([]byte, error) {
		n++
		ref := refs[n%len(refs)]
		p := payment.Payment{ID: payment.IDFor(ref, "bench-"+strconv.Itoa(n)), Reference: ref, AmountCents: payment.MinCents,
			Currency: payment.Currency, Status: payment.Open, CreatedAt: time.Now().UTC(), Version: 1}
		if err := store.CreatePayment(ctx, p); err != nil {
			return nil, err
		}
		return []byte(fmt.Sprintf(`{"id":"evt_bench_%d","object":"event","api_version":%q,"created":%d,"type":"checkout.session.completed",`+
			`"data":{"object":{"id":"cs_bench_%d","object":"checkout.session","payment_status":"paid","status":"complete",`+
			`"amount_total":%d,"currency":"eur","payment_intent":"pi_bench_%d","metadata":{"payment_id":%q,"reference":%q}}}}`,
			n, stripepay.APIVersion, time.Now().Unix(), n, p.AmountCents, n, p.ID, ref)), nil
	}
	hc := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: o.workers + o.duplicates}}
	defer hc.CloseIdleConnections()
	var outcomes sync.Map
	deliver := func(body []byte) (time.Duration, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, st.URL+"/api/v1/payments/webhook", bytes.NewReader(body))
		if err != nil {
			return 0, err
		}
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
		req.Header.Set(stripepay.SignatureHeader, stripepay.Sign(body, secret, time.Now()))
		start := time.Now()
		res, err := hc.Do(req)
		if err != nil {
			return 0, err
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		took := time.Since(start)
		if res.StatusCode != http.StatusOK {
			return 0, fmt.Errorf("webhook: status %d: %s", res.StatusCode, b)
		}
		for _, o := range []string{"applied", "duplicate"} {
			if bytes.Contains(b, []byte(`"outcome":"`+o+`"`)) {
				v, _ := outcomes.LoadOrStore(o, new(atomic.Int64))
				v.(*atomic.Int64).Add(1)
			}
		}
		return took, nil
	}
	count := func(o string) int64 {
		if v, ok := outcomes.Load(o); ok {
			return v.(*atomic.Int64).Swap(0)
		}
		return 0
	}

	// 1. Latency: one delivery at a time.
	var times []time.Duration
	for i := range o.sequential + 20 {
		body, err := newEvent()
		if err != nil {
			r.fail(section, err)
			return
		}
		took, err := deliver(body)
		if err != nil {
			r.fail(section, err)
			return
		}
		if i >= 20 {
			times = append(times, took)
		}
	}
	count("applied")
	slices.Sort(times)
	r.printf("Each event: a verified Stripe signature (stripepay), a read of the event and of the payment, and one " +
		"TransactWriteItems (event, payment, provisional entry, balance, outbox, mail job) on the DynamoDB emulator.\n\n")
	r.printf("Payments spread over %d generated leases.\n\n", len(refs))
	r.printf("| measure | value |\n|---|---|\n")
	r.printf("| webhook latency, %d distinct events one at a time (after 20 unmeasured) | p50 %s, p99 %s, max %s |\n",
		o.sequential, median(times).Round(time.Microsecond), percentile(times, 99).Round(time.Microsecond), times[len(times)-1].Round(time.Microsecond))

	// 2. Duplicates: one event delivered by many at once.
	body, err := newEvent()
	if err != nil {
		r.fail(section, err)
		return
	}
	before, err := balance()
	if err != nil {
		r.fail(section, err)
		return
	}
	var wg sync.WaitGroup
	var failed atomic.Int64
	start := time.Now()
	for range o.duplicates {
		wg.Go(func() {
			if _, err := deliver(body); err != nil {
				failed.Add(1)
			}
		})
	}
	wg.Wait()
	took := time.Since(start)
	after, _ := balance()
	r.printf("| %d concurrent deliveries of one event | %d credit(s) of 1 € made (balance moved by %d cents), %d answered duplicate, %d failed, in %s |\n",
		o.duplicates, count("applied"), before-after, count("duplicate"), failed.Load(), took.Round(time.Millisecond))

	// 3. Throughput: distinct events by o.workers at once, each delivered twice.
	bodies := make([][]byte, 0, o.distinct)
	for range o.distinct {
		b, err := newEvent()
		if err != nil {
			r.fail(section, err)
			return
		}
		bodies = append(bodies, b, b)
	}
	before, _ = balance()
	jobs := make(chan []byte)
	start = time.Now()
	for range o.workers {
		wg.Go(func() {
			for b := range jobs {
				if _, err := deliver(b); err != nil {
					failed.Add(1)
				}
			}
		})
	}
	for _, b := range bodies {
		jobs <- b
	}
	close(jobs)
	wg.Wait()
	took = time.Since(start)
	after, _ = balance()
	applied, dups := count("applied"), count("duplicate")
	r.printf("| %d distinct events, each delivered twice, %d workers | %d credits made (balance moved by %d cents: %d duplicates credited), %d answered duplicate, %d failed, in %s (%.0f deliveries/s) |\n\n",
		o.distinct, o.workers, applied, before-after, (before-after)/payment.MinCents-int64(o.distinct), dups, failed.Load(),
		took.Round(time.Millisecond), float64(len(bodies))/took.Seconds())
}
