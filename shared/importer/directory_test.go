package importer_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/citejardins/extranet/shared/directory"
	"github.com/citejardins/extranet/shared/dynamo"
	"github.com/citejardins/extranet/shared/importer"
)

// importText imports a file of the given name and content.
func importText(t *testing.T, st importer.Store, name, body string) *importer.Report {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return importFile(t, st, path)
}

// search returns "residence|city|phone" for each entry a search finds.
func search(t *testing.T, st *dynamo.Store, q string) []string {
	t.Helper()
	prefix, err := directory.Query(q)
	if err != nil {
		t.Fatalf("query %q: %v", q, err)
	}
	es, _, err := st.SearchDirectory(context.Background(), prefix, directory.MaxResults)
	if err != nil {
		t.Fatalf("search %q: %v", q, err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Residence+"|"+e.City+"|"+e.Phone)
	}
	return out
}

func wantSearch(t *testing.T, st *dynamo.Store, q string, want ...string) {
	t.Helper()
	got := search(t, st, q)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("search %q:\n got %q\nwant %q", q, got, want)
	}
}

// The import keeps the public emergency directory: built from the
// residences and their "urgence" contacts, changed with them, emptied of a
// residence whose emergency contact a snapshot no longer lists, and left
// alone by an unchanged re-import.
func TestImportKeepsTheEmergencyDirectory(t *testing.T) {
	st := newStore(t)
	reps := importDemo(t, st)
	if reps[0].Directory != 0 || reps[1].Directory != 3 {
		t.Errorf("directory entries written by residences %d, by contacts %d; want 0 (no contacts yet), 3", reps[0].Directory, reps[1].Directory)
	}
	jardins := "Résidence Les Jardins|Saint-Denis|01 99 00 99 99"
	tilleuls := "Résidence Les Tilleuls|Gennevilliers|01 99 00 99 99"
	cedres := "Résidence Les Cèdres|Aubervilliers|01 99 00 99 99"
	for _, q := range []string{"Saint-Denis", "saint denis", "SAINT", "denis", "93200", "jardins", "Les Jardins", "résidence les j"} {
		wantSearch(t, st, q, jardins)
	}
	wantSearch(t, st, "CEDRES", cedres)
	wantSearch(t, st, "93", cedres, jardins) // by postal code; by town
	wantSearch(t, st, "les", cedres, tilleuls, jardins)
	wantSearch(t, st, "paris")
	all, err := st.Directory(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 3 || all[0].City != "Aubervilliers" || all[2].City != "Saint-Denis" {
		t.Errorf("whole directory %+v; want 3 entries by town", all)
	}
	for _, e := range all {
		if e.Name != "Service d'urgence technique" || !strings.Contains(e.Hours, "24h/24") {
			t.Errorf("entry %+v; want the urgence contact", e)
		}
	}

	// Unchanged: nothing written, records nor directory.
	for _, rep := range importDemo(t, st) {
		if rep.Written != 0 || rep.Deleted != 0 || rep.Directory != 0 {
			t.Errorf("re-import %s: %+v; want nothing written", rep.File, rep)
		}
	}

	// The emergency number of a residence changes; another residence is
	// renamed and moves town.
	rep := importText(t, st, "contacts_delta_20261201.csv",
		"id_residence;role;nom;telephone;horaires\nSD01;urgence;Astreinte Nord;01 99 00 88 88;24h/24\nSD01;gestionnaire;Sophie Martin;01 99 00 12 35;\n")
	if rep.Status != "done" || rep.Written != 2 || rep.Directory != 1 {
		t.Errorf("contacts delta: %+v; want 2 written, 1 directory entry", rep)
	}
	rep = importText(t, st, "residences_delta_20261201.csv",
		"id_residence;nom;adresse;code_postal;ville\nGV02;Les Platanes;4 allée des Tilleuls;92390;Villeneuve-la-Garenne\n")
	if rep.Written != 1 || rep.Directory != 1 {
		t.Errorf("residences delta: %+v; want 1 written, 1 directory entry", rep)
	}
	wantSearch(t, st, "saint-denis", "Résidence Les Jardins|Saint-Denis|01 99 00 88 88")
	wantSearch(t, st, "tilleuls")
	wantSearch(t, st, "gennevilliers")
	wantSearch(t, st, "92230")
	platanes := "Les Platanes|Villeneuve-la-Garenne|01 99 00 99 99"
	for _, q := range []string{"platanes", "villeneuve", "garenne", "92390"} {
		wantSearch(t, st, q, platanes)
	}

	// A snapshot without AU03's emergency service: the contact goes, and
	// the residence leaves the directory; the others stay.
	snapshot := "id_residence;role;nom;telephone;email;horaires\n" +
		"SD01;urgence;Astreinte Nord;01 99 00 88 88;;24h/24\n" +
		"GV02;urgence;Service d'urgence technique;01 99 00 99 99;;7j/7 et 24h/24 (fuite d'eau, panne de chauffage, porte bloquée)\n" +
		"AU03;gestionnaire;Nathalie Robert;01 99 00 34 56;gestion.au03@bailleur.example.fr;du lundi au vendredi, 9h-12h et 14h-17h\n"

	// First with a bad line: nothing is deleted, and the report says why.
	rep = importText(t, st, "contacts_complet_20261202.csv", snapshot+"AU03;plombier;X;;;\n")
	if rep.Rejected != 1 || rep.Deleted != 0 || len(rep.Warnings) != 1 || !strings.Contains(rep.Warnings[0], "aucun contact supprimé") {
		t.Errorf("snapshot with a bad line: %+v; want nothing deleted, with a warning", rep)
	}
	wantSearch(t, st, "aubervilliers", cedres)

	rep = importText(t, st, "contacts_complet_20261203.csv", snapshot)
	// SD01 loses its manager and agency, GV02 both too, AU03 its agency
	// and emergency service.
	if rep.Status != "done" || rep.Rejected != 0 || rep.Deleted != 6 || rep.Directory != 1 {
		t.Errorf("snapshot: %+v; want 6 contacts deleted, 1 directory entry removed", rep)
	}
	wantSearch(t, st, "aubervilliers")
	wantSearch(t, st, "cedres")
	wantSearch(t, st, "93", "Résidence Les Jardins|Saint-Denis|01 99 00 88 88")
	if _, cs, err := st.Residence(context.Background(), "AU03"); err != nil || len(cs) != 1 || cs[0].Role != "territory_manager" {
		t.Errorf("AU03 contacts after the snapshot: %+v, %v; want the manager only", cs, err)
	}
	all, _ = st.Directory(context.Background())
	if len(all) != 2 {
		t.Errorf("whole directory after the snapshot: %+v; want 2 entries", all)
	}

	// The same snapshot again: nothing written.
	rep = importText(t, st, "contacts_complet_20261203.csv", snapshot)
	if rep.Written != 0 || rep.Deleted != 0 || rep.Directory != 0 {
		t.Errorf("snapshot again: %+v; want nothing written", rep)
	}
	// The emergency service comes back.
	rep = importText(t, st, "contacts_delta_20261204.csv", "id_residence;role;nom;telephone\nAU03;urgence;Astreinte Est;01 99 00 77 77\n")
	if rep.Directory != 1 {
		t.Errorf("contact back: %+v; want 1 directory entry", rep)
	}
	wantSearch(t, st, "aubervilliers", "Résidence Les Cèdres|Aubervilliers|01 99 00 77 77")
}

// TestEmergencyDirectoryAtScale checks the directory with many residences:
// a search is cut at 20 residences and says there are more; the whole
// directory holds every residence; re-importing writes nothing. It logs the
// whole directory's size as the API sends it. 250 residences by default:
// the emulator copies the whole table for each transaction, so its time
// grows with the square of the count (DIRECTORY_N=2000, a large landlord,
// takes 3 minutes here; DynamoDB does not).
func TestEmergencyDirectoryAtScale(t *testing.T) {
	st := newStore(t)
	n := envInt("DIRECTORY_N", 250)
	towns := []string{"Saint-Denis", "Gennevilliers", "Aubervilliers", "Villeneuve-la-Garenne", "Épinay-sur-Seine", "Montreuil", "Bobigny", "Pantin"}
	var res, con strings.Builder
	res.WriteString("id_residence;nom;adresse;code_postal;ville\n")
	con.WriteString("id_residence;role;nom;telephone;email;horaires\n")
	for i := range n {
		fmt.Fprintf(&res, "R%04d;Résidence du Parc %d;%d rue de la Paix;93%03d;%s\n", i, i, i, i%1000, towns[i%len(towns)])
		fmt.Fprintf(&con, "R%04d;urgence;Service d'urgence technique;01 99 %02d %02d 99;;7j/7 et 24h/24 (fuite d'eau, panne de chauffage, porte bloquée)\n", i, i/100, i%100)
		fmt.Fprintf(&con, "R%04d;bailleur;Agence;01 99 00 50 00;agence@bailleur.example.fr;du lundi au vendredi\n", i)
	}
	importText(t, st, "residences_complet_20261201.csv", res.String())
	if rep := importText(t, st, "contacts_complet_20261201.csv", con.String()); rep.Directory != n || rep.Rejected != 0 {
		t.Fatalf("contacts: %+v; want %d directory entries", rep, n)
	}

	prefix, _ := directory.Query("93")
	got, more, err := st.SearchDirectory(context.Background(), prefix, directory.MaxResults)
	if err != nil || len(got) != directory.MaxResults || !more {
		t.Errorf("search 93: %d results, more %v, %v; want %d and more", len(got), more, err, directory.MaxResults)
	}
	last := fmt.Sprintf("Résidence du Parc %d", n-1)
	prefix, _ = directory.Query(last)
	if got, more, _ := st.SearchDirectory(context.Background(), prefix, directory.MaxResults); len(got) != 1 || more || got[0].Residence != last {
		t.Errorf("search «%s»: %+v, more %v; want it alone", last, got, more)
	}
	all, err := st.Directory(context.Background())
	if err != nil || len(all) != n {
		t.Fatalf("whole directory: %d entries, %v; want %d", len(all), err, n)
	}
	type address struct {
		PostalCode string `json:"postalCode"`
		City       string `json:"city"`
	}
	type entry struct {
		Residence string  `json:"residence"`
		Address   address `json:"address"`
		Name      string  `json:"name"`
		Phone     string  `json:"phone"`
		Hours     string  `json:"hours"`
	}
	out := make([]entry, len(all))
	for i, e := range all {
		out[i] = entry{e.Residence, address{e.PostalCode, e.City}, e.Name, e.Phone, e.Hours}
	}
	body, _ := json.Marshal(map[string]any{"results": out, "more": false})
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	zw.Write(body)
	zw.Close()
	t.Logf("whole directory of %d residences: %d bytes of JSON, %d gzipped", n, len(body), z.Len())

	for _, name := range []string{"residences_complet_20261201.csv", "contacts_complet_20261201.csv"} {
		body := res.String()
		if strings.HasPrefix(name, "contacts") {
			body = con.String()
		}
		if rep := importText(t, st, name, body); rep.Written != 0 || rep.Deleted != 0 || rep.Directory != 0 {
			t.Errorf("re-import %s: %+v; want nothing written", name, rep)
		}
	}
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}
