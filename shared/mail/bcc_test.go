package mail_test

import (
	"context"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ses"

	"github.com/citejardins/extranet/infra/sesemu"
	"github.com/citejardins/extranet/shared/insurancerun"
	"github.com/citejardins/extranet/shared/mail"
	"github.com/citejardins/extranet/shared/noticerun"
)

// TestLeaseMailsReachEveryAccountInOneMessage: a notice or insurance mail
// to a lease with several accounts is one SES message (one id, one
// record), the other accounts in blind copy (Destination.BccAddresses).
func TestLeaseMailsReachEveryAccountInOneMessage(t *testing.T) {
	emu := sesemu.New(nil)
	srv := httptest.NewServer(emu)
	defer srv.Close()
	client := ses.NewFromConfig(aws.Config{Region: "eu-west-3", Credentials: credentials.NewStaticCredentialsProvider("k", "s", "")},
		func(o *ses.Options) { o.BaseEndpoint = aws.String(srv.URL) })
	m := mail.NewSES(client, "ne-pas-repondre@example.fr")
	ctx := context.Background()
	if _, err := m.SendNotice(ctx, noticerun.Mail{To: "celine@example.fr", Bcc: []string{"julien@example.fr"}, Subject: "Avis", Text: "t", HTML: "<p>t</p>"}); err != nil {
		t.Fatal(err)
	}
	if _, err := m.SendInsurance(ctx, insurancerun.Mail{To: "celine@example.fr", Bcc: []string{"julien@example.fr"}, Subject: "Assurance", Text: "t", HTML: "<p>t</p>"}); err != nil {
		t.Fatal(err)
	}
	got := emu.Messages()
	if len(got) != 2 {
		t.Fatalf("%d messages; want 2", len(got))
	}
	for _, g := range got {
		if !slices.Equal(g.To, []string{"celine@example.fr", "julien@example.fr"}) {
			t.Errorf("%s reaches %v", g.Subject, g.To)
		}
	}
}
