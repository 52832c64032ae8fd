package localstack

import (
	"slices"
	"strings"
	"testing"
)

// TestInsuranceRemindersMaySendMailOnly: the insurance reminders send
// their mails with SES's SendEmail (shared/mail), never SendRawEmail, so
// their policy allows that call alone.
func TestInsuranceRemindersMaySendMailOnly(t *testing.T) {
	var ses []string
	for _, st := range templateStatements(t)["InsuranceRemindersFunction"] {
		for _, a := range scalarOrList(st.Action) {
			if strings.HasPrefix(a, "ses:") && st.Effect == "Allow" {
				ses = append(ses, a)
			}
		}
	}
	if !slices.Equal(ses, []string{"ses:SendEmail"}) {
		t.Errorf("InsuranceRemindersFunction may %v on SES; want ses:SendEmail only", ses)
	}
}
