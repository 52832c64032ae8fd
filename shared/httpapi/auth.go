package httpapi

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/citejardins/extranet/shared/account"
	"github.com/citejardins/extranet/shared/fault"
)

// SessionCookie names the session cookie of the web app. Mobile clients send
// the same token as a Bearer header instead.
const SessionCookie = "el_session"

type principalKey struct{}

// authenticated lets through requests with a valid session, by Bearer token
// or cookie, and puts the session in the context. A request authenticated
// by the cookie that changes state must come from the app's own origin.
func (s *Server) authenticated(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token, byCookie := "", false
		if h := r.Header.Get("Authorization"); h != "" {
			scheme, rest, _ := strings.Cut(h, " ")
			if !strings.EqualFold(scheme, "Bearer") {
				s.writeError(w, r, fault.New(fault.Unauthenticated, "Connectez-vous pour continuer."))
				return
			}
			token = strings.TrimSpace(rest)
		} else if c, err := r.Cookie(SessionCookie); err == nil {
			token, byCookie = c.Value, true
		}
		if byCookie && !safeMethod(r.Method) && !s.sameOrigin(r) {
			s.writeError(w, r, fault.New(fault.Forbidden, "Cette action doit être faite depuis votre espace locataire. Rechargez la page et réessayez."))
			return
		}
		p, err := s.accounts.Authenticate(r.Context(), token)
		if err != nil {
			if byCookie {
				s.clearCookie(w)
			}
			s.writeError(w, r, err)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), principalKey{}, p)))
	})
}

func principalFrom(ctx context.Context) account.Principal {
	p, _ := ctx.Value(principalKey{}).(account.Principal)
	return p
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// sameOrigin reports whether a browser request comes from the app's origin.
// Browsers send Origin on every state-changing request; Sec-Fetch-Site
// covers those that leave it out.
func (s *Server) sameOrigin(r *http.Request) bool {
	if o := r.Header.Get("Origin"); o != "" {
		// The public origin, or this host under the public origin's scheme
		// (the local stack reached by another name).
		scheme, _, _ := strings.Cut(s.origin, "://")
		return o == s.origin || (scheme != "" && o == scheme+"://"+r.Host)
	}
	return r.Header.Get("Sec-Fetch-Site") == "same-origin"
}

func (s *Server) setCookie(w http.ResponseWriter, token string, expires time.Time) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: token, Path: "/", Expires: expires,
		MaxAge: int(time.Until(expires).Seconds()), HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
}

func (s *Server) clearCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
}
