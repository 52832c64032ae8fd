// Package mail sends the portal's emails through Amazon SES.
package mail

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ses"
	"github.com/aws/aws-sdk-go-v2/service/ses/types"
	"github.com/aws/smithy-go"

	"github.com/citejardins/extranet/shared/account"
)

// SES sends mail with the SES v1 SendEmail call.
type SES struct {
	client *ses.Client
	from   string
}

var _ account.Mailer = (*SES)(nil)

// NewSES returns a mailer sending from the given address, which SES must
// have verified ("Extranet Locataire <noreply@example.fr>" is accepted).
func NewSES(client *ses.Client, from string) *SES {
	return &SES{client: client, from: from}
}

// Send sends one message, in UTF-8, as text and HTML. A refusal by SES is
// an error naming its code only (SES's message names the address).
func (s *SES) Send(ctx context.Context, m account.Mail) error {
	_, err := s.sendEmail(ctx, m.To, m.Subject, m.Text, m.HTML)
	var api smithy.APIError
	switch {
	case errors.As(err, &api):
		// Only the code: SES's messages name the addresses
		// (InvalidParameterValue: "Illegal address <address>"), and callers
		// log errors.
		return fmt.Errorf("ses send %q: %s", m.Subject, api.ErrorCode())
	case err != nil:
		return fmt.Errorf("ses send %q: %w", m.Subject, err)
	}
	return nil
}

// sendEmail sends one message to one address (or, with bcc, to it and bcc,
// all in blind copy), in UTF-8, as text and HTML, and returns SES's message
// id. Its error is SES's own, unwrapped: the callers turn it into theirs
// (never with SES's message, which names the address).
func (s *SES) sendEmail(ctx context.Context, to, subject, text, html string, bcc ...string) (string, error) {
	utf8 := aws.String("UTF-8")
	dest := &types.Destination{ToAddresses: []string{to}}
	if len(bcc) > 0 {
		// The lease's signatories: the same message, without showing each
		// other's addresses. SES writes the To: line from ToAddresses and
		// every recipient, a blind copy too, reads it: so all of them go
		// in blind copy, none on the To: line.
		dest = &types.Destination{BccAddresses: append([]string{to}, bcc...)}
	}
	out, err := s.client.SendEmail(ctx, &ses.SendEmailInput{
		Source:      aws.String(s.from),
		Destination: dest,
		Message: &types.Message{
			Subject: &types.Content{Data: aws.String(subject), Charset: utf8},
			Body: &types.Body{
				Text: &types.Content{Data: aws.String(text), Charset: utf8},
				Html: &types.Content{Data: aws.String(html), Charset: utf8},
			},
		},
	})
	if err != nil {
		return "", err
	}
	return aws.ToString(out.MessageId), nil
}
