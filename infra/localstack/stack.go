// Package localstack runs the whole portal in one process for development
// and tests: every HTTP function of template.yaml on one address, the web
// app, and in-process emulators of DynamoDB (minidyn), S3 (gofakes3) and SES
// (sesemu) that the real AWS SDK clients reach over HTTP.
package localstack

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3bolt"
	"github.com/truora/minidyn/server"
	"go.etcd.io/bbolt"

	"github.com/citejardins/extranet/infra/sesemu"
	"github.com/citejardins/extranet/infra/sqsemu"
	"github.com/citejardins/extranet/shared/dynamo"
	"github.com/citejardins/extranet/shared/filecheck"
	"github.com/citejardins/extranet/shared/portal"
	"github.com/citejardins/extranet/shared/stripepay"
)

// Region and credentials of the emulated account. The emulators check no
// signature; the SDK still signs, so it needs some credentials.
const (
	Region    = "eu-west-3"
	AccessKey = "local"
	SecretKey = "local-secret"
	// MailFrom is the sender of the local stack's mail.
	MailFrom = "Extranet Locataire <ne-pas-repondre@extranet.localhost>"
)

// Options configure a stack. Zero values take defaults.
type Options struct {
	// Addr is where the portal listens; default 127.0.0.1:8080. Use
	// 127.0.0.1:0 for a free port.
	Addr string
	// PublicURL starts emailed links; default http://<the listening address>.
	PublicURL string
	// Root is the repository (template.yaml, web/, infra/demo/); default:
	// the nearest folder above the working directory holding go.mod.
	Root string
	// DataDir keeps S3 objects across restarts; default <Root>/.data.
	DataDir string
	// Env overrides function settings (LIMIT_PER_ADDRESS=...); settings not
	// given here nor by the template fall back to the process environment.
	Env map[string]string
	Log *slog.Logger
	// Skip names event-driven functions (mails...) the stack does not run,
	// for tests that run their built binary instead.
	Skip []string
	// Notices changes how the notices functions are built (fault hooks,
	// renderer, clock), for tests.
	Notices portal.NoticeOptions
	// DynamoDBPartitions, when positive, spreads the partition keys over
	// that many emulator instances (see partitionedDynamo), for runs over
	// thousands of leases; 0 keeps one instance.
	DynamoDBPartitions int
	// SQSSecond is how long one second of SQS time lasts (visibility
	// timeouts, delays, long polls); default time.Second. Tests shorten it
	// to see redeliveries without waiting minutes.
	SQSSecond time.Duration
}

// Stack is a running local portal.
type Stack struct {
	URL      string // the portal: API, web app, /_dev pages
	Mail     *sesemu.Server
	Template *Template
	Demo     []DemoLease
	// DemoCoSignatories are the demo leases' other signatories (Julien
	// LEFÈVRE), each of whom can sign up for their own account.
	DemoCoSignatories []DemoLease
	Endpoints         map[string]string // emulated service → URL, by SDK service id (DYNAMODB, S3, SES, SQS)
	SQS               *sqsemu.Server
	// QueueURLs are the template's queues' local URLs, by logical id.
	QueueURLs map[string]string
	// EventSources are the SQS event source mappings, by function name.
	EventSources map[string]*SQSEventSource
	// Migration is the report of the migrate function's run at start.
	Migration dynamo.MigrationReport
	noticesState

	publicURL string
	env       map[string]string
	store     *dynamo.Store
	s3        *s3Events
	s3cors    *s3CORS // the browsers' view of S3 (s3cors.go)
	jobs      sync.WaitGroup
	stopJobs  []context.CancelFunc
	mailWake  chan struct{}
	servers   []*http.Server
	s3db      interface{ Close() error }
}

// Start starts the emulators, creates the template's tables and buckets,
// loads the demo leases, and serves the portal.
func Start(ctx context.Context, o Options) (*Stack, error) {
	if o.Log == nil {
		o.Log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	if o.Addr == "" {
		o.Addr = "127.0.0.1:8080"
	}
	if o.Root == "" {
		root, err := FindRoot()
		if err != nil {
			return nil, err
		}
		o.Root = root
	}
	if o.DataDir == "" {
		o.DataDir = filepath.Join(o.Root, ".data")
	}
	tpl, err := LoadTemplate(filepath.Join(o.Root, "template.yaml"))
	if err != nil {
		return nil, err
	}
	s := &Stack{Template: tpl, Mail: sesemu.New(nil), Endpoints: map[string]string{}, s3: &s3Events{log: o.Log},
		mailWake: make(chan struct{}, 1), SQS: sqsemu.New(sqsemu.Options{Region: Region, Account: Account, Second: o.SQSSecond}),
		QueueURLs: map[string]string{}, EventSources: map[string]*SQSEventSource{},
		noticesState: noticesState{noticeOpts: o.Notices, log: o.Log}}
	if err := s.startEmulators(o.DataDir, o.DynamoDBPartitions); err != nil {
		s.Close()
		return nil, err
	}

	ln, err := net.Listen("tcp", o.Addr)
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("listen on %s: %w", o.Addr, err)
	}
	s.URL = "http://" + ln.Addr().String()
	s.publicURL = o.PublicURL
	if s.publicURL == "" {
		s.publicURL = s.URL
	}
	s.s3cors.setOrigin(s.publicURL)
	s.env = map[string]string{
		portal.EnvPublicURL:        s.publicURL,
		portal.EnvMailFrom:         MailFrom,
		portal.EnvDynamoDBEndpoint: s.Endpoints["DYNAMODB"],
		portal.EnvSESEndpoint:      s.Endpoints["SES"],
		portal.EnvS3Endpoint:       s.Endpoints["S3"],
		portal.EnvSQSEndpoint:      s.Endpoints["SQS"],
		portal.EnvDocumentsBucket:  DocumentsBucket,
		"AWS_REGION":               Region,
		"AWS_ACCESS_KEY_ID":        AccessKey,
		"AWS_SECRET_ACCESS_KEY":    SecretKey,
	}
	// No CloudFront in front: a secret nobody has, so every request keys on
	// its TCP peer (Options.Env can give a known one, to play CloudFront).
	s.env[portal.EnvOriginSecret] = rand.Text()
	for k, v := range localNoticeEnv {
		s.env[k] = v
	}
	for k, v := range paymentEnv(s.publicURL) { // payments.go
		s.env[k] = v
	}
	for k, v := range o.Env {
		s.env[k] = v
	}

	if err := s.createResources(ctx); err != nil {
		ln.Close()
		s.Close()
		return nil, err
	}
	s.store = dynamo.New(dynamoClient(s.Endpoints["DYNAMODB"]), LocalTables)
	if err := s.startJobs(o.Log, o.Skip); err != nil {
		ln.Close()
		s.Close()
		return nil, err
	}
	if err := s.loadDocuments(ctx, filepath.Join(o.Root, "infra", "demo", "documents")); err != nil {
		ln.Close()
		s.Close()
		return nil, err
	}
	// The demo data go through the import function, as the ERP's files do.
	if err := s.loadDemo(ctx, filepath.Join(o.Root, "infra", "demo", "erp")); err != nil {
		ln.Close()
		s.Close()
		return nil, err
	}
	// As after a deploy, the migrate function runs once (migrate.go).
	if s.Migration, err = s.RunMigrate(ctx); err != nil {
		ln.Close()
		s.Close()
		return nil, err
	}
	h, err := s.handler(o.Root, o.Log)
	if err != nil {
		ln.Close()
		s.Close()
		return nil, err
	}
	srv := &http.Server{Handler: gatewayBody(h), ReadHeaderTimeout: 10 * time.Second}
	s.servers = append(s.servers, srv)
	go srv.Serve(ln)
	return s, nil
}

// Store returns a store on the stack's tables, for tests that seed or
// check data directly.
func (s *Stack) Store() *dynamo.Store { return s.store }

// FunctionEnv returns the environment of one function, as it runs in the
// stack: the template's variables, resolved locally, and the stack's own.
func (s *Stack) FunctionEnv(name string) (map[string]string, error) {
	fn, ok := s.Template.Functions[name]
	if !ok {
		return nil, fmt.Errorf("no function %q in the template", name)
	}
	env := map[string]string{}
	for k, v := range fn.Env {
		switch {
		case s.env[k] != "":
			env[k] = s.env[k]
		case v.Ref != "" && s.QueueURLs[v.Ref] != "":
			env[k] = s.QueueURLs[v.Ref] // a queue's Ref is its URL
		case v.Ref != "" && s.Template.Parameters[v.Ref] != nil:
			env[k] = *s.Template.Parameters[v.Ref] // a parameter's default
		case v.Ref != "":
			env[k] = v.Ref // local resources are named by their logical id
		case v.Other:
			return nil, fmt.Errorf("%s: %s uses an intrinsic the local stack does not evaluate; give it a local value", name, k)
		default:
			env[k] = v.Literal
		}
	}
	for k, v := range s.env {
		env[k] = v
	}
	return env, nil
}

// functionGetenv is a function's getenv in the stack: its environment
// (FunctionEnv), then the process's, for the settings neither the template
// nor the stack gives (LIMIT_MAILS_PER_ACCOUNT=… make run). Every function,
// HTTP or not, reads its settings through it, so they agree.
func functionGetenv(env map[string]string) func(string) string {
	return func(k string) string {
		if v, ok := env[k]; ok {
			return v
		}
		return os.Getenv(k)
	}
}

// handler routes each template route to its function's handler, as API
// Gateway does, and adds the web app and the development pages.
func (s *Stack) handler(root string, log *slog.Logger) (http.Handler, error) {
	mux := http.NewServeMux()
	names := make([]string, 0, len(s.Template.Functions))
	for name := range s.Template.Functions {
		names = append(names, name)
	}
	sort.Strings(names)
	api := &gateway{}
	for _, name := range names {
		if len(s.Template.Functions[name].Routes) == 0 {
			continue
		}
		env, err := s.FunctionEnv(name)
		if err != nil {
			return nil, err
		}
		getenv := functionGetenv(env)
		// The stack is one binary: every function gets the file checks
		// and the payment provider (only the insurance and payment
		// functions' routes use them).
		srv, err := portal.New(portal.AWSConfig(getenv), getenv, log.With("function", name),
			portal.WithFileChecker(filecheck.New()), portal.WithPaymentProvider(stripepay.FromSettings))
		if err != nil {
			return nil, fmt.Errorf("function %s: %w", name, err)
		}
		h := srv.Handler(name)
		for _, r := range s.Template.Functions[name].Routes {
			api.add(r.Method, r.Path, h)
		}
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		io.WriteString(w, `{"status":"ok"}`+"\n")
	})
	inbox := s.Mail.InboxHandler()
	dev := func(h http.Handler) http.Handler { return devGuard(h, s.URL, s.publicURL) } // devguard.go
	mux.Handle("GET /_dev/mail", dev(inbox))
	mux.Handle("GET /_dev/mail/inbox", dev(inbox))
	mux.Handle("/_dev/s3/", dev(s.devS3()))
	mux.Handle("POST /_dev/notices", dev(requireJSON(s.devNotices())))
	mux.Handle("POST /_dev/insurance-reminders", dev(requireJSON(s.devInsuranceReminders()))) // jobs_insurance.go
	mux.Handle("/_dev/checkout/", dev(s.devCheckout()))                                       // payments.go
	mux.Handle("GET /_dev/payments", dev(s.devPayments()))                                    // devpayments.go
	mux.Handle("/", webApp(filepath.Join(root, "web"), WebCSP(s.Endpoints["S3"])))
	// CloudFront sends /api/* to API Gateway as is: no path cleaning or
	// redirect by the mux (which would turn /api//v1/me into /api/v1/me).
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/") {
			api.ServeHTTP(w, r)
			return
		}
		mux.ServeHTTP(w, r)
	}), nil
}

func (s *Stack) startEmulators(dataDir string, partitions int) error {
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return fmt.Errorf("data folder: %w", err)
	}
	// No fsync on commit: a write is in the OS's cache when PutObject
	// answers, which survives the stack's process (not a power cut: this is
	// development data). An fsync a PUT held bbolt's one writer for
	// milliseconds each, so a run's notices were stored one disk flush at
	// a time.
	db, err := bbolt.Open(filepath.Join(dataDir, "s3.bolt"), 0o600, &bbolt.Options{Timeout: 2 * time.Second, NoSync: true, NoFreelistSync: true})
	if err != nil {
		return fmt.Errorf("open S3 data in %s (is another local stack running?): %w", dataDir, err)
	}
	s.s3db = db
	bolt := s3bolt.New(db)
	s.s3cors = &s3CORS{next: presignedExpiry(s.s3.wrap(gofakes3.New(bolt, gofakes3.WithAutoBucket(false)).Server())),
		rules: s.Template.CORS}
	var dyn http.Handler = server.NewServer()
	if partitions > 0 {
		dyn = newPartitionedDynamo(partitions)
	}
	for _, e := range []struct {
		id string
		h  http.Handler
	}{
		{"DYNAMODB", s.mailJobWrites(withCRC32(dyn))},
		{"S3", s.s3cors},
		{"SES", s.Mail},
		{"SQS", s.SQS},
	} {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return fmt.Errorf("listen for %s: %w", e.id, err)
		}
		srv := &http.Server{Handler: e.h, ReadHeaderTimeout: 10 * time.Second}
		s.servers = append(s.servers, srv)
		go srv.Serve(ln)
		s.Endpoints[e.id] = "http://" + ln.Addr().String()
	}
	return nil
}

// withCRC32 adds the X-Amz-Crc32 header DynamoDB puts on every response,
// which the SDK checks and minidyn leaves out; with it, the functions run
// unmodified, checksum validation on.
func withCRC32(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &bufferedResponse{header: http.Header{}, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		for k, v := range rec.header {
			w.Header()[k] = v
		}
		w.Header().Set("X-Amz-Crc32", strconv.FormatUint(uint64(crc32.ChecksumIEEE(rec.body)), 10))
		w.Header().Set("Content-Length", strconv.Itoa(len(rec.body)))
		w.WriteHeader(rec.status)
		w.Write(rec.body)
	})
}

type bufferedResponse struct {
	header http.Header
	status int
	body   []byte
}

func (b *bufferedResponse) Header() http.Header  { return b.header }
func (b *bufferedResponse) WriteHeader(code int) { b.status = code }
func (b *bufferedResponse) Write(p []byte) (int, error) {
	b.body = append(b.body, p...)
	return len(p), nil
}

func (s *Stack) awsConfig() aws.Config {
	return aws.Config{Region: Region, Credentials: credentials.NewStaticCredentialsProvider(AccessKey, SecretKey, "")}
}

// S3Client returns a client of the stack's S3 emulator.
func (s *Stack) S3Client() *s3.Client {
	return s3.NewFromConfig(s.awsConfig(), func(o *s3.Options) {
		o.BaseEndpoint = aws.String(s.Endpoints["S3"])
		o.UsePathStyle = true
	})
}

// BucketName is the local name of a bucket of the template: S3 names are
// lower case.
func BucketName(logicalID string) string { return strings.ToLower(logicalID) }

func (s *Stack) createResources(ctx context.Context) error {
	if err := createTables(ctx, dynamoClient(s.Endpoints["DYNAMODB"]), s.Template); err != nil {
		return err
	}
	client := s.S3Client()
	for _, id := range s.Template.Buckets {
		_, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(BucketName(id))})
		var owned interface{ ErrorCode() string }
		if err != nil && !(errors.As(err, &owned) && strings.HasPrefix(owned.ErrorCode(), "BucketAlready")) {
			return fmt.Errorf("create bucket %s: %w", id, err)
		}
	}
	return s.createQueues()
}

// Close stops the portal and the emulators.
func (s *Stack) Close() error {
	// Connections the SDK opened but never used count as active for five
	// seconds; after a short grace, close whatever is left.
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	for _, stop := range s.stopJobs {
		stop()
	}
	for _, src := range s.EventSources {
		src.Stop()
	}
	s.jobs.Wait()
	s.s3.wg.Wait()
	var errs []error
	for _, srv := range s.servers {
		if err := srv.Shutdown(ctx); errors.Is(err, context.DeadlineExceeded) {
			errs = append(errs, srv.Close())
		} else {
			errs = append(errs, err)
		}
	}
	if s.s3db != nil {
		errs = append(errs, s.s3db.Close())
	}
	return errors.Join(errs...)
}

// FindRoot returns the nearest folder above the working directory that
// holds go.mod.
func FindRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory: run from the repository")
		}
		dir = parent
	}
}
