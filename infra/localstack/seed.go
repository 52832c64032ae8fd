package localstack

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/citejardins/extranet/shared/account"
	"github.com/citejardins/extranet/shared/dynamo"
	"github.com/citejardins/extranet/shared/tenancy"
	"github.com/citejardins/extranet/shared/tenant"
)

// Generated leases for the monthly run's tests and benchmark: the ERP's
// files (residences, leases, signatories) made in memory and dropped
// through the import function, as the ERP does, so the leases get their
// shard as real ones; then an active account with paperless notices for
// some of them, written through the store as an activation and a saved
// preference would.

// SeededLease is one generated lease.
type SeededLease struct {
	Reference string // canonical
	// Email is the paperless tenant's address; empty for a paper one.
	Email     string
	Paperless bool
}

// seedFirstRef is the first generated reference: far from the demo's.
const seedFirstRef = 5_000_000

var seedMethods = []string{"prelevement", "virement", "cheque", "prelevement", "tip"}

// SeedLeases imports n generated running leases (references from 5000000)
// and makes every paperlessEvery-th one (0: none) paperless, with an
// active account at locataire.<ref>@example.fr.
func (s *Stack) SeedLeases(ctx context.Context, n, paperlessEvery int) ([]SeededLease, error) {
	var res, leases, signs strings.Builder
	res.WriteString("id_residence;nom;adresse;code_postal;ville\r\n")
	leases.WriteString("reference;id_residence;date_debut;date_fin;adresse;complement;code_postal;ville;type_logement;etage;loyer;charges;apl;mode_paiement;jour_echeance\r\n")
	signs.WriteString("reference;id_signataire;principal;nom;prenom;date_naissance;email\r\n")
	cities := []string{"93200;Saint-Denis", "92230;Gennevilliers", "94200;Ivry-sur-Seine", "93100;Montreuil"}
	for r := range 20 {
		fmt.Fprintf(&res, "GEN%02d;Résidence Générée %d;%d rue des Essais;%s\r\n", r, r, r+1, cities[r%len(cities)])
	}
	out := make([]SeededLease, n)
	for i := range n {
		ref := fmt.Sprint(seedFirstRef + i)
		r := i % 20
		rent, charges, apl := 30000+(i*7919)%40000, 5000+(i*104729)%8000, 0
		if i%4 == 1 {
			apl = 9000 + (i*31)%9000
		}
		fmt.Fprintf(&leases, "%010s;GEN%02d;01/01/2020;;%d rue des Essais;Appartement %d;%s;T3;2;%s;%s;%s;%s;%d\r\n",
			ref, r, r+1, i, cities[r%len(cities)], euros(rent), euros(charges), euros(apl), seedMethods[i%len(seedMethods)], 1+i%10)
		fmt.Fprintf(&signs, "%010s;S%s-1;O;ESSAI;Locataire %d;01/01/1980;\r\n", ref, ref, i)
		out[i] = SeededLease{Reference: ref}
		if paperlessEvery > 0 && i%paperlessEvery == 0 {
			out[i].Paperless, out[i].Email = true, "locataire."+ref+"@example.fr"
		}
	}
	for _, f := range []struct{ name, body string }{
		{"residences_delta_20261126.csv", res.String()},
		{"baux_delta_20261126.csv", leases.String()},
		{"signataires_delta_20261126.csv", signs.String()},
	} {
		rep, err := s.Import(ctx, f.name, []byte(f.body))
		if err != nil {
			return nil, err
		}
		if !strings.Contains(string(rep), `"rejected": 0`) {
			return nil, fmt.Errorf("seed %s: %s", f.name, rep)
		}
	}
	// Accounts, a few at a time: each is three writes.
	sem := make(chan struct{}, 8)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	for _, l := range out {
		if !l.Paperless {
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			if err := s.paperlessAccount(ctx, l.Reference, l.Email); err != nil {
				mu.Lock()
				firstErr = err
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return out, firstErr
}

// paperlessAccount writes an active account that chose paperless notices,
// as a sign-up, its activation and a saved preference do.
func (s *Stack) paperlessAccount(ctx context.Context, ref, email string) error {
	now := time.Now().UTC()
	sum := sha256.Sum256([]byte("seed-" + ref))
	// The seeded lease's only signatory, S<ref>-1 (above).
	k := account.Key{Reference: ref, Signatory: "S" + ref + "-1"}
	tok := account.Token{Hash: hex.EncodeToString(sum[:]), Purpose: account.Activation, Reference: ref, Signatory: k.Signatory,
		CreatedAt: now, ExpiresAt: now.Add(48 * time.Hour)}
	// A hash no password matches: nobody logs in to a generated account.
	acc := account.Account{Reference: ref, Signatory: k.Signatory, Email: email, PasswordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2VlZA$c2VlZA", Status: account.Pending,
		ActivationHash: tok.Hash, CreatedAt: now}
	if err := s.store.SavePending(ctx, acc, nil, tok); err != nil {
		return fmt.Errorf("seed account %s: %w", ref, err)
	}
	if err := s.store.Activate(ctx, tok, now); err != nil {
		return fmt.Errorf("seed activation %s: %w", ref, err)
	}
	old, err := s.store.Preferences(ctx, k)
	if err != nil {
		return err
	}
	p := old
	p.Paperless, p.Since, p.By = true, now, k.Signatory
	if err := s.store.SetPreferences(ctx, k, old, p, tenant.Event{}); err != nil {
		return fmt.Errorf("seed paperless %s: %w", ref, err)
	}
	return nil
}

func euros(cents int) string { return fmt.Sprintf("%d,%02d", cents/100, cents%100) }

// RequireInsurance makes each of leases require a home-insurance
// certificate from today in Paris, as the ERP's lease file would.
func (s *Stack) RequireInsurance(ctx context.Context, leases []SeededLease) error {
	var reqs []dynamo.LeaseRequirement
	for _, l := range leases {
		reqs = append(reqs, dynamo.LeaseRequirement{Reference: l.Reference, Required: true})
	}
	_, err := s.Store().SyncInsuranceRequired(ctx, reqs, tenancy.ParisDate(time.Now()))
	return err
}
