package localstack

import (
	"context"
	"testing"
)

func TestSeedLeasesImportsLeasesAndPaperlessAccounts(t *testing.T) {
	ctx := context.Background()
	st, err := Start(ctx, Options{Addr: "127.0.0.1:0", DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	leases, err := st.SeedLeases(ctx, 30, 3)
	if err != nil {
		t.Fatal(err)
	}
	paperless := 0
	for _, l := range leases {
		lease, err := st.Store().Lease(ctx, l.Reference)
		if err != nil || lease.Reference != l.Reference || lease.RentCents == 0 {
			t.Fatalf("lease %s = %+v, %v", l.Reference, lease, err)
		}
		r, err := st.Store().NoticeRecipient(ctx, l.Reference)
		if err != nil || r.Paperless != l.Paperless || r.Email != l.Email {
			t.Errorf("recipient of %s = %+v, %v; want paperless %v at %q", l.Reference, r, err, l.Paperless, l.Email)
		}
		if l.Paperless {
			paperless++
		}
	}
	if paperless != 10 {
		t.Errorf("%d paperless leases; want 10", paperless)
	}
}
