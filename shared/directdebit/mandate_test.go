package directdebit

import (
	"fmt"
	"strings"
	"testing"

	"github.com/citejardins/extranet/shared/tenancy"
)

func day(s string) tenancy.Date {
	d, err := tenancy.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestRule_RUMIsUniquePerLeaseAndSeqAndAtMost35Characters(t *testing.T) {
	seen := map[string]string{}
	for _, ref := range []string{"1", "1234567", "12", "9999999999", "123"} {
		for _, seq := range []int64{1, 2, 10, 11, 12, 123, MaxSeq} {
			rum, err := RUM(ref, seq)
			if err != nil {
				t.Fatalf("RUM(%s, %d): %v", ref, seq, err)
			}
			if len(rum) > MaxRUM {
				t.Errorf("RUM(%s, %d) = %q: %d characters, want ≤ %d", ref, seq, rum, len(rum), MaxRUM)
			}
			if strings.Trim(rum, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") != "" {
				t.Errorf("RUM %q has characters outside the SEPA identifier set", rum)
			}
			key := fmt.Sprint(ref, "/", seq)
			if other, dup := seen[rum]; dup {
				t.Errorf("RUM %q made by %s and %s", rum, other, key)
			}
			seen[rum] = key
			if !ValidRUM(rum) {
				t.Errorf("ValidRUM(%q) = false", rum)
			}
		}
	}
	if got, _ := RUM("1234567", 3); got != "EXTRANET-1234567-3" {
		t.Errorf("RUM = %q, want EXTRANET-1234567-3", got)
	}
	for _, bad := range []struct {
		ref string
		seq int64
	}{{"", 1}, {"12345678901", 1}, {"12a", 1}, {"1", 0}, {"1", -1}, {"1", MaxSeq + 1}} {
		if rum, err := RUM(bad.ref, bad.seq); err == nil {
			t.Errorf("RUM(%q, %d) = %q, want an error", bad.ref, bad.seq, rum)
		}
	}
	for _, bad := range []string{"", "EXTRANET-", "EXTRANET-1-01", "EXTRANET-1-0", "X-1-1", "EXTRANET-1-1-1", "EXTRANET-01-1"} {
		if ValidRUM(bad) {
			t.Errorf("ValidRUM(%q) = true", bad)
		}
	}
}

func TestWordingIsTheRulebookTextWithTheCreditor(t *testing.T) {
	w := Wording("Cité Jardins Habitat")
	for _, want := range []string{
		"En signant ce formulaire de mandat, vous autorisez (A) Cité Jardins Habitat à envoyer des instructions à votre banque pour débiter votre compte, et (B) votre banque à débiter votre compte conformément aux instructions de Cité Jardins Habitat.",
		"Vous bénéficiez du droit d’être remboursé par votre banque selon les conditions décrites dans la convention que vous avez passée avec elle.",
		"Une demande de remboursement doit être présentée dans les 8 semaines suivant la date de débit de votre compte pour un prélèvement autorisé.",
	} {
		if !strings.Contains(w, want) {
			t.Errorf("wording lacks %q:\n%s", want, w)
		}
	}
}

func TestRule_MandateLapsesAfter36MonthsWithoutDebit(t *testing.T) {
	m := Mandate{SignedOn: day("2026-12-01"), Status: Active}
	cases := []struct {
		name      string
		lastDebit string
		on        string
		want      Status
	}{
		{"the day before 36 months after the signature", "", "2029-11-30", Active},
		{"36 months after the signature, no debit", "", "2029-12-01", Lapsed},
		{"long after", "", "2031-01-01", Lapsed},
		{"a debit restarts the 36 months", "2027-01-10", "2029-12-01", Active},
		{"36 months after the last debit", "2027-01-10", "2030-01-10", Lapsed},
		{"the day before", "2027-01-10", "2030-01-09", Active},
	}
	for _, c := range cases {
		mm := m
		if c.lastDebit != "" {
			mm.LastDebitOn = day(c.lastDebit)
		}
		if got := mm.StatusOn(day(c.on)); got != c.want {
			t.Errorf("%s: StatusOn(%s) = %s, want %s (lapses on %s)", c.name, c.on, got, c.want, mm.LapsesOn())
		}
	}
	// A recorded lapse stays, a revocation wins from its day.
	if got := (Mandate{SignedOn: day("2026-12-01"), Status: Lapsed}).StatusOn(day("2027-01-01")); got != Lapsed {
		t.Errorf("recorded lapse: %s", got)
	}
	if got := (Mandate{SignedOn: day("2026-12-01"), Status: Revoked, RevokedOn: day("2027-02-01")}).StatusOn(day("2031-01-01")); got != Revoked {
		t.Errorf("revoked: %s", got)
	}
}

func TestLastDebitCountsTheERPsPaymentsOfADirectDebitLeaseSinceTheSignature(t *testing.T) {
	m := Mandate{SignedOn: day("2026-12-01")}
	entries := []tenancy.Entry{
		{ID: "E1", Date: day("2026-11-10"), Kind: tenancy.PaymentReceived, CreditCents: 50000},      // before the signature
		{ID: "E2", Date: day("2027-01-10"), Kind: tenancy.PaymentReceived, CreditCents: 50000},      // a debit
		{ID: "E3", Date: day("2027-02-01"), Kind: tenancy.Notice, DebitCents: 50000},                // a call, no payment
		{ID: "E4", Date: day("2027-02-02"), Kind: tenancy.HousingBenefit, CreditCents: 10000},       // APL, not the tenant's
		{ID: "portal-ab", Date: day("2027-03-03"), Kind: tenancy.PaymentReceived, CreditCents: 100}, // a card payment
	}
	if got := LastDebit(m, tenancy.DirectDebit, entries); got != day("2027-01-10") {
		t.Errorf("LastDebit = %s, want 2027-01-10", got)
	}
	if got := LastDebit(m, tenancy.Transfer, entries); !got.IsZero() {
		t.Errorf("LastDebit of a transfer lease = %s, want none", got)
	}
	m.LastDebitOn = day("2027-06-10")
	if got := LastDebit(m, tenancy.DirectDebit, entries); got != day("2027-06-10") {
		t.Errorf("LastDebit kept = %s, want 2027-06-10", got)
	}
}

func TestNormalizeICS(t *testing.T) {
	for in, want := range map[string]string{"FR72ZZZ123456": "FR72ZZZ123456", "fr72 zzz 123456": "FR72ZZZ123456", "FR22ZZZA1B2C3": "FR22ZZZA1B2C3"} {
		got, err := NormalizeICS(in)
		if err != nil || got != want {
			t.Errorf("NormalizeICS(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "FR73ZZZ123456", "FR72ZZZ12345", "DE98ZZZ09999999999", "FR7AZZZ123456", "FR72ZZZ12345!", "FR72ZZZ1234567"} {
		if got, err := NormalizeICS(bad); err == nil {
			t.Errorf("NormalizeICS(%q) = %q, want ErrICS", bad, got)
		}
	}
	// The algorithm on the Bundesbank's published test creditor id.
	if !checkDigitsOK("DE98ZZZ09999999999") {
		t.Error("check digits of DE98ZZZ09999999999 refused")
	}
}

func TestParseDebitDays(t *testing.T) {
	got, err := ParseDebitDays("")
	if err != nil || len(got) != 2 || got[0] != 5 || got[1] != 10 {
		t.Errorf("default = %v, %v", got, err)
	}
	if got, err := ParseDebitDays(" 1, 15 ,28"); err != nil || len(got) != 3 || got[2] != 28 {
		t.Errorf("1,15,28 = %v, %v", got, err)
	}
	for _, bad := range []string{"0", "29", "5,5", "x", "5,,10"} {
		if _, err := ParseDebitDays(bad); err == nil {
			t.Errorf("ParseDebitDays(%q): no error", bad)
		}
	}
}
