package localstack

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestInsuranceRemindersMaySendMailOnly: the insurance reminders send
// their mails with SES's SendEmail (shared/mail), never SendRawEmail, so
// their policy allows that call alone.
func TestInsuranceRemindersMaySendMailOnly(t *testing.T) {
	root, err := FindRoot()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(root, "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var tpl struct {
		Resources map[string]struct {
			Properties struct {
				Policies []struct {
					Statement []struct {
						Effect string    `yaml:"Effect"`
						Action yaml.Node `yaml:"Action"`
					} `yaml:"Statement"`
				} `yaml:"Policies"`
			} `yaml:"Properties"`
		} `yaml:"Resources"`
	}
	if err := yaml.Unmarshal(raw, &tpl); err != nil {
		t.Fatal(err)
	}
	var ses []string
	for _, p := range tpl.Resources["InsuranceRemindersFunction"].Properties.Policies {
		for _, st := range p.Statement {
			for _, n := range append([]*yaml.Node{&st.Action}, st.Action.Content...) {
				if n.Kind == yaml.ScalarNode && strings.HasPrefix(n.Value, "ses:") && st.Effect == "Allow" {
					ses = append(ses, n.Value)
				}
			}
		}
	}
	if !slices.Equal(ses, []string{"ses:SendEmail"}) {
		t.Errorf("InsuranceRemindersFunction may %v on SES; want ses:SendEmail only", ses)
	}
}
