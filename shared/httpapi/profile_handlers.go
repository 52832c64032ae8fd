package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/citejardins/extranet/shared/account"
	"github.com/citejardins/extranet/shared/document"
	"github.com/citejardins/extranet/shared/fault"
	"github.com/citejardins/extranet/shared/tenancy"
)

// "Mon profil": the login email's change, the download of the tenant's data
// (RGPD art. 20) and the account's deletion (RGPD art. 17). The password
// change and the logout everywhere have their own routes (handlers.go).

var errNoProfiles = errors.New("profile: no service wired")

// WithProfiles gives the server the flows of "Mon profil".
func (s *Server) WithProfiles(p *account.Profiles) *Server {
	s.profiles = p
	return s
}

type loginEmailRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

func (s *Server) handleRequestLoginEmail() http.Handler {
	return jsonHandler(s, http.StatusAccepted, func(_ http.ResponseWriter, r *http.Request, req loginEmailRequest) (statusResponse, error) {
		if s.profiles == nil {
			return statusResponse{}, errNoProfiles
		}
		err := s.profiles.RequestLoginEmail(r.Context(), principalFrom(r.Context()), account.LoginEmailChange(req), clientAddr(r))
		return statusResponse{Status: "confirmation_sent"}, err
	})
}

type loginEmailConfirmedResponse struct {
	Status string `json:"status"`
	Email  string `json:"email"`
}

func (s *Server) handleConfirmLoginEmail() http.Handler {
	return jsonHandler(s, http.StatusOK, func(_ http.ResponseWriter, r *http.Request, req tokenRequest) (loginEmailConfirmedResponse, error) {
		if s.profiles == nil {
			return loginEmailConfirmedResponse{}, errNoProfiles
		}
		email, err := s.profiles.ConfirmLoginEmail(r.Context(), req.Token, clientAddr(r))
		return loginEmailConfirmedResponse{Status: "confirmed", Email: email}, err
	})
}

type deletionRequest struct {
	Password string `json:"password"`
	Confirm  bool   `json:"confirm"`
}

// handleDeleteAccount deletes the account and clears the session cookie.
func (s *Server) handleDeleteAccount() http.Handler {
	return jsonHandler(s, http.StatusOK, func(w http.ResponseWriter, r *http.Request, req deletionRequest) (statusResponse, error) {
		if s.profiles == nil {
			return statusResponse{}, errNoProfiles
		}
		err := s.profiles.DeleteAccount(r.Context(), principalFrom(r.Context()),
			account.AccountDeletion{Password: req.Password, Confirmed: req.Confirm}, clientAddr(r))
		if err != nil {
			return statusResponse{}, err
		}
		s.clearCookie(w)
		w.Header().Set("Cache-Control", "no-store")
		return statusResponse{Status: "deleted"}, nil
	})
}

// exportJSON is the tenant's data as the download gives them: no password
// hash, no token or session hash, no whole IBAN.
type exportJSON struct {
	Guide          []exportGuideJSON     `json:"guide"`  // first: what each field means, in French
	Format         string                `json:"format"` // "extranet-locataire/1"
	ExportedAt     string                `json:"exportedAt"`
	Account        exportAccountJSON     `json:"account"`
	Preferences    preferencesResponse   `json:"preferences"`
	ChangeRequests []changeRequestJSON   `json:"changeRequests"`
	Documents      []documentJSON        `json:"documents"`
	Sessions       []exportSessionJSON   `json:"sessions"`
	Payments       []exportPaymentJSON   `json:"payments"`
	BankDetails    *bankDetailsJSON      `json:"bankDetails"`
	Lease          exportLeaseJSON       `json:"lease"`
	Kept           []exportRetentionJSON `json:"retention"`
}

type exportAccountJSON struct {
	Reference         string  `json:"reference"`
	LoginEmail        string  `json:"loginEmail"`
	NotificationEmail string  `json:"notificationEmail"`
	Status            string  `json:"status"`
	CreatedAt         string  `json:"createdAt"`
	ActivatedAt       *string `json:"activatedAt"`
}

type exportLeaseJSON struct {
	Reference string          `json:"reference"`
	Address   addressResponse `json:"address"`
	FirstName string          `json:"firstName"`
	LastName  string          `json:"lastName"`
}

type exportSessionJSON struct {
	Kind      string `json:"kind"` // web (cookie) or app (bearer)
	CreatedAt string `json:"createdAt"`
	LastSeen  string `json:"lastSeen"`
	ExpiresAt string `json:"expiresAt"`
	Current   bool   `json:"current"`
}

type exportPaymentJSON struct {
	PaymentID     string  `json:"paymentId"`
	AmountCents   int64   `json:"amountCents"`
	Currency      string  `json:"currency"`
	Status        string  `json:"status"`
	CreatedAt     string  `json:"createdAt"`
	PaidAt        *string `json:"paidAt"`
	RefundedCents int64   `json:"refundedCents"`
}

type exportRetentionJSON struct {
	Data string `json:"data"`
	Kept string `json:"kept"`
}

// retention says, in the file itself, what the landlord keeps and how long
// (the privacy policy's periods: web/js/views/legal.js).
var retention = []exportRetentionJSON{
	{"Votre compte (adresse email, mot de passe chiffré, préférences)", "Tant que votre compte est actif ; effacé à sa suppression, depuis « Mon profil »."},
	{"Sessions de connexion (appareils)", "30 minutes sans activité, 12 heures au plus ; effacées à la déconnexion et à la suppression du compte."},
	{"Documents, paiements, demandes, coordonnées bancaires", "Ce sont les informations de votre bail : votre bailleur les garde pendant les durées légales indiquées dans la politique de confidentialité, même après la suppression du compte."},
}

// handleExport answers the tenant's data as a JSON attachment, counted
// against account.ExportsPerAccount.
func (s *Server) handleExport() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		out, err := s.export(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="mes-donnees-extranet-locataire-%s.json"`,
			tenancy.ParisDate(time.Now()).String()))
		// Indented: the tenant opens the file in a text editor too.
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		_ = enc.Encode(out)
	})
}

func (s *Server) export(r *http.Request) (exportJSON, error) {
	ctx := r.Context()
	p := principalFrom(ctx)
	if s.profiles == nil {
		return exportJSON{}, errNoProfiles
	}
	if err := s.profiles.AllowExport(ctx, p); err != nil {
		return exportJSON{}, err
	}
	ref, acc := p.Account.Reference, p.Account
	out := exportJSON{Format: "extranet-locataire/1", ExportedAt: time.Now().UTC().Format(time.RFC3339),
		Account: exportAccountJSON{Reference: ref, LoginEmail: acc.Email, NotificationEmail: acc.NoticeEmail(),
			Status: string(acc.Status), CreatedAt: acc.CreatedAt.UTC().Format(time.RFC3339), ActivatedAt: instantPtr(acc.ActivatedAt)},
		ChangeRequests: []changeRequestJSON{}, Documents: []documentJSON{}, Sessions: []exportSessionJSON{},
		Payments: []exportPaymentJSON{}, Kept: retention, Guide: exportGuide}

	me, err := s.accounts.Me(ctx, p)
	if err != nil {
		return exportJSON{}, err
	}
	a := me.Lease.Address
	out.Lease = exportLeaseJSON{Reference: ref, Address: addressResponse{a.Street, a.Complement, a.PostalCode, a.City},
		FirstName: me.Signatory.FirstName, LastName: me.Signatory.LastName}

	prefs, err := s.tenants.Preferences(ctx, acc.Key())
	if err != nil {
		return exportJSON{}, err
	}
	out.Preferences = preferencesOf(prefs)
	rs, err := s.tenants.ChangeRequests(ctx, ref)
	if err != nil {
		return exportJSON{}, err
	}
	for _, c := range rs {
		out.ChangeRequests = append(out.ChangeRequests, changeRequestOf(c, acc.Key()))
	}
	if s.docs != nil {
		cursor := ""
		for {
			page, err := s.docs.List(ctx, ref, document.Query{Cursor: cursor})
			if err != nil {
				return exportJSON{}, err
			}
			for _, d := range page.Documents {
				out.Documents = append(out.Documents, documentOf(d))
			}
			if page.Next == "" {
				break
			}
			cursor = page.Next
		}
	}
	sessions, err := s.profiles.Sessions(ctx, p)
	if err != nil {
		return exportJSON{}, err
	}
	for _, ss := range sessions {
		kind := "web"
		if ss.Bearer {
			kind = "app"
		}
		seen := ss.LastSeen
		if seen.IsZero() {
			seen = ss.CreatedAt
		}
		out.Sessions = append(out.Sessions, exportSessionJSON{Kind: kind, CreatedAt: ss.CreatedAt.UTC().Format(time.RFC3339),
			LastSeen: seen.UTC().Format(time.RFC3339), ExpiresAt: ss.ExpiresAt.UTC().Format(time.RFC3339), Current: ss.Hash == p.Session.Hash})
	}
	if s.payments != nil {
		ps, err := s.payments.Payments(ctx, ref)
		if err != nil {
			return exportJSON{}, err
		}
		for _, py := range ps {
			out.Payments = append(out.Payments, exportPaymentJSON{PaymentID: py.ID, AmountCents: py.AmountCents, Currency: py.Currency,
				Status: string(py.Status), CreatedAt: py.CreatedAt.UTC().Format(time.RFC3339), PaidAt: instantPtr(py.PaidAt),
				RefundedCents: py.RefundedCents})
		}
	}
	if s.bank != nil {
		d, err := s.bank.Get(ctx, ref)
		switch {
		case err == nil:
			b := bankDetailsOf(d)
			out.BankDetails = &b
		case !fault.Is(err, fault.NoBankDetails):
			return exportJSON{}, err
		}
	}
	return out, nil
}
