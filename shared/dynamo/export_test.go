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
	migrateWrite = func(string, string) error {
		if n >= 0 && *writes >= n {
			return errCrash
		}
		*writes++
		return nil
	}
	t.Cleanup(func() { migrateWrite = old })
}

var errCrash = errors.New("crash played by the test")

// BeforeMigrationWrite calls f before each write of MigrateAccounts, with
// the key of the item written, until the test ends.
func BeforeMigrationWrite(t testing.TB, f func(pk, sk string)) {
	old := migrateWrite
	migrateWrite = func(pk, sk string) error {
		f(pk, sk)
		return nil
	}
	t.Cleanup(func() { migrateWrite = old })
}

// SetMigrationPageSize makes MigrateAccounts Scan pages of n items until
// the test ends.
func SetMigrationPageSize(t testing.TB, n int32) {
	old := migrateScanLimit
	migrateScanLimit = n
	t.Cleanup(func() { migrateScanLimit = old })
}
