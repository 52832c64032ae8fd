package httpapi

import (
	"net/http"

	"github.com/citejardins/extranet/shared/account"
)

type passwordChangeRequest struct {
	CurrentPassword string `json:"currentPassword"`
	NewPassword     string `json:"newPassword"`
}

// handleChangePassword changes the logged-in tenant's password and ends
// their other sessions; the one asking stays open, its cookie unchanged.
func (s *Server) handleChangePassword() http.Handler {
	return jsonHandler(s, http.StatusOK, func(_ http.ResponseWriter, r *http.Request, req passwordChangeRequest) (statusResponse, error) {
		err := s.accounts.ChangePassword(r.Context(), principalFrom(r.Context()),
			account.PasswordChange{Current: req.CurrentPassword, New: req.NewPassword}, clientAddr(r))
		return statusResponse{Status: "password_changed"}, err
	})
}

// handleLogoutEverywhere ends every session of the account, this one
// included, and clears this browser's cookie.
func (s *Server) handleLogoutEverywhere() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := s.accounts.LogoutEverywhere(r.Context(), principalFrom(r.Context())); err != nil {
			s.writeError(w, r, err)
			return
		}
		s.clearCookie(w)
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusNoContent)
	})
}
