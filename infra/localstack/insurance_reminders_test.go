package localstack

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/citejardins/extranet/shared/insurancerun"
)

// TestDevInsuranceRemindersRunsTheDailyReminders: POST
// /_dev/insurance-reminders (make insurance-reminders) runs the function
// on the stack: the demo leases require a certificate but have no account
// (nothing sent), the seeded ones with an account get their Missing
// reminder once, and the trigger is guarded like the notices' (JSON only,
// never cross-site).
func TestDevInsuranceRemindersRunsTheDailyReminders(t *testing.T) {
	ctx := context.Background()
	st, err := Start(ctx, Options{Addr: "127.0.0.1:0", DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	seeded, err := st.SeedLeases(ctx, 3, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.RequireInsurance(ctx, seeded); err != nil {
		t.Fatal(err)
	}

	for _, ct := range []string{"", "text/plain", "application/x-www-form-urlencoded"} {
		status, _, body := devRequest(t, http.MethodPost, st.URL+"/_dev/insurance-reminders", map[string]string{"Content-Type": ct}, `{}`)
		if status != http.StatusUnsupportedMediaType || !strings.Contains(body, `"code":"json_expected"`) {
			t.Errorf("POST as %q = %d %q; want 415 json_expected", ct, status, body)
		}
	}
	status, _, body := devRequest(t, http.MethodPost, st.URL+"/_dev/insurance-reminders", map[string]string{"Content-Type": "application/json",
		"Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"}, `{}`)
	if status != http.StatusForbidden {
		t.Errorf("cross-site POST = %d %q; want 403", status, body)
	}
	status, _, body = devRequest(t, http.MethodPost, st.URL+"/_dev/insurance-reminders", map[string]string{"Content-Type": "application/json"}, `{"date":"demain"}`)
	if status != http.StatusBadRequest || !strings.Contains(body, `"code":"bad_date"`) {
		t.Errorf("bad date = %d %q; want 400 bad_date", status, body)
	}
	if n := len(st.Mail.Messages()); n != 0 {
		t.Fatalf("%d mails after refused requests", n)
	}

	for i, want := range []insurancerun.Report{{Leases: 6, Mailed: 3, NoAccount: 3}, {Leases: 3, NoAccount: 3}} {
		status, _, body := devRequest(t, http.MethodPost, st.URL+"/_dev/insurance-reminders", map[string]string{"Content-Type": "application/json"}, `{}`)
		var got insurancerun.Report
		if status != http.StatusOK || json.Unmarshal([]byte(body), &got) != nil || got != want {
			t.Errorf("run %d = %d %q; want %+v", i+1, status, body, want)
		}
	}
	for _, l := range seeded {
		n := 0
		for _, m := range st.Mail.Messages() {
			if len(m.To) == 1 && m.To[0] == l.Email && strings.Contains(m.Text, "/mon-espace/assurance") {
				n++
			}
		}
		if n != 1 {
			t.Errorf("lease %s: %d reminders; want 1", l.Reference, n)
		}
	}
}
