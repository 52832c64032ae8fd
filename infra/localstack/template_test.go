package localstack

import (
	"path/filepath"
	"sort"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/citejardins/extranet/shared/portal"
)

func TestTemplateRoutesAreTheAPIRoutes(t *testing.T) {
	tpl := repoTemplate(t)
	env := map[string]string{portal.EnvTenancyTable: "T", portal.EnvAccountsTable: "A", portal.EnvPublicURL: "http://x"}
	srv, err := portal.New(aws.Config{}, func(k string) string { return env[k] }, nil)
	if err != nil {
		t.Fatal(err)
	}
	var inCode, inTemplate []string
	for _, r := range srv.Routes() {
		inCode = append(inCode, r.Function+" "+r.Method+" "+r.Path)
	}
	for name, fn := range tpl.Functions {
		for _, r := range fn.Routes {
			inTemplate = append(inTemplate, name+" "+r.Method+" "+r.Path)
		}
	}
	sort.Strings(inCode)
	sort.Strings(inTemplate)
	if len(inCode) == 0 || len(inCode) != len(inTemplate) {
		t.Fatalf("routes differ:\ncode:     %q\ntemplate: %q", inCode, inTemplate)
	}
	for i := range inCode {
		if inCode[i] != inTemplate[i] {
			t.Errorf("route %d: code %q, template %q", i, inCode[i], inTemplate[i])
		}
	}
}

func TestTemplateResources(t *testing.T) {
	tpl := repoTemplate(t)
	for _, id := range []string{LocalTables.Tenancy, LocalTables.Accounts} {
		if tpl.Tables[id] == nil {
			t.Errorf("table %s missing from the template", id)
		}
	}
	if acc := tpl.Tables[LocalTables.Accounts]; acc != nil && (len(acc.GlobalSecondaryIndexes) != 1 || aws.ToString(acc.GlobalSecondaryIndexes[0].IndexName) != "GSI1") {
		t.Errorf("accounts table indexes = %+v; want GSI1", acc.GlobalSecondaryIndexes)
	}
	for name, fn := range tpl.Functions {
		for _, k := range []string{portal.EnvTenancyTable, portal.EnvAccountsTable, portal.EnvPublicURL} {
			if _, ok := fn.Env[k]; !ok {
				t.Errorf("function %s lacks %s", name, k)
			}
		}
	}
}

// repoTemplate is the repository's template.yaml, as the local stack reads it.
func repoTemplate(t *testing.T) *Template {
	t.Helper()
	root, err := FindRoot()
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := LoadTemplate(filepath.Join(root, "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return tpl
}
