package httpapi

import (
	"net/http"
	"time"

	"github.com/citejardins/extranet/shared/tenant"
)

// pendingEmailJSON is a notification email waiting for its emailed link.
type pendingEmailJSON struct {
	Email       string    `json:"email"`
	RequestedAt time.Time `json:"requestedAt"`
	ExpiresAt   time.Time `json:"expiresAt"`
}

func pendingEmailOf(p *tenant.PendingEmail) *pendingEmailJSON {
	if p == nil {
		return nil
	}
	return &pendingEmailJSON{Email: p.Email, RequestedAt: p.AskedAt.UTC(), ExpiresAt: p.ExpiresAt.UTC()}
}

type emailConfirmedResponse struct {
	Status            string `json:"status"`
	NotificationEmail string `json:"notificationEmail"`
}

func (s *Server) handleConfirmNotificationEmail() http.Handler {
	return jsonHandler(s, http.StatusOK, func(_ http.ResponseWriter, r *http.Request, req tokenRequest) (emailConfirmedResponse, error) {
		email, err := s.tenants.ConfirmNotificationEmail(r.Context(), req.Token, clientAddr(r))
		return emailConfirmedResponse{Status: "confirmed", NotificationEmail: email}, err
	})
}
