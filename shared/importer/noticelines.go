package importer

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/citejardins/extranet/shared/dynamo"
	"github.com/citejardins/extranet/shared/erp"
	"github.com/citejardins/extranet/shared/notice"
)

// noticeLines imports a lignes_avis file (FORMAT.md). The lines of one
// lease and period replace that lease's stored lines for the period, so
// they must reach the store together: the writer gathers the whole file
// first, wherever a group's lines are, and writes complete groups only
// once the file is read. A group with a refused line, too many lines or no
// rent line is refused whole: a notice printed with a line missing would
// ask for the wrong amount.
type noticeLines struct {
	*run
	groups map[billingKey]*billingGroup
	order  []*billingGroup   // first appearance in the file
	labels map[string]string // labels repeat from lease to lease: one copy each
}

type billingKey struct {
	ref    string
	period notice.Period
}

type billingGroup struct {
	billingKey
	lines   []int
	recs    []notice.Line
	badLine int // the first line of the group the reader refused, or 0
}

func newNoticeLines(r *run) *noticeLines {
	return &noticeLines{run: r, groups: map[billingKey]*billingGroup{}, labels: map[string]string{}}
}

func (w *noticeLines) group(k billingKey) *billingGroup {
	g := w.groups[k]
	if g == nil {
		// A record's strings share its line's memory: a copy keeps the
		// group from holding the whole line.
		k.ref = strings.Clone(k.ref)
		g = &billingGroup{billingKey: k}
		w.groups[k] = g
		w.order = append(w.order, g)
	}
	return g
}

func (w *noticeLines) add(line int, rec erp.Record, _ int) bool {
	l := rec.(erp.NoticeLine)
	label, ok := w.labels[l.Label]
	if !ok {
		label = strings.Clone(l.Label)
		w.labels[label] = label
	}
	g := w.group(billingKey{l.Reference, l.Period})
	g.lines = append(g.lines, line)
	g.recs = append(g.recs, notice.Line{Label: label, Kind: l.Kind, AmountCents: l.AmountCents})
	return false // nothing is written before the file's end
}

// badLine marks the group of a line the reader refused, when the line
// still says which lease and period it belongs to.
func (w *noticeLines) badLine(le *erp.LineError) {
	p, ok := le.Partial.(erp.NoticeLine)
	if !ok {
		return
	}
	g := w.group(billingKey{p.Reference, p.Period})
	if g.badLine == 0 {
		g.badLine = le.Line
	}
}

// flush writes every group, a hundred a job; the run calls it once the
// file is read.
func (w *noticeLines) flush() {
	var job []*billingGroup
	for _, g := range w.order {
		if len(g.recs) == 0 {
			continue // only refused lines
		}
		job = append(job, g)
		if len(job) == groupsPerJob {
			w.writeJob(job)
			job = nil
		}
	}
	if len(job) > 0 {
		w.writeJob(job)
	}
	w.order = nil
}

func (w *noticeLines) writeJob(gs []*billingGroup) {
	w.goWrite(func() error { return w.write(gs) })
}

func (w *noticeLines) write(gs []*billingGroup) error {
	var checked []*billingGroup
	refs := make([]string, 0, len(gs))
	for _, g := range gs {
		if reason := refusal(g); reason != "" {
			w.rejectAll(g.lines, reason)
			continue
		}
		checked = append(checked, g)
		refs = append(refs, g.ref)
	}
	if len(checked) == 0 {
		return nil
	}
	exist, err := w.st.LeasesExist(w.ctx, refs)
	if err != nil {
		return err
	}
	var out []dynamo.NoticeLinesOf
	for _, g := range checked {
		if !exist[g.ref] {
			w.rejectAll(g.lines, "bail inconnu\u00a0: "+g.ref)
			continue
		}
		out = append(out, dynamo.NoticeLinesOf{Reference: g.ref, Period: g.period, Lines: g.recs})
	}
	s, err := w.st.UpsertNoticeLines(w.ctx, out)
	w.count(s)
	if err != nil {
		return fmt.Errorf("notice lines: %w", err)
	}
	return nil
}

// refusal says why a group cannot be written, or "".
func refusal(g *billingGroup) string {
	where := "bail " + g.ref + ", période " + g.period.String()
	if g.badLine != 0 {
		return where + "\u00a0: la ligne " + strconv.Itoa(g.badLine) +
			" du fichier est refusée (voir son motif), donc aucune ligne de ce bail pour cette période n’est importée\u00a0; corrigez-la puis déposez le fichier de nouveau"
	}
	if len(g.recs) > erp.MaxNoticeLines {
		return fmt.Sprintf("%s\u00a0: %d lignes, %d au plus sur un avis", where, len(g.recs), erp.MaxNoticeLines)
	}
	for _, l := range g.recs {
		if l.Kind == notice.Rent {
			return ""
		}
	}
	return where + "\u00a0: aucune ligne loyer\u00a0; les lignes d’un bail pour une période remplacent toutes celles de son avis, envoyez-les toutes"
}

// finish makes a complete file the whole billing of the periods it lists:
// the stored lines of those periods of running leases the file does not
// list are deleted, so that their notices go back to the lease's terms. A
// line the reader refused may have been such a lease's, so a complete file
// with refused lines deletes nothing, and says so.
func (w *noticeLines) finish() error {
	if !w.snapshot || len(w.groups) == 0 {
		return nil
	}
	if w.badLines > 0 {
		w.mu.Lock()
		w.rep.Warnings = append(w.rep.Warnings, "aucune ligne d’avis supprimée\u00a0: le fichier complet a des lignes refusées\u00a0; corrigez-les puis déposez-le de nouveau")
		w.mu.Unlock()
		return nil
	}
	keep := map[notice.Period]map[string]bool{}
	for k := range w.groups {
		if keep[k.period] == nil {
			keep[k.period] = map[string]bool{}
		}
		keep[k.period][k.ref] = true
	}
	for p, refs := range keep {
		w.goWrite(func() error {
			s, err := w.st.DeleteNoticeLinesExcept(w.ctx, p, refs)
			w.count(s)
			if err != nil {
				return fmt.Errorf("notice lines %s: %w", p, err)
			}
			return nil
		})
	}
	w.wait()
	return w.failed()
}
