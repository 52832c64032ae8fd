package dynamo

import (
	"errors"
	"testing"
)

// SetShardPageSize makes ShardLeases return pages of n references until
// the test ends, so that a test can page through a few dozen leases.
func SetShardPageSize(t testing.TB, n int32) {
	old := shardPageSize
	shardPageSize = n
	t.Cleanup(func() { shardPageSize = old })
}

// FailMigrationAfter makes MigrateAccounts fail before its write number
// n+1 (a crash after n writes) until the test ends, and counts the writes
// it attempts in *writes.
func FailMigrationAfter(t testing.TB, n int, writes *int) {
	old := migrateWrite
	migrateWrite = func() error {
		if n >= 0 && *writes >= n {
			return errCrash
		}
		*writes++
		return nil
	}
	t.Cleanup(func() { migrateWrite = old })
}

var errCrash = errors.New("crash played by the test")
