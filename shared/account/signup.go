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

// SignUp checks the request against the lease's signatories and leaves a
// sign-up job: the mail worker then stores a pending account for the
// signatory who matched and emails the activation link, or tells the
// address on file that the signatory already has an account or that the
// email is taken (jobs.go). Any signatory of the lease may sign up, the main
// one or a co-signatory, each with their own surname and their own date of
// birth, for their own account. The surname gives the candidates (two
// signatories may share one); the date of birth picks one of them. Signing
// up again before activation replaces the signatory's pending request and
// voids the earlier link. A mismatch is the only refusal after validation
// and the limits.
func (s *Service) SignUp(ctx context.Context, req SignUpRequest, client string) error {
	f := fault.Fields{}
	ref, err := tenancy.NormalizeReference(req.Reference)
	if err != nil {
		f.Add("reference", "Saisissez votre référence client\u00a0: le numéro qui suit L/000 sur votre avis d’échéance, jusqu’au tiret (par exemple 8889999).")
	}
	if strings.TrimSpace(req.LastName) == "" {
		f.Add("lastName", "Saisissez votre nom de famille, tel qu’il figure sur le bail.")
	} else if utf8.RuneCountInString(req.LastName) > maxNameRunes || tenancy.FoldName(req.LastName) == "" {
		f.Add("lastName", "Ce nom n’est pas valide. Saisissez votre nom de famille, tel qu’il figure sur le bail.")
	}
	dob, err := tenancy.ParseDate(req.DateOfBirth)
	if strings.TrimSpace(req.DateOfBirth) == "" {
		f.Add("dateOfBirth", "Saisissez votre date de naissance.")
	} else if err != nil {
		f.Add("dateOfBirth", "Cette date n’est pas valide. Saisissez-la au format AAAA-MM-JJ, par exemple 1978-04-12.")
	}
	email := checkEmail(f, req.Email)
	s.checkPassword(f, req.Password, typedPersonal(req, ref, dob))
	if err := f.Err(); err != nil {
		return err
	}
	if err := s.allow(ctx, s.cfg.PerAddress, "addr", client); err != nil {
		return err
	}
	lease, err := s.store.Lease(ctx, ref)
	if err != nil && !errors.Is(err, tenancy.ErrNotFound) {
		return fmt.Errorf("sign up: %w", err)
	}
	var candidates []tenancy.Signatory
	if err == nil {
		for _, sg := range lease.Signatories {
			if sg.ID != "" && tenancy.SameName(sg.LastName, req.LastName) {
				candidates = append(candidates, sg)
			}
		}
	}
	if len(candidates) == 0 {
		// Not a guess at the date of birth, the secret: counted per lease
		// and client address, so that the reference alone, printed on every
		// notice, cannot lock the lease's tenants out of signing up. Counted
		// and refused as a guess is all the same (the same reads and writes,
		// the same lock-outs and words), so that the refusals never tell
		// whether the surname typed is a signatory's.
		if _, err := s.belowEscalating(ctx, s.cfg.LeaseFailures, s.cfg.LeaseLockouts, "signup-name", ref+"\x00"+client); err != nil {
			return err
		}
		return identityMismatch()
	}
	// A guess at the date of birth: counted per lease, whatever the client
	// address and whichever signatory is aimed at, before the comparison,
	// and slower each time the lease keeps reaching the limit.
	attempt, err := s.belowEscalating(ctx, s.cfg.LeaseFailures, s.cfg.LeaseLockouts, "signup", ref)
	if err != nil {
		return err
	}
	// Every candidate is compared, so that the work does not depend on
	// which one matches.
	var who tenancy.Signatory
	for _, c := range candidates {
		if c.DateOfBirth == dob && who.ID == "" {
			who = c
		}
	}
	if who.ID == "" {
		return identityMismatch()
	}
	attempt.pass(ctx) // the identity matched: no failure
	// The password was checked against what the form typed; of the lease,
	// only the first name of the signatory whose identity was just typed is
	// added (OWASP ASVS 5.0 V6.2.11). The other signatories' names and dates
	// of birth are not: a refusal would tell whoever typed one signatory's
	// identity who else lives there and when they were born.
	if s.checkPassword(f, req.Password, Personal{Names: []string{who.FirstName}}); f.Err() != nil {
		return f.Err()
	}

	// From here on, every request does the same work and gets the same
	// answer, whether the signatory already has an account, the email
	// belongs to another one, or neither: the difference goes by mail, from
	// the mail worker, to the address on file (jobs.go). The password is
	// hashed here, the slow part, so that it never travels nor waits in
	// clear.
	hash, err := s.passwords.Hash(req.Password)
	if err != nil {
		return fmt.Errorf("sign up: %w", err)
	}
	return s.putJob(ctx, MailJob{Kind: JobSignUp, Email: email, Reference: ref, Signatory: who.ID, PasswordHash: hash})
}

func identityMismatch() error {
	return fault.New(fault.IdentityMismatch, "Nous n’avons pas trouvé de bail correspondant à ces informations. Vérifiez la référence client, votre nom de famille et votre date de naissance, tels qu’ils figurent sur votre avis d’échéance et votre bail. Chaque signataire du bail (titulaire ou co-titulaire) crée son compte avec son propre nom et sa propre date de naissance.")
}

// Activate uses an activation link. It returns the account's email, so the
// login form can be filled in. The link that activated an account, opened
// again while that account is active, is fault.AlreadyActive; any other
// used, unknown or voided link is fault.TokenInvalid.
func (s *Service) Activate(ctx context.Context, rawToken, client string) (string, error) {
	if err := s.allow(ctx, s.cfg.PerAddress, "addr", client); err != nil {
		return "", err
	}
	tok, err := s.usableToken(ctx, rawToken, Activation)
	if err != nil {
		// A used activation link is the one that activated the account.
		if fault.Is(err, fault.TokenInvalid) && tok.Reference != "" {
			if acc, aerr := s.store.Account(ctx, Key{Reference: tok.Reference, Signatory: tok.Signatory}); aerr == nil && acc.Status == Active && issuedFor(acc, tok.CreatedAt) {
				return "", fault.New(fault.AlreadyActive, "Votre compte est déjà actif\u00a0: ce lien a servi à l’activer. Connectez-vous avec votre adresse email et votre mot de passe.")
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
	acc, err := s.store.Account(ctx, Key{Reference: tok.Reference, Signatory: tok.Signatory})
	if err != nil {
		return "", fmt.Errorf("activate: %w", err)
	}
	return acc.Email, nil
}

// ResendActivation leaves a job that sends a new activation link when a
// pending account has this email. Its answer and its work are the same
// whether one does.
func (s *Service) ResendActivation(ctx context.Context, email, client string) error {
	return s.mailJob(ctx, JobResend, email, client)
}

// mailJob checks an email typed to receive a link, counts the attempt and
// leaves the look-up and the mail to the mail worker.
func (s *Service) mailJob(ctx context.Context, kind JobKind, email, client string) error {
	f := fault.Fields{}
	email = checkEmail(f, email)
	if err := f.Err(); err != nil {
		return err
	}
	if err := s.allow(ctx, s.cfg.PerAddress, "addr", client); err != nil {
		return err
	}
	return s.putJob(ctx, MailJob{Kind: kind, Email: email})
}

func (s *Service) renewActivation(ctx context.Context, acc Account) error {
	if sent, err := s.mailAllowed(ctx, acc); !sent {
		return err
	}
	raw, tok, err := s.newToken(Activation, acc.Key(), s.cfg.ActivationTTL)
	if err != nil {
		return err
	}
	switch err := s.store.RenewActivation(ctx, acc.Key(), tok); {
	case errors.Is(err, ErrConflict):
		return nil // activated meanwhile: nothing to send
	case err != nil:
		return fmt.Errorf("renew activation: %w", err)
	}
	return s.sendActivation(ctx, acc.Email, s.firstName(ctx, acc.Key()), raw)
}
