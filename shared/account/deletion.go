package account

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/citejardins/extranet/shared/fault"
)

// AccountDeletion is what a tenant sends to delete their account: the
// password and an explicit confirmation (the form's checkbox).
type AccountDeletion struct {
	Password  string
	Confirmed bool
}

// ConfirmField is the request field of the deletion's confirmation.
const ConfirmField = "confirm"

// deleteTries bounds the retries of a deletion whose transaction met
// another's (a parallel deletion, a login email change).
const deleteTries = 5

// DeleteAccount deletes the principal's account (RGPD art. 17), after its
// password (counted as a login failure when wrong, ConfirmPassword) and an
// explicit confirmation. One transaction deletes the account and its email
// claim (if the claim is still the account's) and writes account_deleted in
// the ERP's outbox; then every session and token of the account goes, and a
// last mail tells the login address. The address may sign up again at
// once. The lease's data (statement, documents, change requests, the
// lease's preferences) are the landlord's and stay.
//
// Parallel deletions of one account end in one deletion: one transaction
// wins, one event and one mail; the others find the account gone and
// answer as done.
//
// Errors: validation_failed (fields password, confirm), too_many_requests,
// unauthenticated when the account was already gone at the start.
func (s *Profiles) DeleteAccount(ctx context.Context, p Principal, d AccountDeletion, client string) error {
	f := fault.Fields{}
	CheckPasswordTyped(f, d.Password)
	if !d.Confirmed {
		f.Add(ConfirmField, "Cochez la case pour confirmer que vous voulez supprimer votre compte.")
	}
	if err := f.Err(); err != nil {
		return err
	}
	if err := s.ConfirmPassword(ctx, p, d.Password, client); err != nil {
		return err
	}
	acc := p.Account
	at := s.now()
	ev, err := s.event("account_deleted", acc, map[string]any{"deletedAt": at.UTC().Format(time.RFC3339)})
	if err != nil {
		return err
	}
	won, gone := false, false
	for try := 0; !won && !gone && try < deleteTries; try++ {
		err := s.profiles.DeleteAccount(ctx, acc, ev)
		if err == nil {
			won = true
			break
		}
		if !errors.Is(err, ErrConflict) {
			return fmt.Errorf("delete account: %w", err)
		}
		// Gone (or created again) means another request deleted it: done.
		now, err := s.store.Account(ctx, acc.Key())
		if errors.Is(err, ErrNotFound) || (err == nil && !now.CreatedAt.Equal(acc.CreatedAt)) {
			gone = true
			break
		}
		if err != nil {
			return fmt.Errorf("delete account: %w", err)
		}
		if now.Email != acc.Email {
			// Its login email changed meanwhile: delete what it is now.
			acc.Email = now.Email
		}
	}
	if !won && !gone {
		return fault.New(fault.Conflict, "Votre compte a été modifié pendant la suppression. Réessayez dans un instant.")
	}
	if n, err := s.profiles.DeleteAccountItems(ctx, acc, at); err != nil {
		// Each is refused already (no account, or one created after it);
		// this only tidies up, and the next deletion's pass will retry.
		s.log.WarnContext(ctx, "delete sessions and tokens of a deleted account", "err", err, "deleted", n)
	}
	if !won {
		return nil
	}
	if s.mailer != nil {
		if err := s.mailer.Send(ctx, accountDeletedMail(acc.Email, s.firstName(ctx, acc.Key()), s.page("/creer-mon-compte"))); err != nil {
			s.log.ErrorContext(ctx, "send account deleted mail", "err", err)
		}
	}
	return nil
}
