package localstack

import "testing"

// TestExportedEventsExpire: the events the ERP fetches under
// exports/events/ (an account's deletion, a login or notification email's
// change...) are deleted after 90 days, their noncurrent versions a day
// later, as the privacy policy says (web/js/views/legal.js): a deleted
// account's trace does not stay on the site for ever.
func TestExportedEventsExpire(t *testing.T) {
	bucket := translatedTemplate(t)["DocumentsBucket"].Properties
	lc, _ := bucket["LifecycleConfiguration"].(map[string]any)
	rules, _ := lc["Rules"].([]any)
	for _, r := range rules {
		rule, _ := r.(map[string]any)
		if rule["Prefix"] != "exports/events/" {
			continue
		}
		nc, _ := rule["NoncurrentVersionExpiration"].(map[string]any)
		if rule["Status"] != "Enabled" || cfnNum(rule["ExpirationInDays"]) != 90 || cfnNum(nc["NoncurrentDays"]) != 1 {
			t.Errorf("rule for exports/events/: %v; want enabled, expiring after 90 days, noncurrent versions after 1", rule)
		}
		return
	}
	t.Errorf("no lifecycle rule for exports/events/: exported events (personal data) would stay for ever")
}
