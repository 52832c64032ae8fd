package mail_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ses"

	"github.com/citejardins/extranet/infra/sesemu"
	"github.com/citejardins/extranet/shared/mail"
	"github.com/citejardins/extranet/shared/noticerun"
)

func TestSendNoticeGivesTheMessageIDAndTellsARefusal(t *testing.T) {
	emu := sesemu.New(nil)
	srv := httptest.NewServer(emu)
	defer srv.Close()
	client := ses.NewFromConfig(aws.Config{Region: "eu-west-3", Credentials: credentials.NewStaticCredentialsProvider("k", "s", "")},
		func(o *ses.Options) { o.BaseEndpoint = aws.String(srv.URL) })
	m := mail.NewSES(client, "Extranet Locataire <ne-pas-repondre@example.fr>")
	id, err := m.SendNotice(context.Background(), noticerun.Mail{To: "marie@example.fr", Subject: "Avis", Text: "t", HTML: "<p>t</p>"})
	if err != nil {
		t.Fatal(err)
	}
	got := emu.Messages()
	if len(got) != 1 || id == "" || got[0].ID != id {
		t.Fatalf("message id %q; emulator has %+v", id, got)
	}
	// SES refuses an address it cannot parse (InvalidParameterValue): for
	// good, so the notice is printed instead.
	_, err = m.SendNotice(context.Background(), noticerun.Mail{To: "marie@@example.fr", Subject: "Avis", Text: "t", HTML: "<p>t</p>"})
	if !errors.Is(err, noticerun.ErrMailRefused) || strings.Contains(err.Error(), "marie") {
		t.Errorf("refused address: %v; want ErrMailRefused, without the address (errors are logged)", err)
	}
	// A failure of the service is not a refusal: it is tried again.
	srv.Close()
	if _, err := m.SendNotice(context.Background(), noticerun.Mail{To: "marie@example.fr", Subject: "Avis", Text: "t"}); err == nil || errors.Is(err, noticerun.ErrMailRefused) {
		t.Errorf("service down: %v; want a retryable error", err)
	}
}
