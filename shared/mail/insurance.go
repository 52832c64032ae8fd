package mail

import (
	"context"

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
	id, err := s.sendEmail(ctx, m.To, m.Subject, m.Text, m.HTML, m.Bcc...)
	if err != nil {
		return "", sesError(err, "ses send insurance mail", insurancerun.ErrMailRefused, insurancerun.ErrMailNotSent)
	}
	return id, nil
}
