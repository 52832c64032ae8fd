package insurancerun_test

import (
	"context"
	"strings"
	"testing"

	"github.com/citejardins/extranet/shared/dynamo"
	"github.com/citejardins/extranet/shared/insurance"
	"github.com/citejardins/extranet/shared/insurancerun"
	"github.com/citejardins/extranet/shared/tenancy"
)

func parseDay(t *testing.T, s string) tenancy.Date {
	t.Helper()
	d, err := tenancy.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// Review 9c, finding 1: a refusal imported, then a new certificate sent by
// the tenant before the next run. The tenant's confirmation moves remindOn
// to the new cover's Ending day, and the refusal waits until then: the
// tenant gets "refusée" about the old certificate eleven months later.
func TestReviewRefusalIsNotMailedMonthsLaterAfterANewCertificate(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	h.day("2026-11-30")
	h.lease("1234567", false)
	h.account("1234567", "lefevre@example.fr", "", "active")
	id1, id2 := strings.Repeat("a", 32), strings.Repeat("b", 32)
	h.confirm("1234567", id1, "2027-09-30")
	if _, err := h.store.DecideInsurance(ctx, "1234567", insurance.Decision{ID: id1, Status: insurance.Refused,
		On: h.today(), Reason: "Attestation illisible"}, h.today()); err != nil {
		t.Fatal(err)
	}
	// The tenant sees the refusal in the app and sends a new one at once,
	// before the hourly run.
	h.confirm("1234567", id2, "2027-11-29")
	early := h.days("2026-11-30", "2026-12-02", "lefevre@example.fr")
	late := h.days("2027-10-30", "2027-10-30", "lefevre@example.fr")
	for _, m := range late {
		if strings.Contains(m, "refusée") {
			t.Errorf("refusal of a certificate replaced eleven months earlier mailed on the Ending day: early %v, late %v", early, late)
		}
	}
}

// Review 9c, finding 2: a lease that ended (its date_fin imported in baux)
// keeps its certificate's Ending and Ended reminders: the former tenant is
// asked to insure a home they left.
func TestReviewEndedLeaseGetsNoInsuranceReminders(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	h.day("2026-12-01")
	h.lease("1234567", true)
	h.account("1234567", "lefevre@example.fr", "", "active")
	h.confirm("1234567", strings.Repeat("a", 32), "2027-01-31")
	// The lease ends on 15 December; the ERP's baux file carrying it is
	// imported on 20 December (what importer.syncInsuranceRequired does).
	h.day("2026-12-20")
	l := tenancy.Lease{Reference: "1234567", ResidenceID: "R1", Start: tenancy.Date{Year: 2020, Month: 1, Day: 1},
		End: parseDay(t, "2026-12-15"), RentCents: 50000, Address: tenancy.Address{Street: "1 rue", PostalCode: "75001", City: "Paris"},
		InsuranceRequired: true}
	if _, err := h.store.UpsertLeasesOn(ctx, []tenancy.Lease{l}, h.today()); err != nil {
		t.Fatal(err)
	}
	if _, err := h.store.SyncInsuranceRequired(ctx, []dynamo.LeaseRequirement{{Reference: "1234567", Required: false, Ended: true}}, h.today()); err != nil {
		t.Fatal(err)
	}
	if got := h.days("2026-12-20", "2027-02-05", "lefevre@example.fr"); len(got) != 0 {
		t.Errorf("the former tenant of an ended lease got: %v; want no insurance reminder", got)
	}
}

// racingStore lets the tenant confirm a new certificate between the run's
// read of the lease and its claim of the mail.
type racingStore struct {
	*dynamo.Store
	once func()
}

func (r *racingStore) InsuranceOf(ctx context.Context, ref string) (insurancerun.Lease, error) {
	l, err := r.Store.InsuranceOf(ctx, ref)
	if r.once != nil {
		f := r.once
		r.once = nil
		f()
	}
	return l, err
}

// Review 9c, finding 3: the claim does not check that the key it records
// is still the one due on the state it re-reads: a certificate confirmed
// between the run's read and its claim still gets "arrive à échéance" for
// the cover it replaced (same for a refusal replaced by an acceptance).
func TestReviewClaimChecksTheReminderIsStillDue(t *testing.T) {
	h := newHarness(t)
	h.day("2026-12-20")
	h.lease("1234567", false)
	h.account("1234567", "lefevre@example.fr", "", "active")
	h.confirm("1234567", strings.Repeat("a", 32), "2027-01-31")
	h.day("2027-01-02") // Ending due since 1 January
	rs := &racingStore{Store: h.store}
	rs.once = func() { h.confirm("1234567", strings.Repeat("b", 32), "2028-01-31") }
	r := h.runner(nil)
	r.Store = rs
	if _, err := r.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := h.mails("lefevre@example.fr"); len(got) != 0 {
		t.Errorf("mailed %q although the tenant's new certificate (ending 2028-01-31) was recorded before the claim", got[0].Subject)
	}
}

// Review 9c, finding 5 (local stack only): the tenant's confirmation
// brings its lease's state into byReminder with UpdateItem (inside
// TransactWriteItems), which DESIGN.md's emulator gaps say minidyn gets
// wrong (it overwrites another item's index entry). Other leases' due
// reminders must still be found.
func TestReviewConfirmationKeepsOtherLeasesInTheIndex(t *testing.T) {
	h := newHarness(t)
	h.day("2026-12-01")
	h.lease("1234567", true) // missing, due, no account yet
	h.lease("7654321", true)
	h.lease("8889999", false)
	h.confirm("8889999", strings.Repeat("c", 32), "2027-01-20") // enters the index
	h.account("1234567", "a@example.fr", "", "active")
	h.account("7654321", "b@example.fr", "", "active")
	h.account("8889999", "c@example.fr", "", "active")
	h.day("2026-12-02")
	h.run(nil)
	for _, a := range []string{"a@example.fr", "b@example.fr"} { // c's Ending is due on 21 December
		if n := len(h.mails(a)); n != 1 {
			t.Errorf("%s got %d mails; want its missing reminder (state %+v)", a, n, h.state(map[string]string{"a@example.fr": "1234567", "b@example.fr": "7654321"}[a]))
		}
	}
}

// Review 9c, finding 6 (wording): a required lease whose only certificate
// is refused gets, in the same run, the refusal and "Nous n'avons pas
// encore reçu votre attestation", which is untrue.
func TestReviewRefusalIsNotFollowedByNeverReceived(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	h.day("2026-12-01")
	h.lease("1234567", true)
	id := strings.Repeat("a", 32)
	h.confirm("1234567", id, "2027-11-30")
	if _, err := h.store.DecideInsurance(ctx, "1234567", insurance.Decision{ID: id, Status: insurance.Refused,
		On: h.today(), Reason: "Attestation illisible"}, h.today()); err != nil {
		t.Fatal(err)
	}
	h.account("1234567", "a@example.fr", "", "active") // account activated after the import
	got := h.days("2026-12-01", "2026-12-01", "a@example.fr")
	for _, m := range h.mails("a@example.fr") {
		if strings.Contains(m.Text, "pas encore reçu") {
			t.Errorf("mails %v: the tenant whose certificate was just refused is told none was received", got)
		}
	}
}
