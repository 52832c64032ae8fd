package main

import (
	"context"
	"io"
)

// runInsuranceReminders asks the running stack to run the daily insurance
// reminders (POST /_dev/insurance-reminders), of today or of the day given
// (AAAA-MM-JJ), and prints the run's counts.
func runInsuranceReminders(ctx context.Context, base, date string, stdout io.Writer) error {
	in := map[string]string{}
	if date != "" {
		in["date"] = date
	}
	return postDev(ctx, base, "/_dev/insurance-reminders", in, "insurance reminders", stdout)
}
