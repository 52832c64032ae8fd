package noticerun_test

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/citejardins/extranet/shared/notice"
	"github.com/citejardins/extranet/shared/noticerun"
	"github.com/citejardins/extranet/shared/tenancy"
)

func TestBatchRoundTripsAndRefusesWhatIsNoBatch(t *testing.T) {
	b := noticerun.Batch{Period: period, Attempt: "20261120T050000.000Z-abcdef", Issued: date("2026-11-20"),
		Leases: []noticerun.LeaseRef{{Ref: "8889999", Shard: "07"}, {Ref: "1234567", Shard: "15"}}}
	got, err := noticerun.DecodeBatch(b.Encode())
	if err != nil || got.Period != b.Period || got.Attempt != b.Attempt || got.Issued != b.Issued || len(got.Leases) != 2 || got.Leases[1] != b.Leases[1] {
		t.Fatalf("round trip: %+v, %v; want %+v", got, err, b)
	}
	for _, body := range []string{
		``, `[]`, `{"period":"2026-13","attempt":"a","issued":"2026-11-20","leases":[{"ref":"1","shard":"00"}]}`,
		`{"period":"2026-12","attempt":"a","issued":"2026-11-31","leases":[{"ref":"1","shard":"00"}]}`,
		`{"period":"2026-12","attempt":"","issued":"2026-11-20","leases":[{"ref":"1","shard":"00"}]}`,
		`{"period":"2026-12","attempt":"a","issued":"2026-11-20","leases":[]}`,
		`{"period":"2026-12","attempt":"a","issued":"2026-11-20","leases":[{"ref":"0001","shard":"00"}]}`,
		`{"period":"2026-12","attempt":"a","issued":"2026-11-20","leases":[{"ref":"1","shard":"7"}]}`,
		`{"period":"2026-12","attempt":"a","issued":"2026-11-20","leases":[{"ref":"1","shard":"00"}],"extra":1}`,
	} {
		if _, err := noticerun.DecodeBatch(body); !errors.Is(err, noticerun.ErrBadBatch) {
			t.Errorf("DecodeBatch(%q) = %v; want ErrBadBatch", body, err)
		}
	}
}

func TestNoticeKeyIsFixedByLeaseAndPeriodUnderAHashedPrefix(t *testing.T) {
	k := noticerun.NoticeKey("8889999", period)
	if !regexp.MustCompile(`^notices/[0-9a-f]{2}/8889999/2026-12\.pdf$`).MatchString(k) || k != noticerun.NoticeKey("8889999", period) {
		t.Errorf("key %q", k)
	}
	prefixes := map[string]bool{}
	for i := range 1000 {
		prefixes[noticerun.NoticeKey(strings.Repeat("1", 1+i%7)+string(rune('0'+i%10))+string(rune('0'+i/10%10))+string(rune('0'+i/100)), period)[8:10]] = true
	}
	if len(prefixes) < 200 {
		t.Errorf("1000 references over %d prefixes; want them spread over most of 256", len(prefixes))
	}
}

func TestRunningDuringThePeriod(t *testing.T) {
	tests := []struct {
		start, end string
		want       bool
	}{
		{"2020-01-01", "", true},
		{"2026-12-31", "", true},           // starts on the last day
		{"2027-01-01", "", false},          // starts after
		{"2020-01-01", "2026-12-01", true}, // ends on the first day
		{"2020-01-01", "2026-11-30", false},
	}
	for _, tt := range tests {
		l := tenancy.Lease{Start: date(tt.start)}
		if tt.end != "" {
			l.End = date(tt.end)
		}
		if got := noticerun.Running(l, period); got != tt.want {
			t.Errorf("lease %s to %q: running %v; want %v", tt.start, tt.end, got, tt.want)
		}
	}
}

func TestPostalOrderSortsByPostalCodeCityStreet(t *testing.T) {
	a := noticerun.PostalOrder(tenancy.Address{Street: "9 rue B", PostalCode: "13001", City: "Marseille"}, "9")
	b := noticerun.PostalOrder(tenancy.Address{Street: "1 rue A", PostalCode: "69001", City: "Lyon"}, "1")
	c := noticerun.PostalOrder(tenancy.Address{Street: "1 rue A", PostalCode: "69001", City: "LYON"}, "2")
	if !(a < b && b < c) {
		t.Errorf("order %q, %q, %q", a, b, c)
	}
}

func TestNoticeMailIsFrenchLinksToTheDocumentsAndShowsNoAmount(t *testing.T) {
	m := noticerun.NoticeMail("marie@example.fr", "Marie", notice.Period{Year: 2027, Month: time.August}, "https://locataire.example.fr/")
	if m.To != "marie@example.fr" || m.Subject != "Votre avis d’échéance d’août 2027 est disponible" {
		t.Errorf("to %q, subject %q", m.To, m.Subject)
	}
	if regexp.MustCompile(`\d+[,.]\d\d|€`).MatchString(m.Subject) {
		t.Errorf("subject %q shows an amount", m.Subject)
	}
	for _, s := range []string{m.Text, m.HTML} {
		if !strings.Contains(s, "https://locataire.example.fr/documents.html") || !strings.Contains(s, "Bonjour Marie,") ||
			!strings.Contains(s, "Mes documents") || strings.Contains(s, "€") {
			t.Errorf("body:\n%s", s)
		}
	}
	// French typography: ’, a no-break space inside « » and before a colon.
	for _, s := range []string{m.Subject, m.Text, m.HTML} {
		if strings.Contains(s, "'") || strings.Contains(s, " :") || strings.Contains(s, "« ") || strings.Contains(s, " »") {
			t.Errorf("straight apostrophe or breaking space in:\n%s", s)
		}
	}
	for _, want := range []string{"«\u00A0Mes documents\u00A0»", "votre espace\u00A0:", "L’équipe"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("text has no %q:\n%s", want, m.Text)
		}
	}
	if !strings.Contains(m.HTML, "navigateur\u00A0:<br>") || !strings.Contains(m.HTML, "«\u00A0Mes préférences\u00A0»") {
		t.Errorf("HTML:\n%s", m.HTML)
	}
	if !strings.Contains(m.HTML, `<html lang="fr">`) {
		t.Error("the HTML part is not marked French")
	}
	if got := noticerun.NoticeMail("a@example.fr", "", period, "https://x.fr").Text; !strings.HasPrefix(got, "Bonjour,\n") {
		t.Errorf("without a first name: %q", got[:20])
	}
}

func TestLimiterPacesMails(t *testing.T) {
	l := noticerun.NewLimiter(50) // one every 20 ms
	start := time.Now()
	for range 6 {
		if err := l.Wait(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if d := time.Since(start); d < 100*time.Millisecond {
		t.Errorf("6 waits at 50/s took %v; want at least 100ms", d)
	}
	if noticerun.NewLimiter(0) != nil || (*noticerun.Limiter)(nil).Wait(context.Background()) != nil {
		t.Error("a zero rate must not pace")
	}
	// Near a deadline, a slot too late is not taken: the call returns at
	// once, and the slots before it stay usable.
	near, stop := context.WithTimeout(context.Background(), 10*time.Second+250*time.Millisecond)
	defer stop()
	fast := noticerun.NewLimiter(10) // slots at 0, 100, 200 ms fit; 300 ms does not
	for i := range 3 {
		if err := fast.Wait(near); err != nil {
			t.Fatalf("wait %d near the deadline: %v", i, err)
		}
	}
	start = time.Now()
	if err := fast.Wait(near); !errors.Is(err, noticerun.ErrMailDeferred) || time.Since(start) > 50*time.Millisecond {
		t.Errorf("a slot past the deadline's margin: %v after %v; want ErrMailDeferred at once", err, time.Since(start))
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	slow := noticerun.NewLimiter(0.01)
	_ = slow.Wait(ctx) // the first slot is now
	if err := slow.Wait(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("wait on a cancelled context: %v", err)
	}
}
