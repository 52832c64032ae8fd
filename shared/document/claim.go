package document

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/citejardins/extranet/shared/fault"
)

// Claims coordinate the requests for one document made on request (a
// receipt, a certificate): of a burst of identical requests, the one that
// claims the document's id takes a limit unit and draws it; the others take
// nothing and wait for it (DESIGN.md, the CLAIM# item).
type Claims interface {
	// ClaimIssue claims the making of document id of lease ref until
	// until: true for one caller (or one taking over a claim expired at
	// now), false while another holds it.
	ClaimIssue(ctx context.Context, ref, id string, now, until time.Time) (bool, error)
	// IssueClaimed reports whether a claim on id is held at now.
	IssueClaimed(ctx context.Context, ref, id string, now time.Time) (bool, error)
	// ReleaseIssue drops the claim on id.
	ReleaseIssue(ctx context.Context, ref, id string) error
	// Document reads one of the lease's documents; ErrNotFound when it has
	// none with that id.
	Document(ctx context.Context, ref, id string) (Document, error)
}

// Claim timings: a claim lasts ClaimFor (drawing one page takes well under
// a second, so a claim older than that is a maker that crashed and can be
// taken over); a request that lost the claim polls every AwaitEvery for at
// most AwaitFor (bounded, within an API Gateway's 29 s).
var (
	ClaimFor   = 30 * time.Second
	AwaitFor   = 5 * time.Second
	AwaitEvery = 100 * time.Millisecond
)

// CodeBeingMade is the 503's code when a request waited for a document
// another request was making, in vain.
const CodeBeingMade = fault.ServiceUnavailable

const msgBeingMade = "Ce document est en cours de préparation à la suite d’une autre demande. Réessayez dans quelques secondes\u00A0; il sera aussi dans «\u00A0Mes documents\u00A0»."

// IssueOnce makes document id of lease ref once for a burst of identical
// requests. The caller that claims id runs make (which takes the limit
// unit, draws, stores and returns the document and whether it created it),
// then releases the claim. Another caller runs nothing: it reads the
// document every AwaitEvery, for AwaitFor at most, and returns it with
// created false; when the maker gave up (its claim is gone and no
// document) or the wait ends, a fault CodeBeingMade with a RetryAfter of
// AwaitFor. now is the clock of the claims' expiry (nil: time.Now); the
// wait is real time.
func IssueOnce(ctx context.Context, c Claims, ref, id string, now func() time.Time, make func() (Document, bool, error)) (Document, bool, error) {
	if now == nil {
		now = time.Now
	}
	t := now()
	won, err := c.ClaimIssue(ctx, ref, id, t, t.Add(ClaimFor))
	if err != nil {
		return Document{}, false, fmt.Errorf("claim document: %w", err)
	}
	if won {
		d, created, err := make()
		// Released even when the request is cancelled: a claim left behind
		// would hold the others until it expires.
		if rerr := c.ReleaseIssue(context.WithoutCancel(ctx), ref, id); rerr != nil && err == nil {
			err = rerr
		}
		return d, created, err
	}
	busy := &fault.Error{Code: CodeBeingMade, RetryAfter: AwaitFor, Message: msgBeingMade}
	tick := time.NewTicker(AwaitEvery)
	defer tick.Stop()
	deadline := time.NewTimer(AwaitFor)
	defer deadline.Stop()
	for {
		select {
		case <-ctx.Done():
			return Document{}, false, ctx.Err()
		case <-deadline.C:
			return Document{}, false, busy
		case <-tick.C:
		}
		// The claim first, then the document: the maker stores the
		// document before it releases the claim, so no claim and no
		// document means it gave up.
		held, err := c.IssueClaimed(ctx, ref, id, now())
		if err != nil {
			return Document{}, false, fmt.Errorf("read claim: %w", err)
		}
		d, err := c.Document(ctx, ref, id)
		if err == nil {
			return d, false, nil
		}
		if !errors.Is(err, ErrNotFound) {
			return Document{}, false, fmt.Errorf("read document: %w", err)
		}
		if !held {
			return Document{}, false, busy
		}
	}
}
