package account

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/citejardins/extranet/shared/fault"
)

// mailAllowed counts a mail to the account. Past the limit it sends
// nothing and says nothing: answering "too many" would tell that the email
// has an account, where an unknown email always gets "sent".
func (s *Service) mailAllowed(ctx context.Context, acc Account) (bool, error) {
	err := s.allow(ctx, s.cfg.MailsPerAccount, "mail", acc.Reference)
	if fault.Is(err, fault.TooManyRequests) {
		s.log.WarnContext(ctx, "mail limit reached; mail not sent")
		return false, nil
	}
	return err == nil, err
}

// allow counts an attempt and refuses it past the limit.
func (s *Service) allow(ctx context.Context, l Limit, scope, value string) error {
	n, end, err := s.counter.Add(ctx, key(scope, value), l.Window, s.now())
	if err != nil {
		return fmt.Errorf("throttle %s: %w", scope, err)
	}
	if n > l.Max {
		return tooMany(end.Sub(s.now()))
	}
	return nil
}

// below refuses when failures already reached the limit, without counting.
func (s *Service) below(ctx context.Context, l Limit, scope, value string) error {
	n, end, err := s.counter.Count(ctx, key(scope, value), l.Window, s.now())
	if err != nil {
		return fmt.Errorf("throttle %s: %w", scope, err)
	}
	if n >= l.Max {
		return tooMany(end.Sub(s.now()))
	}
	return nil
}

func tooMany(wait time.Duration) error {
	if wait < time.Second {
		wait = time.Second
	}
	minutes := int((wait + time.Minute - 1) / time.Minute)
	msg := "Trop de tentatives. Par sécurité, patientez une minute avant de réessayer."
	if minutes > 1 {
		msg = fmt.Sprintf("Trop de tentatives. Par sécurité, patientez %d minutes avant de réessayer.", minutes)
	}
	return &fault.Error{Code: fault.TooManyRequests, Message: msg, RetryAfter: wait}
}

// key names a throttle counter. Values are hashed so that no email, address
// or reference is stored in clear beside the counts.
func key(scope, value string) string {
	sum := sha256.Sum256([]byte(scope + "\x00" + value))
	return scope + "#" + hex.EncodeToString(sum[:16])
}
