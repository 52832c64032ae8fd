// Package fault holds the one error type of the domain: a stable code that
// clients can branch on, and a French message a tenant can act on.
//
// The HTTP layer maps each code to a status; any error that is not a
// *fault.Error is an internal error, logged and never shown.
package fault

import (
	"errors"
	"fmt"
	"time"
)

// Code is a stable, machine-readable error code. Clients branch on it, so a
// code never changes meaning once published.
type Code string

// The codes of the portal. Each one maps to exactly one HTTP status in the
// HTTP layer.
const (
	Invalid            Code = "validation_failed"     // a field is missing or malformed
	IdentityMismatch   Code = "identity_mismatch"     // sign-up data do not match a lease
	Conflict           Code = "conflict"              // changed meanwhile by another request
	TokenInvalid       Code = "token_invalid"         // unknown, tampered or already used link
	TokenExpired       Code = "token_expired"         // the link is older than its validity
	InvalidCredentials Code = "invalid_credentials"   // wrong email or password
	NotActivated       Code = "account_not_activated" // right password, account not yet activated
	Unauthenticated    Code = "unauthenticated"       // no valid session
	Forbidden          Code = "forbidden"             // the request is refused (e.g. cross-site)
	NotFound           Code = "not_found"             // nothing at this address, or not yours
	MethodNotAllowed   Code = "method_not_allowed"    // the route exists with another method
	TooManyRequests    Code = "too_many_requests"     // throttled; see RetryAfter
	BodyTooLarge       Code = "body_too_large"        // the request body exceeds the cap
	PeriodTooLong      Code = "period_too_long"       // a statement over more lines than one document holds
	UnsupportedMedia   Code = "unsupported_media_type"
	MalformedBody      Code = "malformed_body" // not JSON, or not the expected shape
	Internal           Code = "internal_error"
	ServiceUnavailable Code = "service_unavailable"
	// Receipts (shared/receipt): a month that gets no receipt, and why.
	ReceiptUnpaid       Code = "receipt_unpaid"        // nothing imputed to the month
	ReceiptNotDue       Code = "receipt_not_due"       // nothing called for the month yet
	ReceiptOutsideLease Code = "receipt_outside_lease" // before the lease began or after it ended
	// ReceiptBeforeHistory: the month is before the first month of the
	// ledger the ERP sent (older receipts: ask the landlord).
	ReceiptBeforeHistory Code = "receipt_before_history"
)

// AlreadyActive (410): the link that activated an account, opened again
// while the account is active. Only the holder of that real link learns it;
// any other used, unknown or voided link is TokenInvalid.
const AlreadyActive Code = "account_already_active"

// The home-insurance certificate's upload, refused by the checks of the
// landed file (shared/insurance): one code per reason, each 422 but
// UploadExpired (410).
const (
	FileMissing      Code = "file_missing"       // nothing arrived at the upload's address
	FileTooLarge     Code = "file_too_large"     // over insurance.MaxBytes
	FileTypeMismatch Code = "file_type_mismatch" // its bytes are not the declared type
	FileUnreadable   Code = "file_unreadable"    // a PDF that does not parse, an image that does not decode
	FileEncrypted    Code = "file_encrypted"     // a PDF protected by a password or encrypted
	FileJavaScript   Code = "file_javascript"    // a PDF with JavaScript
	FileLaunchAction Code = "file_launch_action" // a PDF that starts a program
	FileEmbeddedFile Code = "file_embedded_file" // a PDF with files attached
	ImageTooLarge    Code = "image_too_large"    // an image of too many pixels
	UploadExpired    Code = "upload_expired"     // the upload's time is over
)

// More refusals of the certificate's file (422).
const (
	FileActiveContent Code = "file_active_content" // a PDF with a dynamic form, actions that send data or open files, rich media
	FileTooComplex    Code = "file_too_complex"    // a PDF whose streams decode to too much, or too long to check
)

// Bank details (shared/bankdetails).
const (
	// NoBankDetails: the lease has no bank details yet (404), distinct from
	// not_found so that a client tells "nothing saved yet" from a wrong address.
	NoBankDetails Code = "bank_details_missing"
)

// "Mon profil" (shared/account/profile.go).
const (
	// LoginEmailTaken (409): the address a login email link confirms was
	// taken by another account since the link was sent.
	LoginEmailTaken Code = "login_email_taken"
)

// Online payments (shared/payment).
const (
	PaymentKeyMissing    Code = "idempotency_key_missing"      // 400: no or too long Idempotency-Key
	PaymentKeyReused     Code = "idempotency_key_reused"       // 422: the key started a payment of another amount
	PaymentExpired       Code = "payment_expired"              // 409: the key's payment page expired unpaid: start again with a new key
	PaymentFailed        Code = "payment_failed"               // 409: the key's payment failed (refused by the bank): start again with a new key
	WebhookSignature     Code = "webhook_signature_invalid"    // 400: the provider event's signature does not match
	WebhookStale         Code = "webhook_timestamp_stale"      // 400: its signed time is over the tolerance
	PaymentProviderError Code = "payment_provider_unavailable" // 503: the provider did not answer
)

// Error is a failure the tenant can understand and act on.
type Error struct {
	Code    Code
	Message string            // French, says what to do next
	Fields  map[string]string // per-field French messages, for forms
	// RetryAfter is set on TooManyRequests: when trying again makes sense.
	RetryAfter time.Duration
}

func (e *Error) Error() string {
	if len(e.Fields) > 0 {
		return fmt.Sprintf("%s: %d invalid fields", e.Code, len(e.Fields))
	}
	return string(e.Code)
}

// New returns an error with a code and a French message.
func New(code Code, message string) *Error {
	return &Error{Code: code, Message: message}
}

// TooMany is a TooManyRequests error with a French message, to try again
// after wait rounded up to whole seconds (WholeSeconds).
func TooMany(wait time.Duration, message string) *Error {
	return &Error{Code: TooManyRequests, RetryAfter: WholeSeconds(wait), Message: message}
}

// WholeSeconds rounds a wait up to whole seconds, as Retry-After gives it
// (RFC 9110 §10.2.3): rounding down would send the client back too early.
func WholeSeconds(wait time.Duration) time.Duration {
	if r := wait.Truncate(time.Second); r < wait {
		wait = r + time.Second
	}
	return wait
}

// Fields collects per-field messages while validating a request, so that a
// form shows every problem at once rather than one per attempt.
type Fields map[string]string

// Add records the first message for a field; later ones for the same field
// are dropped, because the first check is the most basic one.
func (f Fields) Add(field, message string) {
	if _, ok := f[field]; !ok {
		f[field] = message
	}
}

// Err returns nil when no field failed, or an Invalid error listing them.
func (f Fields) Err() error {
	if len(f) == 0 {
		return nil
	}
	return &Error{
		Code:    Invalid,
		Message: "Certaines informations sont à corriger. Vérifiez les champs signalés puis réessayez.",
		Fields:  f,
	}
}

// CodeOf returns the code of err, or Internal when err is not a *Error.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// Is reports whether err carries the given code.
func Is(err error, code Code) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == code
}
