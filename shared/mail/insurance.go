package mail

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/smithy-go"

	"github.com/citejardins/extranet/shared/insurancerun"
)

var _ insurancerun.Mailer = (*SES)(nil)

// SendInsurance sends an insurance reminder or refusal mail (text and HTML,
// UTF-8) and returns the SES message id. A refusal of this message itself
// (MessageRejected, InvalidParameterValue) wraps insurancerun.ErrMailRefused;
// any other answer of SES (throttling, a paused account) wraps
// insurancerun.ErrMailNotSent: SES answered, so the mail was not accepted.
// An error without an answer (a timeout, the network) wraps neither: SES
// may have accepted the mail.
func (s *SES) SendInsurance(ctx context.Context, m insurancerun.Mail) (string, error) {
	id, err := s.sendEmail(ctx, m.To, m.Subject, m.Text, m.HTML)
	var api smithy.APIError
	switch {
	case errors.As(err, &api):
		// Only the code: SES's messages name the addresses.
		code := api.ErrorCode()
		if code == "MessageRejected" || code == "InvalidParameterValue" {
			return "", fmt.Errorf("%w: ses send insurance mail: %s", insurancerun.ErrMailRefused, code)
		}
		return "", fmt.Errorf("%w: ses send insurance mail: %s", insurancerun.ErrMailNotSent, code)
	case err != nil:
		return "", fmt.Errorf("ses send insurance mail: %w", err)
	}
	return id, nil
}
