// Package tenant is what a logged-in tenant does with their lease: read
// their account statement, contract and contacts, set their preferences and
// send change requests. Every call is scoped to the principal's own lease.
package tenant

import (
	"context"
	"errors"
	"time"

	"github.com/citejardins/extranet/shared/account"
	"github.com/citejardins/extranet/shared/tenancy"
)

// Preferences are the tenant's choices. The paperless consent is the
// lease's, whoever of its signatories gave it; the notification address is
// each account's own.
type Preferences struct {
	// Paperless is the consent to receive notices electronically (Code civil
	// art. 1126); Since is when it was last given or withdrawn, By the
	// signatory id of the account that did ("" before anyone did, or for a
	// consent recorded before accounts were per signatory).
	Paperless bool
	Since     time.Time
	By        string
	// ByName is By's signatory on the lease (the zero Signatory when By is
	// "" or the ERP no longer lists them); Service.Preferences fills it.
	ByName tenancy.Signatory
	// NotificationEmail receives the monthly "your notice is available"
	// mail; the login email unless the tenant chose another.
	NotificationEmail string
	// LoginEmail is the account's login email (read only).
	LoginEmail string
	// Pending is a new notification address waiting for the link mailed to
	// it to be opened; nil when none. Until then NotificationEmail serves.
	Pending *PendingEmail
}

// PendingEmail is a notification address asked for and not yet confirmed.
type PendingEmail struct {
	Email     string
	AskedAt   time.Time
	ExpiresAt time.Time // the link's expiry
	// LinkHash is the hash of the only link that can confirm it: a newer
	// request or a cancellation replaces it, voiding the older links.
	LinkHash string
}

// RequestKind is the subject of a change request.
type RequestKind string

// Change request kinds.
const (
	ContactDetails  RequestKind = "contact_details"
	Household       RequestKind = "household"
	FamilySituation RequestKind = "family_situation"
	Income          RequestKind = "income"
	OtherRequest    RequestKind = "other"
)

// Kinds lists the request kinds, in the order forms show them.
var Kinds = []RequestKind{ContactDetails, Household, FamilySituation, Income, OtherRequest}

// RequestStatus is where a change request stands at the landlord's.
type RequestStatus string

// Change request statuses.
const (
	Submitted  RequestStatus = "submitted"
	InProgress RequestStatus = "in_progress"
	Done       RequestStatus = "done"
)

// ChangeRequest is a change of the tenant's file ("changement de
// situation") sent to the landlord.
type ChangeRequest struct {
	ID        string
	Reference string
	By        string // the signatory id of the account that sent it; "" on older requests
	// ByName is By's signatory on the lease (the zero Signatory when By is
	// "" or the ERP no longer lists them); the Service's ChangeRequests,
	// ChangeRequest and SubmitChangeRequest fill it, so that every
	// signatory sees who sent each of the lease's requests.
	ByName      tenancy.Signatory
	Kind        RequestKind
	Text        string
	Status      RequestStatus
	SubmittedAt time.Time
	// StartedAt and DoneAt are the dates the landlord took the request up and
	// finished it (civil dates from the ERP).
	StartedAt tenancy.Date
	DoneAt    tenancy.Date
}

// Event is a tenant action the landlord's ERP must learn of. It is saved
// with the action, in the same write, then published for the ERP.
type Event struct {
	ID        string
	Type      string // preferences_changed, change_request_submitted
	Reference string
	At        time.Time
	Data      any
}

// Store errors.
var (
	ErrNotFound = errors.New("not found")
	ErrConflict = errors.New("conflict")
)

// Store reads and writes what the tenant service needs. Every method takes
// the lease reference (or an account key, which holds it), so no call can
// reach another lease.
type Store interface {
	Lease(ctx context.Context, ref string) (tenancy.Lease, error)
	Entries(ctx context.Context, ref string, from, to tenancy.Date, cursor string, limit int) (tenancy.EntryPage, error)
	Residence(ctx context.Context, id string) (tenancy.Residence, []tenancy.Contact, error)
	// Preferences reads the lease's paperless consent and account k's
	// notification address; ErrNotFound without the account.
	Preferences(ctx context.Context, k account.Key) (Preferences, error)
	// SetPreferences saves the preferences and the event (none when e.ID is
	// empty) at once, if the paperless consent (which the event states,
	// changed or not) and the pending address are still as old has them;
	// ErrConflict otherwise. The notification email
	// is written only when p changes it.
	SetPreferences(ctx context.Context, k account.Key, old, p Preferences, e Event) error
	// ConfirmNotificationEmail makes the pending address the notification
	// email (p.NotificationEmail), uses its link (by hash) and saves the
	// event, at once; ErrConflict when the link was used or is no longer
	// the pending one, or the lease's paperless consent is no longer p's.
	ConfirmNotificationEmail(ctx context.Context, k account.Key, hash string, p Preferences, e Event, at time.Time) error
	// AddChangeRequest saves a new request and its event at once;
	// ErrConflict if the id is taken.
	AddChangeRequest(ctx context.Context, r ChangeRequest, e Event) error
	ChangeRequests(ctx context.Context, ref string) ([]ChangeRequest, error)
	ChangeRequest(ctx context.Context, ref, id string) (ChangeRequest, error)
	// MarkPublished removes a published event from the outbox.
	MarkPublished(ctx context.Context, e Event) error
}

// Publisher makes events durable where the ERP fetches them.
type Publisher interface {
	Publish(ctx context.Context, e Event) error
}
