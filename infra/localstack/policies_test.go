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
	statements := templateStatements(t)
	want := []string{"dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem", "dynamodb:UpdateItem"}
	for _, fn := range []string{"SignupFunction", "ActivationFunction", "SessionFunction", "AccountFunction", "MailsFunction", "DocumentsFunction", "ReceiptsFunction"} {
		sts, ok := statements[fn]
		if !ok {
			t.Errorf("no %s in the template", fn)
			continue
		}
		var allowed []string
		for _, st := range sts {
			if st.Effect != "Allow" || st.Resource.Tag != "!GetAtt" || st.Resource.Value != "AccountsTable.Arn" {
				continue
			}
			allowed = append(allowed, scalarOrList(st.Action)...)
		}
		for _, action := range want {
			if !slices.Contains(allowed, action) {
				t.Errorf("%s may not %s on the accounts table (it has %v): its limits would fail in AWS", fn, action, allowed)
			}
		}
	}
}

// policyStatement is one statement of a function's Policies in
// template.yaml. Action and Resource are a scalar or a list: scalarOrList gives
// their values; Resource's Tag tells !GetAtt from !Sub.
type policyStatement struct {
	Effect   string    `yaml:"Effect"`
	Action   yaml.Node `yaml:"Action"`
	Resource yaml.Node `yaml:"Resource"`
}

// templateStatements reads the repository's template.yaml and returns the
// policy statements of every resource, by logical id (an entry, maybe
// empty, for every resource). The emulators check no permission, so the
// policies are checked against the template itself.
func templateStatements(t *testing.T) map[string][]policyStatement {
	t.Helper()
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
					Statement []policyStatement `yaml:"Statement"`
				} `yaml:"Policies"`
			} `yaml:"Properties"`
		} `yaml:"Resources"`
	}
	if err := yaml.Unmarshal(raw, &tpl); err != nil {
		t.Fatal(err)
	}
	out := make(map[string][]policyStatement, len(tpl.Resources))
	for id, r := range tpl.Resources {
		var sts []policyStatement
		for _, p := range r.Properties.Policies {
			sts = append(sts, p.Statement...)
		}
		out[id] = sts
	}
	return out
}

// scalarOrList is the value of a scalar node, or the scalar values of a list.
func scalarOrList(n yaml.Node) []string {
	var out []string
	for _, m := range append([]*yaml.Node{&n}, n.Content...) {
		if m.Kind == yaml.ScalarNode {
			out = append(out, m.Value)
		}
	}
	return out
}
