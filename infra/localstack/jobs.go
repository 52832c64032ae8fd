package localstack

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/citejardins/extranet/shared/erp"
	"github.com/citejardins/extranet/shared/portal"
)

// The local stack plays the event sources AWS would: S3 notifications start
// the import function when a file lands under its prefix, and the accounts
// table's stream (here, a short poll of the outbox) wakes the exports
// function. The mails function is woken as the stream's filter would: by a
// write of a mail job to the emulator (see mailJobWrites), and by a poll
// that stands for its schedule. The handlers are the functions' own.

// s3Events watches the S3 emulator's writes and hands each created object to
// the functions the template triggers on it, as S3 notifications do.
type s3Events struct {
	mu       sync.Mutex
	triggers []s3Target
	wg       sync.WaitGroup
	log      *slog.Logger
	// fault, when set, fails the requests it returns true for with a 500
	// InternalError, as S3 sometimes does (tests of the callers' retries).
	fault func(method, path string) bool
}

type s3Target struct {
	bucket, prefix, suffix string
	handle                 func(context.Context, events.S3Event) error
}

func (e *s3Events) add(t s3Target) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.triggers = append(e.triggers, t)
}

// wrap returns the emulator's handler with notifications: after a
// successful PUT of an object (or the completion of a multipart upload).
func (e *s3Events) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.mu.Lock()
		fault := e.fault
		e.mu.Unlock()
		if fault != nil && fault(r.Method, r.URL.Path) {
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(http.StatusInternalServerError)
			io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>InternalError</Code><Message>injected</Message></Error>`)
			return
		}
		rec := &statusOnly{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		created := (r.Method == http.MethodPut && r.Header.Get("X-Amz-Copy-Source") == "" && !r.URL.Query().Has("uploadId")) ||
			(r.Method == http.MethodPost && r.URL.Query().Has("uploadId"))
		if !created || rec.status != http.StatusOK {
			return
		}
		bucket, key, ok := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
		if !ok || key == "" || r.URL.Query().Has("partNumber") {
			return
		}
		e.mu.Lock()
		defer e.mu.Unlock()
		for _, t := range e.triggers {
			if t.bucket == bucket && strings.HasPrefix(key, t.prefix) && strings.HasSuffix(key, t.suffix) {
				ev := events.S3Event{Records: []events.S3EventRecord{{EventSource: "aws:s3", EventName: "ObjectCreated:Put",
					AWSRegion: Region, EventTime: time.Now().UTC(),
					S3: events.S3Entity{Bucket: events.S3Bucket{Name: bucket}, Object: events.S3Object{Key: url.QueryEscape(key)}}}}}
				e.wg.Add(1)
				go func(h func(context.Context, events.S3Event) error) { // S3 notifies asynchronously
					defer e.wg.Done()
					if err := h(context.Background(), ev); err != nil {
						e.log.Error("s3 event handler", "key", key, "err", err)
					}
				}(t.handle)
			}
		}
	})
}

type statusOnly struct {
	http.ResponseWriter
	status int
}

func (s *statusOnly) WriteHeader(code int) { s.status = code; s.ResponseWriter.WriteHeader(code) }

// startJobs builds the functions that are not HTTP (import, exports) and
// wires them to their event sources.
func (s *Stack) startJobs(log *slog.Logger, skip []string) error {
	for name, fn := range s.Template.Functions {
		if (len(fn.S3) == 0 && len(fn.Streams) == 0 && len(fn.SQS) == 0) || slices.Contains(skip, name) {
			continue
		}
		env, err := s.FunctionEnv(name)
		if err != nil {
			return err
		}
		getenv := functionGetenv(env)
		flog := log.With("function", name)
		switch name {
		case "import":
			h, err := portal.ImportHandler(portal.AWSConfig(getenv), getenv, flog)
			if err != nil {
				return fmt.Errorf("function %s: %w", name, err)
			}
			for _, t := range fn.S3 {
				s.s3.add(s3Target{bucket: BucketName(t.Bucket), prefix: t.Prefix, suffix: t.Suffix, handle: h})
			}
		case "exports":
			publish, err := portal.ExportsHandler(portal.AWSConfig(getenv), getenv, flog)
			if err != nil {
				return fmt.Errorf("function %s: %w", name, err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			s.stopJobs = append(s.stopJobs, cancel)
			s.jobs.Add(1)
			go func() {
				defer s.jobs.Done()
				t := time.NewTicker(200 * time.Millisecond)
				defer t.Stop()
				for {
					select {
					case <-ctx.Done():
						return
					case <-t.C:
						if _, err := publish(ctx); err != nil && ctx.Err() == nil {
							flog.Warn("publish events", "err", err)
						}
					}
				}
			}()
		case "mails":
			run, err := portal.MailsHandler(portal.AWSConfig(getenv), getenv, flog)
			if err != nil {
				return fmt.Errorf("function %s: %w", name, err)
			}
			s.runOnStream(func(ctx context.Context) {
				if _, err := run(ctx); err != nil && ctx.Err() == nil {
					flog.Warn("mail jobs", "err", err)
				}
			})
		default:
			if len(fn.SQS) > 0 {
				if err := s.startSQSFunction(name, fn, getenv, flog); err != nil {
					return err
				}
				continue
			}
			return fmt.Errorf("function %s: the local stack does not know how to trigger it", name)
		}
	}
	return nil
}

// DocumentsBucket is the local name of the documents bucket.
var DocumentsBucket = BucketName("DocumentsBucket")

// Import puts a file under imports/ in the documents bucket, as the ERP
// does, and waits for the import function's report.
func (s *Stack) Import(ctx context.Context, name string, body []byte) ([]byte, error) {
	key := portal.ImportsPrefix + name
	client := s.S3Client()
	// A report left by an earlier run of the same file would answer too soon.
	_, _ = client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &DocumentsBucket, Key: aws.String(key + portal.ReportSuffix)})
	if _, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: &DocumentsBucket, Key: &key, Body: strings.NewReader(string(body))}); err != nil {
		return nil, fmt.Errorf("put %s: %w", key, err)
	}
	return s.waitReport(ctx, key)
}

func (s *Stack) waitReport(ctx context.Context, key string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	client := s.S3Client()
	for {
		out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: &DocumentsBucket, Key: aws.String(key + portal.ReportSuffix)})
		if err == nil {
			defer out.Body.Close()
			return io.ReadAll(out.Body)
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("no report for %s: %w", key, ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// demoOrder is the order the ERP's files must be imported in: parents first.
var demoOrder = []erp.Kind{erp.Residences, erp.Contacts, erp.Leases, erp.Signatories, erp.Entries, erp.NoticeLines, erp.Requests}

// loadDemo imports the demo files of dir through the import function, in
// order, and lists the demo leases.
func (s *Stack) loadDemo(ctx context.Context, dir string) error {
	files, err := filepath.Glob(filepath.Join(dir, "*.csv"))
	if err != nil {
		return err
	}
	rank := func(path string) int {
		info, err := erp.ParseName(filepath.Base(path))
		for i, k := range demoOrder {
			if err == nil && info.Kind == k {
				return i
			}
		}
		return len(demoOrder)
	}
	sort.SliceStable(files, func(i, j int) bool { return rank(files[i]) < rank(files[j]) })
	var signatories []byte
	for _, f := range files {
		body, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		rep, err := s.Import(ctx, filepath.Base(f), body)
		if err != nil {
			return fmt.Errorf("demo data: %w", err)
		}
		if !strings.Contains(string(rep), `"status": "done"`) || !strings.Contains(string(rep), `"rejected": 0`) {
			return fmt.Errorf("demo data %s not imported cleanly: %s", filepath.Base(f), rep)
		}
		if rank(f) == 3 { // signatories: the demo leases, as tenants sign up with them
			signatories = body
		}
	}
	return s.listDemo(ctx, signatories)
}

func (s *Stack) listDemo(ctx context.Context, signatories []byte) error {
	rd, err := erp.NewReader(strings.NewReader(string(signatories)), erp.Signatories)
	if err != nil {
		return err
	}
	for {
		rec, err := rd.Next()
		if err != nil {
			var le *erp.LineError
			if errors.As(err, &le) {
				continue
			}
			break
		}
		sg := rec.(erp.Signatory)
		l, err := s.store.Lease(ctx, sg.Reference)
		if err != nil {
			return err
		}
		if !sg.Main {
			s.DemoCoSignatories = append(s.DemoCoSignatories, DemoLease{Reference: sg.Reference, LastName: sg.LastName,
				FirstName: sg.FirstName, DateOfBirth: sg.DateOfBirth.String(), BalanceCents: l.BalanceCents})
			continue
		}
		s.Demo = append(s.Demo, DemoLease{Reference: sg.Reference, LastName: sg.LastName, FirstName: sg.FirstName,
			DateOfBirth: sg.DateOfBirth.String(), BalanceCents: l.BalanceCents})
	}
	return nil
}

// devS3 exposes the S3 emulator under /_dev/s3/, so that `make import` (curl)
// can drop a file as the ERP would, without knowing the emulator's port.
func (s *Stack) devS3() http.Handler {
	target, _ := url.Parse(s.Endpoints["S3"])
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.ModifyResponse = withoutCORS // devguard.go
	return http.StripPrefix("/_dev/s3", proxy)
}
