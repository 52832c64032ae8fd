package directdebit

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/citejardins/extranet/shared/fault"
	"github.com/citejardins/extranet/shared/tenancy"
)

// A mandate's life after its signature: shown, revoked, lapsed.

// View is the lease's direct debit as GET shows it: the active mandate
// (nil when none) and every mandate, newest first, with the statuses of
// today (a lapse due is recorded on reading).
type View struct {
	Current *Mandate
	History []Mandate
}

// Show returns the lease's mandates, first recording the lapse of the
// active one when 36 months passed without a debit (Settle).
func (s *Service) Show(ctx context.Context, ref string) (View, error) {
	cur, all, err := s.Settle(ctx, ref, tenancy.ParisDate(s.now()))
	if err != nil {
		return View{}, err
	}
	slices.SortFunc(all, func(a, b Mandate) int { return b.SignedAt.Compare(a.SignedAt) })
	v := View{History: all}
	if cur.RUM != "" {
		v.Current = &cur
	}
	return v, nil
}

// Active returns lease ref's mandate in force on day, after Settle; false
// when none (never signed, revoked, or lapsed).
func (s *Service) Active(ctx context.Context, ref string, day tenancy.Date) (Mandate, bool, error) {
	cur, _, err := s.Settle(ctx, ref, day)
	return cur, cur.RUM != "", err
}

// Settle reads the lease's mandates and, when the active one has had no
// debit for LapseAfterMonths on day, records its lapse (status lapsed,
// lapsedOn, lastDebitOn) with direct_debit_mandate_lapsed in the export,
// once: of parallel readers one transaction wins. It returns the mandate
// still active (zero when none) and all of them, with their last debit.
// This runs on every read of the mandate and when the monthly notices are
// made, so a lapse is recorded within a month without a schedule of its
// own, and never missed by a notice.
func (s *Service) Settle(ctx context.Context, ref string, day tenancy.Date) (Mandate, []Mandate, error) {
	st, all, err := s.store.Mandates(ctx, ref)
	if err != nil {
		return Mandate{}, nil, fmt.Errorf("read mandates: %w", err)
	}
	if st.Current == "" {
		return Mandate{}, all, nil
	}
	i := slices.IndexFunc(all, func(m Mandate) bool { return m.RUM == st.Current })
	if i < 0 {
		return Mandate{}, nil, fmt.Errorf("mandate %s is current but missing", st.Current)
	}
	l, err := s.ledger.Lease(ctx, ref)
	if err != nil && !errors.Is(err, tenancy.ErrNotFound) {
		return Mandate{}, nil, fmt.Errorf("read lease: %w", err)
	}
	entries, err := s.ledger.LeaseEntries(ctx, ref)
	if err != nil {
		return Mandate{}, nil, fmt.Errorf("read entries: %w", err)
	}
	cur := all[i]
	cur.LastDebitOn = LastDebit(cur, l.PaymentMethod, entries)
	all[i].LastDebitOn = cur.LastDebitOn
	if cur.StatusOn(day) != Lapsed {
		return cur, all, nil
	}
	cur.Status, cur.LapsedOn = Lapsed, cur.LapsesOn()
	e, err := s.event(ref, EventLapsed, s.now(), map[string]any{"rum": cur.RUM, "lapsedOn": cur.LapsedOn.String(),
		"lastDebitOn": dateOrNil(cur.LastDebitOn), "signedOn": cur.SignedOn.String()})
	if err != nil {
		return Mandate{}, nil, err
	}
	if err := s.store.End(ctx, ref, cur, e); err != nil && !errors.Is(err, ErrConflict) {
		return Mandate{}, nil, fmt.Errorf("record lapse: %w", err)
	}
	// Recorded by this call or another: read what is stored.
	_, all, err = s.store.Mandates(ctx, ref)
	if err != nil {
		return Mandate{}, nil, fmt.Errorf("read mandates: %w", err)
	}
	return Mandate{}, all, nil
}

// Revoke ends the lease's active mandate today (Paris) at the tenant's
// request, with direct_debit_mandate_revoked in the export, and returns
// it. Errors: fault.NotFound when no mandate is active (never signed,
// already revoked, lapsed); fault.Conflict when another request kept
// changing it.
func (s *Service) Revoke(ctx context.Context, ref string) (Mandate, error) {
	for try := 0; try < signTries; try++ {
		cur, _, err := s.Settle(ctx, ref, tenancy.ParisDate(s.now()))
		if err != nil {
			return Mandate{}, err
		}
		if cur.RUM == "" {
			return Mandate{}, fault.New(fault.NotFound, msgNone)
		}
		at := s.now()
		cur.Status, cur.RevokedOn = Revoked, tenancy.ParisDate(at)
		e, err := s.event(ref, EventRevoked, at, map[string]any{"rum": cur.RUM, "revokedOn": cur.RevokedOn.String(),
			"revokedAt": at.UTC().Format(time.RFC3339), "by": "tenant"})
		if err != nil {
			return Mandate{}, err
		}
		err = s.store.End(ctx, ref, cur, e)
		if err == nil {
			return cur, nil
		}
		if !errors.Is(err, ErrConflict) {
			return Mandate{}, fmt.Errorf("revoke mandate: %w", err)
		}
		if err := s.pause(ctx, try); err != nil {
			return Mandate{}, err
		}
	}
	return Mandate{}, fault.New(fault.Conflict, msgBusy)
}

// Debits reports whether lease ref has a mandate in force (its current
// mandate, active as recorded), reading only, for callers without the
// service: the payment's default amount (payment.DefaultCents) leaves the
// next due to its debit. A lapse not yet recorded still counts until the
// next Settle records it (on the tenant's next read, or the next notices).
func Debits(ctx context.Context, store Store, ref string) (bool, error) {
	st, all, err := store.Mandates(ctx, ref)
	if err != nil {
		return false, fmt.Errorf("read mandates: %w", err)
	}
	if st.Current == "" {
		return false, nil
	}
	for _, m := range all {
		if m.RUM == st.Current {
			return m.Status == Active, nil
		}
	}
	return false, nil
}
