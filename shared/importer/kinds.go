package importer

import (
	"context"
	"errors"
	"fmt"

	"github.com/citejardins/extranet/shared/dynamo"
	"github.com/citejardins/extranet/shared/erp"
	"github.com/citejardins/extranet/shared/tenancy"
	"github.com/citejardins/extranet/shared/tenant"
)

type residences struct {
	*run
	batch []tenancy.Residence
}

func (w *residences) add(_ int, rec erp.Record, batch int) bool {
	r := rec.(erp.Residence)
	w.batch = append(w.batch, tenancy.Residence{ID: r.ID, Name: r.Name, Street: r.Street, PostalCode: r.PostalCode, City: r.City})
	return len(w.batch) >= batch
}

func (w *residences) flush() {
	b := w.batch
	w.batch = nil
	if len(b) == 0 {
		return
	}
	w.goWrite(func() error {
		s, err := w.st.UpsertResidences(w.ctx, b)
		w.count(s)
		return err
	})
}

// withParent is a record waiting for its parent (lease or residence) to be
// found.
type withParent[T any] struct {
	line   int
	parent string
	rec    T
}

// known splits records into those whose parent exists and rejects the
// others with the reason.
func known[T any](r *run, recs []withParent[T], exist func([]string) (map[string]bool, error), reason string) ([]T, error) {
	ids := make([]string, 0, len(recs))
	seen := map[string]bool{}
	for _, x := range recs {
		if !seen[x.parent] {
			seen[x.parent] = true
			ids = append(ids, x.parent)
		}
	}
	ok, err := exist(ids)
	if err != nil {
		return nil, err
	}
	out := make([]T, 0, len(recs))
	for _, x := range recs {
		if ok[x.parent] {
			out = append(out, x.rec)
		} else {
			r.reject(x.line, reason+x.parent)
		}
	}
	return out, nil
}

// inResidence writes records that belong to a residence (contacts,
// leases) in batches, refusing those whose residence is unknown.
type inResidence[T any] struct {
	*run
	conv   func(erp.Record) (residence string, t T)
	upsert func(context.Context, []T) (dynamo.UpsertStats, error)
	batch  []withParent[T]
}

func (w *inResidence[T]) add(line int, rec erp.Record, batch int) bool {
	parent, t := w.conv(rec)
	w.batch = append(w.batch, withParent[T]{line, parent, t})
	return len(w.batch) >= batch
}

func (w *inResidence[T]) flush() {
	b := w.batch
	w.batch = nil
	if len(b) == 0 {
		return
	}
	w.goWrite(func() error {
		ok, err := known(w.run, b, func(ids []string) (map[string]bool, error) { return w.st.ResidencesExist(w.ctx, ids) }, "résidence inconnue\u00a0: ")
		if err != nil {
			return err
		}
		s, err := w.upsert(w.ctx, ok)
		w.count(s)
		return err
	})
}

// contacts writes contacts in batches; a snapshot then deletes, for each
// residence it names, the contacts whose role it no longer lists (an
// emergency service withdrawn leaves the public directory with it).
type contacts struct {
	*inResidence[dynamo.ContactOf]
	roles map[string]map[tenancy.ContactRole]bool // residence → roles in the file
	order []string
}

func newContacts(r *run) writer {
	w := &contacts{roles: map[string]map[tenancy.ContactRole]bool{}}
	w.inResidence = &inResidence[dynamo.ContactOf]{run: r, upsert: r.st.UpsertContacts, conv: func(rec erp.Record) (string, dynamo.ContactOf) {
		c := rec.(erp.Contact)
		if w.roles[c.ResidenceID] == nil {
			w.roles[c.ResidenceID] = map[tenancy.ContactRole]bool{}
			w.order = append(w.order, c.ResidenceID)
		}
		w.roles[c.ResidenceID][c.Role] = true
		return c.ResidenceID, dynamo.ContactOf{ResidenceID: c.ResidenceID,
			Contact: tenancy.Contact{Role: c.Role, Name: c.Name, Phone: c.Phone, Email: c.Email, Hours: c.Hours}}
	}}
	return w
}

// finish deletes what a snapshot no longer lists. A line the reader
// refused may have been a residence's contact, so a snapshot with such a
// line deletes nothing, and says so: a typo must not take an emergency
// number off the directory.
func (w *contacts) finish() error {
	if !w.snapshot {
		return nil
	}
	if w.badLines > 0 {
		w.mu.Lock()
		w.rep.Warnings = append(w.rep.Warnings, "aucun contact supprimé\u00a0: le fichier complet a des lignes refusées\u00a0; corrigez-les puis déposez-le de nouveau")
		w.mu.Unlock()
		return nil
	}
	for start := 0; start < len(w.order); start += 500 {
		chunk := make(map[string]map[tenancy.ContactRole]bool, 500)
		for _, id := range w.order[start:min(start+500, len(w.order))] {
			chunk[id] = w.roles[id]
		}
		w.goWrite(func() error {
			s, err := w.st.DeleteContactsExcept(w.ctx, chunk)
			w.count(s)
			if err != nil {
				return fmt.Errorf("contacts: %w", err)
			}
			return nil
		})
	}
	w.wait()
	return w.failed()
}

func newLeases(r *run) writer {
	upsert := func(ctx context.Context, ls []tenancy.Lease) (dynamo.UpsertStats, error) {
		st, err := r.st.UpsertLeasesOn(ctx, ls, r.today)
		if err != nil {
			return st, err
		}
		return st, r.syncInsuranceRequired(ls)
	}
	return &inResidence[tenancy.Lease]{run: r, upsert: upsert, conv: func(rec erp.Record) (string, tenancy.Lease) {
		l := rec.(erp.Lease)
		return l.ResidenceID, tenancy.Lease{Reference: l.Reference, ResidenceID: l.ResidenceID, Start: l.Start, End: l.End,
			Address:      tenancy.Address{Street: l.Street, Complement: l.Complement, PostalCode: l.PostalCode, City: l.City},
			DwellingType: l.DwellingType, Floor: l.Floor, RentCents: l.RentCents, ChargesCents: l.ChargesCents,
			HousingBenefitCents: l.HousingBenefitCents, PaymentMethod: l.PaymentMethod, DueDay: l.DueDay,
			InsuranceRequired: l.InsuranceRequired}
	}}
}

type requests struct {
	*run
	batch []withParent[erp.RequestStatus]
}

func (w *requests) add(line int, rec erp.Record, batch int) bool {
	r := rec.(erp.RequestStatus)
	w.batch = append(w.batch, withParent[erp.RequestStatus]{line: line, parent: r.Reference, rec: r})
	return len(w.batch) >= batch
}

func (w *requests) flush() {
	b := w.batch
	w.batch = nil
	if len(b) == 0 {
		return
	}
	w.goWrite(func() error {
		for _, x := range b {
			st := tenant.InProgress
			if x.rec.Status == erp.RequestDone {
				st = tenant.Done
			}
			changed, err := w.st.SetRequestStatus(w.ctx, x.rec.Reference, x.rec.ID, st, x.rec.Date)
			switch {
			case errors.Is(err, tenant.ErrNotFound):
				w.reject(x.line, "demande inconnue pour ce bail\u00a0: "+x.rec.ID)
			case err != nil:
				return err
			case changed:
				w.count(dynamo.UpsertStats{Written: 1})
			default:
				w.count(dynamo.UpsertStats{Unchanged: 1})
			}
		}
		return nil
	})
}

// grouped gathers the lines of one lease (signatories, entries) and writes
// each lease's group as a whole, so that a snapshot can replace a lease's
// records and a lease's balance moves with its entries. Groups go to the
// workers by the hundred, so that writes can be batched across leases.
type grouped[T any] struct {
	*run
	write   func(gs []group[T]) error
	cur     group[T]
	pending []group[T]
	closed  map[string]bool // leases whose group ended (snapshot contiguity)
}

// group is the lines of one lease.
type group[T any] struct {
	ref   string
	lines []int
	recs  []T
}

// groupsPerJob is how many leases' groups a worker writes at once.
const groupsPerJob = 100

func newGrouped[T any](r *run, write func(gs []group[T]) error) writer {
	return &grouped[T]{run: r, write: write, closed: map[string]bool{}}
}

func (g *grouped[T]) add(line int, rec erp.Record, _ int) bool {
	ref, t := convert[T](rec)
	if ref != g.cur.ref {
		g.endGroup()
		if g.closed[ref] {
			if g.snapshot {
				g.reject(line, "dans un fichier complet, les lignes d’un même bail doivent se suivre\u00a0: bail "+ref+" déjà lu plus haut")
				return false
			}
			// The lease's earlier group may still be writing: a lease's
			// groups are written one after the other.
			g.dispatch()
			g.wait()
		}
		g.cur.ref = ref
	}
	g.cur.lines = append(g.cur.lines, line)
	g.cur.recs = append(g.cur.recs, t)
	return false
}

// endGroup closes the current lease's group and queues it.
func (g *grouped[T]) endGroup() {
	if g.cur.ref != "" && len(g.cur.recs) > 0 {
		g.closed[g.cur.ref] = true
		g.pending = append(g.pending, g.cur)
		if len(g.pending) >= groupsPerJob {
			g.dispatch()
		}
	}
	g.cur = group[T]{}
}

func (g *grouped[T]) dispatch() {
	if len(g.pending) == 0 {
		return
	}
	gs := g.pending
	g.pending = nil
	g.goWrite(func() error { return g.write(gs) })
}

func (g *grouped[T]) flush() {
	g.endGroup()
	g.dispatch()
}

func convert[T any](rec erp.Record) (string, T) {
	var zero T
	switch r := rec.(type) {
	case erp.Signatory:
		return r.Reference, any(tenancy.Signatory{ID: r.ID, Main: r.Main, LastName: r.LastName, FirstName: r.FirstName,
			DateOfBirth: r.DateOfBirth, Email: r.Email}).(T)
	case erp.Entry:
		return r.Reference, any(tenancy.Entry{ID: r.ID, Date: r.Date, Label: r.Label, Kind: r.Kind,
			DebitCents: r.DebitCents, CreditCents: r.CreditCents, PaymentID: r.PaymentID}).(T)
	}
	return "", zero
}

func (r *run) rejectAll(lines []int, reason string) {
	for _, l := range lines {
		r.reject(l, reason)
	}
}

// entries writes each lease's entries with its balance: one Query and one
// transaction (or a few) a lease.
func (r *run) entries(gs []group[tenancy.Entry]) error {
	for _, g := range gs {
		s, err := r.st.SyncEntries(r.ctx, g.ref, g.recs, r.snapshot)
		if errors.Is(err, dynamo.ErrUnknownLease) {
			r.rejectAll(g.lines, "bail inconnu\u00a0: "+g.ref)
			continue
		}
		r.count(s)
		if err != nil {
			return fmt.Errorf("entries of %s: %w", g.ref, err)
		}
	}
	return nil
}

// signatories writes the signatories of many leases in shared batches: one
// look-up of the leases, the upserts, and for a snapshot, one Query a lease
// to delete the signatories it no longer has.
func (r *run) signatories(gs []group[tenancy.Signatory]) error {
	refs := make([]string, len(gs))
	for i, g := range gs {
		refs[i] = g.ref
	}
	ok, err := r.st.LeasesExist(r.ctx, refs)
	if err != nil {
		return err
	}
	var sigs []dynamo.SignatoryOf
	var kept []group[tenancy.Signatory]
	for _, g := range gs {
		if !ok[g.ref] {
			r.rejectAll(g.lines, "bail inconnu\u00a0: "+g.ref)
			continue
		}
		mains := 0
		for _, sg := range g.recs {
			if sg.Main {
				mains++
			}
		}
		if r.snapshot && mains != 1 {
			r.rejectAll(g.lines, fmt.Sprintf("le bail %s doit avoir un et un seul signataire principal (%d dans le fichier)", g.ref, mains))
			continue
		}
		for _, sg := range g.recs {
			sigs = append(sigs, dynamo.SignatoryOf{Reference: g.ref, Signatory: sg})
		}
		kept = append(kept, g)
	}
	s, err := r.st.UpsertSignatories(r.ctx, sigs)
	r.count(s)
	if err != nil {
		return fmt.Errorf("signatories: %w", err)
	}
	if !r.snapshot {
		return nil
	}
	for _, g := range kept {
		keep := make(map[string]bool, len(g.recs))
		for _, sg := range g.recs {
			keep[sg.ID] = true
		}
		n, err := r.st.DeleteSignatoriesExcept(r.ctx, g.ref, keep)
		r.count(dynamo.UpsertStats{Deleted: n})
		if err != nil {
			return fmt.Errorf("signatories of %s: %w", g.ref, err)
		}
	}
	return nil
}
