package account

import "context"

// AllowPublic counts a request to a public read (the emergency directory)
// from a client address, and refuses it past PerAddress. Its counter is
// apart from the sign-up and login one ("addr"), so that an address that
// spent its login attempts can still find an emergency number, and
// searching cannot lock anyone out of logging in. Errors: a
// fault.TooManyRequests with RetryAfter.
func (s *Service) AllowPublic(ctx context.Context, client string) error {
	return s.allow(ctx, s.cfg.PerAddress, "public-addr", client)
}
