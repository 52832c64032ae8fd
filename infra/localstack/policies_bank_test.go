package localstack

import (
	"slices"
	"testing"
)

// TestBankingFunctionMayDoItsWork checks the banking function's IAM
// statements against what a bank-details change asks (the emulators check
// no permission): on the accounts table the session, the limits (Query and
// UpdateItem of dynamo/counters.go) and the event put in the outbox; on the
// tenancy table the BANK item's GetItem and its PutItem in the transaction;
// the mail to the account's address. And never a Scan, a delete or a batch
// write on the tenancy table, whatever the direct-debit routes add.
func TestBankingFunctionMayDoItsWork(t *testing.T) {
	sts, ok := templateStatements(t)["BankingFunction"]
	if !ok {
		t.Fatal("no BankingFunction in the template")
	}
	allowed := map[string][]string{}
	for _, st := range sts {
		if st.Effect != "Allow" {
			continue
		}
		res := st.Resource.Value
		if st.Resource.Tag == "!Sub" {
			res = "ses"
		}
		allowed[res] = append(allowed[res], scalarOrList(st.Action)...)
	}
	for res, want := range map[string][]string{
		"AccountsTable.Arn": {"dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem", "dynamodb:UpdateItem"},
		"TenancyTable.Arn":  {"dynamodb:GetItem", "dynamodb:PutItem"},
		"ses":               {"ses:SendEmail"},
	} {
		for _, action := range want {
			if !slices.Contains(allowed[res], action) {
				t.Errorf("BankingFunction may not %s on %s (it has %v)", action, res, allowed[res])
			}
		}
	}
	for _, action := range allowed["TenancyTable.Arn"] {
		if slices.Contains([]string{"dynamodb:Scan", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem", "dynamodb:*"}, action) {
			t.Errorf("BankingFunction may %s on the tenancy table: more than bank details and mandates need", action)
		}
	}
}
