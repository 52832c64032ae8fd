// Package mail sends the portal's emails through Amazon SES.
package mail

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ses"
	"github.com/aws/aws-sdk-go-v2/service/ses/types"

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

// Send sends one message, in UTF-8, as text and HTML.
func (s *SES) Send(ctx context.Context, m account.Mail) error {
	utf8 := aws.String("UTF-8")
	_, err := s.client.SendEmail(ctx, &ses.SendEmailInput{
		Source:      aws.String(s.from),
		Destination: &types.Destination{ToAddresses: []string{m.To}},
		Message: &types.Message{
			Subject: &types.Content{Data: aws.String(m.Subject), Charset: utf8},
			Body: &types.Body{
				Text: &types.Content{Data: aws.String(m.Text), Charset: utf8},
				Html: &types.Content{Data: aws.String(m.HTML), Charset: utf8},
			},
		},
	})
	if err != nil {
		// The address stays out of the error: errors end up in logs.
		return fmt.Errorf("ses send %q: %w", m.Subject, err)
	}
	return nil
}
