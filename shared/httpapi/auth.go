package httpapi

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/citejardins/extranet/shared/account"
	"github.com/citejardins/extranet/shared/fault"
)

// Names of the session cookie of the web app. Mobile clients ask for a
// token at login and send it as a Bearer header instead.
//
// Where the public origin is https the cookie is SecureSessionCookie: the
// __Host- prefix makes browsers accept it only Secure, with Path=/ and no
// Domain, so no other host (a sibling subdomain) and no plain-http page can
// set or shadow it (RFC 6265bis §4.1.3.2). The local stack serves plain
// http, where browsers refuse Secure cookies: there it is SessionCookie.
const (
	SessionCookie       = "el_session"
	SecureSessionCookie = "__Host-el_session"
)

type principalKey struct{}

// authenticated lets through requests with a valid session, by Bearer token
// or cookie, and puts the session in the context. A request authenticated
// by the cookie that changes state must come from the app's own origin.
func (s *Server) authenticated(next http.Handler) http.Handler { return s.authenticate(next, false) }

// authenticatedSpending is authenticated for a GET that spends something
// of the tenant's (a unit of a limit: the statement PDF). A GET is a
// navigation a cross-site page can start with the SameSite=Lax cookie, so
// a cookie request to it must not come from another site either: one whose
// Sec-Fetch-Site is cross-site, or whose Origin is not the app's, is
// refused (403, fault.Forbidden). Bearer requests are not concerned, nor a
// browser that says neither (a typed address, an old browser).
func (s *Server) authenticatedSpending(next http.Handler) http.Handler {
	return s.authenticate(next, true)
}

const msgCrossSiteSpend = "Ce document se demande depuis votre espace locataire\u00A0: ouvrez «\u00A0Mon solde\u00A0» et utilisez son bouton."

func (s *Server) authenticate(next http.Handler, spends bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token, byCookie := "", false
		if h := r.Header.Get("Authorization"); h != "" {
			scheme, rest, _ := strings.Cut(h, " ")
			if !strings.EqualFold(scheme, "Bearer") {
				s.writeError(w, r, fault.New(fault.Unauthenticated, "Connectez-vous pour continuer."))
				return
			}
			token = strings.TrimSpace(rest)
		} else if c, err := r.Cookie(s.cookieName()); err == nil {
			token, byCookie = c.Value, true
		}
		if byCookie && !safeMethod(r.Method) && !s.sameOrigin(r) {
			s.writeError(w, r, fault.New(fault.Forbidden, "Cette action doit être faite depuis votre espace locataire. Rechargez la page et réessayez."))
			return
		}
		if byCookie && spends && s.crossSite(r) {
			s.writeError(w, r, fault.New(fault.Forbidden, msgCrossSiteSpend))
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
//
// Origin is compared with the configured public origin alone, never with
// the request's Host: Host is whatever the client or a proxy in front put
// there (CloudFront, a test client), so matching it would let any origin
// that reaches the API under its own name pass.
func (s *Server) sameOrigin(r *http.Request) bool {
	if o := r.Header.Get("Origin"); o != "" {
		return s.origin != "" && o == s.origin
	}
	return r.Header.Get("Sec-Fetch-Site") == "same-origin"
}

// crossSite reports whether a browser says the request comes from another
// site: Sec-Fetch-Site cross-site, or an Origin other than the app's.
func (s *Server) crossSite(r *http.Request) bool {
	if r.Header.Get("Sec-Fetch-Site") == "cross-site" {
		return true
	}
	o := r.Header.Get("Origin")
	return o != "" && o != s.origin
}

// cookieName is the session cookie's name for this deployment.
func (s *Server) cookieName() string {
	if s.secure {
		return SecureSessionCookie
	}
	return SessionCookie
}

func (s *Server) setCookie(w http.ResponseWriter, token string, expires time.Time) {
	http.SetCookie(w, &http.Cookie{Name: s.cookieName(), Value: token, Path: "/", Expires: expires,
		MaxAge: int(time.Until(expires).Seconds()), HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
}

func (s *Server) clearCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: s.cookieName(), Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
}
