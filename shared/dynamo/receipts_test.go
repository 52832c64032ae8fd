package dynamo_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/citejardins/extranet/shared/document"
)

func TestLeaseEntriesReadsTheWholeLedgerOfOneLease(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	seedLease(t, s, "8889999")
	seedLease(t, s, "1234567")
	es := history(40) // 79 entries, over three years
	if _, err := s.SyncEntries(ctx, "8889999", es, false); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SyncEntries(ctx, "1234567", history(2), false); err != nil {
		t.Fatal(err)
	}
	got, err := s.LeaseEntries(ctx, "8889999")
	if err != nil {
		t.Fatal(err)
	}
	// Oldest first by date: history's order (each payment after its notice).
	if !reflect.DeepEqual(got, es) {
		t.Errorf("LeaseEntries: %d entries, want the %d seeded, oldest first\n got %+v\nwant %+v", len(got), len(es), got[:2], es[:2])
	}
	if none, err := s.LeaseEntries(ctx, "404"); err != nil || len(none) != 0 {
		t.Errorf("unknown lease: %v, %v; want none", none, err)
	}
}

func TestPutIssuedDocumentStoresOneDocumentPerVersion(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	d := document.Document{Kind: document.RentReceipt, Title: "Quittance de loyer novembre 2026", Period: "2026-11",
		Date: date("2026-11-05"), ContentType: "application/pdf", SizeBytes: 100, FileName: "quittance-2026-11.pdf",
		Key: "receipts/ab/8889999/rent_receipt/2026-11/0123456789abcdef0123456789abcdef.pdf", Version: "0123456789abcdef0123456789abcdef"}
	first, existed, err := s.PutIssuedDocument(ctx, "8889999", d)
	if err != nil || existed {
		t.Fatalf("first put: %v, existed %v", err, existed)
	}
	if first.ID != document.IssuedDocumentID("8889999", d.Kind, d.Period, d.Version) {
		t.Errorf("id %q", first.ID)
	}
	again := d
	again.SizeBytes = 999 // what a second rendering would not change; the stored one answers
	second, existed, err := s.PutIssuedDocument(ctx, "8889999", again)
	if err != nil || !existed || second.ID != first.ID || second.SizeBytes != 100 || second.Version != d.Version {
		t.Errorf("second put: %+v existed %v err %v; want the stored one back, with its version", second, existed, err)
	}
	other := d
	other.Version = "fedcba9876543210fedcba9876543210"
	third, existed, err := s.PutIssuedDocument(ctx, "8889999", other)
	if err != nil || existed || third.ID == first.ID {
		t.Errorf("new facts: %+v existed %v err %v; want a new document", third, existed, err)
	}
	docs, err := s.Documents(ctx, "8889999")
	if err != nil || len(docs) != 2 {
		t.Errorf("documents: %d (%v), want 2", len(docs), err)
	}
	notice := d
	notice.Kind, notice.Version = document.Notice, ""
	if _, _, err := s.PutIssuedDocument(ctx, "8889999", notice); err == nil {
		t.Error("a notice through PutIssuedDocument: no error")
	}
}
