package account_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/citejardins/extranet/shared/account"
	"github.com/citejardins/extranet/shared/fault"
)

// TestParallelDateGuessesOnTwoSignatoriesStayWithinTheLimit: 40 sign-ups
// at once on the LEFÈVRE lease, from 40 client addresses, each with the
// shared surname and another date of birth (Céline's and Julien's among
// them): the lease's guesses are counted before the comparison, whichever
// signatory is aimed at, so at most the limit of wrong dates is compared;
// the rest are refused unread.
func TestParallelDateGuessesOnTwoSignatoriesStayWithinTheLimit(t *testing.T) {
	ctx := context.Background()
	f := setup(t, account.Config{LeaseFailures: account.Limit{Max: 5, Window: 15 * time.Minute}})
	var wrong, right, refused atomic.Int32
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req := julien
			req.Email = fmt.Sprintf("guess%d@example.fr", i)
			switch i {
			case 7:
				req.DateOfBirth = celine.DateOfBirth
			case 31:
				req.DateOfBirth = julien.DateOfBirth
			default:
				req.DateOfBirth = fmt.Sprintf("1960-01-%02d", i%28+1)
			}
			switch err := f.svc.SignUp(ctx, req, fmt.Sprintf("198.51.100.%d", i)); {
			case err == nil:
				right.Add(1)
			case fault.Is(err, fault.IdentityMismatch):
				wrong.Add(1)
			case fault.Is(err, fault.TooManyRequests):
				refused.Add(1)
			default:
				t.Errorf("guess %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	if wrong.Load() > 5 || wrong.Load()+right.Load()+refused.Load() != 40 || right.Load() > 2 {
		t.Errorf("%d wrong dates compared, %d right, %d refused; want at most 5 wrong compared", wrong.Load(), right.Load(), refused.Load())
	}
}

// TestTwoSignatoriesRaceForOneAddress: Céline and Julien sign up with the
// same address, 20 times each, at once, their jobs run by 4 workers: one
// of them ends with a pending account holding the address (its claim names
// it), the other with none, and the address's owner is told of the other
// requests; no claim names an account without that address.
func TestTwoSignatoriesRaceForOneAddress(t *testing.T) {
	ctx := context.Background()
	f := setup(t, account.Config{LeaseFailures: account.Limit{Max: 1000, Window: time.Hour},
		PerAddress: account.Limit{Max: 1000, Window: time.Hour}, MailsPerAccount: account.Limit{Max: 1000, Window: time.Hour}})
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req := celine
			if i%2 == 1 {
				req = julien
			}
			req.Email = "foyer.lefevre@example.fr"
			mustOK(t, f.svc.SignUp(ctx, req, "203.0.113.1"))
		}()
	}
	wg.Wait()
	var runs sync.WaitGroup
	for range 4 {
		runs.Add(1)
		go func() { defer runs.Done(); _, _ = f.svc.RunMailJobs(ctx) }()
	}
	runs.Wait()
	for range 10 { // the jobs that lost a race run again
		f.clock.Advance(3 * time.Minute)
		if _, err := f.svc.RunMailJobs(ctx); err == nil {
			break
		}
	}
	accs, err := f.store.AccountsOf(ctx, "1234567")
	mustOK(t, err)
	if len(accs) != 1 || accs[0].Email != "foyer.lefevre@example.fr" {
		t.Fatalf("accounts after the race: %+v; want one, holding the address", accs)
	}
	owner, err := f.store.AccountByEmail(ctx, "foyer.lefevre@example.fr")
	if err != nil || owner.Key() != accs[0].Key() {
		t.Errorf("the address is claimed by %v (%v); want %v", owner.Key(), err, accs[0].Key())
	}
	// The newest link mailed to the address activates the winner's account.
	f.mail.mu.Lock()
	var link string
	for _, m := range f.mail.mails {
		if got := tokenRE.FindStringSubmatch(m.Text); m.To == "foyer.lefevre@example.fr" && got != nil {
			link = got[1]
		}
	}
	f.mail.mu.Unlock()
	if _, err := f.svc.Activate(ctx, link, "203.0.113.1"); err != nil {
		t.Errorf("activate the winner: %v", err)
	}
}

// TestASignatoryTheLeaseNoLongerListsLosesAccess: the ERP removes Julien
// from the LEFÈVRE lease (he left the home): his account, though active,
// must no longer read the lease's data, which stays Céline's. His open
// session ends at its next request and his password no longer opens one,
// with a message saying why; Céline's is untouched. Listed again, he is
// back.
func TestASignatoryTheLeaseNoLongerListsLosesAccess(t *testing.T) {
	ctx := context.Background()
	f := setup(t, account.Config{})
	celTok, _ := signUpActive(t, f, celine)
	julTok, _ := signUpActive(t, f, julien)
	lease, err := f.store.Lease(ctx, "1234567")
	mustOK(t, err)
	if _, err := f.store.DeleteSignatoriesExcept(ctx, "1234567", map[string]bool{"S1234567-1": true}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Authenticate(ctx, julTok); fault.CodeOf(err) != fault.Unauthenticated {
		t.Errorf("Julien's session once he left the lease: %v; want unauthenticated", err)
	}
	_, _, err = f.svc.Login(ctx, account.Credentials{Email: julien.Email, Password: julien.Password}, "203.0.113.1")
	wantCode(t, err, fault.Forbidden)
	if _, err := f.svc.Authenticate(ctx, celTok); err != nil {
		t.Errorf("Céline's session: %v", err)
	}
	mustOK(t, f.store.PutLease(ctx, lease)) // the ERP lists him again
	if _, _, err := f.svc.Login(ctx, account.Credentials{Email: julien.Email, Password: julien.Password}, "203.0.113.1"); err != nil {
		t.Errorf("Julien listed again: %v", err)
	}
}
