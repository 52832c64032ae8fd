package httpapi

import (
	"net/http"
	"time"

	"github.com/citejardins/extranet/shared/account"
	"github.com/citejardins/extranet/shared/tenancy"
	"github.com/citejardins/extranet/shared/tenant"
)

// The logged-in tenant's own data. Every handler takes the lease from the
// session, never from the request, so no request can name another lease.

func (s *Server) ref(r *http.Request) string { return principalFrom(r.Context()).Account.Reference }

// key is the session's account: for the account's own data (preferences,
// requests it sends), where ref is for the lease's.
func (s *Server) key(r *http.Request) account.Key { return principalFrom(r.Context()).Account.Key() }

// getHandler is the shape of the GET endpoints: run fn for the session's
// lease and answer with its result or problem.
func getHandler[Resp any](s *Server, fn func(r *http.Request, ref string) (Resp, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		resp, err := fn(r, s.ref(r))
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		encode(w, http.StatusOK, resp)
	})
}

type paymentJSON struct {
	Date        string `json:"date"`
	AmountCents int64  `json:"amountCents"`
}

func paymentOf(p *tenancy.Payment) *paymentJSON {
	if p == nil {
		return nil
	}
	return &paymentJSON{Date: p.Date.String(), AmountCents: p.AmountCents}
}

type summaryResponse struct {
	BalanceCents   int64         `json:"balanceCents"`
	LastPayment    *paymentJSON  `json:"lastPayment"`
	NextDue        paymentJSON   `json:"nextDue"`
	FirstEntryDate *string       `json:"firstEntryDate"`
	LastEntryDate  *string       `json:"lastEntryDate"`
	Transfer       *transferJSON `json:"transfer"`
}

// transferJSON: the landlord's account and the wording of a transfer
// (tenant.Transfer); null when the settings have no IBAN.
type transferJSON struct {
	IBAN    string `json:"iban"`
	BIC     string `json:"bic"`
	Holder  string `json:"holder"`
	Wording string `json:"wording"`
}

func transferOf(t *tenant.Transfer) *transferJSON {
	if t == nil {
		return nil
	}
	return &transferJSON{IBAN: t.IBAN, BIC: t.BIC, Holder: t.Holder, Wording: t.Wording}
}

func dateOrNull(d tenancy.Date) *string {
	if d.IsZero() {
		return nil
	}
	s := d.String()
	return &s
}

func (s *Server) handleSummary() http.Handler {
	return getHandler(s, func(r *http.Request, ref string) (summaryResponse, error) {
		sum, err := s.tenants.Summary(r.Context(), ref)
		return summaryResponse{BalanceCents: sum.BalanceCents, LastPayment: paymentOf(sum.LastPayment),
			NextDue: *paymentOf(&sum.NextDue), FirstEntryDate: dateOrNull(sum.FirstEntry), LastEntryDate: dateOrNull(sum.LastEntry),
			Transfer: transferOf(sum.Transfer)}, err
	})
}

type entryJSON struct {
	ID                string `json:"id"`
	Date              string `json:"date"`
	Label             string `json:"label"`
	Kind              string `json:"kind"`
	DebitCents        int64  `json:"debitCents"`
	CreditCents       int64  `json:"creditCents"`
	BalanceAfterCents int64  `json:"balanceAfterCents"`
}

type entriesResponse struct {
	Entries    []entryJSON `json:"entries"`
	NextCursor *string     `json:"nextCursor"`
}

func (s *Server) handleEntries() http.Handler {
	return getHandler(s, func(r *http.Request, ref string) (entriesResponse, error) {
		q, err := query(r)
		if err != nil {
			return entriesResponse{}, err
		}
		page, err := s.tenants.Entries(r.Context(), ref, tenant.EntryQuery{From: q.Get("from"), To: q.Get("to"), Cursor: q.Get("cursor"), Limit: q.Get("limit")})
		if err != nil {
			return entriesResponse{}, err
		}
		resp := entriesResponse{Entries: make([]entryJSON, len(page.Entries))}
		for i, e := range page.Entries {
			resp.Entries[i] = entryJSON{ID: e.ID, Date: e.Date.String(), Label: e.Label, Kind: string(e.Kind),
				DebitCents: e.DebitCents, CreditCents: e.CreditCents, BalanceAfterCents: e.BalanceAfterCents}
		}
		if page.Next != "" {
			resp.NextCursor = &page.Next
		}
		return resp, nil
	})
}

type contractResponse struct {
	Reference string  `json:"reference"`
	StartDate string  `json:"startDate"`
	EndDate   *string `json:"endDate"`
	Dwelling  struct {
		Address       addressResponse `json:"address"`
		Type          string          `json:"type"`
		Floor         string          `json:"floor"`
		ResidenceID   string          `json:"residenceId"`
		ResidenceName string          `json:"residenceName"`
	} `json:"dwelling"`
	Monthly struct {
		RentCents           int64 `json:"rentCents"`
		ChargesCents        int64 `json:"chargesCents"`
		HousingBenefitCents int64 `json:"housingBenefitCents"`
		TotalDueCents       int64 `json:"totalDueCents"`
	} `json:"monthly"`
	DueDay        int             `json:"dueDay"`
	PaymentMethod string          `json:"paymentMethod"`
	Signatories   []signatoryJSON `json:"signatories"`
}

type signatoryJSON struct {
	FirstName string `json:"firstName"`
	LastName  string `json:"lastName"`
	Main      bool   `json:"main"`
}

func (s *Server) handleContract() http.Handler {
	return getHandler(s, func(r *http.Request, ref string) (contractResponse, error) {
		c, err := s.tenants.Contract(r.Context(), ref)
		if err != nil {
			return contractResponse{}, err
		}
		l := c.Lease
		var resp contractResponse
		resp.Reference, resp.StartDate = l.Reference, l.Start.String()
		if !l.End.IsZero() {
			end := l.End.String()
			resp.EndDate = &end
		}
		a := l.Address
		resp.Dwelling.Address = addressResponse{a.Street, a.Complement, a.PostalCode, a.City}
		resp.Dwelling.Type, resp.Dwelling.Floor = l.DwellingType, l.Floor
		resp.Dwelling.ResidenceID, resp.Dwelling.ResidenceName = l.ResidenceID, c.Residence.Name
		resp.Monthly.RentCents, resp.Monthly.ChargesCents = l.RentCents, l.ChargesCents
		resp.Monthly.HousingBenefitCents, resp.Monthly.TotalDueCents = l.HousingBenefitCents, l.MonthlyDueCents()
		resp.DueDay, resp.PaymentMethod = l.DueDay, string(l.PaymentMethod)
		resp.Signatories = make([]signatoryJSON, len(l.Signatories))
		for i, sg := range l.Signatories {
			resp.Signatories[i] = signatoryJSON{FirstName: sg.FirstName, LastName: sg.LastName, Main: sg.Main}
		}
		return resp, nil
	})
}

type contactJSON struct {
	Role  string `json:"role"`
	Name  string `json:"name"`
	Phone string `json:"phone"`
	Email string `json:"email"`
	Hours string `json:"hours"`
}

type contactsResponse struct {
	Contacts []contactJSON `json:"contacts"`
}

func (s *Server) handleContacts() http.Handler {
	return getHandler(s, func(r *http.Request, ref string) (contactsResponse, error) {
		cs, err := s.tenants.Contacts(r.Context(), ref)
		resp := contactsResponse{Contacts: make([]contactJSON, len(cs))}
		for i, c := range cs {
			resp.Contacts[i] = contactJSON{Role: string(c.Role), Name: c.Name, Phone: c.Phone, Email: c.Email, Hours: c.Hours}
		}
		return resp, err
	})
}

type preferencesResponse struct {
	Paperless                bool              `json:"paperless"`
	PaperlessSince           *time.Time        `json:"paperlessSince"`
	PaperlessBy              *personNameJSON   `json:"paperlessBy"`
	NotificationEmail        string            `json:"notificationEmail"`
	PendingNotificationEmail *pendingEmailJSON `json:"pendingNotificationEmail"`
}

// personNameJSON is a signatory's name, as the lease has it.
type personNameJSON struct {
	FirstName string `json:"firstName"`
	LastName  string `json:"lastName"`
}

func preferencesOf(p tenant.Preferences) preferencesResponse {
	resp := preferencesResponse{Paperless: p.Paperless, NotificationEmail: p.NotificationEmail,
		PendingNotificationEmail: pendingEmailOf(p.Pending)}
	if !p.Since.IsZero() {
		since := p.Since.UTC()
		resp.PaperlessSince = &since
	}
	if p.ByName.ID != "" {
		resp.PaperlessBy = &personNameJSON{FirstName: p.ByName.FirstName, LastName: p.ByName.LastName}
	}
	return resp
}

func (s *Server) handlePreferences() http.Handler {
	return getHandler(s, func(r *http.Request, _ string) (preferencesResponse, error) {
		p, err := s.tenants.Preferences(r.Context(), s.key(r))
		return preferencesOf(p), err
	})
}

type preferencesRequest struct {
	Paperless         *bool   `json:"paperless"`
	NotificationEmail *string `json:"notificationEmail"`
}

func (s *Server) handleSetPreferences() http.Handler {
	return jsonHandler(s, http.StatusOK, func(_ http.ResponseWriter, r *http.Request, req preferencesRequest) (preferencesResponse, error) {
		p, err := s.tenants.SetPreferences(r.Context(), s.key(r), tenant.PreferencesChange(req))
		return preferencesOf(p), err
	})
}

type changeRequestJSON struct {
	ID          string    `json:"id"`
	Kind        string    `json:"kind"`
	Text        string    `json:"text"`
	Status      string    `json:"status"`
	SubmittedAt time.Time `json:"submittedAt"`
	// SubmittedBy is the signatory whose account sent it (null when not
	// known); SubmittedByYou says it was the account asking.
	SubmittedBy    *personNameJSON `json:"submittedBy"`
	SubmittedByYou bool            `json:"submittedByYou"`
	StartedAt      *string         `json:"startedAt"`
	DoneAt         *string         `json:"doneAt"`
}

// changeRequestOf is c as account k sees it.
func changeRequestOf(c tenant.ChangeRequest, k account.Key) changeRequestJSON {
	j := changeRequestJSON{ID: c.ID, Kind: string(c.Kind), Text: c.Text, Status: string(c.Status), SubmittedAt: c.SubmittedAt.UTC(),
		SubmittedByYou: c.By != "" && c.By == k.Signatory}
	if c.ByName.ID != "" {
		j.SubmittedBy = &personNameJSON{FirstName: c.ByName.FirstName, LastName: c.ByName.LastName}
	}
	if !c.StartedAt.IsZero() {
		d := c.StartedAt.String()
		j.StartedAt = &d
	}
	if !c.DoneAt.IsZero() {
		d := c.DoneAt.String()
		j.DoneAt = &d
	}
	return j
}

type changeRequestsResponse struct {
	ChangeRequests []changeRequestJSON `json:"changeRequests"`
}

func (s *Server) handleChangeRequests() http.Handler {
	return getHandler(s, func(r *http.Request, ref string) (changeRequestsResponse, error) {
		rs, err := s.tenants.ChangeRequests(r.Context(), ref)
		resp := changeRequestsResponse{ChangeRequests: make([]changeRequestJSON, len(rs))}
		for i, c := range rs {
			resp.ChangeRequests[i] = changeRequestOf(c, s.key(r))
		}
		return resp, err
	})
}

type changeRequestRequest struct {
	Kind string `json:"kind"`
	Text string `json:"text"`
}

func (s *Server) handleSubmitChangeRequest() http.Handler {
	return jsonHandler(s, http.StatusCreated, func(w http.ResponseWriter, r *http.Request, req changeRequestRequest) (changeRequestJSON, error) {
		c, err := s.tenants.SubmitChangeRequest(r.Context(), s.key(r), req.Kind, req.Text)
		if err == nil {
			w.Header().Set("Location", "/api/v1/change-requests/"+c.ID)
		}
		return changeRequestOf(c, s.key(r)), err
	})
}

func (s *Server) handleChangeRequest() http.Handler {
	return getHandler(s, func(r *http.Request, ref string) (changeRequestJSON, error) {
		c, err := s.tenants.ChangeRequest(r.Context(), ref, r.PathValue("id"))
		return changeRequestOf(c, s.key(r)), err
	})
}
