package rie

import (
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/citejardins/extranet/infra/localstack"
	"github.com/citejardins/extranet/shared/insurancerun"
)

// TestInsuranceRemindersFunctionUnderRIE builds the insurancereminders
// function and runs it under the Lambda Runtime Interface Emulator with the
// schedule's sample event: it mails the Missing reminder of the leases that
// require a certificate and have an account, answers its counts, and sends
// nothing more when invoked again the same day.
func TestInsuranceRemindersFunctionUnderRIE(t *testing.T) {
	rieBin := findRIE(t)
	ctx := t.Context()
	repo := root(t)
	st, err := localstack.Start(ctx, localstack.Options{Addr: "127.0.0.1:0", DataDir: t.TempDir(), Root: repo})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	seeded, err := st.SeedLeases(ctx, 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.RequireInsurance(ctx, seeded); err != nil {
		t.Fatal(err)
	}
	e := startFunction(t, rieBin, repo, st, "insurancereminders")
	event, err := os.ReadFile(filepath.Join(repo, "events", "triggers", "insurance-reminders.json"))
	if err != nil {
		t.Fatal(err)
	}
	// The answer is the run's report, not an API Gateway response.
	for i, want := range []insurancerun.Report{{Leases: 5, Mailed: 2, NoAccount: 3}, {Leases: 3, NoAccount: 3}} {
		_, err := e.Invoke(ctx, event)
		var ie *InvokeError
		var got insurancerun.Report
		if !errors.As(err, &ie) || ie.Status != http.StatusOK || json.Unmarshal([]byte(ie.Body), &got) != nil || got != want {
			t.Fatalf("invocation %d: %v; want the report %+v", i+1, err, want)
		}
	}
	if n := len(st.Mail.Messages()); n != 2 {
		t.Errorf("%d mails; want 2", n)
	}
}
