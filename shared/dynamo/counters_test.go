package dynamo_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/citejardins/extranet/shared/account"
)

// fakeClock is a clock the test moves by hand; each read may first run a
// hook, to move it between the limiter's reads.
type fakeClock struct {
	mu   sync.Mutex
	t    time.Time
	hook func(*time.Time)
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.hook != nil {
		c.hook(&c.t)
	}
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

var nine = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

// TestTakeIsAtomic checks that parallel takes of one key take exactly the
// limit, and that every refusal says how long to wait.
func TestTakeIsAtomic(t *testing.T) {
	ctx := context.Background()
	store := newStore(t)
	clock := &fakeClock{t: nine}
	const limit, window = 5, 15 * time.Minute
	var mu sync.Mutex
	taken, refused := 0, 0
	var wg sync.WaitGroup
	for range 60 {
		wg.Go(func() {
			at, wait, err := store.Take(ctx, "login#k", limit, window, clock.Now)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err != nil:
				t.Errorf("take: %v", err)
			case wait > 0:
				refused++
				if wait != window {
					t.Errorf("refused with wait %v; want %v (all units were taken at 09:00)", wait, window)
				}
			case at.IsZero():
				t.Errorf("taken with a zero time")
			default:
				taken++
			}
		})
	}
	wg.Wait()
	if taken != limit || refused != 60-limit {
		t.Errorf("60 parallel takes: %d taken, %d refused; want %d and %d", taken, refused, limit, 60-limit)
	}
	// Another key has its own units.
	if _, wait, err := store.Take(ctx, "login#other", limit, window, clock.Now); err != nil || wait != 0 {
		t.Errorf("another key: wait %v, err %v", wait, err)
	}
}

// TestTakeSlides checks the sliding window to the millisecond: a unit counts
// for exactly one window after it was taken, across bucket and clock edges,
// and the wait given back is exact.
func TestTakeSlides(t *testing.T) {
	ctx := context.Background()
	store := newStore(t)
	clock := &fakeClock{t: nine.Add(-time.Second)}
	const limit, window = 3, time.Minute
	take := func() (bool, time.Duration) {
		t.Helper()
		at, wait, err := store.Take(ctx, "addr#k", limit, window, clock.Now)
		if err != nil {
			t.Fatal(err)
		}
		if wait == 0 && !at.Equal(clock.Now()) {
			t.Errorf("taken at %v, want now %v", at, clock.Now())
		}
		return wait == 0, wait
	}
	for range 3 {
		take() // 08:59:59
	}
	clock.Advance(2 * time.Second) // 09:00:01, across a minute's edge
	if ok, wait := take(); ok || wait != window-2*time.Second {
		t.Fatalf("4th take 2 s later: taken %v, wait %v; want refused, wait %v", ok, wait, window-2*time.Second)
	}
	clock.Advance(window - 2*time.Second - time.Millisecond)
	if ok, wait := take(); ok || wait != time.Millisecond {
		t.Fatalf("a millisecond early: taken %v, wait %v; want refused, wait 1ms", ok, wait)
	}
	clock.Advance(time.Millisecond)
	if ok, _ := take(); !ok {
		t.Fatal("refused once the first units left the window")
	}

	// A steady stream, one take every 700 ms for 5 minutes: never more than
	// the limit in any window, and the limit reached in each.
	var times []time.Time
	for range 430 {
		clock.Advance(700 * time.Millisecond)
		if ok, _ := take(); ok {
			times = append(times, clock.Now())
		}
	}
	for i := 0; i+limit < len(times); i++ {
		if span := times[i+limit].Sub(times[i]); span < window {
			t.Errorf("%d units within %v from %v", limit+1, span, times[i].Format(time.TimeOnly))
		}
	}
	if len(times) < 5*limit {
		t.Errorf("%d units in 5 minutes; want at least %d", len(times), 5*limit)
	}
}

// TestTakeAcrossBucketEdge checks the edge check: a take whose write ends
// after its bucket ended is taken again in the new bucket, so that a reader
// of the new bucket cannot have missed it.
func TestTakeAcrossBucketEdge(t *testing.T) {
	ctx := context.Background()
	store := newStore(t)
	const window = 10 * time.Second // buckets of one second
	clock := &fakeClock{t: nine.Add(-time.Millisecond)}
	reads := 0
	clock.hook = func(t *time.Time) {
		if reads++; reads == 2 { // the read after the first write
			*t = t.Add(2 * time.Millisecond)
		}
	}
	at, wait, err := store.Take(ctx, "addr#k", 1, window, clock.Now)
	if err != nil || wait != 0 {
		t.Fatalf("take: wait %v, err %v", wait, err)
	}
	if !at.Equal(nine.Add(time.Millisecond)) {
		t.Errorf("taken at %v; want again at %v, in the new bucket", at.Format(time.StampMilli), nine.Add(time.Millisecond).Format(time.StampMilli))
	}
	clock.hook = nil
	// The unit given back in the old bucket is not counted twice: the limit
	// of one is reached, and frees exactly one window after the retake.
	if _, wait, _ := store.Take(ctx, "addr#k", 1, window, clock.Now); wait != window {
		t.Errorf("second take: wait %v; want %v", wait, window)
	}
}

// TestGiveBack checks that a unit given back frees its place, and that a
// bucket never goes below zero when more is given back than it holds.
func TestGiveBack(t *testing.T) {
	ctx := context.Background()
	store := newStore(t)
	clock := &fakeClock{t: nine}
	const limit, window = 2, 15 * time.Minute
	first, _, err := store.Take(ctx, "login#k", limit, window, clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := store.Give(ctx, "login#k", window, first); err != nil {
			t.Fatalf("give back: %v", err)
		}
	}
	// Two takes in the same bucket as the unit given back (buckets of 90 s):
	// both pass, and a third waits for the first of them.
	for _, d := range []time.Duration{time.Minute, 20 * time.Second} {
		clock.Advance(d)
		if _, wait, err := store.Take(ctx, "login#k", limit, window, clock.Now); err != nil || wait != 0 {
			t.Fatalf("take at %v: wait %v, err %v", clock.Now().Format(time.TimeOnly), wait, err)
		}
	}
	if _, wait, _ := store.Take(ctx, "login#k", limit, window, clock.Now); wait != 14*time.Minute+40*time.Second {
		t.Errorf("third take: wait %v; want 14m40s (until the 09:01 unit leaves at 09:16)", wait)
	}
	// Giving back a unit of a key never taken is no error.
	if err := store.Give(ctx, "login#never", window, nine); err != nil {
		t.Errorf("give back nothing: %v", err)
	}
}

// TestLockout checks that a lock-out is replaced only by who read it last.
func TestLockout(t *testing.T) {
	ctx := context.Background()
	store := newStore(t)
	got, err := store.Lockout(ctx, "signup#k")
	if err != nil || got != (account.Lockout{}) {
		t.Fatalf("no lock-out: got %+v, %v", got, err)
	}
	first := account.Lockout{Until: nine.Add(15 * time.Minute), Strikes: 1}
	if err := store.SetLockout(ctx, "signup#k", got, first, 24*time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := store.SetLockout(ctx, "signup#k", got, account.Lockout{Until: nine.Add(time.Hour), Strikes: 1}, 24*time.Hour); !errors.Is(err, account.ErrConflict) {
		t.Errorf("set from a stale read: %v; want ErrConflict", err)
	}
	second := account.Lockout{Until: nine.Add(2 * time.Hour), Strikes: 2}
	if err := store.SetLockout(ctx, "signup#k", first, second, 24*time.Hour); err != nil {
		t.Fatal(err)
	}
	if got, err := store.Lockout(ctx, "signup#k"); err != nil || !got.Until.Equal(second.Until) || got.Strikes != 2 {
		t.Errorf("read back %+v, %v; want %+v", got, err, second)
	}
}

// TestTakeLargeLimit checks a limit past the units that keep their times:
// still never more than the limit, each unit counted as if taken at its
// bucket's end (a tenth of a window at most later), and an honest wait.
func TestTakeLargeLimit(t *testing.T) {
	ctx := context.Background()
	store := newStore(t)
	const limit, window = 1001, time.Minute // buckets of 6 s
	clock := &fakeClock{t: nine.Add(-500 * time.Millisecond)}
	var mu sync.Mutex
	taken := 0
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 130 {
				_, wait, err := store.Take(ctx, "addr#k", limit, window, clock.Now)
				if err != nil {
					t.Error(err)
					return
				}
				if wait == 0 {
					mu.Lock()
					taken++
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	if taken != limit {
		t.Fatalf("%d taken of 1040 tries; want %d", taken, limit)
	}
	// Counted as taken at 08:59:59.999, the bucket's last millisecond.
	want := time.Minute + 499*time.Millisecond
	if _, wait, _ := store.Take(ctx, "addr#k", limit, window, clock.Now); wait != want {
		t.Errorf("wait %v; want %v", wait, want)
	}
	clock.Advance(want)
	if _, wait, _ := store.Take(ctx, "addr#k", limit, window, clock.Now); wait != 0 {
		t.Errorf("refused once the bucket left the window: wait %v", wait)
	}
}

// TestForget checks that Forget clears every unit of a key still inside the
// window, in whichever bucket, and only that key's: the next takes see the
// whole limit again, and count from zero.
func TestForget(t *testing.T) {
	ctx := context.Background()
	store := newStore(t)
	clock := &fakeClock{t: nine}
	const limit, window = 5, 15 * time.Minute // buckets of 90 s
	take := func(key string) time.Duration {
		t.Helper()
		_, wait, err := store.Take(ctx, key, limit, window, clock.Now)
		if err != nil {
			t.Fatalf("take %s: %v", key, err)
		}
		return wait
	}
	// Five units spread over the window's buckets (09:00 … 09:12), and the
	// limit reached; another key at its limit too.
	var first time.Time
	for i := range limit {
		at, wait, err := store.Take(ctx, "login#k", limit, window, clock.Now)
		if err != nil || wait != 0 {
			t.Fatalf("take #%d: wait %v, err %v", i+1, wait, err)
		}
		if i == 0 {
			first = at
		}
		take("login#other")
		if i < limit-1 {
			clock.Advance(3 * time.Minute)
		}
	}
	if wait := take("login#k"); wait == 0 {
		t.Fatal("a sixth unit was taken")
	}
	if err := store.Forget(ctx, "login#k", window, clock.Now); err != nil {
		t.Fatalf("forget: %v", err)
	}
	// A unit given back after it was forgotten frees nothing more.
	if err := store.Give(ctx, "login#k", window, first); err != nil {
		t.Fatalf("give back a forgotten unit: %v", err)
	}
	for i := range limit {
		if wait := take("login#k"); wait != 0 {
			t.Fatalf("take #%d after forget: wait %v", i+1, wait)
		}
	}
	if wait := take("login#k"); wait != window {
		t.Errorf("take past the limit after forget: wait %v; want %v (all taken now)", wait, window)
	}
	if wait := take("login#other"); wait == 0 {
		t.Error("forgetting one key freed another")
	}
	// Forgetting a key never taken is no error.
	if err := store.Forget(ctx, "login#never", window, clock.Now); err != nil {
		t.Errorf("forget nothing: %v", err)
	}
}

// TestForgetUnderRace runs 40 parallel takes of one key while it is
// forgotten: no call fails, and afterwards the key never holds more than
// its limit.
func TestForgetUnderRace(t *testing.T) {
	ctx := context.Background()
	store := newStore(t)
	clock := &fakeClock{t: nine}
	const limit, window = 5, 15 * time.Minute
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range 40 {
		wg.Go(func() {
			<-start
			var err error
			if i%10 == 0 {
				err = store.Forget(ctx, "login#k", window, clock.Now)
			} else {
				_, _, err = store.Take(ctx, "login#k", limit, window, clock.Now)
			}
			if err != nil {
				t.Errorf("call #%d: %v", i, err)
			}
		})
	}
	close(start)
	wg.Wait()
	if err := store.Forget(ctx, "login#k", window, clock.Now); err != nil {
		t.Fatalf("forget: %v", err)
	}
	taken := 0
	for range 2 * limit {
		if _, wait, err := store.Take(ctx, "login#k", limit, window, clock.Now); err == nil && wait == 0 {
			taken++
		}
	}
	if taken != limit {
		t.Errorf("after the race and a forget, %d takes of %d passed; want %d", taken, 2*limit, limit)
	}
}
