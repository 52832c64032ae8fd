package importer_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/citejardins/extranet/shared/dynamo"
	"github.com/citejardins/extranet/shared/importer"
	"github.com/citejardins/extranet/shared/notice"
	"github.com/citejardins/extranet/shared/tenancy"
)

const noticeLinesHeader = "reference;periode;libelle;type;montant\n"

var (
	dec2026 = notice.Period{Year: 2026, Month: 12}
	jan2027 = notice.Period{Year: 2027, Month: 1}
)

func runImport(t *testing.T, st importer.Store, name, body string, o importer.Options) *importer.Report {
	t.Helper()
	rep, err := importer.Run(context.Background(), st, "imports/"+name, strings.NewReader(body), o)
	if err != nil {
		t.Fatalf("import %s: %v", name, err)
	}
	if rep.Status != "done" {
		t.Fatalf("import %s: %+v; want done", name, rep)
	}
	return rep
}

func linesOf(t *testing.T, st *dynamo.Store, ref string, p notice.Period) []notice.Line {
	t.Helper()
	ls, err := st.NoticeLines(context.Background(), ref, p)
	if err != nil {
		t.Fatalf("notice lines of %s %s: %v", ref, p, err)
	}
	return ls
}

// seedLeases writes running leases 100001, 100002... and returns their
// references.
func seedLeases(t *testing.T, st *dynamo.Store, n int) []string {
	t.Helper()
	var ls []tenancy.Lease
	var refs []string
	for i := 1; i <= n; i++ {
		ref := fmt.Sprint(100000 + i)
		refs = append(refs, ref)
		ls = append(ls, tenancy.Lease{Reference: ref, ResidenceID: "SD01", Start: tenancy.Date{Year: 2020, Month: 1, Day: 1},
			Address: tenancy.Address{Street: "1 rue", PostalCode: "93200", City: "Saint-Denis"}, RentCents: 40000, ChargesCents: 5000})
	}
	if _, err := st.UpsertLeases(context.Background(), ls); err != nil {
		t.Fatal(err)
	}
	return refs
}

func TestDemoNoticeLines(t *testing.T) {
	st := newStore(t)
	importDemo(t, st)
	want := []notice.Line{
		{Label: "Loyer principal", Kind: notice.Rent, AmountCents: 43000},
		{Label: "Provisions pour charges", Kind: notice.Charges, AmountCents: 7000},
		{Label: "Régularisation chauffage collectif 2025-2026 (trop-perçu)", Kind: notice.Settlement, AmountCents: -4260},
	}
	if got := linesOf(t, st, "1234567", dec2026); !reflect.DeepEqual(got, want) {
		t.Errorf("December lines of 1234567:\n got %+v\nwant %+v", got, want)
	}
	for _, ref := range []string{"8889999", "7654321"} {
		if got := linesOf(t, st, ref, dec2026); got != nil {
			t.Errorf("December lines of %s = %+v; want none (the ERP sent none)", ref, got)
		}
	}
	if got := linesOf(t, st, "1234567", jan2027); got != nil {
		t.Errorf("January lines of 1234567 = %+v; want none", got)
	}
	// The December 2026 notices of the demo leases, from these lines (or
	// the lease's terms) and the balance the demo's entries leave (none is
	// dated after November).
	for ref, want := range map[string]struct{ period, due int64 }{
		"1234567": {45740, 80740}, // 430 + 70 − 42,60; 350,00 owed before
		"8889999": {60000, 60000}, // 512,34 + 87,66, derived
		"7654321": {27000, 24450}, // 389,90 + 60,10 − 180 (APL), derived; 25,50 in credit before
	} {
		l, err := st.Lease(context.Background(), ref)
		if err != nil {
			t.Fatal(err)
		}
		n := notice.Build(l, dec2026, linesOf(t, st, ref, dec2026), l.BalanceCents, notice.Landlord{}, tenancy.Date{Year: 2026, Month: 11, Day: 25})
		if n.PeriodCents != want.period || n.AmountDueCents != want.due {
			t.Errorf("December notice of %s: period %d, due %d; want %d, %d", ref, n.PeriodCents, n.AmountDueCents, want.period, want.due)
		}
	}
}

// TestNoticeLinesGatheredAcrossTheFile: a group's lines at both ends of a
// file, with hundreds of groups and one-line batches between them, are
// stored together, in the file's order.
func TestNoticeLinesGatheredAcrossTheFile(t *testing.T) {
	st := newStore(t)
	refs := seedLeases(t, st, 250)
	var b strings.Builder
	b.WriteString(noticeLinesHeader)
	b.WriteString(refs[0] + ";2026-12;Loyer;loyer;400,00\n")
	for _, ref := range refs[1:] {
		fmt.Fprintf(&b, "%s;2026-12;Loyer;loyer;400,00\n%s;2026-12;Charges;charges;50,00\n", ref, ref)
	}
	b.WriteString(refs[0] + ";2027-01;Loyer;loyer;401,00\n")
	b.WriteString(refs[0] + ";2026-12;Supplément de loyer de solidarité;sls;12,34\n")
	rep := runImport(t, st, "lignes_avis_delta_20261125.csv", b.String(), importer.Options{Batch: 1, Workers: 8})
	if rep.Lines != 501 || rep.Written != 501 || rep.Rejected != 0 {
		t.Fatalf("report %+v; want 501 lines written", rep)
	}
	want := []notice.Line{{Label: "Loyer", Kind: notice.Rent, AmountCents: 40000},
		{Label: "Supplément de loyer de solidarité", Kind: notice.SLS, AmountCents: 1234}}
	if got := linesOf(t, st, refs[0], dec2026); !reflect.DeepEqual(got, want) {
		t.Errorf("December lines of %s:\n got %+v\nwant %+v", refs[0], got, want)
	}
	if got := linesOf(t, st, refs[0], jan2027); len(got) != 1 || got[0].AmountCents != 40100 {
		t.Errorf("January lines of %s = %+v; want the one line", refs[0], got)
	}
	if got := linesOf(t, st, refs[249], dec2026); len(got) != 2 {
		t.Errorf("December lines of %s = %+v; want 2", refs[249], got)
	}
	again := runImport(t, st, "lignes_avis_delta_20261125.csv", b.String(), importer.Options{Batch: 1, Workers: 8})
	if again.Written != 0 || again.Unchanged != 501 {
		t.Errorf("re-import %+v; want nothing written", again)
	}
}

// TestNoticeLinesReplaceAPeriod: a lease's lines for a period replace the
// stored ones (not added to them); its other periods and other leases stay.
func TestNoticeLinesReplaceAPeriod(t *testing.T) {
	st := newStore(t)
	refs := seedLeases(t, st, 2)
	runImport(t, st, "lignes_avis_delta_20261120.csv", noticeLinesHeader+
		refs[0]+";2026-12;Loyer;loyer;400,00\n"+refs[0]+";2026-12;Charges;charges;50,00\n"+refs[0]+";2026-12;APL;apl;-100,00\n"+
		refs[0]+";2027-01;Loyer;loyer;400,00\n"+refs[1]+";2026-12;Loyer;loyer;400,00\n", importer.Options{})
	rep := runImport(t, st, "lignes_avis_delta_20261125.csv", noticeLinesHeader+
		refs[0]+";2026-12;Loyer;loyer;400,00\n"+refs[0]+";2026-12;RLS;rls;-40,00\n", importer.Options{})
	if rep.Written != 2 || rep.Deleted != 0 {
		t.Errorf("report %+v; want 2 lines written", rep)
	}
	want := []notice.Line{{Label: "Loyer", Kind: notice.Rent, AmountCents: 40000}, {Label: "RLS", Kind: notice.RLS, AmountCents: -4000}}
	if got := linesOf(t, st, refs[0], dec2026); !reflect.DeepEqual(got, want) {
		t.Errorf("December lines of %s:\n got %+v\nwant %+v", refs[0], got, want)
	}
	if got := linesOf(t, st, refs[0], jan2027); len(got) != 1 {
		t.Errorf("January lines of %s = %+v; want kept", refs[0], got)
	}
	if got := linesOf(t, st, refs[1], dec2026); len(got) != 1 {
		t.Errorf("December lines of %s = %+v; want kept", refs[1], got)
	}
}

// TestNoticeLinesRefusedGroups: a refused line takes its whole lease and
// period with it; so do more than 15 lines, no rent line, an unknown lease.
// Every line is reported, and the good groups are written.
func TestNoticeLinesRefusedGroups(t *testing.T) {
	st := newStore(t)
	refs := seedLeases(t, st, 4)
	good, badLine, noRent, tooMany := refs[0], refs[1], refs[2], refs[3]
	var b strings.Builder
	b.WriteString(noticeLinesHeader)
	b.WriteString(good + ";2026-12;Loyer;loyer;400,00\n")    // 2
	b.WriteString(badLine + ";2026-12;Loyer;loyer;400,00\n") // 3
	b.WriteString(badLine + ";2026-12;APL;apl;180,00\n")     // 4: a debit
	b.WriteString(badLine + ";2027-01;Loyer;loyer;400,00\n") // 5: another period, good
	b.WriteString(noRent + ";2026-12;SLS;sls;30,00\n")       // 6
	b.WriteString("0009999999;2026-12;Loyer;loyer;400,00\n") // 7
	b.WriteString(good + ";2026-12;Charges;charges;50,00\n") // 8
	for i := range 16 {                                      // 9-24
		fmt.Fprintf(&b, "%s;2026-12;Ligne %d;%s;1,00\n", tooMany, i, []string{"loyer", "autre"}[min(i, 1)])
	}
	rep := runImport(t, st, "lignes_avis_delta_20261125.csv", b.String(), importer.Options{})
	if rep.Lines != 23 || rep.Written != 3 || rep.Rejected != 20 {
		t.Fatalf("report %+v; want 3 written (good, badLine's January), 20 rejected", rep)
	}
	reasons := map[int]string{}
	for _, e := range rep.Errors {
		reasons[e.Line] = e.Reason
	}
	for line, want := range map[int]string{
		3:  "bail " + badLine + ", période 2026-12\u00a0: la ligne 4 du fichier est refusée (voir son motif), donc aucune ligne de ce bail pour cette période n’est importée",
		4:  `montant: "180,00" est positif : une ligne apl est un crédit`,
		6:  "bail " + noRent + ", période 2026-12\u00a0: aucune ligne loyer",
		7:  "bail inconnu\u00a0: 9999999",
		9:  "bail " + tooMany + ", période 2026-12\u00a0: 16 lignes, 15 au plus sur un avis",
		24: "16 lignes, 15 au plus",
	} {
		if !strings.Contains(reasons[line], want) {
			t.Errorf("line %d: reason %q; want %q", line, reasons[line], want)
		}
	}
	if got := linesOf(t, st, good, dec2026); len(got) != 2 {
		t.Errorf("lines of the good lease = %+v; want 2", got)
	}
	if got := linesOf(t, st, badLine, jan2027); len(got) != 1 {
		t.Errorf("January lines of %s = %+v; want its good group written", badLine, got)
	}
	for _, ref := range []string{badLine, noRent, tooMany} {
		if got := linesOf(t, st, ref, dec2026); got != nil {
			t.Errorf("December lines of %s = %+v; want none written", ref, got)
		}
	}
}

// TestNoticeLinesSnapshot: a complete file is the whole billing of the
// periods it lists. Running leases it leaves out lose their lines for those
// periods; other periods and ended leases keep theirs. With a refused line,
// nothing is deleted.
func TestNoticeLinesSnapshot(t *testing.T) {
	st := newStore(t)
	refs := seedLeases(t, st, 4)
	kept, dropped, otherPeriod, ended := refs[0], refs[1], refs[2], refs[3]
	runImport(t, st, "lignes_avis_delta_20261120.csv", noticeLinesHeader+
		kept+";2026-12;Loyer;loyer;400,00\n"+dropped+";2026-12;Loyer;loyer;400,00\n"+
		otherPeriod+";2027-01;Loyer;loyer;400,00\n"+ended+";2026-12;Loyer;loyer;400,00\n", importer.Options{})
	l, err := st.Lease(context.Background(), ended)
	if err != nil {
		t.Fatal(err)
	}
	l.End = tenancy.Date{Year: 2026, Month: 11, Day: 15}
	if _, err := st.UpsertLeases(context.Background(), []tenancy.Lease{l}); err != nil {
		t.Fatal(err)
	}

	complete := noticeLinesHeader + kept + ";2026-12;Loyer;loyer;401,00\n"
	withBadLine := complete + kept + ";2026-13;Loyer;loyer;401,00\n"
	rep, err := importer.Run(context.Background(), st, "imports/lignes_avis_complet_20261125.csv", strings.NewReader(withBadLine), importer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Written != 1 || rep.Deleted != 0 || len(rep.Warnings) != 1 || !strings.Contains(rep.Warnings[0], "aucune ligne d’avis supprimée") {
		t.Errorf("complete file with a refused line: %+v; want 1 written, nothing deleted, a warning", rep)
	}
	if got := linesOf(t, st, dropped, dec2026); got == nil {
		t.Fatal("lines deleted by a complete file with a refused line")
	}

	rep = runImport(t, st, "lignes_avis_complet_20261126.csv", complete, importer.Options{})
	if rep.Written != 0 || rep.Unchanged != 1 || rep.Deleted != 1 {
		t.Errorf("complete file: %+v; want 1 unchanged, 1 deleted", rep)
	}
	if got := linesOf(t, st, dropped, dec2026); got != nil {
		t.Errorf("December lines of %s = %+v; want deleted", dropped, got)
	}
	for _, k := range []struct {
		ref string
		p   notice.Period
	}{{kept, dec2026}, {otherPeriod, jan2027}, {ended, dec2026}} {
		if got := linesOf(t, st, k.ref, k.p); got == nil {
			t.Errorf("%s lines of %s deleted; want kept", k.p, k.ref)
		}
	}
	if rep := runImport(t, st, "lignes_avis_complet_20261126.csv", complete, importer.Options{}); rep.Written != 0 || rep.Deleted != 0 {
		t.Errorf("complete file again: %+v; want nothing written or deleted", rep)
	}
}

// TestLeaseImportShardsRunningLeases: the import's date decides which
// leases are running, so which ones the monthly run lists.
func TestLeaseImportShardsRunningLeases(t *testing.T) {
	st := newStore(t)
	runImport(t, st, "residences_complet_20261101.csv", "id_residence;nom\nSD01;Les Jardins\n", importer.Options{})
	body := "reference;id_residence;date_debut;date_fin;adresse;code_postal;ville;loyer;charges\n" +
		"0005555551;SD01;01/01/2020;;1 rue;93200;Saint-Denis;400,00;50,00\n" +
		"0005555552;SD01;01/01/2020;24/11/2026;2 rue;93200;Saint-Denis;400,00;50,00\n" +
		"0005555553;SD01;01/01/2020;25/11/2026;3 rue;93200;Saint-Denis;400,00;50,00\n"
	now := func() time.Time { return time.Date(2026, 11, 24, 23, 30, 0, 0, time.UTC) } // 25/11 in Paris
	runImport(t, st, "baux_complet_20261125.csv", body, importer.Options{Now: now})
	var listed []string
	for shard := range dynamo.Shards {
		cursor := ""
		for {
			refs, next, err := st.ShardLeases(context.Background(), shard, cursor)
			if err != nil {
				t.Fatal(err)
			}
			listed = append(listed, refs...)
			if next == "" {
				break
			}
			cursor = next
		}
	}
	slices.Sort(listed)
	if want := []string{"5555551", "5555553"}; !slices.Equal(listed, want) {
		t.Errorf("running leases %v; want %v", listed, want)
	}
}
