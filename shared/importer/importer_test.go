package importer_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/citejardins/extranet/infra/localstack"
	"github.com/citejardins/extranet/shared/dynamo"
	"github.com/citejardins/extranet/shared/importer"
)

var demoFiles = []string{
	"residences_complet_20261101.csv",
	"contacts_complet_20261101.csv",
	"baux_complet_20261101.csv",
	"signataires_complet_20261101.csv",
	"ecritures_complet_20261125.csv",
	"lignes_avis_complet_20261125.csv",
}

func newStore(t *testing.T) *dynamo.Store {
	t.Helper()
	db, err := localstack.StartDynamoDB(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	return dynamo.New(db.Client, localstack.LocalTables)
}

func importFile(t *testing.T, st importer.Store, path string) *importer.Report {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rep, err := importer.Run(context.Background(), st, "imports/"+filepath.Base(path), f, importer.Options{})
	if err != nil {
		t.Fatalf("import %s: %v", path, err)
	}
	return rep
}

func importDemo(t *testing.T, st importer.Store) []*importer.Report {
	t.Helper()
	root, err := localstack.FindRoot()
	if err != nil {
		t.Fatal(err)
	}
	var reps []*importer.Report
	for _, name := range demoFiles {
		reps = append(reps, importFile(t, st, filepath.Join(root, "infra", "demo", "erp", name)))
	}
	return reps
}

func TestDemoImportGivesTheBalancesAndIsIdempotent(t *testing.T) {
	st := newStore(t)
	for _, rep := range importDemo(t, st) {
		if rep.Status != "done" || rep.Rejected != 0 || rep.Written == 0 || rep.Written != rep.Lines {
			t.Errorf("%s: %+v; want every line written", rep.File, rep)
		}
	}
	for ref, want := range map[string]int64{"8889999": 0, "1234567": 35000, "7654321": -2550} {
		l, err := st.Lease(context.Background(), ref)
		if err != nil {
			t.Fatal(err)
		}
		if l.BalanceCents != want {
			t.Errorf("lease %s balance %d; want %d", ref, l.BalanceCents, want)
		}
		if main, ok := l.MainSignatory(); !ok || main.DateOfBirth.IsZero() {
			t.Errorf("lease %s has no main signatory with a date of birth", ref)
		}
	}
	for _, rep := range importDemo(t, st) {
		if rep.Status != "done" || rep.Written != 0 || rep.Deleted != 0 || rep.Unchanged != rep.Lines {
			t.Errorf("re-import %s: %+v; want everything unchanged", rep.File, rep)
		}
	}
}

func TestBadLinesAreReportedAndGoodOnesImported(t *testing.T) {
	st := newStore(t)
	importDemo(t, st)
	rep := importFile(t, st, "testdata/ecritures_delta_20261126_exemple.csv")
	if rep.Status != "done" || rep.Lines != 6 || rep.Written != 2 || rep.Rejected != 4 {
		t.Fatalf("report %+v; want 2 written, 4 rejected", rep)
	}
	wantLines := map[int]string{3: "", 4: "", 5: "bail inconnu", 6: ""}
	for _, e := range rep.Errors {
		want, ok := wantLines[e.Line]
		if !ok || !strings.Contains(e.Reason, want) {
			t.Errorf("unexpected error %+v", e)
		}
		delete(wantLines, e.Line)
	}
	if len(wantLines) != 0 {
		t.Errorf("lines not reported: %v (errors %+v)", wantLines, rep.Errors)
	}
	if len(rep.Warnings) != 1 || !strings.Contains(rep.Warnings[0], "commentaire") {
		t.Errorf("warnings %q; want the unknown column", rep.Warnings)
	}
	l, _ := st.Lease(context.Background(), "8889999")
	if l.BalanceCents != -1500 {
		t.Errorf("balance of 8889999 = %d; want -1500 after the refund line", l.BalanceCents)
	}
	again := importFile(t, st, "testdata/ecritures_delta_20261126_exemple.csv")
	if again.Written != 0 || again.Unchanged != 2 || again.Rejected != 4 {
		t.Errorf("second import %+v; want nothing written", again)
	}
}

func TestRefusedFiles(t *testing.T) {
	st := newStore(t)
	for name, body := range map[string]string{
		"imports/notes.csv":                      "a;b\n1;2\n",
		"imports/baux_complet_20261101.csv":      "reference;nom\n123;X\n", // missing required columns
		"imports/inconnu_delta_20261101.csv":     "x\n",
		"imports/ecritures_partiel_20261101.csv": "x\n",
	} {
		rep, err := importer.Run(context.Background(), st, name, strings.NewReader(body), importer.Options{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if rep.Status != "refused" || rep.Reason == "" || rep.Written != 0 {
			t.Errorf("%s: %+v; want refused with a reason", name, rep)
		}
	}
}

func TestSnapshotReplacesALeasesEntries(t *testing.T) {
	st := newStore(t)
	importDemo(t, st)
	body := "reference;id_ecriture;date;libelle;type;debit;credit\n" +
		"0008889999;Z-1;01/11/2026;Solde antérieur;autre;100,00;0,00\n" +
		"0001234567;Z-2;01/11/2026;Solde antérieur;autre;5,00;0,00\n" +
		"0008889999;Z-3;02/11/2026;Ligne séparée;autre;1,00;0,00\n"
	rep, err := importer.Run(context.Background(), st, "imports/ecritures_complet_20261130.csv", strings.NewReader(body), importer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Rejected != 1 || rep.Errors[0].Line != 4 {
		t.Errorf("report %+v; want line 4 refused (lease lines not contiguous)", rep)
	}
	for ref, want := range map[string]int64{"8889999": 10000, "1234567": 500, "7654321": -2550} {
		l, _ := st.Lease(context.Background(), ref)
		if l.BalanceCents != want {
			t.Errorf("lease %s balance %d; want %d", ref, l.BalanceCents, want)
		}
	}
}

func TestSignatoriesSnapshot(t *testing.T) {
	st := newStore(t)
	importDemo(t, st)
	body := "reference;id_signataire;principal;nom;prenom;date_naissance;email\n" +
		"0001234567;S1234567-1;O;LEFÈVRE;Céline;03/11/1985;celine@exemple.fr\n" + // Julien left
		"0009999999;S9-1;O;INCONNU;Jean;01/01/1980;\n" +
		"0007654321;S7654321-1;O;N'DIAYE;Abdou;30/01/1990;\n" +
		"0007654321;S7654321-2;O;N'DIAYE;Awa;02/02/1992;\n"
	rep, err := importer.Run(context.Background(), st, "imports/signataires_complet_20261201.csv", strings.NewReader(body), importer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Written != 1 || rep.Deleted != 1 || rep.Rejected != 3 {
		t.Fatalf("report %+v; want 1 written (an email added), 1 deleted (Julien), 3 rejected (unknown lease, two main signatories)", rep)
	}
	l, err := st.Lease(context.Background(), "1234567")
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Signatories) != 1 || l.Signatories[0].Email != "celine@exemple.fr" {
		t.Errorf("signatories of 1234567 = %+v; want Céline alone, with her email", l.Signatories)
	}
	if l, _ := st.Lease(context.Background(), "7654321"); len(l.Signatories) != 1 || l.Signatories[0].FirstName != "Abdou" {
		t.Errorf("signatories of 7654321 = %+v; want unchanged", l.Signatories)
	}
}

func TestUnknownResidenceIsRefused(t *testing.T) {
	st := newStore(t)
	importDemo(t, st)
	for name, body := range map[string]string{
		"imports/contacts_delta_20261201.csv": "id_residence;role;nom;telephone;email;horaires\n" +
			"SD01;urgence;Nouveau service d'urgence;01 99 00 99 98;;24h/24\n" +
			"XX99;urgence;Inconnu;01 99 00 00 01;;\n",
		"imports/baux_delta_20261201.csv": "reference;id_residence;date_debut;adresse;code_postal;ville;loyer;charges\n" +
			"0005555555;SD01;01/12/2026;1 rue Neuve;93200;Saint-Denis;400,00;50,00\n" +
			"0005555556;XX99;01/12/2026;2 rue Neuve;93200;Saint-Denis;400,00;50,00\n",
	} {
		rep, err := importer.Run(context.Background(), st, name, strings.NewReader(body), importer.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Written != 1 || rep.Rejected != 1 || rep.Errors[0].Line != 3 || !strings.Contains(rep.Errors[0].Reason, "résidence inconnue\u00a0: XX99") {
			t.Errorf("%s: %+v; want line 3 refused for its unknown residence and line 2 written", name, rep)
		}
	}
	if _, err := st.Lease(context.Background(), "5555555"); err != nil {
		t.Errorf("the good lease was not written: %v", err)
	}
}
