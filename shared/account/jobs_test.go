package account_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/citejardins/extranet/infra/localstack"
	"github.com/citejardins/extranet/shared/account"
	"github.com/citejardins/extranet/shared/tenancy"
)

// opLog records the DynamoDB operations a client sends, by name (GetItem,
// UpdateItem...), in order.
type opLog struct {
	mu  sync.Mutex
	ops []string
}

func (l *opLog) client(endpoint string) *dynamodb.Client {
	cfg := aws.Config{Region: localstack.Region, Credentials: credentials.NewStaticCredentialsProvider(localstack.AccessKey, localstack.SecretKey, "")}
	return dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) {
		o.BaseEndpoint = aws.String(endpoint)
		o.HTTPClient = &http.Client{Transport: l}
	})
}

func (l *opLog) RoundTrip(r *http.Request) (*http.Response, error) {
	_, op, _ := strings.Cut(r.Header.Get("X-Amz-Target"), ".")
	l.mu.Lock()
	l.ops = append(l.ops, op)
	l.mu.Unlock()
	return http.DefaultTransport.RoundTrip(r)
}

// during returns the operations fn sends.
func (l *opLog) during(fn func()) []string {
	l.mu.Lock()
	start := len(l.ops)
	l.mu.Unlock()
	fn()
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.ops[start:])
}

// TestRoutesDoTheSameWorkWhateverTheAddress checks that a forgotten
// password, a resend and a matched sign-up send the same DynamoDB
// operations and answer the same, whether the address or the lease has an
// active account, a pending one, or none: nothing for a clock to tell
// apart. (The look-up and the mail used to run before the answer, only for
// addresses with an account.)
func TestRoutesDoTheSameWorkWhateverTheAddress(t *testing.T) {
	ctx := context.Background()
	f := setup(t, account.Config{})
	mustOK(t, f.store.PutLease(ctx, tenancy.Lease{Reference: "7654321",
		Signatories: []tenancy.Signatory{{ID: "S7654321-1", Main: true, LastName: "N'DIAYE", FirstName: "Abdou", DateOfBirth: tenancy.Date{Year: 1990, Month: 1, Day: 30}}}}))
	activeMarie(t, f)
	celine := account.SignUpRequest{Reference: "1234567", LastName: "lefevre", DateOfBirth: "1985-11-03", Email: "celine@example.fr", Password: pw}
	mustOK(t, f.svc.SignUp(ctx, celine, "203.0.113.1"))
	f.mail.settle(t)

	same := func(t *testing.T, what string, calls map[string]func() error) {
		t.Helper()
		var first []string
		var firstName string
		for name, call := range calls {
			var err error
			ops := f.ops.during(func() { err = call() })
			if err != nil {
				t.Errorf("%s %s: %v, want the same nil as every other", what, name, err)
			}
			if first == nil {
				first, firstName = ops, name
				continue
			}
			if !slices.Equal(ops, first) {
				t.Errorf("%s: %s sends %v, %s sends %v", what, name, ops, firstName, first)
			}
		}
	}
	for _, route := range []struct {
		name string
		call func(ctx context.Context, email, client string) error
	}{{"forgot", f.svc.Forgot}, {"resend", f.svc.ResendActivation}} {
		same(t, route.name, map[string]func() error{
			"active account":  func() error { return route.call(ctx, marie.Email, "203.0.113.1") },
			"pending account": func() error { return route.call(ctx, "CELINE@example.fr", "203.0.113.1") },
			"unknown address": func() error { return route.call(ctx, "inconnue@example.fr", "203.0.113.1") },
		})
	}
	signUp := func(ref, last, dob, email string) func() error {
		return func() error {
			return f.svc.SignUp(ctx, account.SignUpRequest{Reference: ref, LastName: last, DateOfBirth: dob, Email: email, Password: pw}, "203.0.113.1")
		}
	}
	same(t, "sign-up", map[string]func() error{
		"new":                          signUp("7654321", "ndiaye", "1990-01-30", "abdou@example.fr"),
		"lease with an active account": signUp("8889999", "dupont", "1978-04-12", "autre@example.fr"),
		"email of another account":     signUp("1234567", "lefevre", "1985-11-03", "Marie@example.fr"),
		"replacing a pending one":      signUp("1234567", "lefevre", "1985-11-03", "celine.bis@example.fr"),
	})
}

// TestMailJobsSurviveAFailingMailer checks that a request whose mail
// cannot leave still gets its 202 (the mail is no longer on the request
// path), and that the job stays until the mail leaves.
func TestMailJobsSurviveAFailingMailer(t *testing.T) {
	ctx := context.Background()
	f := setup(t, account.Config{})
	activeMarie(t, f)
	f.mail.mu.Lock()
	f.mail.fail = errors.New("mail service down")
	sent := len(f.mail.mails)
	f.mail.mu.Unlock()

	mustOK(t, f.svc.Forgot(ctx, marie.Email, "203.0.113.1"))
	celine := account.SignUpRequest{Reference: "1234567", LastName: "lefevre", DateOfBirth: "1985-11-03", Email: "celine@example.fr", Password: pw}
	mustOK(t, f.svc.SignUp(ctx, celine, "203.0.113.1"))
	if _, err := f.svc.RunMailJobs(ctx); err == nil {
		t.Fatal("the mail jobs ran without error with the mail service down")
	}
	waiting := func() int {
		t.Helper()
		jobs, err := f.store.MailJobs(ctx, 10)
		mustOK(t, err)
		return len(jobs)
	}
	if n := waiting(); n != 2 {
		t.Fatalf("%d jobs wait after the failed run, want 2", n)
	}

	// Back up: a job runs again only once its claim ends, so that two
	// workers never run it at once.
	f.mail.mu.Lock()
	f.mail.fail = nil
	f.mail.mu.Unlock()
	if n, err := f.svc.RunMailJobs(ctx); n != 0 || err != nil {
		t.Fatalf("run while the claims hold: %d done, %v; want 0, nil", n, err)
	}
	f.clock.Advance(2*time.Minute + time.Second)
	if n, err := f.svc.RunMailJobs(ctx); n != 2 || err != nil {
		t.Fatalf("run after the claims: %d done, %v; want 2, nil", n, err)
	}
	if n := waiting(); n != 0 {
		t.Errorf("%d jobs still wait", n)
	}
	f.mail.mu.Lock()
	got := f.mail.mails[sent:]
	f.mail.mu.Unlock()
	if len(got) != 2 || !slices.ContainsFunc(got, func(m account.Mail) bool {
		return m.To == marie.Email && strings.Contains(m.Text, "/nouveau-mot-de-passe?token=")
	}) ||
		!slices.ContainsFunc(got, func(m account.Mail) bool {
			return m.To == celine.Email && strings.Contains(m.Text, "/activation?token=")
		}) {
		t.Errorf("mails after the retry: %+v; want the reset link to Marie and the activation link to Céline", got)
	}
	if _, err := f.svc.Activate(ctx, f.mail.lastToken(t, celine.Email), "203.0.113.1"); err != nil {
		t.Errorf("activation with the retried link: %v", err)
	}
}

// TestMailJobsRunOnceUnderParallelWorkers checks that workers woken at once
// (stream batches, the schedule, retries) never send a job's mail twice:
// each job is claimed by one of them.
func TestMailJobsRunOnceUnderParallelWorkers(t *testing.T) {
	ctx := context.Background()
	f := setup(t, account.Config{MailsPerAccount: account.Limit{Max: 1000, Window: time.Hour}})
	activeMarie(t, f)
	sent := f.mail.count(t)
	const jobs = 12
	for range jobs {
		mustOK(t, f.svc.Forgot(ctx, marie.Email, "203.0.113.1"))
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	done := 0
	for range 40 {
		wg.Go(func() {
			n, err := f.svc.RunMailJobs(ctx)
			if err != nil {
				t.Errorf("worker: %v", err)
			}
			mu.Lock()
			done += n
			mu.Unlock()
		})
	}
	wg.Wait()
	if done != jobs {
		t.Errorf("the workers finished %d jobs, want %d", done, jobs)
	}
	if got := f.mail.count(t) - sent; got != jobs {
		t.Errorf("%d reset mails for %d requests, want one each", got, jobs)
	}
}
