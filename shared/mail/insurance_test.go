package mail_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ses"

	"github.com/citejardins/extranet/infra/sesemu"
	"github.com/citejardins/extranet/shared/insurancerun"
	"github.com/citejardins/extranet/shared/mail"
)

// TestSendInsuranceTellsRefusedNotSentAndUnknownApart: a refusal of the
// address is for good, an error answer of SES means not sent (the claim is
// given back), a failure without an answer is neither (SES may have taken
// the mail); none names the address.
func TestSendInsuranceTellsRefusedNotSentAndUnknownApart(t *testing.T) {
	emu := sesemu.New(nil)
	throttle := false
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if throttle {
			w.Header().Set("Content-Type", "text/xml")
			w.WriteHeader(http.StatusBadRequest)
			w.Write([]byte(`<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Maximum sending rate exceeded.</Message></Error><RequestId>1</RequestId></ErrorResponse>`))
			return
		}
		emu.ServeHTTP(w, r)
	}))
	defer srv.Close()
	client := ses.NewFromConfig(aws.Config{Region: "eu-west-3", Credentials: credentials.NewStaticCredentialsProvider("k", "s", ""),
		RetryMaxAttempts: 1}, func(o *ses.Options) { o.BaseEndpoint = aws.String(srv.URL) })
	m := mail.NewSES(client, "Extranet Locataire <ne-pas-repondre@example.fr>")
	msg := insurancerun.Mail{To: "awa@example.fr", Subject: "Assurance", Text: "t", HTML: "<p>t</p>"}
	id, err := m.SendInsurance(context.Background(), msg)
	if err != nil || id == "" || len(emu.Messages()) != 1 || emu.Messages()[0].ID != id {
		t.Fatalf("send: %q, %v; emulator has %+v", id, err, emu.Messages())
	}
	bad := msg
	bad.To = "awa@@example.fr"
	if _, err := m.SendInsurance(context.Background(), bad); !errors.Is(err, insurancerun.ErrMailRefused) || strings.Contains(err.Error(), "awa") {
		t.Errorf("refused address: %v; want ErrMailRefused without the address", err)
	}
	throttle = true
	if _, err := m.SendInsurance(context.Background(), msg); !errors.Is(err, insurancerun.ErrMailNotSent) || errors.Is(err, insurancerun.ErrMailRefused) {
		t.Errorf("throttled: %v; want ErrMailNotSent", err)
	}
	srv.Close()
	if _, err := m.SendInsurance(context.Background(), msg); err == nil || errors.Is(err, insurancerun.ErrMailNotSent) || errors.Is(err, insurancerun.ErrMailRefused) {
		t.Errorf("no answer: %v; want an error that is neither refused nor not sent", err)
	}
}
