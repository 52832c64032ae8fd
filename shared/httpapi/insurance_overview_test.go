package httpapi_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/citejardins/extranet/infra/localstack"
	"github.com/citejardins/extranet/shared/tenancy"
)

// TestInsuranceNextReminderNeverInThePast: a reminder due days ago and
// not mailed yet (no active account then, or the run not yet passed) is
// shown as due today, not on a day already gone.
func TestInsuranceNextReminderNeverInThePast(t *testing.T) {
	a := start(t, nil)
	marie := insuranceTenant(t, a, dupont)
	today := tenancy.ParisDate(time.Now())
	past := tenancy.DateOf(today.Time().AddDate(0, 0, -10))
	db := dynamodb.NewFromConfig(aws.Config{Region: localstack.Region,
		Credentials: credentials.NewStaticCredentialsProvider(localstack.AccessKey, localstack.SecretKey, "")},
		func(o *dynamodb.Options) { o.BaseEndpoint = aws.String(a.stack.Endpoints["DYNAMODB"]) })
	s := func(v string) ddbtypes.AttributeValue { return &ddbtypes.AttributeValueMemberS{Value: v} }
	if _, err := db.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: &localstack.LocalTables.Tenancy,
		Item: map[string]ddbtypes.AttributeValue{"PK": s("LEASE#" + dupont.ref), "SK": s("INSURANCE"),
			"required": &ddbtypes.AttributeValueMemberBOOL{Value: true}, "remindShard": s("00"), "remindOn": s(past.String())}}); err != nil {
		t.Fatal(err)
	}
	_, _, ov := a.do(t, "GET", "/api/v1/insurance", nil, marie)
	if ov["nextReminder"] != today.String() {
		t.Errorf("nextReminder %v; want today %s (the reminder stored for %s is not mailed yet)", ov["nextReminder"], today, past)
	}
}
