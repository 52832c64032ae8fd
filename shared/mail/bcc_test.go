package mail_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
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

// TestLeaseMailsShowNoRecipientToAnother: the addresses SendEmail puts on
// the visible To: and Cc: lines reach every recipient, Bcc ones included.
// So a lease mail to several accounts names none of them there: Julien,
// in blind copy, must not read Céline's notification address in the To:
// line of the notice (a signatory may keep their address from another).
func TestLeaseMailsShowNoRecipientToAnother(t *testing.T) {
	emu := sesemu.New(nil)
	var mu sync.Mutex
	var visible []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		form, _ := url.ParseQuery(string(body))
		mu.Lock()
		for k, v := range form {
			if strings.HasPrefix(k, "Destination.ToAddresses.") || strings.HasPrefix(k, "Destination.CcAddresses.") {
				visible = append(visible, v...)
			}
		}
		mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(body))
		emu.ServeHTTP(w, r)
	}))
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
	if len(visible) != 0 {
		t.Errorf("addresses on the lines every recipient reads: %v; want none", visible)
	}
	for _, g := range emu.Messages() {
		if !slices.Equal(g.To, []string{"celine@example.fr", "julien@example.fr"}) {
			t.Errorf("%s reaches %v; want both", g.Subject, g.To)
		}
	}
	// A mail to one account alone still names it on the To: line.
	if _, err := m.SendNotice(ctx, noticerun.Mail{To: "celine@example.fr", Subject: "Avis", Text: "t", HTML: "<p>t</p>"}); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(visible, []string{"celine@example.fr"}) {
		t.Errorf("a mail to one address shows %v; want it alone", visible)
	}
}
