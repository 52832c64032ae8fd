package localstack

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// TestStackRunsTheMigration: the stack runs the migrate function at start
// (on its fresh tables: nothing to move, the demo leases are there), and
// RunMigrate, as an invoke after a deploy, moves a copy of the previous
// version's accounts (shared/dynamo/testdata) with the function's settings.
func TestStackRunsTheMigration(t *testing.T) {
	ctx := context.Background()
	st, err := Start(ctx, Options{Addr: "127.0.0.1:0", DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if m := st.Migration; m.Accounts.Moved+m.Accounts.Skipped+m.Accounts.Left+m.Other != 0 {
		t.Errorf("the migration at start found %+v in a fresh accounts table", m)
	}
	root, err := FindRoot()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(root, "shared", "dynamo", "testdata", "accounts-v0b523d3.json"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := LoadItems(ctx, st.DynamoDBClient(), LocalTables.Accounts, data); err != nil {
		t.Fatal(err)
	}
	rep, err := st.RunMigrate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// The demo leases name the same main signatories as the fixture's.
	if rep.Accounts.Moved != 3 || rep.Accounts.Left != 0 || rep.Prefs != 1 {
		t.Errorf("migration of the fixture on the stack: %+v; want 3 accounts moved, LEFÈVRE's preferences", rep)
	}
}
