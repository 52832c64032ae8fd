package dynamo_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/citejardins/extranet/shared/dynamo"
	"github.com/citejardins/extranet/shared/tenancy"
)

func lease(ref string, end string) tenancy.Lease {
	l := tenancy.Lease{Reference: ref, ResidenceID: "R1", Start: date("2020-01-01"),
		Address: tenancy.Address{Street: "1 rue", PostalCode: "75001", City: "Paris"}, RentCents: 50000, ChargesCents: 10000}
	if end != "" {
		l.End = date(end)
	}
	return l
}

// allOfShard pages through one shard to its end.
func allOfShard(t *testing.T, s *dynamo.Store, shard int) (refs []string, pages int) {
	t.Helper()
	cursor := ""
	for {
		page, next, err := s.ShardLeases(context.Background(), shard, cursor)
		if err != nil {
			t.Fatalf("shard %d after %q: %v", shard, cursor, err)
		}
		pages++
		refs = append(refs, page...)
		if next == "" {
			return refs, pages
		}
		if pages > 1000 {
			t.Fatalf("shard %d: no end after %d pages", shard, pages)
		}
		cursor = next
	}
}

// TestShardsListEveryRunningLeaseOnce imports running and ended leases,
// then reads the 16 shards, several pages each: every running lease comes
// back exactly once, in its own shard, and no ended one.
func TestShardsListEveryRunningLeaseOnce(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	dynamo.SetShardPageSize(t, 7)
	today := date("2026-11-25")
	var leases []tenancy.Lease
	want := map[string]bool{}
	for i := range 300 {
		ref := fmt.Sprint(1000000 + i*7919)
		switch i % 5 {
		case 0: // ended before the import
			leases = append(leases, lease(ref, "2026-11-24"))
		case 1: // ends today: still running today
			leases = append(leases, lease(ref, "2026-11-25"))
			want[ref] = true
		case 2: // ends later
			leases = append(leases, lease(ref, "2027-06-30"))
			want[ref] = true
		default:
			leases = append(leases, lease(ref, ""))
			want[ref] = true
		}
	}
	if _, err := s.UpsertLeasesOn(ctx, leases, today); err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	multiPage := 0
	for shard := range dynamo.Shards {
		refs, pages := allOfShard(t, s, shard)
		if pages > 1 {
			multiPage++
		}
		if !slices.IsSorted(refs) {
			t.Errorf("shard %d not in reference order: %v", shard, refs)
		}
		for _, ref := range refs {
			seen[ref]++
			if got := dynamo.ShardOf(ref); got != shard {
				t.Errorf("lease %s listed in shard %d; its shard is %d", ref, shard, got)
			}
		}
	}
	if multiPage < dynamo.Shards {
		t.Errorf("only %d shards took more than one page; the test must page", multiPage)
	}
	for ref := range want {
		if seen[ref] != 1 {
			t.Errorf("running lease %s listed %d times; want once", ref, seen[ref])
		}
	}
	for ref, n := range seen {
		if !want[ref] {
			t.Errorf("ended lease %s listed %d times; want none", ref, n)
		}
	}
	if len(seen) != len(want) {
		t.Errorf("%d leases listed; want %d", len(seen), len(want))
	}
}

// TestShardFollowsTheEndDate: the shard is part of the lease's content, so
// re-importing the same leases writes nothing, a lease that ended leaves its
// shard at the next import, and one whose end date is lifted comes back.
func TestShardFollowsTheEndDate(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	l := lease("8889999", "2026-12-31")
	shard := dynamo.ShardOf(l.Reference)
	listed := func() bool {
		refs, _ := allOfShard(t, s, shard)
		return slices.Contains(refs, l.Reference)
	}
	if st, err := s.UpsertLeasesOn(ctx, []tenancy.Lease{l}, date("2026-11-25")); err != nil || st.Written != 1 {
		t.Fatalf("first import: %+v, %v; want 1 written", st, err)
	}
	if !listed() {
		t.Fatal("running lease not in its shard")
	}
	if st, err := s.UpsertLeasesOn(ctx, []tenancy.Lease{l}, date("2026-12-31")); err != nil || st.Written != 0 || st.Unchanged != 1 {
		t.Fatalf("same lease on its last day: %+v, %v; want unchanged", st, err)
	}
	if st, err := s.UpsertLeasesOn(ctx, []tenancy.Lease{l}, date("2027-01-01")); err != nil || st.Written != 1 {
		t.Fatalf("import after the end: %+v, %v; want 1 written", st, err)
	}
	if listed() {
		t.Fatal("ended lease still in its shard")
	}
	l.End = tenancy.Date{}
	if st, err := s.UpsertLeasesOn(ctx, []tenancy.Lease{l}, date("2027-01-01")); err != nil || st.Written != 1 {
		t.Fatalf("end date lifted: %+v, %v; want 1 written", st, err)
	}
	if !listed() {
		t.Fatal("lease running again not back in its shard")
	}
}

func TestShardLeasesRefusesBadInput(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	for _, shard := range []int{-1, dynamo.Shards} {
		if _, _, err := s.ShardLeases(ctx, shard, ""); !errors.Is(err, dynamo.ErrBadShard) {
			t.Errorf("shard %d: err = %v; want ErrBadShard", shard, err)
		}
	}
	for _, c := range []string{"abc", "0012", "LEASE#12"} {
		if _, _, err := s.ShardLeases(ctx, 0, c); !errors.Is(err, dynamo.ErrBadCursor) {
			t.Errorf("cursor %q: err = %v; want ErrBadCursor", c, err)
		}
	}
}

// TestShardOfIsStable pins the hash: shards are stored, so a change of
// function would strand every lease in the wrong shard until re-imported.
func TestShardOfIsStable(t *testing.T) {
	counts := make([]int, dynamo.Shards)
	for i := range 16000 {
		counts[dynamo.ShardOf(fmt.Sprint(1000000+i))]++
	}
	for shard, n := range counts {
		if n < 800 || n > 1200 {
			t.Errorf("shard %d holds %d of 16000 references; want about 1000", shard, n)
		}
	}
	// FNV-1a 32 bits of the reference's digits, mod 16 (the demo leases).
	for ref, want := range map[string]int{"8889999": 3, "1234567": 7, "7654321": 7, "1": 12} {
		if got := dynamo.ShardOf(ref); got != want {
			t.Errorf("ShardOf(%s) = %d; want %d", ref, got, want)
		}
	}
}
