package importer_test

import (
	"context"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/citejardins/extranet/infra/localstack"
	"github.com/citejardins/extranet/shared/dynamo"
	"github.com/citejardins/extranet/shared/importer"
)

// insuranceStore starts the emulator with the demo's residences and leases
// (every demo lease requires a certificate), and returns the store and its
// raw client, to write certificates as the tenant's side lays them out.
func insuranceStore(t *testing.T, now time.Time) (*dynamo.Store, *dynamodb.Client) {
	t.Helper()
	db, err := localstack.StartDynamoDB(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	st := dynamo.New(db.Client, localstack.LocalTables)
	root, err := localstack.FindRoot()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"residences_complet_20261101.csv", "baux_complet_20261101.csv"} {
		importAt(t, st, filepath.Join(root, "infra", "demo", "erp", name), "", now)
	}
	return st, db.Client
}

// importAt imports a file (read from path, or body when path is "") on
// the clock now.
func importAt(t *testing.T, st importer.Store, key, body string, now time.Time) *importer.Report {
	t.Helper()
	var rep *importer.Report
	var err error
	if body == "" {
		rep = importFile(t, st, key)
		return rep
	}
	rep, err = importer.Run(context.Background(), st, key, strings.NewReader(body), importer.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatalf("import %s: %v", key, err)
	}
	return rep
}

// putCertificate writes a certificate item (DESIGN.md, "insurance
// certificate") as the tenant's submission does.
func putCertificate(t *testing.T, db *dynamodb.Client, ref, id, end string, submitted time.Time) {
	t.Helper()
	item := map[string]types.AttributeValue{
		"PK": &types.AttributeValueMemberS{Value: "LEASE#" + ref}, "SK": &types.AttributeValueMemberS{Value: "INSURANCE#" + id},
		"id": &types.AttributeValueMemberS{Value: id}, "insurer": &types.AttributeValueMemberS{Value: "MAIF"},
		"policyNumber": &types.AttributeValueMemberS{Value: "P-1"}, "start": &types.AttributeValueMemberS{Value: "2026-02-01"},
		"end": &types.AttributeValueMemberS{Value: end}, "status": &types.AttributeValueMemberS{Value: "pending"},
		"submittedAt": &types.AttributeValueMemberN{Value: strconv.FormatInt(submitted.Unix(), 10)},
		"key":         &types.AttributeValueMemberS{Value: "insurance/certificates/" + ref + "/" + id + ".pdf"},
		"contentType": &types.AttributeValueMemberS{Value: "application/pdf"}, "sizeBytes": &types.AttributeValueMemberN{Value: "1234"},
		"fileName": &types.AttributeValueMemberS{Value: "attestation.pdf"},
	}
	if _, err := db.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: aws.String(localstack.LocalTables.Tenancy), Item: item}); err != nil {
		t.Fatal(err)
	}
}

type certView struct {
	Status    string `dynamodbav:"status"`
	Reason    string `dynamodbav:"reason"`
	DecidedOn string `dynamodbav:"decidedOn"`
	Insurer   string `dynamodbav:"insurer"`
}

type stateView struct {
	Current     string   `dynamodbav:"current"`
	End         string   `dynamodbav:"end"`
	Required    bool     `dynamodbav:"required"`
	Reminded    []string `dynamodbav:"reminded"`
	Refusal     string   `dynamodbav:"refusal"`
	RemindShard string   `dynamodbav:"remindShard"`
	RemindOn    string   `dynamodbav:"remindOn"`
	Ended       bool     `dynamodbav:"ended"`
}

func getItem[T any](t *testing.T, db *dynamodb.Client, pk, sk string) (T, bool) {
	t.Helper()
	var v T
	res, err := db.GetItem(context.Background(), &dynamodb.GetItemInput{TableName: aws.String(localstack.LocalTables.Tenancy),
		Key:            map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: pk}, "SK": &types.AttributeValueMemberS{Value: sk}},
		ConsistentRead: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	if res.Item == nil {
		return v, false
	}
	if err := attributevalue.UnmarshalMap(res.Item, &v); err != nil {
		t.Fatal(err)
	}
	return v, true
}

var importDay = time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)

// TestRequiredLeaseGetsAMissingReminderFromTheImport: assurance_obligatoire
// O on a lease without an insurance state gives it one, with the Missing
// reminder due on the import's day, in the byReminder index; importing the
// same file again changes nothing.
func TestRequiredLeaseGetsAMissingReminderFromTheImport(t *testing.T) {
	st, db := insuranceStore(t, importDay)
	for _, ref := range []string{"8889999", "1234567", "7654321"} {
		s, ok := getItem[stateView](t, db, "LEASE#"+ref, "INSURANCE")
		if !ok || !s.Required || s.Current != "" || s.RemindOn != time.Now().In(paris(t)).Format("2006-01-02") ||
			s.RemindShard != shardOf(ref) || len(s.Reminded) != 0 {
			t.Errorf("lease %s state %+v (found %v); want required, missing due on the import's day in shard %s", ref, s, ok, shardOf(ref))
		}
	}
	before, _ := getItem[stateView](t, db, "LEASE#8889999", "INSURANCE")
	root, err := localstack.FindRoot()
	if err != nil {
		t.Fatal(err)
	}
	again := importFile(t, st, filepath.Join(root, "infra", "demo", "erp", "baux_complet_20261101.csv"))
	if after, _ := getItem[stateView](t, db, "LEASE#8889999", "INSURANCE"); again.Written != 0 || !reflect.DeepEqual(after, before) {
		t.Errorf("same baux again: %+v, state %+v; want nothing written, state %+v", again, after, before)
	}
	row := "0008889999;SD01;01/09/2015;;12 rue des Jardins;;93200;Saint-Denis;T3;3;512,34;87,66;0,00;prelevement;5;N\n"
	header := "reference;id_residence;date_debut;date_fin;adresse;complement;code_postal;ville;type_logement;etage;loyer;charges;apl;mode_paiement;jour_echeance;assurance_obligatoire\n"
	importAt(t, st, "imports/baux_delta_20261201.csv", header+row, importDay)
	if s, _ := getItem[stateView](t, db, "LEASE#8889999", "INSURANCE"); s.Required || s.RemindOn != "" || s.RemindShard != "" {
		t.Errorf("after N: state %+v; want not required and no reminder to come", s)
	}
	ended := "0001234567;GV02;15/03/2019;31/10/2026;4 allée des Tilleuls;;92230;Gennevilliers;T2;1;430,00;70,00;0,00;virement;1;O\n"
	importAt(t, st, "imports/baux_delta_20261201.csv", header+ended, importDay)
	if s, _ := getItem[stateView](t, db, "LEASE#1234567", "INSURANCE"); s.Required || s.RemindOn != "" || !s.Ended {
		t.Errorf("after the lease ended: state %+v; want not required, ended and no reminder to come", s)
	}
}

func paris(t *testing.T) *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func shardOf(ref string) string { return fmtShard(dynamo.ShardOf(ref)) }

func fmtShard(n int) string { return string([]byte{byte('0' + n/10), byte('0' + n%10)}) }

const assurancesHeader = "reference;id_attestation;statut;date;motif\n"

// TestAssurancesImportDecides: an acceptance and a refusal with its reason
// are written on the certificates and the lease's state (current = newest
// not refused; the refusal to mail once); an unknown certificate, an
// unknown lease and a refusal without a reason are reported and skipped;
// the same file again writes nothing; a later decision replaces the
// earlier one, an older one is refused.
func TestAssurancesImportDecides(t *testing.T) {
	st, db := insuranceStore(t, importDay)
	putCertificate(t, db, "1234567", "c-old", "2027-01-31", importDay.Add(-48*time.Hour))
	putCertificate(t, db, "1234567", "c-new", "2027-11-30", importDay.Add(-time.Hour))
	file := assurancesHeader +
		"0001234567;c-old;acceptée;28/11/2026;\n" +
		"0001234567;c-new;REFUSEE;29/11/2026;Le nom de l'assuré ne correspond pas au bail\n" +
		"0001234567;c-inconnue;acceptee;29/11/2026;\n" +
		"0009999999;c-new;acceptee;29/11/2026;\n" +
		"0001234567;c-new;refusee;29/11/2026;\n"
	rep := importAt(t, st, "imports/assurances_delta_20261130.csv", file, importDay)
	if rep.Status != "done" || rep.Lines != 5 || rep.Written != 2 || rep.Unchanged != 0 || rep.Rejected != 3 {
		t.Fatalf("report %+v; want 2 written, 3 rejected", rep)
	}
	wantErrs := []string{"attestation inconnue pour ce bail\u00a0: c-inconnue", "bail inconnu\u00a0: 9999999", "motif: valeur manquante"}
	for i, want := range wantErrs {
		if rep.Errors[i].Line != i+4 || !strings.Contains(rep.Errors[i].Reason, want) {
			t.Errorf("error %d: %+v; want line %d, %q", i, rep.Errors[i], i+4, want)
		}
	}
	old, _ := getItem[certView](t, db, "LEASE#1234567", "INSURANCE#c-old")
	if old.Status != "accepted" || old.DecidedOn != "2026-11-28" || old.Reason != "" || old.Insurer != "MAIF" {
		t.Errorf("accepted certificate %+v", old)
	}
	refused, _ := getItem[certView](t, db, "LEASE#1234567", "INSURANCE#c-new")
	if refused.Status != "refused" || refused.DecidedOn != "2026-11-29" || refused.Reason != "Le nom de l'assuré ne correspond pas au bail" {
		t.Errorf("refused certificate %+v", refused)
	}
	s, _ := getItem[stateView](t, db, "LEASE#1234567", "INSURANCE")
	if s.Current != "c-old" || s.End != "2027-01-31" || !s.Required || s.Refusal != "refused:c-new:2026-11-29" ||
		s.RemindOn != "2026-11-30" || s.RemindShard != shardOf("1234567") {
		t.Errorf("state %+v; want current c-old (the newest not refused), the refusal to mail today", s)
	}

	again := importAt(t, st, "imports/assurances_delta_20261130.csv", file, importDay.Add(time.Hour))
	if again.Written != 0 || again.Unchanged != 2 || again.Rejected != 3 {
		t.Errorf("same file again: %+v; want nothing written", again)
	}

	later := assurancesHeader + "1234567;c-new;acceptee;02/12/2026;\n1234567;c-old;refusee;01/11/2026;Trop ancienne\n"
	rep = importAt(t, st, "imports/assurances_delta_20261202.csv", later, importDay.Add(48*time.Hour))
	if rep.Written != 1 || rep.Rejected != 1 || !strings.Contains(rep.Errors[0].Reason, "décision antérieure") {
		t.Fatalf("later file: %+v; want the later decision written and the older one refused", rep)
	}
	refused, _ = getItem[certView](t, db, "LEASE#1234567", "INSURANCE#c-new")
	if refused.Status != "accepted" || refused.DecidedOn != "2026-12-02" || refused.Reason != "" {
		t.Errorf("certificate after the later decision %+v", refused)
	}
	s, _ = getItem[stateView](t, db, "LEASE#1234567", "INSURANCE")
	if s.Current != "c-new" || s.End != "2027-11-30" || s.Refusal != "" || s.RemindOn != "2027-10-31" {
		t.Errorf("state %+v; want c-new current, no refusal to mail, the ending reminder on 2027-10-31", s)
	}
}

// TestAssurancesSampleFile: the sample of FORMAT.md (testdata) imports on
// the demo once certificates with its ids exist, and again writes nothing.
func TestAssurancesSampleFile(t *testing.T) {
	st, db := insuranceStore(t, importDay)
	putCertificate(t, db, "1234567", "c-2026-001", "2027-10-31", importDay)
	putCertificate(t, db, "7654321", "c-2026-002", "2027-06-30", importDay)
	rep := importFile(t, st, "testdata/assurances_delta_20261130_exemple.csv")
	if rep.Status != "done" || rep.Written != 2 || rep.Rejected != 0 {
		t.Fatalf("report %+v; want both decisions written", rep)
	}
	if c, _ := getItem[certView](t, db, "LEASE#7654321", "INSURANCE#c-2026-002"); c.Status != "refused" ||
		c.Reason != "Le nom de l'assuré n'est pas celui du bail" {
		t.Errorf("refused certificate %+v", c)
	}
	if again := importFile(t, st, "testdata/assurances_delta_20261130_exemple.csv"); again.Written != 0 || again.Unchanged != 2 {
		t.Errorf("again: %+v; want nothing written", again)
	}
}

// TestAssurancesImportedFortyTimesAtOnce: the same decisions imported by 40
// imports at once (S3 delivering the event again, two drops of one file)
// are each written once, and the lease's state ends as one import leaves
// it.
func TestAssurancesImportedFortyTimesAtOnce(t *testing.T) {
	st, db := insuranceStore(t, importDay)
	putCertificate(t, db, "1234567", "c-1", "2027-01-31", importDay.Add(-time.Hour))
	putCertificate(t, db, "1234567", "c-2", "2027-11-30", importDay)
	file := assurancesHeader + "1234567;c-1;acceptee;29/11/2026;\n1234567;c-2;refusee;30/11/2026;Illisible\n"
	reps := make(chan *importer.Report, 40)
	errs := make(chan error, 40)
	for range 40 {
		go func() {
			rep, err := importer.Run(context.Background(), st, "imports/assurances_delta_20261130.csv", strings.NewReader(file),
				importer.Options{Now: func() time.Time { return importDay }})
			reps <- rep
			errs <- err
		}()
	}
	written, unchanged := 0, 0
	for range 40 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
		rep := <-reps
		written += rep.Written
		unchanged += rep.Unchanged
	}
	if written != 2 || unchanged != 78 {
		t.Errorf("%d written, %d unchanged over 40 imports; want each decision written once", written, unchanged)
	}
	s, _ := getItem[stateView](t, db, "LEASE#1234567", "INSURANCE")
	if s.Current != "c-1" || s.Refusal != "refused:c-2:2026-11-30" || s.RemindOn != "2026-11-30" {
		t.Errorf("state %+v", s)
	}
}
