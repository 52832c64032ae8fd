package localstack

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/citejardins/extranet/shared/insurancerun"
	"github.com/citejardins/extranet/shared/portal"
	"github.com/citejardins/extranet/shared/tenancy"
)

// The daily insurance reminders on the local stack: the function has no
// schedule here; POST /_dev/insurance-reminders (make insurance-reminders)
// runs it, on today or on the day the body names.

// RunInsuranceReminders runs the insurancereminders function as its
// schedule does, on the clock now (nil: time.Now), and returns its counts.
func (s *Stack) RunInsuranceReminders(ctx context.Context, now func() time.Time) (insurancerun.Report, error) {
	env, err := s.FunctionEnv("insurancereminders")
	if err != nil {
		return insurancerun.Report{}, err
	}
	getenv := functionGetenv(env)
	run, err := portal.InsuranceRemindersHandlerAt(portal.AWSConfig(getenv), getenv, s.log.With("function", "insurancereminders"), now)
	if err != nil {
		return insurancerun.Report{}, fmt.Errorf("function insurancereminders: %w", err)
	}
	return run(ctx, false)
}

// devInsuranceReminders serves POST /_dev/insurance-reminders {} or
// {"date": "AAAA-MM-JJ"} (the day to run, at 08:00 in Paris): the run's
// counts.
func (s *Stack) devInsuranceReminders() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			Date string `json:"date"`
		}
		dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1024))
		dec.DisallowUnknownFields()
		err := dec.Decode(&in)
		var now func() time.Time
		if err == nil && in.Date != "" {
			d, derr := tenancy.ParseDate(in.Date)
			err = derr
			// 07:00 UTC is 08:00 or 09:00 in Paris: the same civil day.
			at := time.Date(d.Year, d.Month, d.Day, 7, 0, 0, 0, time.UTC)
			now = func() time.Time { return at }
		}
		if err != nil {
			devProblem(w, http.StatusBadRequest, "bad_date", "Date invalide",
				`Envoyez {} pour aujourd'hui, ou {"date": "AAAA-MM-JJ"}, par exemple {"date": "2027-01-01"}.`)
			return
		}
		rep, err := s.RunInsuranceReminders(r.Context(), now)
		if err != nil {
			s.log.Error("insurance reminders run", "err", err)
			http.Error(w, "insurance reminders run failed: "+err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		json.NewEncoder(w).Encode(rep)
	})
}
