package httpapi

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/citejardins/extranet/shared/fault"
	"github.com/citejardins/extranet/shared/insurance"
	"github.com/citejardins/extranet/shared/tenancy"
)

// "Mon assurance": the tenant's home-insurance certificate. The browser
// sends the file straight to S3 with a presigned POST, then confirms it;
// the file is checked as it landed.

// WithInsurance serves the certificate with svc (portal.New gives one to
// a function built with a file checker).
func (s *Server) WithInsurance(svc *insurance.Service) *Server {
	s.insurance = svc
	return s
}

var errNoInsurance = errors.New("insurance: no service wired")

type insuranceUploadRequest struct {
	FileName    string      `json:"fileName"`
	ContentType string      `json:"contentType"`
	SizeBytes   json.Number `json:"sizeBytes"`
}

type insuranceUploadResponse struct {
	UploadID  string            `json:"uploadId"`
	URL       string            `json:"url"`
	Fields    map[string]string `json:"fields"`
	ExpiresAt time.Time         `json:"expiresAt"`
}

type insuranceCertRequest struct {
	UploadID     string `json:"uploadId"`
	Insurer      string `json:"insurer"`
	PolicyNumber string `json:"policyNumber"`
	StartDate    string `json:"startDate"`
	EndDate      string `json:"endDate"`
}

type insuranceCertJSON struct {
	ID           string    `json:"id"`
	Insurer      string    `json:"insurer"`
	PolicyNumber string    `json:"policyNumber"`
	StartDate    string    `json:"startDate"`
	EndDate      string    `json:"endDate"`
	Status       string    `json:"status"`
	Reason       *string   `json:"reason"`
	DecidedOn    *string   `json:"decidedOn"`
	SubmittedAt  time.Time `json:"submittedAt"`
	FileName     string    `json:"fileName"`
	ContentType  string    `json:"contentType"`
	SizeBytes    int64     `json:"sizeBytes"`
}

// insuranceCertOf is c as the tenant reads it on day (its status then).
func insuranceCertOf(c insurance.Certificate, day tenancy.Date) insuranceCertJSON {
	j := insuranceCertJSON{ID: c.ID, Insurer: c.Insurer, PolicyNumber: c.PolicyNumber, StartDate: c.Start.String(),
		EndDate: c.End.String(), Status: string(c.StatusOn(day)), DecidedOn: dateOrNull(c.DecidedOn),
		SubmittedAt: c.SubmittedAt.UTC(), FileName: c.FileName, ContentType: c.ContentType, SizeBytes: c.SizeBytes}
	if c.Reason != "" {
		r := c.Reason
		j.Reason = &r
	}
	return j
}

type insuranceResponse struct {
	Current      *insuranceCertJSON  `json:"current"`
	Status       string              `json:"status"`
	Required     bool                `json:"required"`
	History      []insuranceCertJSON `json:"history"`
	NextReminder *string             `json:"nextReminder"`
}

func (s *Server) handleNewInsuranceUpload() http.Handler {
	return jsonHandler(s, http.StatusCreated, func(w http.ResponseWriter, r *http.Request, req insuranceUploadRequest) (insuranceUploadResponse, error) {
		if s.insurance == nil {
			return insuranceUploadResponse{}, errNoInsurance
		}
		var size int64
		if req.SizeBytes != "" {
			n, err := strconv.ParseInt(string(req.SizeBytes), 10, 64)
			if err != nil {
				return insuranceUploadResponse{}, fault.Fields{"sizeBytes": "La taille du fichier doit être un nombre entier d’octets. Choisissez à nouveau le fichier."}.Err()
			}
			size = n
		}
		u, p, err := s.insurance.NewUpload(r.Context(), s.ref(r),
			insurance.UploadRequest{FileName: req.FileName, ContentType: req.ContentType, SizeBytes: size})
		if err != nil {
			return insuranceUploadResponse{}, err
		}
		return insuranceUploadResponse{UploadID: u.ID, URL: p.URL, Fields: p.Fields, ExpiresAt: p.ExpiresAt.UTC()}, nil
	})
}

// handleSubmitInsuranceCertificate answers 201 with the certificate the upload
// became, or 200 with it when the upload had already been confirmed.
func (s *Server) handleSubmitInsuranceCertificate() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.insurance == nil {
			s.writeError(w, r, errNoInsurance)
			return
		}
		var req insuranceCertRequest
		if err := decode(w, r, &req); err != nil {
			s.writeError(w, r, err)
			return
		}
		c, created, err := s.insurance.Submit(r.Context(), s.ref(r), insurance.SubmitRequest{UploadID: req.UploadID,
			Insurer: req.Insurer, PolicyNumber: req.PolicyNumber, StartDate: req.StartDate, EndDate: req.EndDate})
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		status := http.StatusOK
		if created {
			status = http.StatusCreated
		}
		encode(w, status, insuranceCertOf(c, tenancy.ParisDate(time.Now())))
	})
}

func (s *Server) handleInsurance() http.Handler {
	return getHandler(s, func(r *http.Request, ref string) (insuranceResponse, error) {
		if s.insurance == nil {
			return insuranceResponse{}, errNoInsurance
		}
		o, err := s.insurance.Overview(r.Context(), ref)
		if err != nil {
			return insuranceResponse{}, err
		}
		today := tenancy.ParisDate(time.Now())
		resp := insuranceResponse{Status: o.Status, Required: o.Required, History: make([]insuranceCertJSON, len(o.History)),
			NextReminder: dateOrNull(o.NextReminder)}
		for i, c := range o.History {
			resp.History[i] = insuranceCertOf(c, today)
		}
		if o.Current != nil {
			c := insuranceCertOf(*o.Current, today)
			resp.Current = &c
		}
		return resp, nil
	})
}
