package account

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/citejardins/extranet/shared/fault"
	"github.com/citejardins/extranet/shared/tenancy"
)

// SignUpRequest is what a tenant types to create an account.
type SignUpRequest struct {
	Reference   string
	LastName    string
	DateOfBirth string
	Email       string
	Password    string
}

// SignUp checks the request against the lease's main signatory, stores a
// pending account and emails the activation link. Signing up again before
// activation replaces the pending request and voids the earlier link.
func (s *Service) SignUp(ctx context.Context, req SignUpRequest, client string) error {
	f := fault.Fields{}
	ref, err := tenancy.NormalizeReference(req.Reference)
	if err != nil {
		f.Add("reference", "Saisissez votre référence client : le numéro qui suit L/000 sur votre avis d'échéance, jusqu'au tiret (par exemple 8889999).")
	}
	if strings.TrimSpace(req.LastName) == "" {
		f.Add("lastName", "Saisissez le nom de famille du signataire principal du bail.")
	} else if utf8.RuneCountInString(req.LastName) > maxNameRunes || tenancy.FoldName(req.LastName) == "" {
		f.Add("lastName", "Ce nom n'est pas valide. Saisissez le nom de famille du signataire principal, tel qu'il figure sur le bail.")
	}
	dob, err := tenancy.ParseDate(req.DateOfBirth)
	if strings.TrimSpace(req.DateOfBirth) == "" {
		f.Add("dateOfBirth", "Saisissez la date de naissance du signataire principal.")
	} else if err != nil {
		f.Add("dateOfBirth", "Cette date n'est pas valide. Saisissez-la au format AAAA-MM-JJ, par exemple 1978-04-12.")
	}
	email := checkEmail(f, req.Email)
	s.checkPassword(f, req.Password, typedPersonal(req, ref, dob))
	if err := f.Err(); err != nil {
		return err
	}
	if err := s.allow(ctx, s.cfg.PerAddress, "addr", client); err != nil {
		return err
	}
	attempt, err := s.belowEscalating(ctx, s.cfg.LeaseFailures, s.cfg.LeaseLockouts, "signup", ref)
	if err != nil {
		return err
	}

	lease, err := s.store.Lease(ctx, ref)
	if err != nil && !errors.Is(err, tenancy.ErrNotFound) {
		return fmt.Errorf("sign up: %w", err)
	}
	main, ok := lease.MainSignatory()
	if err != nil || !ok || !tenancy.SameName(main.LastName, req.LastName) || main.DateOfBirth != dob {
		return fault.New(fault.IdentityMismatch, "Nous n'avons pas trouvé de bail correspondant à ces informations. Vérifiez la référence client, le nom du signataire principal et sa date de naissance, tels qu'ils figurent sur votre avis d'échéance et votre bail.")
	}
	attempt.pass(ctx) // the identity matched: no failure
	if s.checkPassword(f, req.Password, personalOf(email, lease)); f.Err() != nil {
		return f.Err()
	}

	var previous *Account
	existing, err := s.store.Account(ctx, ref)
	switch {
	case err == nil && existing.Status == Active:
		return fault.New(fault.AccountExists, "Un compte existe déjà pour ce bail. Connectez-vous avec votre adresse email, ou utilisez « Mot de passe oublié » si vous ne vous en souvenez plus.")
	case err == nil:
		previous = &existing
	case !errors.Is(err, ErrNotFound):
		return fmt.Errorf("sign up: %w", err)
	}
	if owner, err := s.store.AccountByEmail(ctx, email); err == nil && owner.Reference != ref {
		return emailTaken()
	} else if err != nil && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("sign up: %w", err)
	}
	if err := s.allow(ctx, s.cfg.MailsPerAccount, "mail", ref); err != nil {
		return err
	}

	hash, err := s.passwords.Hash(req.Password)
	if err != nil {
		return fmt.Errorf("sign up: %w", err)
	}
	raw, tok, err := s.newToken(Activation, ref, s.cfg.ActivationTTL)
	if err != nil {
		return err
	}
	now := s.now()
	acc := Account{Reference: ref, Email: email, PasswordHash: hash, Status: Pending,
		ActivationHash: tok.Hash, CreatedAt: now}
	if previous != nil {
		acc.CreatedAt = previous.CreatedAt
		acc.SessionGeneration = previous.SessionGeneration
	}
	switch err := s.store.SavePending(ctx, acc, previous, tok); {
	case errors.Is(err, ErrEmailTaken):
		return emailTaken()
	case errors.Is(err, ErrConflict):
		// Someone activated or signed up on this lease meanwhile.
		return fault.New(fault.AccountExists, "Un compte vient d'être créé pour ce bail. Connectez-vous, ou utilisez « Mot de passe oublié ».")
	case err != nil:
		return fmt.Errorf("sign up: %w", err)
	}
	return s.sendActivation(ctx, email, main.FirstName, raw)
}

func emailTaken() error {
	return &fault.Error{Code: fault.EmailTaken,
		Message: "Cette adresse email est déjà utilisée par un autre compte. Choisissez une autre adresse.",
		Fields:  map[string]string{"email": "Cette adresse email est déjà utilisée par un autre compte."}}
}

// Activate uses an activation link. It returns the account's email, so the
// login form can be filled in.
func (s *Service) Activate(ctx context.Context, rawToken, client string) (string, error) {
	if err := s.allow(ctx, s.cfg.PerAddress, "addr", client); err != nil {
		return "", err
	}
	tok, err := s.usableToken(ctx, rawToken, Activation)
	if err != nil {
		// A used activation link is the one that activated the account.
		if fault.Is(err, fault.TokenInvalid) && tok.Reference != "" {
			if acc, aerr := s.store.Account(ctx, tok.Reference); aerr == nil && acc.Status == Active {
				return "", fault.New(fault.TokenInvalid, "Ce lien a déjà servi : votre compte est activé. Connectez-vous avec votre adresse email et votre mot de passe.")
			}
		}
		return "", err
	}
	switch err := s.store.Activate(ctx, tok, s.now()); {
	case errors.Is(err, ErrConflict):
		return "", invalidLink()
	case err != nil:
		return "", fmt.Errorf("activate: %w", err)
	}
	acc, err := s.store.Account(ctx, tok.Reference)
	if err != nil {
		return "", fmt.Errorf("activate: %w", err)
	}
	return acc.Email, nil
}

// ResendActivation sends a new activation link when a pending account has
// this email. It says nothing of whether one does.
func (s *Service) ResendActivation(ctx context.Context, email, client string) error {
	acc, found, err := s.accountToMail(ctx, email, client)
	if err != nil || !found || acc.Status != Pending {
		return err
	}
	return s.renewActivation(ctx, acc)
}

// accountToMail checks an email typed to receive a link, counts the attempt
// and finds the account, if any, that the email belongs to.
func (s *Service) accountToMail(ctx context.Context, email, client string) (Account, bool, error) {
	f := fault.Fields{}
	email = checkEmail(f, email)
	if err := f.Err(); err != nil {
		return Account{}, false, err
	}
	if err := s.allow(ctx, s.cfg.PerAddress, "addr", client); err != nil {
		return Account{}, false, err
	}
	acc, err := s.store.AccountByEmail(ctx, email)
	if errors.Is(err, ErrNotFound) {
		return Account{}, false, nil
	}
	if err != nil {
		return Account{}, false, fmt.Errorf("account by email: %w", err)
	}
	return acc, true, nil
}

func (s *Service) renewActivation(ctx context.Context, acc Account) error {
	if sent, err := s.mailAllowed(ctx, acc); !sent {
		return err
	}
	raw, tok, err := s.newToken(Activation, acc.Reference, s.cfg.ActivationTTL)
	if err != nil {
		return err
	}
	switch err := s.store.RenewActivation(ctx, acc.Reference, tok); {
	case errors.Is(err, ErrConflict):
		return nil // activated meanwhile: nothing to send
	case err != nil:
		return fmt.Errorf("renew activation: %w", err)
	}
	lease, err := s.store.Lease(ctx, acc.Reference)
	if err != nil {
		return fmt.Errorf("renew activation: %w", err)
	}
	main, _ := lease.MainSignatory()
	return s.sendActivation(ctx, acc.Email, main.FirstName, raw)
}
