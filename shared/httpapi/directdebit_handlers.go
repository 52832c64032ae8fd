package httpapi

import (
	"errors"
	"net/http"
	"time"

	"github.com/citejardins/extranet/shared/bankaccount"
	"github.com/citejardins/extranet/shared/directdebit"
	"github.com/citejardins/extranet/shared/fault"
	"github.com/citejardins/extranet/shared/tenancy"
)

// Direct debit (SEPA Core): subscribe (a mandate signed with the password),
// see the mandate and its history, revoke it. shared/directdebit holds the
// rules; the routes are the banking function's.

// WithDirectDebit serves the direct-debit routes with d.
func (s *Server) WithDirectDebit(d *directdebit.Service) *Server {
	s.directDebit = d
	return s
}

var errNoDirectDebit = errors.New("direct debit: no service wired")

type directDebitRequest struct {
	IBAN     string `json:"iban"`
	BIC      string `json:"bic"`
	Holder   string `json:"holder"`
	DebitDay int    `json:"debitDay"`
	Consent  bool   `json:"consent"`
	Password string `json:"password"`
}

type addressJSON struct {
	Street     string `json:"street"`
	Complement string `json:"complement"`
	PostalCode string `json:"postalCode"`
	City       string `json:"city"`
}

type partyJSON struct {
	Name    string   `json:"name"`
	Address []string `json:"address"`
}

type debtorJSON struct {
	Name    string      `json:"name"`
	Address addressJSON `json:"address"`
}

// onBehalfOfJSON is the tenant a third party's account is debited for.
type onBehalfOfJSON struct {
	Name      string `json:"name"`
	Reference string `json:"reference"`
}

type mandateJSON struct {
	RUM      string     `json:"rum"`
	ICS      string     `json:"ics"`
	Type     string     `json:"type"`
	Status   string     `json:"status"`
	Creditor partyJSON  `json:"creditor"`
	Debtor   debtorJSON `json:"debtor"`
	IBAN     string     `json:"iban"` // masked
	BIC      string     `json:"bic"`
	Holder   string     `json:"holder"`
	DebitDay int        `json:"debitDay"`
	// FirstDebitOn: nil on a mandate signed before it was recorded.
	FirstDebitOn *string         `json:"firstDebitOn"`
	OnBehalfOf   *onBehalfOfJSON `json:"onBehalfOf"`
	SignedAt     string          `json:"signedAt"`
	SignedOn     string          `json:"signedOn"`
	Place        string          `json:"place"`
	RevokedOn    *string         `json:"revokedOn"`
	LapsedOn     *string         `json:"lapsedOn"`
	LastDebitOn  *string         `json:"lastDebitOn"`
	LapsesOn     *string         `json:"lapsesOn"`
	Wording      string          `json:"wording"`
	DocumentID   string          `json:"documentId"`
}

type creditorJSON struct {
	Name    string   `json:"name"`
	Address []string `json:"address"`
	ICS     string   `json:"ics"`
}

type directDebitResponse struct {
	Current   *mandateJSON  `json:"current"`
	History   []mandateJSON `json:"history"`
	DebitDays []int         `json:"debitDays"`
	// Creditor and Wording are what a mandate signed now names and says
	// (directdebit.Wording), for the form shown before the first mandate.
	Creditor creditorJSON `json:"creditor"`
	Wording  string       `json:"wording"`
	// FirstDebits gives, for each of DebitDays, the first debit of a
	// mandate signed now (directdebit.FirstDebit).
	FirstDebits []firstDebitJSON `json:"firstDebits"`
}

type firstDebitJSON struct {
	DebitDay     int    `json:"debitDay"`
	FirstDebitOn string `json:"firstDebitOn"`
}

func optDate(d tenancy.Date) *string {
	if d.IsZero() {
		return nil
	}
	s := d.String()
	return &s
}

func mandateOf(m directdebit.Mandate) mandateJSON {
	addr := m.CreditorAddress
	if addr == nil {
		addr = []string{}
	}
	j := mandateJSON{RUM: m.RUM, ICS: m.ICS, Type: m.Type, Status: string(m.Status),
		Creditor: partyJSON{Name: m.CreditorName, Address: addr},
		Debtor: debtorJSON{Name: m.DebtorName, Address: addressJSON{Street: m.DebtorAddress.Street,
			Complement: m.DebtorAddress.Complement, PostalCode: m.DebtorAddress.PostalCode, City: m.DebtorAddress.City}},
		IBAN: bankaccount.IBAN(m.IBAN).Masked(), BIC: m.BIC, Holder: m.Holder, DebitDay: m.DebitDay,
		SignedAt: m.SignedAt.UTC().Format(time.RFC3339), SignedOn: m.SignedOn.String(), Place: m.Place,
		RevokedOn: optDate(m.RevokedOn), LapsedOn: optDate(m.LapsedOn), LastDebitOn: optDate(m.LastDebitOn),
		Wording: directdebit.Wording(m.CreditorName), DocumentID: m.DocumentID, FirstDebitOn: optDate(m.FirstDebitOn)}
	if m.OnBehalfOf != "" {
		j.OnBehalfOf = &onBehalfOfJSON{Name: m.OnBehalfOf, Reference: m.Reference}
	}
	if m.Status == directdebit.Active {
		j.LapsesOn = optDate(m.LapsesOn())
	}
	return j
}

// handleSubscribeDirectDebit signs a mandate: the fields are checked
// first (nothing counted), then the password (as a bank-details change),
// then the mandate is made. 201 with the mandate.
func (s *Server) handleSubscribeDirectDebit() http.Handler {
	return jsonHandler(s, http.StatusCreated, func(w http.ResponseWriter, r *http.Request, req directDebitRequest) (mandateJSON, error) {
		if s.directDebit == nil {
			return mandateJSON{}, errNoDirectDebit
		}
		p := principalFrom(r.Context())
		dr := directdebit.Request{IBAN: req.IBAN, BIC: req.BIC, Holder: req.Holder, DebitDay: req.DebitDay, Consent: req.Consent}
		_, err := s.directDebit.Validate(dr)
		f := fault.Fields{}
		var fe *fault.Error
		if errors.As(err, &fe) && fe.Code == fault.Invalid {
			for k, v := range fe.Fields {
				f.Add(k, v)
			}
		} else if err != nil {
			return mandateJSON{}, err
		}
		if req.Password == "" {
			f.Add("password", "Saisissez votre mot de passe pour signer le mandat.")
		}
		if err := f.Err(); err != nil {
			return mandateJSON{}, err
		}
		if err := s.accounts.ConfirmPassword(r.Context(), p, req.Password, clientAddr(r)); err != nil {
			return mandateJSON{}, err
		}
		m, err := s.directDebit.Subscribe(r.Context(), p.Account.Reference, dr)
		if err != nil {
			return mandateJSON{}, err
		}
		w.Header().Set("Location", "/api/v1/direct-debit")
		return mandateOf(m), nil
	})
}

func (s *Server) handleDirectDebit() http.Handler {
	return getHandler(s, func(r *http.Request, ref string) (directDebitResponse, error) {
		if s.directDebit == nil {
			return directDebitResponse{}, errNoDirectDebit
		}
		v, err := s.directDebit.Show(r.Context(), ref)
		if err != nil {
			return directDebitResponse{}, err
		}
		c := s.directDebit.Creditor()
		resp := directDebitResponse{History: make([]mandateJSON, len(v.History)), DebitDays: s.directDebit.DebitDays(),
			Creditor: creditorJSON{Name: c.Name, Address: c.AddressLines, ICS: c.ICS}, Wording: directdebit.Wording(c.Name)}
		if resp.Creditor.Address == nil {
			resp.Creditor.Address = []string{}
		}
		for _, o := range s.directDebit.Offers() {
			resp.FirstDebits = append(resp.FirstDebits, firstDebitJSON{DebitDay: o.DebitDay, FirstDebitOn: o.FirstDebitOn.String()})
		}
		for i, m := range v.History {
			resp.History[i] = mandateOf(m)
		}
		if v.Current != nil {
			c := mandateOf(*v.Current)
			resp.Current = &c
		}
		return resp, nil
	})
}

// handleRevokeDirectDebit revokes the active mandate today: 200 with it.
// No password: revoking is the debtor's right at any time (EPC rulebook),
// moves no money and is undone by subscribing again.
func (s *Server) handleRevokeDirectDebit() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.directDebit == nil {
			s.writeError(w, r, errNoDirectDebit)
			return
		}
		m, err := s.directDebit.Revoke(r.Context(), s.ref(r))
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		encode(w, http.StatusOK, mandateOf(m))
	})
}
