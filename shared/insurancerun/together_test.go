package insurancerun_test

import (
	"context"
	"strings"
	"testing"

	"github.com/citejardins/extranet/shared/insurance"
	"github.com/citejardins/extranet/shared/tenancy"
	"github.com/citejardins/extranet/shared/tenant"
)

// confirm plays a tenant's confirmed certificate through the tenant's side
// of the store (upload, claim, submission transaction), as
// insurance.Service.Submit writes it.
func (h *harness) confirm(ref, id, end string) {
	h.t.Helper()
	ctx := context.Background()
	now := h.clock()
	u := insurance.Upload{ID: id, Reference: ref, FileName: "attestation.pdf", ContentType: insurance.PDF, SizeBytes: 1000,
		Key: insurance.UploadKey(id), CreatedAt: now, ExpiresAt: now.Add(2 * insurance.UploadTTL)}
	if err := h.store.PutUpload(ctx, u); err != nil {
		h.t.Fatal(err)
	}
	if err := h.store.ClaimUpload(ctx, ref, id, "claim-"+id, now, now.Add(insurance.ClaimFor)); err != nil {
		h.t.Fatal(err)
	}
	e, err := tenancy.ParseDate(end)
	if err != nil {
		h.t.Fatal(err)
	}
	rec, err := h.store.InsuranceRecord(ctx, ref)
	if err != nil {
		h.t.Fatal(err)
	}
	st := rec.State
	st.End = e
	c := insurance.Certificate{ID: id, Insurer: "MAIF", PolicyNumber: "P-1", Start: tenancy.Date{Year: 2026, Month: 1, Day: 1}, End: e,
		Status: insurance.Pending, SubmittedAt: now, Key: insurance.CertificateKey(ref, id, insurance.PDF), ContentType: insurance.PDF,
		SizeBytes: 1000, FileName: "attestation.pdf"}
	sub := insurance.Submission{Upload: insurance.Upload{ID: id, Claim: "claim-" + id}, Certificate: c, At: now,
		Event: tenant.Event{ID: "ev-" + id, Type: insurance.EventSubmitted, Reference: ref, At: now, Data: map[string]string{"certificateId": id}}}
	if _, on, ok := st.Next(h.today()); ok {
		sub.RemindOn, sub.Remind = on, true
	}
	if err := h.store.SubmitCertificate(ctx, ref, sub); err != nil {
		h.t.Fatal(err)
	}
}

// TestBothSidesTogether: a required lease without a certificate is
// reminded; the tenant sends one through the tenant's side; the landlord
// refuses it (mailed with the reason); the tenant sends another, accepted;
// its cover's thresholds come once each; GET's record agrees with the
// landlord's side on the current certificate and the next reminder.
func TestBothSidesTogether(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	h.day("2026-11-30")
	h.lease("1234567", true)
	h.account("1234567", "lefevre@example.fr", "", "active")
	// Another lease in the same days, so that the index holds more than one.
	h.lease("7654321", true)
	h.account("7654321", "awa@example.fr", "", "active")
	if got := h.days("2026-11-30", "2026-11-30", "lefevre@example.fr"); len(got) != 1 || !strings.Contains(got[0], "Envoyez-nous") {
		t.Fatalf("missing: %v", got)
	}
	h.day("2026-12-01")
	id1, id2 := strings.Repeat("a", 32), strings.Repeat("b", 32)
	h.confirm("1234567", id1, "2027-11-30")
	on := func(s string) tenancy.Date { d, _ := tenancy.ParseDate(s); return d }
	if _, err := h.store.DecideInsurance(ctx, "1234567", insurance.Decision{ID: id1, Status: insurance.Refused, On: on("2026-12-01"),
		Reason: "Le nom de l’assuré n’est pas celui du bail"}, h.today()); err != nil {
		t.Fatal(err)
	}
	got := h.days("2026-12-01", "2026-12-03", "lefevre@example.fr")
	if len(got) != 1 || !strings.Contains(got[0], "refusée") {
		t.Fatalf("after the refusal: %v; want the refusal mail once", got)
	}
	h.day("2026-12-04")
	h.confirm("1234567", id2, "2027-06-30")
	if _, err := h.store.DecideInsurance(ctx, "1234567", insurance.Decision{ID: id2, Status: insurance.Accepted, On: on("2026-12-05")},
		on("2026-12-05")); err != nil {
		t.Fatal(err)
	}
	rec, err := h.store.InsuranceRecord(ctx, "1234567")
	if err != nil {
		t.Fatal(err)
	}
	if rec.Current != id2 || rec.RemindOn != on("2027-05-31") {
		t.Errorf("the tenant's side reads current %q, next reminder %v; want %s on 2027-05-31", rec.Current, rec.RemindOn, id2)
	}
	got = h.days("2026-12-04", "2027-07-05", "lefevre@example.fr")
	want := []string{"2027-05-31 Votre attestation d’assurance habitation arrive à échéance",
		"2027-07-01 Votre attestation d’assurance habitation a expiré"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("the accepted cover:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if n := len(h.mails("awa@example.fr")); n != 1 {
		t.Errorf("the other lease got %d mails; want its missing reminder once", n)
	}
}
