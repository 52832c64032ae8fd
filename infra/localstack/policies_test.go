package localstack

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestFunctionsMayTakeTheirLimits checks the template's IAM policies against
// what the code asks of the accounts table on every request: a limit is one
// Query of its buckets then an UpdateItem (dynamo/counters.go), a lock-out a
// GetItem and a PutItem. The emulators check no permission, so without this
// test a function could pass every test here and be refused by DynamoDB in
// AWS on its first request.
func TestFunctionsMayTakeTheirLimits(t *testing.T) {
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
						Effect   string    `yaml:"Effect"`
						Action   any       `yaml:"Action"`
						Resource yaml.Node `yaml:"Resource"`
					} `yaml:"Statement"`
				} `yaml:"Policies"`
			} `yaml:"Properties"`
		} `yaml:"Resources"`
	}
	if err := yaml.Unmarshal(raw, &tpl); err != nil {
		t.Fatal(err)
	}
	want := []string{"dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem", "dynamodb:UpdateItem"}
	for _, fn := range []string{"SignupFunction", "ActivationFunction", "SessionFunction", "AccountFunction", "MailsFunction", "DocumentsFunction", "ReceiptsFunction"} {
		res, ok := tpl.Resources[fn]
		if !ok {
			t.Errorf("no %s in the template", fn)
			continue
		}
		var allowed []string
		for _, p := range res.Properties.Policies {
			for _, st := range p.Statement {
				if st.Effect != "Allow" || st.Resource.Tag != "!GetAtt" || st.Resource.Value != "AccountsTable.Arn" {
					continue
				}
				switch a := st.Action.(type) {
				case string:
					allowed = append(allowed, a)
				case []any:
					for _, v := range a {
						if s, ok := v.(string); ok {
							allowed = append(allowed, s)
						}
					}
				}
			}
		}
		for _, action := range want {
			if !slices.Contains(allowed, action) {
				t.Errorf("%s may not %s on the accounts table (it has %v): its limits would fail in AWS", fn, action, allowed)
			}
		}
	}
}
