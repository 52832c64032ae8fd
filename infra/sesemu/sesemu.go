// Package sesemu emulates the subset of Amazon SES v1 (query protocol, API
// version 2010-12-01) that the extranet sends mail with, so the local
// development stack and tests can run the real aws-sdk-go-v2 SES client
// against an in-process endpoint and inspect what would have been delivered.
//
// Nothing is ever delivered: every accepted message is kept in memory and
// exposed through [Server.Messages], [Server.WaitFor] and the dev inbox
// served by [Server.InboxHandler].
package sesemu

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"sync"
	"time"
)

// Message is one email accepted by the emulator, reduced to what a developer
// or a test needs to check: who it went to and what it said.
type Message struct {
	// ID is the SES MessageId returned to the sender.
	ID string `json:"id"`
	// To holds every destination (To, Cc and Bcc, or the explicit
	// Destinations of a raw message) as bare addresses, so that matching on
	// a recipient never depends on how its display name was written.
	To []string `json:"to"`
	// From is the sender as a recipient would see it: "Name <addr>" when a
	// display name was given (RFC 2047 words decoded), else the bare address.
	From    string `json:"from"`
	Subject string `json:"subject"`
	Text    string `json:"text"`
	HTML    string `json:"html"`
	// SentAt is when the emulator accepted the message, from the clock
	// given to [New].
	SentAt time.Time `json:"sentAt"`
}

// Server is an in-memory SES endpoint. The zero value is not usable; create
// one with [New]. A Server is safe for concurrent use.
type Server struct {
	now func() time.Time

	mu   sync.Mutex
	msgs []Message
	// arrived is closed, then replaced, every time a message is stored:
	// closing a channel wakes every waiter at once without any of them
	// having to poll.
	arrived chan struct{}
}

// New returns an empty Server that stamps messages with now. A nil now means
// time.Now; tests pass a fixed clock to get deterministic SentAt values.
func New(now func() time.Time) *Server {
	if now == nil {
		now = time.Now
	}
	return &Server{now: now, arrived: make(chan struct{})}
}

// Messages returns every message kept so far, oldest first. The result is a
// deep copy, so callers may modify it freely.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Message, len(s.msgs))
	for i, m := range s.msgs {
		out[i] = m.clone()
	}
	return out
}

// WaitFor returns the oldest kept message for which match reports true or,
// if there is none yet, the first matching one to arrive. It returns
// ctx.Err() if ctx ends first. A nil match accepts any message.
func (s *Server) WaitFor(ctx context.Context, match func(Message) bool) (Message, error) {
	if match == nil {
		match = func(Message) bool { return true }
	}
	seen := 0
	for {
		s.mu.Lock()
		pending := make([]Message, 0, len(s.msgs)-seen)
		for _, m := range s.msgs[seen:] {
			pending = append(pending, m.clone())
		}
		seen = len(s.msgs)
		arrived := s.arrived
		s.mu.Unlock()

		// match runs outside the lock: it is caller code and may well call
		// back into the Server.
		for _, m := range pending {
			if match(m) {
				return m, nil
			}
		}

		select {
		case <-ctx.Done():
			return Message{}, ctx.Err()
		case <-arrived:
		}
	}
}

// store assigns an ID and a timestamp to m, keeps it and wakes the waiters.
func (s *Server) store(m Message) Message {
	s.mu.Lock()
	// The clock is read under the lock so that SentAt never goes backwards
	// in the oldest-first order. Round(0) drops the monotonic reading, so
	// SentAt equals what the clock returned and survives JSON unchanged.
	now := s.now().Round(0)
	m.ID = newMessageID(now)
	m.SentAt = now
	s.msgs = append(s.msgs, m.clone())
	close(s.arrived)
	s.arrived = make(chan struct{})
	s.mu.Unlock()
	return m
}

func (m Message) clone() Message {
	m.To = slices.Clone(m.To)
	return m
}

// newMessageID mimics the shape of real SES message IDs
// (time prefix, UUID, suffix) so code that logs or parses them sees
// something realistic.
func newMessageID(now time.Time) string {
	return fmt.Sprintf("%016x-%s-000000", now.UnixMilli(), newUUID())
}

func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails since Go 1.24.
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}
