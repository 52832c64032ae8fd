package mail_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ses"

	"github.com/citejardins/extranet/infra/sesemu"
	"github.com/citejardins/extranet/shared/account"
	"github.com/citejardins/extranet/shared/mail"
)

func TestSendThroughSES(t *testing.T) {
	emu := sesemu.New(nil)
	srv := httptest.NewServer(emu)
	defer srv.Close()
	client := ses.NewFromConfig(aws.Config{Region: "eu-west-3", Credentials: credentials.NewStaticCredentialsProvider("k", "s", "")},
		func(o *ses.Options) { o.BaseEndpoint = aws.String(srv.URL) })
	m := mail.NewSES(client, "Extranet Locataire <ne-pas-repondre@example.fr>")
	want := account.Mail{To: "céline@example.fr", Subject: "Activez votre compte — é à ç", Text: "Bonjour Céline,\nlien", HTML: "<p>Bonjour Céline,</p>"}
	if err := m.Send(context.Background(), want); err != nil {
		t.Fatal(err)
	}
	got := emu.Messages()
	if len(got) != 1 {
		t.Fatalf("%d messages; want 1", len(got))
	}
	g := got[0]
	if len(g.To) != 1 || g.To[0] != want.To || g.Subject != want.Subject || g.Text != want.Text || g.HTML != want.HTML {
		t.Errorf("got %+v; want %+v", g, want)
	}
	if g.From != "Extranet Locataire <ne-pas-repondre@example.fr>" {
		t.Errorf("from = %q", g.From)
	}
}

func TestSendFailureIsAnError(t *testing.T) {
	emu := sesemu.New(nil)
	srv := httptest.NewServer(emu)
	defer srv.Close()
	client := ses.NewFromConfig(aws.Config{Region: "eu-west-3", Credentials: credentials.NewStaticCredentialsProvider("k", "s", "")},
		func(o *ses.Options) { o.BaseEndpoint = aws.String(srv.URL) })
	// SES refuses an empty sender; the mailer must say so, not swallow it.
	if err := mail.NewSES(client, "").Send(context.Background(), account.Mail{To: "a@example.fr", Subject: "s", Text: "t"}); err == nil {
		t.Fatal("no error for a refused message")
	}
	if n := len(emu.Messages()); n != 0 {
		t.Errorf("%d messages kept; want 0", n)
	}
}

// SES names the address in its refusals (InvalidParameterValue: "Missing
// final '@domain'… <address>"), and Send's callers log its error: the
// error keeps SES's code only.
func TestSendErrorKeepsTheAddressOut(t *testing.T) {
	emu := sesemu.New(nil)
	srv := httptest.NewServer(emu)
	defer srv.Close()
	client := ses.NewFromConfig(aws.Config{Region: "eu-west-3", Credentials: credentials.NewStaticCredentialsProvider("k", "s", "")},
		func(o *ses.Options) { o.BaseEndpoint = aws.String(srv.URL) })
	m := mail.NewSES(client, "Extranet Locataire <ne-pas-repondre@example.fr>")
	err := m.Send(context.Background(), account.Mail{To: "marie.secret@@example.fr", Subject: "Activez votre compte", Text: "t", HTML: "<p>t</p>"})
	if err == nil {
		t.Fatal("SES accepted an address with two @")
	}
	if strings.Contains(err.Error(), "marie.secret") || strings.Contains(err.Error(), "example.fr") {
		t.Errorf("Send's error names the address (it is logged): %v", err)
	}
	if !strings.Contains(err.Error(), "InvalidParameterValue") {
		t.Errorf("Send's error %q lacks SES's error code", err)
	}
}
