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
	id, err := s.sendEmail(ctx, m.To, m.Subject, m.Text, m.HTML, m.Bcc...)
	if err != nil {
		return "", sesError(err, "ses send notice", noticerun.ErrMailRefused, nil)
	}
	return id, nil
}

// sesError is the error of a mail sendEmail could not send, prefixed with
// what: a refusal SES gives for this message itself (MessageRejected, or
// InvalidParameterValue for an address it cannot take) wraps refused; any
// other answer of SES wraps answered when it is not nil; an error without
// an answer (a timeout, the network) wraps err. Of SES's answers only the
// code is kept: its messages name the addresses (MessageRejected: "…
// failed the check …: <address>"), and errors end up in logs.
func sesError(err error, what string, refused, answered error) error {
	var api smithy.APIError
	if !errors.As(err, &api) {
		return fmt.Errorf("%s: %w", what, err)
	}
	code := api.ErrorCode()
	switch {
	case code == "MessageRejected" || code == "InvalidParameterValue":
		return fmt.Errorf("%w: %s: %s", refused, what, code)
	case answered != nil:
		return fmt.Errorf("%w: %s: %s", answered, what, code)
	}
	return fmt.Errorf("%s: %s", what, code)
}
