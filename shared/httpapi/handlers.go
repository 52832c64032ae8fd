package httpapi

import (
	"net/http"
	"time"

	"github.com/citejardins/extranet/shared/account"
)

type statusResponse struct {
	Status string `json:"status"`
}

func (s *Server) handleSignUp() http.Handler {
	type request struct {
		Reference   string `json:"reference"`
		LastName    string `json:"lastName"`
		DateOfBirth string `json:"dateOfBirth"`
		Email       string `json:"email"`
		Password    string `json:"password"`
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req request
		if err := decode(w, r, &req); err != nil {
			s.writeError(w, r, err)
			return
		}
		err := s.accounts.SignUp(r.Context(), account.SignUpRequest(req), clientAddr(r))
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		encode(w, http.StatusAccepted, statusResponse{Status: "activation_sent"})
	})
}

type tokenRequest struct {
	Token string `json:"token"`
}

func (s *Server) handleActivate() http.Handler {
	type response struct {
		Status string `json:"status"`
		Email  string `json:"email"`
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req tokenRequest
		if err := decode(w, r, &req); err != nil {
			s.writeError(w, r, err)
			return
		}
		email, err := s.accounts.Activate(r.Context(), req.Token, clientAddr(r))
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		encode(w, http.StatusOK, response{Status: "active", Email: email})
	})
}

type emailRequest struct {
	Email string `json:"email"`
}

func (s *Server) handleResendActivation() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req emailRequest
		if err := decode(w, r, &req); err != nil {
			s.writeError(w, r, err)
			return
		}
		if err := s.accounts.ResendActivation(r.Context(), req.Email, clientAddr(r)); err != nil {
			s.writeError(w, r, err)
			return
		}
		encode(w, http.StatusAccepted, statusResponse{Status: "accepted"})
	})
}

func (s *Server) handleLogin() http.Handler {
	type request struct {
		Email    string `json:"email"`
		Password string `json:"password"`
	}
	type response struct {
		Token     string    `json:"token"`
		ExpiresAt time.Time `json:"expiresAt"`
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req request
		if err := decode(w, r, &req); err != nil {
			s.writeError(w, r, err)
			return
		}
		token, sess, err := s.accounts.Login(r.Context(), account.Credentials(req), clientAddr(r))
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		s.setCookie(w, token, sess.ExpiresAt)
		encode(w, http.StatusOK, response{Token: token, ExpiresAt: sess.ExpiresAt.UTC()})
	})
}

func (s *Server) handleLogout() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := s.accounts.Logout(r.Context(), principalFrom(r.Context())); err != nil {
			s.writeError(w, r, err)
			return
		}
		s.clearCookie(w)
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusNoContent)
	})
}

func (s *Server) handleForgot() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req emailRequest
		if err := decode(w, r, &req); err != nil {
			s.writeError(w, r, err)
			return
		}
		if err := s.accounts.Forgot(r.Context(), req.Email, clientAddr(r)); err != nil {
			s.writeError(w, r, err)
			return
		}
		encode(w, http.StatusAccepted, statusResponse{Status: "accepted"})
	})
}

func (s *Server) handleReset() http.Handler {
	type request struct {
		Token    string `json:"token"`
		Password string `json:"password"`
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req request
		if err := decode(w, r, &req); err != nil {
			s.writeError(w, r, err)
			return
		}
		if err := s.accounts.ResetPassword(r.Context(), req.Token, req.Password, clientAddr(r)); err != nil {
			s.writeError(w, r, err)
			return
		}
		encode(w, http.StatusOK, statusResponse{Status: "password_changed"})
	})
}

func (s *Server) handleMe() http.Handler {
	type address struct {
		Street     string `json:"street"`
		Complement string `json:"complement,omitempty"`
		PostalCode string `json:"postalCode"`
		City       string `json:"city"`
	}
	type response struct {
		Reference      string     `json:"reference"`
		FirstName      string     `json:"firstName"`
		LastName       string     `json:"lastName"`
		Email          string     `json:"email"`
		Address        address    `json:"address"`
		Paperless      bool       `json:"paperless"`
		PaperlessSince *time.Time `json:"paperlessSince"`
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := s.accounts.Me(r.Context(), principalFrom(r.Context()))
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		a := p.Lease.Address
		resp := response{Reference: p.Lease.Reference, FirstName: p.Main.FirstName, LastName: p.Main.LastName,
			Email: p.Account.Email, Address: address{a.Street, a.Complement, a.PostalCode, a.City},
			Paperless: p.Account.Paperless}
		if !p.Account.PaperlessSince.IsZero() {
			t := p.Account.PaperlessSince
			resp.PaperlessSince = &t
		}
		encode(w, http.StatusOK, resp)
	})
}
