package mail

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/smithy-go"

	"github.com/citejardins/extranet/shared/noticerun"
)

var _ noticerun.Mailer = (*SES)(nil)

// SendNotice sends a notice mail (text and HTML, UTF-8) and returns the
// SES message id. A refusal SES gives for this message itself
// (MessageRejected, or InvalidParameterValue for an address it cannot
// take) wraps noticerun.ErrMailRefused: sending it again would fail again,
// so the notice is printed instead. Any other error (throttling, a paused
// account, the network) is worth retrying.
func (s *SES) SendNotice(ctx context.Context, m noticerun.Mail) (string, error) {
	id, err := s.sendEmail(ctx, m.To, m.Subject, m.Text, m.HTML)
	var api smithy.APIError
	switch {
	case errors.As(err, &api):
		// Only the code: SES's messages name the addresses (MessageRejected:
		// "… failed the check …: <address>"), and errors end up in logs.
		code := api.ErrorCode()
		if code == "MessageRejected" || code == "InvalidParameterValue" {
			return "", fmt.Errorf("%w: ses send notice: %s", noticerun.ErrMailRefused, code)
		}
		return "", fmt.Errorf("ses send notice: %s", code)
	case err != nil:
		return "", fmt.Errorf("ses send notice: %w", err)
	}
	return id, nil
}
