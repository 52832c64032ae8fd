package insurance

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/citejardins/extranet/shared/fault"
	"github.com/citejardins/extranet/shared/safetext"
	"github.com/citejardins/extranet/shared/tenancy"
	"github.com/citejardins/extranet/shared/tenant"
)

// UploadsPerDay bounds the uploads one lease may start in 24 hours: a
// household sends a certificate a year, and retries a few times; a runaway
// client must not fill the bucket. ConfirmationsPerDay bounds the
// confirmations (each reads and checks up to 10 MiB).
const (
	UploadsPerDay       = 20
	ConfirmationsPerDay = 100
)

// ClaimFor is how long one confirmation holds an upload while it checks
// the file: longer than a function's run (10 s), so that a confirmation
// that died lets another try again soon after.
const ClaimFor = 30 * time.Second

// Field bounds.
const (
	MaxFileName     = 200
	MaxInsurer      = 100
	MaxPolicyNumber = 60
)

// EventSubmitted is the ERP's event for a certificate sent.
const EventSubmitted = "insurance_certificate_submitted"

// Service is the tenant's home-insurance certificate.
type Service struct {
	store   Store
	files   Files
	check   FileChecker
	counter tenant.Counter
	now     func() time.Time
	random  io.Reader
	log     *slog.Logger
}

// NewService returns the service. counter, now, random and log may be nil.
func NewService(store Store, files Files, check FileChecker, counter tenant.Counter, now func() time.Time, random io.Reader, log *slog.Logger) *Service {
	if now == nil {
		now = time.Now
	}
	if random == nil {
		random = rand.Reader
	}
	if log == nil {
		log = slog.Default()
	}
	return &Service{store: store, files: files, check: check, counter: counter, now: now, random: random, log: log}
}

// UploadRequest is what the tenant declares of the file to send.
type UploadRequest struct {
	FileName    string
	ContentType string
	SizeBytes   int64
}

// NewUpload starts an upload: it takes one unit of the lease's
// UploadsPerDay, saves the upload and returns its id and presigned POST.
//
// Errors: fault.Invalid (fileName, contentType, sizeBytes),
// fault.TooManyRequests.
func (s *Service) NewUpload(ctx context.Context, ref string, r UploadRequest) (Upload, Presigned, error) {
	f := fault.Fields{}
	name, err := checkText(r.FileName, MaxFileName)
	switch {
	case err == errEmpty:
		f.Add("fileName", "Indiquez le nom du fichier de l’attestation.")
	case err != nil:
		f.Add("fileName", fmt.Sprintf("Ce nom de fichier n’est pas accepté (%d caractères au plus, sans caractères spéciaux invisibles). Renommez le fichier, puis réessayez.", MaxFileName))
	}
	switch r.ContentType {
	case PDF, JPEG, PNG:
	default:
		f.Add("contentType", "Ce type de fichier n’est pas accepté. Envoyez l’attestation en PDF, ou une photo en JPEG ou PNG.")
	}
	switch {
	case r.SizeBytes < 1:
		f.Add("sizeBytes", "Ce fichier est vide. Choisissez le fichier de l’attestation.")
	case r.SizeBytes > MaxBytes:
		f.Add("sizeBytes", "Ce fichier dépasse 10 Mo. Enregistrez l’attestation en PDF plus léger, ou prenez une photo en qualité normale, puis réessayez.")
	}
	if err := f.Err(); err != nil {
		return Upload{}, Presigned{}, err
	}
	if err := s.allow(ctx, "insurance-uploads#"+ref, UploadsPerDay); err != nil {
		return Upload{}, Presigned{}, err
	}
	id, err := s.newID()
	if err != nil {
		return Upload{}, Presigned{}, err
	}
	now := s.now().UTC()
	u := Upload{ID: id, Reference: ref, FileName: name, ContentType: r.ContentType, SizeBytes: r.SizeBytes,
		Key: UploadKey(id), CreatedAt: now, ExpiresAt: now.Add(2 * UploadTTL)}
	// The policy is signed before the item is saved: an upload that could
	// not be signed leaves nothing behind.
	p, err := s.files.PresignUpload(ctx, u.Key, u.ContentType, MaxBytes, UploadTTL)
	if err != nil {
		return Upload{}, Presigned{}, fmt.Errorf("presign upload: %w", err)
	}
	if err := s.store.PutUpload(ctx, u); err != nil {
		return Upload{}, Presigned{}, fmt.Errorf("save upload: %w", err)
	}
	return u, p, nil
}

// allow takes one unit of the lease's limit (key) before the work, and
// refuses past limit in any 24 hours.
func (s *Service) allow(ctx context.Context, key string, limit int) error {
	if s.counter == nil {
		return nil
	}
	_, wait, err := s.counter.Take(ctx, key, limit, 24*time.Hour, s.now)
	if err != nil {
		return fmt.Errorf("count uploads: %w", err)
	}
	if wait > 0 {
		return fault.TooMany(wait, "Vous avez envoyé beaucoup de fichiers aujourd’hui. Réessayez demain, ou contactez votre gestionnaire.")
	}
	return nil
}

func (s *Service) newID() (string, error) {
	var b [16]byte
	if _, err := io.ReadFull(s.random, b[:]); err != nil {
		return "", fmt.Errorf("random id: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}

// ValidID reports whether id has the shape of an upload's (and so a
// certificate's) id: 32 lower-case hex digits.
func ValidID(id string) bool {
	if len(id) != 32 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

var errEmpty = errors.New("empty")

// checkText trims s and checks it as free text of at most max runes.
func checkText(s string, max int) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", errEmpty
	}
	return safetext.Check(s, safetext.Rule{MaxRunes: max})
}

// SubmitRequest is the tenant's confirmation of an upload, with the cover's
// details.
type SubmitRequest struct {
	UploadID     string
	Insurer      string
	PolicyNumber string
	StartDate    string
	EndDate      string
}

// Submit confirms an upload with the cover's details: it checks the upload
// (the lease's, not used, not expired), the fields and the file as it
// landed; a file that passes is kept under CertificateKey and the
// certificate, the lease's state and the ERP's event are written at once;
// one that fails goes to QuarantineKey, and the answer says why. created
// is false when the upload had already been confirmed: the same
// certificate comes back.
//
// Errors: fault.TooManyRequests (ConfirmationsPerDay), fault.NotFound (no
// such upload in the lease), fault.Invalid (fields), fault.UploadExpired, fault.Conflict (another confirmation of it
// is under way), fault.FileMissing (nothing was sent: send it again), and
// one code per refusal (fault.FileTooLarge…).
func (s *Service) Submit(ctx context.Context, ref string, r SubmitRequest) (c Certificate, created bool, err error) {
	if err := s.allow(ctx, "insurance-confirmations#"+ref, ConfirmationsPerDay); err != nil {
		return Certificate{}, false, err
	}
	now := s.now().UTC()
	// The upload first: without one of the lease's, there is nothing to
	// confirm, whatever the fields say.
	if !ValidID(r.UploadID) {
		return Certificate{}, false, uploadNotFound()
	}
	u, err := s.store.Upload(ctx, ref, r.UploadID)
	if errors.Is(err, ErrNotFound) {
		return Certificate{}, false, uploadNotFound()
	}
	if err != nil {
		return Certificate{}, false, fmt.Errorf("read upload: %w", err)
	}
	if !u.UsedAt.IsZero() {
		return s.outcome(ctx, ref, u)
	}
	insurer, policy, start, end, err := coverOf(r, tenancy.ParisDate(now))
	if err != nil {
		return Certificate{}, false, err
	}
	if !now.Before(u.ExpiresAt) {
		return Certificate{}, false, fault.New(fault.UploadExpired, "Le délai pour envoyer ce fichier est dépassé. Choisissez à nouveau le fichier de l’attestation pour l’envoyer.")
	}
	claim, err := s.newID()
	if err != nil {
		return Certificate{}, false, err
	}
	switch err := s.store.ClaimUpload(ctx, ref, u.ID, claim, now, now.Add(ClaimFor)); {
	case errors.Is(err, ErrConflict):
		return s.raced(ctx, ref, u.ID)
	case err != nil:
		return Certificate{}, false, fmt.Errorf("claim upload: %w", err)
	}
	defer func() {
		// Unless the upload was used, let the next confirmation in now
		// rather than when the claim ends.
		if !created && !isRefusal(err) {
			if rerr := s.store.ReleaseUpload(context.WithoutCancel(ctx), ref, u.ID, claim); rerr != nil {
				s.log.WarnContext(ctx, "release an upload's claim", "err", rerr)
			}
		}
	}()

	data, size, err := s.files.ReadUpload(ctx, u.Key, MaxBytes+1)
	if errors.Is(err, ErrNoFile) {
		// Nothing to quarantine, and the presigned POST may still be used:
		// the upload stays open once the claim ends.
		return Certificate{}, false, fault.New(fault.FileMissing, "Votre fichier n’est pas arrivé. Choisissez à nouveau le fichier de l’attestation, puis envoyez-le.")
	}
	if err != nil {
		return Certificate{}, false, fmt.Errorf("read upload: %w", err)
	}
	var checkErr error
	if size > MaxBytes || int64(len(data)) > MaxBytes {
		checkErr = &Refusal{Reason: TooLarge, Detail: fmt.Sprintf("%d bytes", max(size, int64(len(data))))}
	} else {
		checkErr = s.check.Check(ctx, u.ContentType, data)
	}
	var refusal *Refusal
	if errors.As(checkErr, &refusal) {
		return Certificate{}, false, s.refuse(ctx, ref, u, claim, data, refusal, now)
	}
	if checkErr != nil {
		return Certificate{}, false, fmt.Errorf("check file: %w", checkErr)
	}

	c = Certificate{ID: u.ID, Insurer: insurer, PolicyNumber: policy, Start: start, End: end, Status: Pending,
		SubmittedAt: now.Truncate(time.Second), Key: CertificateKey(ref, u.ID, u.ContentType), ContentType: u.ContentType,
		SizeBytes: int64(len(data)), FileName: u.FileName}
	// The bytes checked are kept, not the object as it is now: the POST's
	// policy allows posting again until it expires.
	if err := s.files.Keep(ctx, c.Key, c.ContentType, data); err != nil {
		return Certificate{}, false, fmt.Errorf("keep certificate: %w", err)
	}
	rec, err := s.store.InsuranceRecord(ctx, ref)
	if err != nil {
		return Certificate{}, false, fmt.Errorf("read insurance: %w", err)
	}
	st := rec.State
	st.End = end
	sub := Submission{Upload: Upload{ID: u.ID, Claim: claim}, Certificate: c, At: now,
		Event: tenant.Event{ID: claim, Type: EventSubmitted, Reference: ref, At: now, Data: submittedEvent{
			CertificateID: c.ID, Key: c.Key, Insurer: c.Insurer, PolicyNumber: c.PolicyNumber,
			StartDate: c.Start.String(), EndDate: c.End.String(), ContentType: c.ContentType, SizeBytes: c.SizeBytes}}}
	if _, on, ok := st.Next(tenancy.ParisDate(now)); ok {
		sub.RemindOn, sub.Remind = on, true
	}
	switch err := s.store.SubmitCertificate(ctx, ref, sub); {
	case errors.Is(err, ErrConflict):
		return s.raced(ctx, ref, u.ID)
	case err != nil:
		return Certificate{}, false, fmt.Errorf("submit certificate: %w", err)
	}
	if err := s.files.Delete(ctx, u.Key); err != nil {
		// The lifecycle rule deletes it within a day.
		s.log.WarnContext(ctx, "delete a confirmed upload", "err", err)
	}
	return c, true, nil
}

// submittedEvent is the data of EventSubmitted, as the ERP reads it.
type submittedEvent struct {
	CertificateID string `json:"certificateId"`
	Key           string `json:"key"`
	Insurer       string `json:"insurer"`
	PolicyNumber  string `json:"policyNumber"`
	StartDate     string `json:"startDate"`
	EndDate       string `json:"endDate"`
	ContentType   string `json:"contentType"`
	SizeBytes     int64  `json:"sizeBytes"`
}

// refuse puts the file in quarantine, marks the upload used with the reason, and
// returns the reason's problem.
func (s *Service) refuse(ctx context.Context, ref string, u Upload, claim string, data []byte, r *Refusal, now time.Time) error {
	// The bytes checked, as for a certificate kept (a file over MaxBytes
	// is cut at MaxBytes + 1: the policy keeps such files out of S3).
	if err := s.files.Keep(ctx, QuarantineKey(ref, u.ID), "application/octet-stream", data); err != nil {
		return fmt.Errorf("quarantine: %w", err)
	}
	if err := s.files.Delete(ctx, u.Key); err != nil {
		return fmt.Errorf("delete a quarantined upload: %w", err)
	}
	if err := s.store.RefuseUpload(ctx, ref, u.ID, claim, r.Reason, now); err != nil && !errors.Is(err, ErrConflict) {
		return fmt.Errorf("refuse upload: %w", err)
	}
	s.log.InfoContext(ctx, "certificate file refused", "reason", string(r.Reason))
	return RefusalError(r.Reason)
}

// raced answers a confirmation that lost to another one of the same upload:
// what the other decided, or a conflict while it works.
func (s *Service) raced(ctx context.Context, ref, id string) (Certificate, bool, error) {
	u, err := s.store.Upload(ctx, ref, id)
	if err != nil {
		return Certificate{}, false, fmt.Errorf("read upload: %w", err)
	}
	if u.UsedAt.IsZero() {
		return Certificate{}, false, fault.New(fault.Conflict, "Votre attestation est en cours de vérification. Patientez quelques secondes, puis rechargez la page.")
	}
	return s.outcome(ctx, ref, u)
}

// outcome is the answer to an upload already confirmed: its certificate,
// or its refusal again.
func (s *Service) outcome(ctx context.Context, ref string, u Upload) (Certificate, bool, error) {
	if u.Reason != "" {
		return Certificate{}, false, RefusalError(u.Reason)
	}
	rec, err := s.store.InsuranceRecord(ctx, ref)
	if err != nil {
		return Certificate{}, false, fmt.Errorf("read insurance: %w", err)
	}
	for _, c := range rec.Certificates {
		if c.ID == u.ID {
			return c, false, nil
		}
	}
	return Certificate{}, false, fmt.Errorf("upload used without a certificate nor a reason")
}

// isRefusal reports whether err is a file refused (and its upload used).
func isRefusal(err error) bool {
	var fe *fault.Error
	if !errors.As(err, &fe) {
		return false
	}
	_, ok := refusals[Reason(fe.Code)]
	return ok
}

func uploadNotFound() error {
	return fault.New(fault.NotFound, "Ce fichier est introuvable. Choisissez à nouveau le fichier de l’attestation pour l’envoyer.")
}

// refusals words each reason for the tenant: what is wrong, what to do.
var refusals = map[Reason]string{
	TooLarge:      "Ce fichier dépasse 10 Mo. Enregistrez l’attestation en PDF plus léger, ou prenez une photo en qualité normale, puis envoyez-la à nouveau.",
	TypeMismatch:  "Le contenu de ce fichier ne correspond pas à son type (PDF, JPEG ou PNG). Enregistrez à nouveau l’attestation en PDF, ou prenez-la en photo, puis envoyez-la.",
	Unreadable:    "Ce fichier n’est pas un PDF ou une image valide\u00a0: il semble incomplet ou abîmé. Enregistrez à nouveau l’attestation (ou téléchargez-la à nouveau depuis l’espace de votre assureur), puis envoyez-la.",
	Encrypted:     "Ce PDF est protégé par un mot de passe. Enregistrez l’attestation sans protection (ou prenez-la en photo), puis envoyez-la à nouveau.",
	JavaScript:    "Ce PDF contient des scripts, que nous n’acceptons pas pour votre sécurité. Imprimez l’attestation en PDF («\u00a0Imprimer\u00a0» puis «\u00a0Enregistrer au format PDF\u00a0») ou prenez-la en photo, puis envoyez-la à nouveau.",
	LaunchAction:  "Ce PDF contient une commande qui lance un programme, que nous n’acceptons pas pour votre sécurité. Imprimez l’attestation en PDF («\u00a0Imprimer\u00a0» puis «\u00a0Enregistrer au format PDF\u00a0») ou prenez-la en photo, puis envoyez-la à nouveau.",
	EmbeddedFile:  "Ce PDF contient des fichiers joints, que nous n’acceptons pas. Envoyez seulement l’attestation\u00a0: imprimez-la en PDF («\u00a0Imprimer\u00a0» puis «\u00a0Enregistrer au format PDF\u00a0») ou prenez-la en photo.",
	ImageTooLarge: "Cette image est trop grande (en nombre de pixels). Prenez la photo en qualité normale, ou envoyez l’attestation en PDF.",
	ActiveContent: "Ce PDF contient un formulaire dynamique ou des actions automatiques (envoi de données, ouverture d’autres fichiers ou de liens non web), que nous n’acceptons pas pour votre sécurité. Imprimez l’attestation en PDF («\u00a0Imprimer\u00a0» puis «\u00a0Enregistrer au format PDF\u00a0») ou prenez-la en photo, puis envoyez-la à nouveau.",
	TooComplex:    "Ce PDF est trop lourd à vérifier (il contient trop de données compressées). Imprimez l’attestation en PDF («\u00a0Imprimer\u00a0» puis «\u00a0Enregistrer au format PDF\u00a0») ou prenez-la en photo, puis envoyez-la à nouveau.",
}

// RefusalError is the problem of a refused file: the reason's code, and
// what to do about it.
func RefusalError(r Reason) error {
	msg, ok := refusals[r]
	if !ok {
		msg = refusals[Unreadable]
		r = Unreadable
	}
	return fault.New(fault.Code(r), msg)
}

// Reasons lists every reason, for tests and documentation.
func Reasons() []Reason {
	out := make([]Reason, 0, len(refusals))
	for r := range refusals {
		out = append(out, r)
	}
	slices.Sort(out)
	return out
}

// Overview is the lease's insurance as the tenant reads it.
type Overview struct {
	// Current is the newest certificate not refused, else the newest
	// refused one (so that the tenant learns why); nil when none was sent.
	Current *Certificate
	// Status is Current's status today (Paris), or "missing" when none.
	Status   string
	Required bool
	History  []Certificate // newest first
	// NextReminder is the day of the next reminder; zero when none.
	NextReminder tenancy.Date
}

// StatusMissing is Overview.Status when no certificate was ever sent.
const StatusMissing = "missing"

// Overview returns the lease's certificates and status.
func (s *Service) Overview(ctx context.Context, ref string) (Overview, error) {
	rec, err := s.store.InsuranceRecord(ctx, ref)
	if err != nil {
		return Overview{}, fmt.Errorf("read insurance: %w", err)
	}
	h := slices.Clone(rec.Certificates)
	slices.SortFunc(h, func(a, b Certificate) int {
		return cmp.Or(b.SubmittedAt.Compare(a.SubmittedAt), strings.Compare(b.ID, a.ID))
	})
	today := tenancy.ParisDate(s.now())
	o := Overview{Status: StatusMissing, Required: rec.State.Required, History: h, NextReminder: rec.RemindOn}
	// A reminder due before today waits for the next run: it is mailed
	// today at the earliest, never in the past.
	if !o.NextReminder.IsZero() && o.NextReminder.Before(today) {
		o.NextReminder = today
	}
	for i := range h {
		if h[i].Status != Refused {
			o.Current = &h[i]
			break
		}
	}
	if o.Current == nil && len(h) > 0 {
		o.Current = &h[0]
	}
	if o.Current != nil {
		o.Status = string(o.Current.StatusOn(today))
	}
	return o, nil
}
