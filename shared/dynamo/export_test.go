package dynamo

import "testing"

// SetShardPageSize makes ShardLeases return pages of n references until
// the test ends, so that a test can page through a few dozen leases.
func SetShardPageSize(t testing.TB, n int32) {
	old := shardPageSize
	shardPageSize = n
	t.Cleanup(func() { shardPageSize = old })
}
