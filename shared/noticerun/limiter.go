package noticerun

import (
	"context"
	"sync"
	"time"
)

// Limiter paces events at a steady rate, shared by the goroutines of one
// mail sender: each Wait takes the next slot, 1/rate after the previous one.
type Limiter struct {
	mu       sync.Mutex
	interval time.Duration
	next     time.Time
}

// NewLimiter returns a limiter of perSecond events a second; nil (no limit)
// when perSecond is not positive.
func NewLimiter(perSecond float64) *Limiter {
	if perSecond <= 0 {
		return nil
	}
	return &Limiter{interval: time.Duration(float64(time.Second) / perSecond)}
}

// slotMargin is the time a send needs after its slot: a slot later than
// ctx's deadline less this margin is not taken.
const slotMargin = 10 * time.Second

// Wait blocks until the caller's slot, or until ctx ends. When ctx has a
// deadline and the next slot comes less than ten seconds before it, Wait
// takes no slot and returns ErrMailDeferred at once: the invocation ends
// in time and the mail waits for the message's next delivery. A nil
// limiter never waits.
func (l *Limiter) Wait(ctx context.Context) error {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	now := time.Now()
	slot := now
	if l.next.After(now) {
		slot = l.next
	}
	if d, ok := ctx.Deadline(); ok && slot.After(d.Add(-slotMargin)) {
		l.mu.Unlock()
		return ErrMailDeferred
	}
	l.next = slot.Add(l.interval)
	l.mu.Unlock()
	if d := slot.Sub(now); d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
	return nil
}
