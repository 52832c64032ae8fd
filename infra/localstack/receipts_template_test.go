package localstack

import (
	"slices"
	"strings"
	"testing"
)

// TestReceiptsFunctionMayDoWhatItDoes checks the IAM policies the receipts
// need in AWS, which the emulators never check: the receipts function reads
// the lease, its ledger and notice lines and puts the receipt's document
// (tenancy table: Query, GetItem, PutItem), claims it while it is made
// (PutItem, GetItem, DeleteItem of CLAIM#), puts the PDF under receipts/ and
// signs its download link (PutObject, GetObject); the documents function
// serves the file (GetObject on receipts/).
func TestReceiptsFunctionMayDoWhatItDoes(t *testing.T) {
	statements := templateStatements(t)
	// allowed lists "action on resource" for every Allow of fn.
	allowed := func(fn string) []string {
		var out []string
		for _, st := range statements[fn] {
			if st.Effect != "Allow" {
				continue
			}
			for _, a := range scalarOrList(st.Action) {
				for _, r := range scalarOrList(st.Resource) {
					out = append(out, a+" on "+r)
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
	for _, a := range []string{"dynamodb:Query", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"} {
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
