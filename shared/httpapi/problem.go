package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/citejardins/extranet/shared/fault"
	"github.com/citejardins/extranet/shared/payment"
)

// statusOf maps each error code to its one HTTP status.
var statusOf = map[fault.Code]int{
	fault.Invalid:            http.StatusBadRequest,
	fault.MalformedBody:      http.StatusBadRequest,
	fault.IdentityMismatch:   http.StatusUnprocessableEntity,
	fault.Conflict:           http.StatusConflict,
	fault.TokenInvalid:       http.StatusGone,
	fault.TokenExpired:       http.StatusGone,
	fault.AlreadyActive:      http.StatusGone,
	fault.InvalidCredentials: http.StatusUnauthorized,
	fault.NotActivated:       http.StatusUnauthorized,
	fault.Unauthenticated:    http.StatusUnauthorized,
	fault.Forbidden:          http.StatusForbidden,
	fault.NotFound:           http.StatusNotFound,
	fault.MethodNotAllowed:   http.StatusMethodNotAllowed,
	fault.TooManyRequests:    http.StatusTooManyRequests,
	fault.BodyTooLarge:       http.StatusRequestEntityTooLarge,
	fault.PeriodTooLong:      http.StatusUnprocessableEntity,
	fault.UnsupportedMedia:   http.StatusUnsupportedMediaType,
	fault.Internal:           http.StatusInternalServerError,
	fault.ServiceUnavailable: http.StatusServiceUnavailable,

	// Receipts: a month that gets no receipt, and why.
	fault.ReceiptUnpaid:        http.StatusUnprocessableEntity,
	fault.ReceiptNotDue:        http.StatusUnprocessableEntity,
	fault.ReceiptOutsideLease:  http.StatusUnprocessableEntity,
	fault.ReceiptBeforeHistory: http.StatusUnprocessableEntity,

	// The insurance certificate's file (fault.FileMissing and the rest).
	fault.FileMissing:      http.StatusUnprocessableEntity,
	fault.FileTooLarge:     http.StatusUnprocessableEntity,
	fault.FileTypeMismatch: http.StatusUnprocessableEntity,
	fault.FileUnreadable:   http.StatusUnprocessableEntity,
	fault.FileEncrypted:    http.StatusUnprocessableEntity,
	fault.FileJavaScript:   http.StatusUnprocessableEntity,
	fault.FileLaunchAction: http.StatusUnprocessableEntity,
	fault.FileEmbeddedFile: http.StatusUnprocessableEntity,
	fault.ImageTooLarge:    http.StatusUnprocessableEntity,
	fault.UploadExpired:    http.StatusGone,

	fault.FileActiveContent: http.StatusUnprocessableEntity,
	fault.FileTooComplex:    http.StatusUnprocessableEntity,

	// Bank details and online payments.
	fault.NoBankDetails:         http.StatusNotFound,
	fault.LoginEmailTaken:       http.StatusConflict,
	payment.CodeKeyMissing:      http.StatusBadRequest,
	payment.CodeKeyReused:       http.StatusUnprocessableEntity,
	payment.CodePaymentExpired:  http.StatusConflict,
	payment.CodePaymentFailed:   http.StatusConflict,
	payment.CodeWebhookSigned:   http.StatusBadRequest,
	payment.CodeWebhookStale:    http.StatusBadRequest,
	payment.CodeProviderFailure: http.StatusServiceUnavailable,
}

// titleOf gives each code a short French title that never varies.
var titleOf = map[fault.Code]string{
	fault.Invalid:            "Informations à corriger",
	fault.MalformedBody:      "Requête illisible",
	fault.IdentityMismatch:   "Bail introuvable",
	fault.Conflict:           "Modification simultanée",
	fault.TokenInvalid:       "Lien non valide",
	fault.TokenExpired:       "Lien expiré",
	fault.AlreadyActive:      "Compte déjà actif",
	fault.InvalidCredentials: "Identifiants incorrects",
	fault.NotActivated:       "Compte non activé",
	fault.Unauthenticated:    "Connexion nécessaire",
	fault.Forbidden:          "Action refusée",
	fault.NotFound:           "Page introuvable",
	fault.MethodNotAllowed:   "Action non prise en charge",
	fault.TooManyRequests:    "Trop de tentatives",
	fault.BodyTooLarge:       "Requête trop volumineuse",
	fault.PeriodTooLong:      "Période trop longue",
	fault.UnsupportedMedia:   "Format non pris en charge",
	fault.Internal:           "Erreur technique",
	fault.ServiceUnavailable: "Service momentanément indisponible",

	fault.ReceiptUnpaid:        "Mois non payé",
	fault.ReceiptNotDue:        "Mois pas encore appelé",
	fault.ReceiptOutsideLease:  "Mois hors du bail",
	fault.ReceiptBeforeHistory: "Mois avant l’historique en ligne",

	fault.FileMissing:      "Fichier non reçu",
	fault.FileTooLarge:     "Fichier refusé",
	fault.FileTypeMismatch: "Fichier refusé",
	fault.FileUnreadable:   "Fichier refusé",
	fault.FileEncrypted:    "Fichier refusé",
	fault.FileJavaScript:   "Fichier refusé",
	fault.FileLaunchAction: "Fichier refusé",
	fault.FileEmbeddedFile: "Fichier refusé",
	fault.ImageTooLarge:    "Fichier refusé",
	fault.UploadExpired:    "Envoi expiré",

	fault.FileActiveContent: "Fichier refusé",
	fault.FileTooComplex:    "Fichier refusé",

	fault.NoBankDetails:         "Aucune coordonnée bancaire",
	fault.LoginEmailTaken:       "Adresse déjà utilisée",
	payment.CodeKeyMissing:      "Demande de paiement non identifiée",
	payment.CodeKeyReused:       "Paiement déjà commencé",
	payment.CodePaymentExpired:  "Paiement expiré",
	payment.CodePaymentFailed:   "Paiement refusé",
	payment.CodeWebhookSigned:   "Signature invalide",
	payment.CodeWebhookStale:    "Événement trop ancien",
	payment.CodeProviderFailure: "Service de paiement indisponible",
}

// Problem is an RFC 9457 problem document with the portal's extensions.
type Problem struct {
	Type   string            `json:"type"`
	Title  string            `json:"title"`
	Status int               `json:"status"`
	Detail string            `json:"detail"`
	Code   fault.Code        `json:"code"`
	Errors map[string]string `json:"errors,omitempty"`
}

// writeError answers with the problem of err. Errors that are not
// *fault.Error are internal: logged with their cause, shown as a plain apology.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var fe *fault.Error
	if !errors.As(err, &fe) {
		if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
			// The client went away (a closed tab, a lost connection): no
			// fault of ours, and nobody reads the answer.
			s.log.InfoContext(r.Context(), "request canceled by the client", "route", r.Pattern)
		} else {
			s.log.ErrorContext(r.Context(), "internal error", "route", r.Pattern, "err", err)
		}
		fe = fault.New(fault.Internal, "Une erreur technique nous empêche de traiter votre demande. Réessayez dans quelques minutes\u00a0; si cela continue, contactez votre gestionnaire.")
	}
	status, ok := statusOf[fe.Code]
	if !ok {
		status = http.StatusInternalServerError
	}
	if fe.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int((fe.RetryAfter.Seconds())+0.999)))
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(Problem{Type: "about:blank", Title: titleOf[fe.Code], Status: status,
		Detail: fe.Message, Code: fe.Code, Errors: fe.Fields})
}

func (s *Server) problemHandler(err error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { s.writeError(w, r, err) })
}

func notFound() error {
	return fault.New(fault.NotFound, "Cette adresse n’existe pas. Revenez à l’accueil de votre espace locataire.")
}

func methodNotAllowed() error {
	return fault.New(fault.MethodNotAllowed, "Cette action n’est pas possible à cette adresse.")
}
