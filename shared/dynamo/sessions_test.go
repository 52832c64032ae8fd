package dynamo_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/citejardins/extranet/shared/account"
)

// TestSessionWrites checks the conditional writes of sessions: the last-seen
// time is written once per period however many requests try, and a password
// change ends every session of its generation but the one kept.
func TestSessionWrites(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	acc := account.Account{Reference: "8889999", Signatory: "S8889999-1", Email: "marie@example.fr", PasswordHash: "h0", Status: account.Pending, CreatedAt: now}
	tok := account.Token{Hash: strings.Repeat("a", 64), Purpose: account.Activation, Reference: acc.Reference, Signatory: acc.Signatory, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
	acc.ActivationHash = tok.Hash
	if err := s.SavePending(ctx, acc, nil, tok); err != nil {
		t.Fatal(err)
	}
	var hashes []string
	for _, c := range "bcd" {
		h := strings.Repeat(string(c), 64)
		hashes = append(hashes, h)
		if err := s.PutSession(ctx, account.Session{Hash: h, Reference: acc.Reference, Signatory: acc.Signatory, CreatedAt: now, LastSeen: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}

	later := now.Add(90 * time.Second)
	if err := s.TouchSession(ctx, hashes[0], later, later.Add(-time.Minute)); err != nil {
		t.Fatalf("first touch: %v", err)
	}
	if err := s.TouchSession(ctx, hashes[0], later, later.Add(-time.Minute)); !errors.Is(err, account.ErrConflict) {
		t.Errorf("second touch in the same minute: %v, want ErrConflict", err)
	}
	if err := s.TouchSession(ctx, strings.Repeat("f", 64), later, later.Add(-time.Minute)); !errors.Is(err, account.ErrConflict) {
		t.Errorf("touch of a missing session: %v, want ErrConflict", err)
	}
	if got, err := s.Session(ctx, hashes[0]); err != nil || !got.LastSeen.Equal(later) {
		t.Errorf("last seen %v (%v), want %v", got.LastSeen, err, later)
	}

	if err := s.ChangePassword(ctx, acc.Key(), 0, "h1", hashes[1]); err != nil {
		t.Fatalf("change: %v", err)
	}
	if err := s.ChangePassword(ctx, acc.Key(), 0, "h2", hashes[1]); !errors.Is(err, account.ErrConflict) {
		t.Errorf("a second change from generation 0: %v, want ErrConflict", err)
	}
	got, err := s.Account(ctx, acc.Key())
	if err != nil || got.SessionGeneration != 1 || got.PasswordHash != "h1" {
		t.Fatalf("account after the change: gen %d, hash %q, %v", got.SessionGeneration, got.PasswordHash, err)
	}
	if kept, _ := s.Session(ctx, hashes[1]); kept.Generation != 1 {
		t.Errorf("kept session in generation %d, want 1", kept.Generation)
	}
	if err := s.DeleteSessions(ctx, acc.Key(), hashes[1]); err != nil {
		t.Fatal(err)
	}
	for i, h := range hashes {
		_, err := s.Session(ctx, h)
		if gone := errors.Is(err, account.ErrNotFound); gone != (i != 1) {
			t.Errorf("session %d after deleting all but 1: %v", i, err)
		}
	}
	if err := s.EndSessions(ctx, acc.Key(), 1); err != nil {
		t.Fatal(err)
	}
	if err := s.EndSessions(ctx, acc.Key(), 1); !errors.Is(err, account.ErrConflict) {
		t.Errorf("ending generation 1 twice: %v, want ErrConflict", err)
	}
}
