package httpapi

import (
	"net/http"
	"time"

	"github.com/citejardins/extranet/shared/account"
)

// jsonHandler is the one shape of every JSON endpoint: decode the request
// body, run fn, answer with status and fn's result, or with the problem of
// fn's error.
func jsonHandler[Req, Resp any](s *Server, status int, fn func(w http.ResponseWriter, r *http.Request, req Req) (Resp, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req Req
		if err := decode(w, r, &req); err != nil {
			s.writeError(w, r, err)
			return
		}
		resp, err := fn(w, r, req)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		encode(w, status, resp)
	})
}

type statusResponse struct {
	Status string `json:"status"`
}

type signUpRequest struct {
	Reference   string `json:"reference"`
	LastName    string `json:"lastName"`
	DateOfBirth string `json:"dateOfBirth"`
	Email       string `json:"email"`
	Password    string `json:"password"`
}

func (s *Server) handleSignUp() http.Handler {
	return jsonHandler(s, http.StatusAccepted, func(_ http.ResponseWriter, r *http.Request, req signUpRequest) (statusResponse, error) {
		err := s.accounts.SignUp(r.Context(), account.SignUpRequest(req), clientAddr(r))
		return statusResponse{Status: "activation_sent"}, err
	})
}

type tokenRequest struct {
	Token string `json:"token"`
}

type activationResponse struct {
	Status string `json:"status"`
	Email  string `json:"email"`
}

func (s *Server) handleActivate() http.Handler {
	return jsonHandler(s, http.StatusOK, func(_ http.ResponseWriter, r *http.Request, req tokenRequest) (activationResponse, error) {
		email, err := s.accounts.Activate(r.Context(), req.Token, clientAddr(r))
		return activationResponse{Status: "active", Email: email}, err
	})
}

type emailRequest struct {
	Email string `json:"email"`
}

func (s *Server) handleResendActivation() http.Handler {
	return jsonHandler(s, http.StatusAccepted, func(_ http.ResponseWriter, r *http.Request, req emailRequest) (statusResponse, error) {
		return statusResponse{Status: "accepted"}, s.accounts.ResendActivation(r.Context(), req.Email, clientAddr(r))
	})
}

type loginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	// TokenRequested: the client (the mobile app) wants the session's token
	// in the response, to send as a Bearer header. Without it (the web
	// app), the token goes only into the HttpOnly cookie, where no script
	// of the page can read it.
	TokenRequested bool `json:"tokenRequested"`
}

type loginResponse struct {
	Token     string    `json:"token,omitempty"`
	ExpiresAt time.Time `json:"expiresAt"`
}

// handleLogin opens a session: a token in the body for a client that asks
// for one (tokenRequested), the session cookie for the others; never both.
func (s *Server) handleLogin() http.Handler {
	return jsonHandler(s, http.StatusOK, func(w http.ResponseWriter, r *http.Request, req loginRequest) (loginResponse, error) {
		token, sess, err := s.accounts.Login(r.Context(),
			account.Credentials{Email: req.Email, Password: req.Password, Bearer: req.TokenRequested}, clientAddr(r))
		if err != nil {
			return loginResponse{}, err
		}
		w.Header().Set("Cache-Control", "no-store")
		if req.TokenRequested {
			return loginResponse{Token: token, ExpiresAt: sess.ExpiresAt.UTC()}, nil
		}
		s.setCookie(w, token, sess.ExpiresAt)
		return loginResponse{ExpiresAt: sess.ExpiresAt.UTC()}, nil
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
	return jsonHandler(s, http.StatusAccepted, func(_ http.ResponseWriter, r *http.Request, req emailRequest) (statusResponse, error) {
		return statusResponse{Status: "accepted"}, s.accounts.Forgot(r.Context(), req.Email, clientAddr(r))
	})
}

type resetRequest struct {
	Token    string `json:"token"`
	Password string `json:"password"`
}

func (s *Server) handleReset() http.Handler {
	return jsonHandler(s, http.StatusOK, func(_ http.ResponseWriter, r *http.Request, req resetRequest) (statusResponse, error) {
		if s.profiles != nil { // which also takes the recovery link of a login email change
			return statusResponse{Status: "password_changed"}, s.profiles.ResetPassword(r.Context(), req.Token, req.Password, clientAddr(r))
		}
		return statusResponse{Status: "password_changed"}, s.accounts.ResetPassword(r.Context(), req.Token, req.Password, clientAddr(r))
	})
}

type addressResponse struct {
	Street     string `json:"street"`
	Complement string `json:"complement,omitempty"`
	PostalCode string `json:"postalCode"`
	City       string `json:"city"`
}

type meResponse struct {
	Reference      string          `json:"reference"`
	FirstName      string          `json:"firstName"`
	LastName       string          `json:"lastName"`
	Email          string          `json:"email"`
	Address        addressResponse `json:"address"`
	Paperless      bool            `json:"paperless"`
	PaperlessSince *time.Time      `json:"paperlessSince"`
}

func (s *Server) handleMe() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := s.accounts.Me(r.Context(), principalFrom(r.Context()))
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		a := p.Lease.Address
		// The logged-in signatory's own name (a co-signatory's account
		// answers the co-signatory's), and the lease's paperless consent.
		resp := meResponse{Reference: p.Lease.Reference, FirstName: p.Signatory.FirstName, LastName: p.Signatory.LastName,
			Email: p.Account.Email, Address: addressResponse{a.Street, a.Complement, a.PostalCode, a.City}}
		if s.tenants != nil {
			prefs, err := s.tenants.Preferences(r.Context(), p.Account.Key())
			if err != nil {
				s.writeError(w, r, err)
				return
			}
			resp.Paperless = prefs.Paperless
			if !prefs.Since.IsZero() {
				t := prefs.Since.UTC()
				resp.PaperlessSince = &t
			}
		}
		encode(w, http.StatusOK, resp)
	})
}
