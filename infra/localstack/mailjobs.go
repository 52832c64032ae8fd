package localstack

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/citejardins/extranet/shared/dynamo"
)

// mailPoll stands for the mails function's schedule: a job whose run failed
// is run again once its claim ends.
const mailPoll = time.Second

// streamDelay is how long after a job's write the mails function wakes. In
// AWS the stream hands the record to another Lambda a while after the write
// (typically a few hundred milliseconds); here a short delay keeps the
// worker from running on the same CPUs as the request that is still
// answering, which would make the answer's time depend on the worker's
// work, as it never does in AWS.
const streamDelay = 50 * time.Millisecond

// mailJobWrites wraps the DynamoDB emulator: after a successful write
// that holds a mail job's key, it wakes the mails function, as the accounts
// table's stream (filtered on PK = MAILJOB) does in AWS. Only the wake is
// played; the function reads the jobs from the table itself.
func (s *Stack) mailJobWrites(next http.Handler) http.Handler {
	key := []byte(`"` + dynamo.MailJobPK + `"`)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Jobs are written with PutItem (dynamo.Store.PutMailJob) or in a
		// transaction (a sign-up's notice); the import's large batches pass
		// untouched.
		target := r.Header.Get("X-Amz-Target")
		if !strings.HasSuffix(target, ".PutItem") && !strings.HasSuffix(target, ".TransactWriteItems") {
			next.ServeHTTP(w, r)
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, "read body", http.StatusBadRequest)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		rec := &statusOnly{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		if rec.status == http.StatusOK && bytes.Contains(body, key) {
			time.AfterFunc(streamDelay, func() {
				select {
				case s.mailWake <- struct{}{}:
				default: // a wake is already pending: the run reads every job
				}
			})
		}
	})
}

// runOnStream runs fn at each wake and at each mailPoll, one run at a time,
// until the stack closes.
func (s *Stack) runOnStream(fn func(context.Context)) {
	ctx, cancel := context.WithCancel(context.Background())
	s.stopJobs = append(s.stopJobs, cancel)
	s.jobs.Add(1)
	go func() {
		defer s.jobs.Done()
		t := time.NewTicker(mailPoll)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-s.mailWake:
			case <-t.C:
			}
			fn(ctx)
		}
	}()
}

// WaitMailJobs waits until no mail job waits: every mail the requests
// before it asked for has left (or, for a job that keeps failing, until
// ctx ends). Tests call it before counting mails.
func (s *Stack) WaitMailJobs(ctx context.Context) error {
	for {
		jobs, err := s.store.MailJobs(ctx, 1)
		if err != nil {
			return err
		}
		if len(jobs) == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("mail jobs still waiting: %w", ctx.Err())
		case <-time.After(5 * time.Millisecond):
		}
	}
}
