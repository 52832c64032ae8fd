// Package httpapi is the portal's JSON API over HTTP: routes, decoding and
// validation of requests, RFC 9457 problem responses, sessions and
// middleware. The same handlers run under Lambda (through the API Gateway
// proxy adapter) and in the local stack.
package httpapi

import (
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/citejardins/extranet/shared/account"
	"github.com/citejardins/extranet/shared/bankdetails"
	"github.com/citejardins/extranet/shared/directdebit"
	"github.com/citejardins/extranet/shared/directory"
	"github.com/citejardins/extranet/shared/document"
	"github.com/citejardins/extranet/shared/fault"
	"github.com/citejardins/extranet/shared/insurance"
	"github.com/citejardins/extranet/shared/payment"
	"github.com/citejardins/extranet/shared/receipt"
	"github.com/citejardins/extranet/shared/tenant"
)

// Config holds what the HTTP layer needs to know of its deployment.
type Config struct {
	// PublicURL is the origin tenants use (the web app and the API share it).
	PublicURL string
	// OriginSecret is the value CloudFront puts in the OriginSecretHeader
	// of every request it forwards to the API (template.yaml). A request
	// that carries it came through the distribution, so its
	// CloudFront-Viewer-Address names the tenant. Empty: no request is
	// trusted, every client is its TCP peer or API Gateway's sourceIp.
	OriginSecret string
}

// Server serves the API. Each Lambda serves only its own routes.
type Server struct {
	accounts *account.Service
	tenants  *tenant.Service
	log      *slog.Logger
	origin   string // scheme://host of PublicURL
	secure   bool   // cookies marked Secure (everywhere but local http)

	edge originSecret       // proves that a request came through CloudFront
	dir  *directory.Service // the public emergency directory (WithDirectory)
	docs *document.Service  // "Mes documents" (WithDocuments)

	receipts *receipt.Service // rent receipts on request (WithReceipts)
	// The statement PDF and the certificates (WithStatements).
	stmts statements
	// The home-insurance certificate (WithInsurance).
	insurance *insurance.Service
	// Online payments (WithPayments).
	payments *payment.Service
	// The SEPA direct-debit mandate (WithDirectDebit).
	directDebit *directdebit.Service
	// The tenant's bank details (WithBankDetails, bank_handlers.go).
	bank *bankdetails.Service
	// The landlord's legal details (WithLegal, legal_handlers.go).
	legal Legal
	// "Mon profil" (WithProfiles, profile_handlers.go).
	profiles *account.Profiles
}

// New returns a server on the account and tenant services.
func New(cfg Config, accounts *account.Service, tenants *tenant.Service, log *slog.Logger) *Server {
	if log == nil {
		log = slog.Default()
	}
	s := &Server{accounts: accounts, tenants: tenants, log: log, edge: newOriginSecret(cfg.OriginSecret)}
	if u, err := url.Parse(cfg.PublicURL); err == nil && u.Host != "" {
		s.origin = u.Scheme + "://" + u.Host
		s.secure = u.Scheme == "https"
	}
	return s
}

// Handler returns the handler of one function: its routes only, with the
// middleware every route gets.
func (s *Server) Handler(function string) http.Handler {
	mux := http.NewServeMux()
	methods := map[string][]string{}
	for _, r := range s.Routes() {
		if r.Function != function {
			continue
		}
		mux.Handle(r.Method+" "+r.Path, r.Handler)
		methods[r.Path] = append(methods[r.Path], r.Method)
	}
	for p, m := range methods {
		// Any other method on a known path: a problem, not Go's plain text.
		// API Gateway routes only the template's method and path pairs to a
		// function, so this answers only a direct invocation (sam local
		// invoke, a test). Go's mux would serve HEAD with the GET route; API
		// Gateway has no HEAD route, so neither has the function.
		na := s.methodNotAllowed(m)
		mux.Handle(p, na)
		if slices.Contains(m, http.MethodGet) && !slices.Contains(m, http.MethodHead) {
			mux.Handle(http.MethodHead+" "+p, na)
		}
	}
	mux.Handle("/", s.problemHandler(notFound()))
	return s.middleware(mux)
}

// NotFound answers every request with the API's 404 problem.
func (s *Server) NotFound() http.Handler { return s.middleware(s.problemHandler(notFound())) }

// Unreadable answers every request with a 400 problem: for a request that
// could not even be rebuilt from its event (a base64 body that is not
// base64), so that the caller still gets an answer it can act on.
func (s *Server) Unreadable() http.Handler {
	return s.middleware(s.problemHandler(fault.New(fault.MalformedBody,
		"La requête est illisible. Réessayez\u00a0; si cela continue, mettez à jour l’application ou contactez votre gestionnaire.")))
}

// MethodNotAllowed answers every request with the API's 405 problem and an
// Allow header listing the methods the path has.
func (s *Server) MethodNotAllowed(methods ...string) http.Handler {
	return s.middleware(s.methodNotAllowed(methods))
}

// methodNotAllowed lists in Allow exactly the methods of the path's routes
// (RFC 9110 §10.2.1), without HEAD, which no route has.
func (s *Server) methodNotAllowed(methods []string) http.Handler {
	allow := slices.Clone(methods)
	slices.Sort(allow)
	header := strings.Join(allow, ", ")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", header)
		s.writeError(w, r, methodNotAllowed())
	})
}

// Functions lists the functions that serve routes.
func (s *Server) Functions() []string {
	var fns []string
	seen := map[string]bool{}
	for _, r := range s.Routes() {
		if !seen[r.Function] {
			seen[r.Function] = true
			fns = append(fns, r.Function)
		}
	}
	return fns
}
