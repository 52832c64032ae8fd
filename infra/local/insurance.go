package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

// runInsuranceReminders asks the running stack to run the daily insurance
// reminders (POST /_dev/insurance-reminders), of today or of the day given
// (AAAA-MM-JJ), and prints the run's counts.
func runInsuranceReminders(ctx context.Context, base, date string, stdout io.Writer) error {
	in := map[string]string{}
	if date != "" {
		in["date"] = date
	}
	body, _ := json.Marshal(in)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/_dev/insurance-reminders", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("is the local stack running (make run)? %w", err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("insurance reminders: %s %s", resp.Status, bytes.TrimSpace(out))
	}
	var pretty bytes.Buffer
	if json.Indent(&pretty, out, "", "  ") != nil {
		pretty.Write(out)
	}
	fmt.Fprintf(stdout, "%s\n", bytes.TrimSpace(pretty.Bytes()))
	return nil
}
