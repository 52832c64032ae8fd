package account

import (
	"context"
	"errors"
	"fmt"

	"github.com/citejardins/extranet/shared/fault"
)

// Forgot leaves a job that emails a reset link when an active account has
// this email, and a new activation link when a pending one does. Its answer
// and its work are the same whether one does.
func (s *Service) Forgot(ctx context.Context, email, client string) error {
	return s.mailJob(ctx, JobForgot, email, client)
}

// mailReset emails a reset link to an active account (mail worker).
func (s *Service) mailReset(ctx context.Context, acc Account) error {
	if sent, err := s.mailAllowed(ctx, acc); !sent {
		return err
	}
	raw, tok, err := s.newToken(Reset, acc.Key(), s.cfg.ResetTTL)
	if err != nil {
		return err
	}
	// The link is good only while the password it replaces is: a reset
	// bumps the generation and so voids every earlier reset link.
	tok.Generation = acc.SessionGeneration
	switch err := s.store.PutToken(ctx, tok); {
	case errors.Is(err, ErrNotFound):
		return nil // deleted since the job read it: nobody to tell
	case err != nil:
		return fmt.Errorf("forgot: %w", err)
	}
	return s.send(ctx, resetMail(acc.Email, s.firstName(ctx, acc.Key()), s.link("/nouveau-mot-de-passe", raw), s.cfg.ResetTTL))
}

// ResetPassword sets a new password with an emailed reset link, ends
// every session of the account and voids a pending notification email's
// link (one asked for from a stolen session must not confirm afterwards).
// It also clears the failed logins counted on the account's email
// (AccountFailures), so that the new password logs in at once: a stranger
// who knows the email can use them up, and the link proves the mailbox. The password is checked twice: first for
// itself, then, once the link names the account, against the account's
// email and its lease's signatories (see Personal).
func (s *Service) ResetPassword(ctx context.Context, rawToken, password, client string) error {
	f := fault.Fields{}
	s.checkPassword(f, password, Personal{})
	if err := f.Err(); err != nil {
		return err
	}
	if err := s.allow(ctx, s.cfg.PerAddress, "addr", client); err != nil {
		return err
	}
	tok, err := s.usableToken(ctx, rawToken, Reset)
	if err != nil {
		return err
	}
	return s.reset(ctx, tok, password)
}

// newPasswordHash checks a new password against what is personal to the
// account (its login email, its lease's signatories: see Personal) and
// hashes it. Errors: validation_failed (field password).
func (s *Service) newPasswordHash(ctx context.Context, ref, email, password string) (string, error) {
	lease, err := s.store.Lease(ctx, ref)
	if err != nil {
		return "", fmt.Errorf("new password: %w", err)
	}
	f := fault.Fields{}
	s.checkPassword(f, password, personalOf(email, lease))
	if err := f.Err(); err != nil {
		return "", err
	}
	hash, err := s.passwords.Hash(password)
	if err != nil {
		return "", fmt.Errorf("new password: %w", err)
	}
	return hash, nil
}

// reset is ResetPassword once the password passed its first check, the
// client its limit and the link its purpose, use and expiry.
func (s *Service) reset(ctx context.Context, tok Token, password string) error {
	acc, err := s.store.Account(ctx, Key{Reference: tok.Reference, Signatory: tok.Signatory})
	if errors.Is(err, ErrNotFound) {
		return invalidLink() // the account was deleted since
	}
	if err != nil {
		return fmt.Errorf("reset: %w", err)
	}
	if !issuedFor(acc, tok.CreatedAt) {
		return invalidLink() // a link of an earlier account with this key
	}
	hash, err := s.newPasswordHash(ctx, tok.Reference, acc.Email, password)
	if err != nil {
		return err
	}
	switch err := s.store.ResetPassword(ctx, tok, hash, s.now()); {
	case errors.Is(err, ErrConflict):
		return invalidLink()
	case err != nil:
		return fmt.Errorf("reset: %w", err)
	}
	// The link proved the mailbox: the failed logins on the account's email,
	// which anyone who knows it can run up, no longer keep its owner out.
	s.forget(ctx, s.cfg.AccountFailures, "login", EmailKey(acc.Email))
	if err := s.store.DeleteSessions(ctx, acc.Key(), ""); err != nil {
		// The generation bump already ended them; this only tidies up.
		s.log.WarnContext(ctx, "delete sessions after reset", "err", err)
	}
	return nil
}
