package localstack

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestReceiptsFunctionMayDoWhatItDoes checks the IAM policies the receipts
// need in AWS, which the emulators never check: the receipts function reads
// the lease, its ledger and notice lines and puts the receipt's document
// (tenancy table: Query, GetItem, PutItem), puts the PDF under receipts/ and
// signs its download link (PutObject, GetObject); the documents function
// serves the file (GetObject on receipts/).
func TestReceiptsFunctionMayDoWhatItDoes(t *testing.T) {
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
						Action   yaml.Node `yaml:"Action"`
						Resource yaml.Node `yaml:"Resource"`
					} `yaml:"Statement"`
				} `yaml:"Policies"`
			} `yaml:"Properties"`
		} `yaml:"Resources"`
	}
	if err := yaml.Unmarshal(raw, &tpl); err != nil {
		t.Fatal(err)
	}
	// allowed lists "action on resource" for every Allow of fn.
	allowed := func(fn string) []string {
		var out []string
		for _, p := range tpl.Resources[fn].Properties.Policies {
			for _, st := range p.Statement {
				if st.Effect != "Allow" {
					continue
				}
				var actions, resources []string
				for _, n := range append([]*yaml.Node{&st.Action}, st.Action.Content...) {
					if n.Kind == yaml.ScalarNode {
						actions = append(actions, n.Value)
					}
				}
				for _, n := range append([]*yaml.Node{&st.Resource}, st.Resource.Content...) {
					if n.Kind == yaml.ScalarNode {
						resources = append(resources, n.Value)
					}
				}
				for _, a := range actions {
					for _, r := range resources {
						out = append(out, a+" on "+r)
					}
				}
			}
		}
		return out
	}
	has := func(fn, action, resourceSuffix string) {
		t.Helper()
		if !slices.ContainsFunc(allowed(fn), func(s string) bool {
			a, r, _ := strings.Cut(s, " on ")
			return a == action && strings.HasSuffix(r, resourceSuffix)
		}) {
			t.Errorf("%s may not %s on …%s: %v", fn, action, resourceSuffix, allowed(fn))
		}
	}
	for _, a := range []string{"dynamodb:Query", "dynamodb:GetItem", "dynamodb:PutItem"} {
		has("ReceiptsFunction", a, "TenancyTable.Arn")
	}
	has("ReceiptsFunction", "s3:PutObject", "/receipts/*")
	has("ReceiptsFunction", "s3:GetObject", "/receipts/*")
	has("DocumentsFunction", "s3:GetObject", "/receipts/*")
	// Nothing more of the bucket: no other prefix, no delete.
	for _, s := range allowed("ReceiptsFunction") {
		if strings.HasPrefix(s, "s3:") && !strings.HasSuffix(s, "/receipts/*") {
			t.Errorf("ReceiptsFunction may %s: receipts only", s)
		}
	}
}
