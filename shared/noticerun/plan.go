package noticerun

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sync"
	"time"

	"github.com/citejardins/extranet/shared/notice"
	"github.com/citejardins/extranet/shared/tenancy"
)

// Leases lists the running leases (the sparse index by shard): one page of
// a shard's canonical references from cursor ("" first), and the next
// page's cursor ("" after the last).
type Leases interface {
	ShardLeases(ctx context.Context, shard int, cursor string) (refs []string, next string, err error)
}

// Queue sends message bodies to the workers' queue; the SQS adapter sends
// them ten per call and retries the entries SQS failed.
type Queue interface {
	Send(ctx context.Context, bodies []string) error
}

// RunStarts records the attempts of a period's run.
type RunStarts interface {
	// StartRun records a new attempt of the period's run (the run's item is
	// created by the first) and returns the run's issue date: the date
	// given by the first attempt, kept for every later one.
	StartRun(ctx context.Context, p notice.Period, attempt string, today tenancy.Date, at time.Time) (tenancy.Date, error)
	// Planned records how many leases the attempt queued.
	Planned(ctx context.Context, p notice.Period, attempt string, leases int) error
}

// Planner starts a period's run: it records the attempt, reads every shard
// of the running leases in parallel and queues them in batches.
type Planner struct {
	Leases Leases
	Queue  Queue
	Runs   RunStarts
	// Shards is how many shards the leases are spread over (NOTICE_SHARDS,
	// 16): shard ids are two digits, 00 to Shards-1.
	Shards int
	// PerMessage is how many leases one queue message holds (default 25).
	PerMessage int
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// Plan is what a planner run did.
type Plan struct {
	Period   notice.Period
	Attempt  string
	Issued   tenancy.Date
	Leases   int
	Messages int
}

// DefaultPerMessage is the number of leases a queue message holds by
// default: with the worker's parallelism, a message takes a few seconds,
// and a redelivered one repeats only checks for the leases already done.
const DefaultPerMessage = 25

func (p *Planner) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
}

// NewAttempt names a planner attempt: its start time (UTC, to the
// millisecond, so attempts sort in time order) and a random suffix.
func NewAttempt(at time.Time) string {
	var b [3]byte
	_, _ = rand.Read(b[:])
	return at.UTC().Format("20060102T150405.000Z") + "-" + hex.EncodeToString(b[:])
}

// Plan runs the planner for a period: a new attempt, every running lease
// queued once in messages of PerMessage leases. Queuing a lease the run
// already issued is harmless: its worker finds the run item and skips it,
// which is how a re-run picks up what a failed one left.
func (p *Planner) Plan(ctx context.Context, period notice.Period) (Plan, error) {
	if p.Shards <= 0 || p.Shards > 100 {
		return Plan{}, fmt.Errorf("shards %d: want 1 to 100", p.Shards)
	}
	per := p.PerMessage
	if per <= 0 {
		per = DefaultPerMessage
	}
	at := p.now()
	plan := Plan{Period: period, Attempt: NewAttempt(at)}
	issued, err := p.Runs.StartRun(ctx, period, plan.Attempt, tenancy.ParisDate(at), at)
	if err != nil {
		return plan, fmt.Errorf("start run %s: %w", period, err)
	}
	plan.Issued = issued

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu       sync.Mutex
		firstErr error
		wg       sync.WaitGroup
	)
	base := plan // read by the shards while plan's counts grow
	for i := range p.Shards {
		wg.Add(1)
		go func() {
			defer wg.Done()
			leases, messages, err := p.planShard(ctx, base, i, per)
			mu.Lock()
			defer mu.Unlock()
			plan.Leases += leases
			plan.Messages += messages
			if err != nil && firstErr == nil {
				firstErr = fmt.Errorf("shard %02d: %w", i, err)
				cancel()
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return plan, firstErr
	}
	if err := p.Runs.Planned(ctx, period, plan.Attempt, plan.Leases); err != nil {
		return plan, fmt.Errorf("record plan: %w", err)
	}
	return plan, nil
}

// planShard queues one shard's leases as it reads them, ten messages per
// send (one SQS SendMessageBatch), so memory stays flat at any size.
func (p *Planner) planShard(ctx context.Context, plan Plan, i, per int) (leases, messages int, err error) {
	shard := fmt.Sprintf("%02d", i)
	var pending []LeaseRef
	var bodies []string
	flush := func(all bool) error {
		for len(pending) >= per || (all && len(pending) > 0) {
			n := min(per, len(pending))
			bodies = append(bodies, Batch{Period: plan.Period, Attempt: plan.Attempt, Issued: plan.Issued, Leases: pending[:n:n]}.Encode())
			pending = pending[n:]
		}
		if len(bodies) >= 10 || (all && len(bodies) > 0) {
			if err := p.Queue.Send(ctx, bodies); err != nil {
				return err
			}
			messages += len(bodies)
			bodies = bodies[:0]
		}
		return nil
	}
	cursor := ""
	for {
		refs, next, err := p.Leases.ShardLeases(ctx, i, cursor)
		if err != nil {
			return leases, messages, err
		}
		for _, ref := range refs {
			pending = append(pending, LeaseRef{Ref: ref, Shard: shard})
		}
		leases += len(refs)
		if err := flush(false); err != nil {
			return leases, messages, err
		}
		if next == "" {
			return leases, messages, flush(true)
		}
		cursor = next
	}
}
