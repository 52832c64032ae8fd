package noticerun_test

import (
	"context"
	"io"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/ses"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/citejardins/extranet/infra/localstack"
	"github.com/citejardins/extranet/infra/sesemu"
	"github.com/citejardins/extranet/shared/account"
	"github.com/citejardins/extranet/shared/blob"
	"github.com/citejardins/extranet/shared/dynamo"
	"github.com/citejardins/extranet/shared/mail"
	"github.com/citejardins/extranet/shared/notice"
	"github.com/citejardins/extranet/shared/noticerun"
	"github.com/citejardins/extranet/shared/pdf"
	"github.com/citejardins/extranet/shared/tenancy"
	tenantpkg "github.com/citejardins/extranet/shared/tenant"
)

// The tests run the run's rules against the emulators (minidyn, gofakes3,
// sesemu) through the real adapters and the PDF renderer; only the clock
// is fake.

const bucketName = "documents"

var period = notice.Period{Year: 2026, Month: time.December}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// memQueue keeps the planner's messages for the test to deliver.
type memQueue struct {
	mu     sync.Mutex
	bodies []string
}

func (q *memQueue) Send(_ context.Context, bodies []string) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.bodies = append(q.bodies, bodies...)
	return nil
}

func (q *memQueue) take() []string {
	q.mu.Lock()
	defer q.mu.Unlock()
	out := q.bodies
	q.bodies = nil
	return out
}

type rig struct {
	store  *dynamo.Store
	s3     *s3.Client
	bucket *blob.Bucket
	ses    *sesemu.Server
	clock  *clock
	queue  *memQueue
	mails  *memQueue // the mail queue (NoticeMailsQueue)
	hook   noticerun.Hook
	hookMu sync.Mutex
}

func newRig(t *testing.T) *rig {
	t.Helper()
	ctx := context.Background()
	db, err := localstack.StartDynamoDB(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	cfg := aws.Config{Region: "eu-west-3", Credentials: credentials.NewStaticCredentialsProvider("k", "s", "")}

	s3srv := httptest.NewServer(gofakes3.New(s3mem.New()).Server())
	t.Cleanup(s3srv.Close)
	s3c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.BaseEndpoint, o.UsePathStyle = aws.String(s3srv.URL), true })
	if _, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucketName)}); err != nil {
		t.Fatal(err)
	}
	emu := sesemu.New(nil)
	sesSrv := httptest.NewServer(emu)
	t.Cleanup(sesSrv.Close)
	return &rig{store: dynamo.New(db.Client, localstack.LocalTables), s3: s3c, bucket: blob.New(s3c, bucketName), ses: emu,
		clock: &clock{t: time.Date(2026, 11, 20, 5, 0, 0, 0, time.UTC)}, queue: &memQueue{}, mails: &memQueue{},
		// The mailer is built per worker in worker(); keep the endpoint.
	}
}

func (r *rig) sesClient(t *testing.T) *ses.Client {
	t.Helper()
	srv := httptest.NewServer(r.ses)
	t.Cleanup(srv.Close)
	cfg := aws.Config{Region: "eu-west-3", Credentials: credentials.NewStaticCredentialsProvider("k", "s", "")}
	return ses.NewFromConfig(cfg, func(o *ses.Options) { o.BaseEndpoint = aws.String(srv.URL) })
}

func (r *rig) setHook(h noticerun.Hook) {
	r.hookMu.Lock()
	defer r.hookMu.Unlock()
	r.hook = h
}

func (r *rig) callHook(step, ref string) error {
	r.hookMu.Lock()
	h := r.hook
	r.hookMu.Unlock()
	if h == nil {
		return nil
	}
	return h(step, ref)
}

var landlord = notice.Landlord{Name: "Cité Jardins Habitat", AddressLines: []string{"12 avenue des Tilleuls", "93200 Saint-Denis"},
	Phone: "01 49 00 00 00", IBAN: "FR76 3000 4000 0500 0012 3456 789", BIC: "BNPAFRPPXXX"}

func (r *rig) worker(t *testing.T) *noticerun.Worker {
	t.Helper()
	return &noticerun.Worker{Tenancy: r.store, Recipients: r.store, Files: r.bucket, Runs: r.store, Mails: r.mails,
		Renderer: &pdf.Renderer{PortalURL: "https://locataire.example.fr"}, Landlord: landlord, Now: r.clock.Now, Hook: r.callHook}
}

// sender is the mail queue's consumer, unpaced.
func (r *rig) sender(t *testing.T) *noticerun.MailSender {
	t.Helper()
	return &noticerun.MailSender{Runs: r.store, Tenancy: r.store, Recipients: r.store,
		Mailer:    mail.NewSES(r.sesClient(t), "Extranet Locataire <ne-pas-repondre@example.fr>"),
		PublicURL: "https://locataire.example.fr", Now: r.clock.Now, Hook: r.callHook}
}

// sendMails delivers every queued mail message once, in order; it returns
// the bodies whose send failed.
func (r *rig) sendMails(t *testing.T, s *noticerun.MailSender, bodies []string) []string {
	t.Helper()
	var failed []string
	for _, body := range bodies {
		m, err := noticerun.DecodeMailMessage(body)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Send(context.Background(), m); err != nil {
			failed = append(failed, body)
		}
	}
	return failed
}

// deliverAndMail delivers the batches, then the mails they queued.
func (r *rig) deliverAndMail(t *testing.T, w *noticerun.Worker, s *noticerun.MailSender, bodies []string) (failedBatches, failedMails []string) {
	t.Helper()
	failedBatches = r.deliverAll(t, w, bodies)
	failedMails = r.sendMails(t, s, r.mails.take())
	return failedBatches, failedMails
}

func (r *rig) planner() *noticerun.Planner {
	return &noticerun.Planner{Leases: r.store, Queue: r.queue, Runs: r.store, Shards: dynamo.Shards, PerMessage: 3, Now: r.clock.Now}
}

func (r *rig) printer(files noticerun.Files) *noticerun.Printer {
	if files == nil {
		files = r.bucket
	}
	return &noticerun.Printer{Prints: r.store, Files: files, Renderer: &pdf.Renderer{PortalURL: "https://locataire.example.fr"}, Shards: dynamo.Shards, Now: r.clock.Now}
}

func (r *rig) reports() *noticerun.Reports {
	return &noticerun.Reports{Prints: r.store, Shards: dynamo.Shards}
}

// tenant is a lease to seed, with its account if any.
type tenant struct {
	ref        string
	first      string
	last       string
	postal     string
	city       string
	start, end string
	email      string // the account's email; "" for no account
	paperless  bool
	balance    int64 // cents, from one entry dated 2026-11-05
}

func date(s string) tenancy.Date {
	d, err := tenancy.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// leaseOf is a tenant's lease: 500 € rent, 80 € charges, 100 € APL, due
// on the 5th.
func leaseOf(x tenant) tenancy.Lease {
	l := tenancy.Lease{Reference: x.ref, ResidenceID: "R1", Start: date(x.start),
		Address:   tenancy.Address{Street: "3 rue des Lilas", PostalCode: x.postal, City: x.city},
		RentCents: 50000, ChargesCents: 8000, HousingBenefitCents: 10000, PaymentMethod: tenancy.Transfer, DueDay: 5}
	if x.end != "" {
		l.End = date(x.end)
	}
	return l
}

func (r *rig) seed(t *testing.T, ts ...tenant) {
	t.Helper()
	ctx := context.Background()
	var leases []tenancy.Lease
	for _, x := range ts {
		leases = append(leases, leaseOf(x))
	}
	// Imported while every lease ran, so each is listed in its shard: the
	// worker must check the dates itself.
	if _, err := r.store.UpsertLeasesOn(ctx, leases, date("2026-01-15")); err != nil {
		t.Fatal(err)
	}
	var sigs []dynamo.SignatoryOf
	for _, x := range ts {
		sigs = append(sigs, dynamo.SignatoryOf{Reference: x.ref, Signatory: tenancy.Signatory{ID: "S" + x.ref, Main: true,
			LastName: x.last, FirstName: x.first, DateOfBirth: date("1980-01-01")}})
	}
	if _, err := r.store.UpsertSignatories(ctx, sigs); err != nil {
		t.Fatal(err)
	}
	for _, x := range ts {
		if x.balance != 0 {
			if _, err := r.store.SyncEntries(ctx, x.ref, []tenancy.Entry{{ID: "E1", Date: date("2026-11-05"), Label: "Avis",
				Kind: tenancy.Notice, DebitCents: x.balance}}, false); err != nil {
				t.Fatal(err)
			}
		}
		if x.email == "" {
			continue
		}
		acc := account.Account{Reference: x.ref, Signatory: "S" + x.ref, Email: x.email, PasswordHash: "x", Status: account.Active,
			CreatedAt: r.clock.Now()}
		tok := account.Token{Hash: "h" + x.ref, Purpose: "activation", Reference: x.ref, Signatory: acc.Signatory, CreatedAt: r.clock.Now(), ExpiresAt: r.clock.Now().Add(time.Hour)}
		if err := r.store.SavePending(ctx, acc, nil, tok); err != nil {
			t.Fatal(err)
		}
		if x.paperless {
			if err := r.store.SetPreferences(ctx, acc.Key(), tenantpkg.Preferences{}, tenantpkg.Preferences{Paperless: true,
				Since: r.clock.Now(), By: acc.Signatory}, tenantpkg.Event{}); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// deliverAll works every queued message once, in order; it returns the
// bodies whose work failed.
func (r *rig) deliverAll(t *testing.T, w *noticerun.Worker, bodies []string) []string {
	t.Helper()
	var failed []string
	for _, body := range bodies {
		b, err := noticerun.DecodeBatch(body)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Work(context.Background(), b); err != nil {
			failed = append(failed, body)
		}
	}
	return failed
}

// mailsTo counts the mails sesemu accepted for an address.
func (r *rig) mailsTo(addr string) int {
	n := 0
	for _, m := range r.ses.Messages() {
		for _, to := range m.To {
			if to == addr {
				n++
			}
		}
	}
	return n
}

func (r *rig) object(t *testing.T, key string) []byte {
	t.Helper()
	out, err := r.s3.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(bucketName), Key: aws.String(key)})
	if err != nil {
		t.Fatalf("get %s: %v", key, err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// pdfText reads a PDF's text back with poppler's pdftotext; the test is
// skipped where it is missing.
func pdfText(t *testing.T, doc []byte) string {
	t.Helper()
	path, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Skip("pdftotext is not installed (Debian: apt-get install poppler-utils)")
	}
	f := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(f, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(path, f, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}
