package localstack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/citejardins/extranet/shared/document"
	"github.com/citejardins/extranet/shared/notice"
	"github.com/citejardins/extranet/shared/noticerun"
	"github.com/citejardins/extranet/shared/portal"
)

// The monthly run under faults (issue 8, item 7): a period over 1,000
// generated leases (a third paperless), with a failure injected at every
// step boundary of the worker (after the render, the S3 write, the
// DynamoDB transaction, SES's acceptance of the mail in the mail sender),
// workers and mail senders killed mid-batch (their context cancelled at a
// random moment, then an error or a panic), batch and mail messages
// delivered twice, batches that fail until the
// dead-letter queue takes them, and a print step killed midway; then
// re-runs until done. It counts missing and duplicate notices (document
// items and S3 objects), mails (per recipient) and printed notices: all 0,
// except the mails SES accepted whose state was not recorded (the run's one
// at-least-once window), counted and each explained by an injected fault.

var errInjected = errors.New("injected fault")

// fault is a failure to inject: at a step, so many times; times < 0
// fails every time while the faults are persistent (round 1).
type fault struct {
	step  string
	times int
}

// faults is the worker's hook: it fails the planned steps and counts.
type faults struct {
	mu       sync.Mutex
	plan     map[string][]fault // by reference
	injected map[string]int     // by step
	// accepted counts, per reference, the mails SES accepted (the hook
	// after the send is called for each); windowRefs the references
	// whose mail was accepted and not recorded because of a fault.
	accepted   map[string]int
	windowRefs map[string]bool
	// persistent keeps the faults with times < 0 failing.
	persistent bool
}

func (f *faults) hook(step, ref string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if step == noticerun.StepMailed {
		f.accepted[ref]++
	}
	for i, x := range f.plan[ref] {
		if x.step == step && (x.times > 0 || x.times < 0 && f.persistent) {
			if x.times > 0 {
				f.plan[ref][i].times--
			}
			f.injected[step]++
			if step == noticerun.StepMailed {
				f.windowRefs[ref] = true
			}
			return errInjected
		}
	}
	return nil
}

// chaos wraps a function's invocations (the worker's, the mail sender's):
// some are killed mid-batch, some have their messages delivered a second
// time.
type chaos struct {
	mu         sync.Mutex
	on         bool
	n          int
	dupEvents  int
	rng        *rand.Rand
	kills      int
	duplicates int
	killedRefs map[string]bool
	sqs        *sqs.Client
	queueURL   string
	// refs are the leases a message names.
	refs func(body string) []string
}

func batchRefs(body string) []string {
	b, err := noticerun.DecodeBatch(body)
	if err != nil {
		return nil
	}
	var refs []string
	for _, l := range b.Leases {
		refs = append(refs, l.Ref)
	}
	return refs
}

func mailRefs(body string) []string {
	if m, err := noticerun.DecodeMailMessage(body); err == nil {
		return []string{m.Ref}
	}
	return nil
}

func (c *chaos) wrap(inner Invoke) Invoke {
	return func(ctx context.Context, payload []byte) ([]byte, error) {
		c.mu.Lock()
		c.n++
		n, on := c.n, c.on
		delay := time.Duration(20+c.rng.IntN(400)) * time.Millisecond
		c.mu.Unlock()
		if !on {
			return inner(ctx, payload)
		}
		var ev events.SQSEvent
		if err := json.Unmarshal(payload, &ev); err != nil {
			return nil, err
		}
		c.mu.Lock()
		dup := n%4 == 2 && c.dupEvents < 2
		kill := n%5 == 3 && c.kills < 3
		if dup {
			c.dupEvents++
		}
		if kill {
			c.kills++
		}
		c.mu.Unlock()
		if dup { // SQS delivers these messages twice
			for _, r := range ev.Records {
				if _, err := c.sqs.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: &c.queueURL, MessageBody: aws.String(r.Body)}); err != nil {
					return nil, err
				}
				c.mu.Lock()
				c.duplicates++
				c.mu.Unlock()
			}
		}
		if !kill {
			return inner(ctx, payload)
		}
		// Killed mid-batch: whatever the worker was doing when its context
		// ends is cut there, and the invocation fails.
		c.mu.Lock()
		for _, r := range ev.Records {
			for _, ref := range c.refs(r.Body) {
				c.killedRefs[ref] = true
			}
		}
		c.mu.Unlock()
		kctx, cancel := context.WithCancel(ctx)
		t := time.AfterFunc(delay, cancel)
		defer t.Stop()
		_, _ = inner(kctx, payload)
		if n%2 == 0 {
			panic("worker killed")
		}
		return nil, errors.New("worker killed")
	}
}

func TestNoticesRunUnderFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("the fault run takes about half a minute")
	}
	started := time.Now()
	ctx := context.Background()
	const leases = 1000
	f := &faults{plan: map[string][]fault{}, injected: map[string]int{}, accepted: map[string]int{}, windowRefs: map[string]bool{}, persistent: true}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, err := Start(ctx, Options{Addr: "127.0.0.1:0", DataDir: t.TempDir(), Log: log, Skip: []string{"noticeworker", "noticemails"},
		// A 720 s visibility timeout lasts 2.9 s; a crashed mail's claim 2 s,
		// less than a redelivery takes, and far more than a send and its
		// record take on a loaded machine (with 0.5 s, a duplicate mail
		// message could find a live sender's claim ended, as a 2-minute
		// claim would for a send that took two minutes).
		SQSSecond: 4 * time.Millisecond, DynamoDBPartitions: 64,
		Env:     map[string]string{portal.EnvNoticeMailRate: "0"},
		Notices: portal.NoticeOptions{Hook: f.hook, MailClaim: 2 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	seeded, err := st.SeedLeases(ctx, leases, 3)
	if err != nil {
		t.Fatal(err)
	}
	seedTime := time.Since(started)

	// Faults at every step boundary, spread over the leases; some leases
	// fail seven times in a row, so their batch goes to the dead-letter
	// queue after five receives and a re-run finishes it.
	for i, l := range seeded {
		var fs []fault
		switch i % 8 {
		case 0:
			fs = append(fs, fault{noticerun.StepRendered, 1})
		case 1:
			fs = append(fs, fault{noticerun.StepStored, 1})
		case 2:
			fs = append(fs, fault{noticerun.StepRecorded, 2})
		}
		if l.Paperless && i%4 == 0 {
			fs = append(fs, fault{noticerun.StepMailed, 1})
		}
		// Before anything is stored, every delivery of its batch fails
		// in round 1, however many copies of the batch SQS delivers:
		// these leases are left for round 2 (and its print step), the
		// paper ones among them (i = 7, 757) included.
		if i%250 == 7 {
			fs = append(fs, fault{noticerun.StepRendered, -1})
		}
		f.plan[l.Reference] = fs
	}

	env, err := st.FunctionEnv("noticeworker")
	if err != nil {
		t.Fatal(err)
	}
	getenv := functionGetenv(env)
	planEnv, err := st.FunctionEnv("notices")
	if err != nil {
		t.Fatal(err)
	}
	worker, err := portal.NoticeWorkerHandler(portal.AWSConfig(getenv), getenv, log, st.noticeOpts)
	if err != nil {
		t.Fatal(err)
	}
	queue, dlq, _ := st.noticeQueue()
	c := &chaos{on: true, rng: rand.New(rand.NewPCG(8, 2026)), killedRefs: map[string]bool{}, sqs: st.SQSClient(), queueURL: st.QueueURLs[queue], refs: batchRefs}
	if err := st.StartEventSource("noticeworker", c.wrap(SQSHandler(worker)), 0); err != nil {
		t.Fatal(err)
	}
	// The mail sender, behind its own queue, under the same chaos: its
	// messages delivered twice, its invocations killed mid-batch.
	mailEnv, err := st.FunctionEnv("noticemails")
	if err != nil {
		t.Fatal(err)
	}
	mailGetenv := functionGetenv(mailEnv)
	sender, err := portal.NoticeMailsHandler(portal.AWSConfig(mailGetenv), mailGetenv, log, st.noticeOpts)
	if err != nil {
		t.Fatal(err)
	}
	mailQueue, _, _ := st.functionQueue("noticemails")
	mc := &chaos{on: true, rng: rand.New(rand.NewPCG(9, 2026)), killedRefs: map[string]bool{}, sqs: st.SQSClient(), queueURL: st.QueueURLs[mailQueue], refs: mailRefs}
	if err := st.StartEventSource("noticemails", mc.wrap(SQSHandler(sender)), 0); err != nil {
		t.Fatal(err)
	}
	p := notice.Period{Year: 2026, Month: 12}
	total := leases + len(st.Demo)

	// Round 1: everything at once.
	r1, err := st.RunNotices(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("round 1: %+v", r1)
	if r1.DeadLettered == 0 {
		t.Errorf("round 1 left no batch in the dead-letter queue; the persistent faults should have")
	}

	// Round 2: the planner again, the queue drained, then a print step
	// killed midway.
	f.mu.Lock()
	f.persistent = false
	f.mu.Unlock()
	for _, x := range []*chaos{c, mc} {
		x.mu.Lock()
		x.on = false
		x.mu.Unlock()
	}
	run, err := portal.NewNoticeRun(portal.AWSConfig(getenv), functionGetenv(planEnv), log, st.noticeOpts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := run.Plan(ctx, p); err != nil {
		t.Fatal(err)
	}
	if err := st.WaitQueue(ctx, queue); err != nil {
		t.Fatal(err)
	}
	// The print step dies after it marked its leases for a batch, before
	// the batch's files are written (S3 fails every write under print/).
	st.s3.mu.Lock()
	st.s3.fault = func(method, path string) bool { return method == "PUT" && strings.Contains(path, "/print/") }
	st.s3.mu.Unlock()
	_, printErr := run.Print(ctx, p)
	st.s3.mu.Lock()
	st.s3.fault = nil
	st.s3.mu.Unlock()
	if printErr == nil {
		t.Error("the print step did not fail with S3 failing its writes")
	}
	t.Logf("round 2: print step crashed: %v", printErr)

	// Then re-runs until a run has nothing left in the dead-letter queue
	// and every lease issued.
	var last NoticesResult
	for round := 3; ; round++ {
		if round > 8 {
			t.Fatalf("not done after %d rounds: %+v", round-1, last)
		}
		last, err = st.RunNotices(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("round %d: %+v", round, last)
		if last.DeadLettered == 0 && last.Issued+last.AlreadyIssued == total {
			break
		}
	}
	// A last run does nothing.
	final, err := st.RunNotices(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if final.Issued != 0 || final.Mailed != 0 || final.Printed != 0 || final.AlreadyIssued != total || final.DeadLettered != 0 {
		t.Errorf("the final run = %+v; want %d already issued and nothing done", final, total)
	}

	// The counts.
	refs := map[string]SeededLease{}
	for _, l := range seeded {
		refs[l.Reference] = l
	}
	for _, d := range st.Demo {
		refs[d.Reference] = SeededLease{Reference: d.Reference}
	}
	var missingDocs, dupDocs, missingObjects, dupObjects, strayObjects, missingMails, dupMails, unexplained, missingPrints, dupPrints, wrongPrints int
	for ref := range refs {
		docs, err := st.Store().Documents(ctx, ref)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, d := range docs {
			if d.Kind == document.Notice && d.Period == p.String() {
				n++
			}
		}
		missingDocs += max(0, 1-n)
		dupDocs += max(0, n-1)
	}
	objects := map[string]int{}
	s3c := st.S3Client()
	pager := s3.NewListObjectsV2Paginator(s3c, &s3.ListObjectsV2Input{Bucket: &DocumentsBucket, Prefix: aws.String("notices/")})
	for pager.HasMorePages() {
		out, err := pager.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range out.Contents {
			parts := strings.Split(aws.ToString(o.Key), "/") // notices/<hash>/<ref>/<period>.pdf
			if len(parts) != 4 || parts[3] != p.String()+".pdf" || noticerun.NoticeKey(parts[2], p) != aws.ToString(o.Key) {
				strayObjects++
				continue
			}
			objects[parts[2]]++
		}
	}
	for ref := range refs {
		missingObjects += max(0, 1-objects[ref])
		dupObjects += max(0, objects[ref]-1)
	}
	for ref := range objects {
		if _, ok := refs[ref]; !ok {
			strayObjects++
		}
	}
	mails := map[string]int{}
	for _, m := range st.Mail.Messages() {
		if strings.Contains(m.Subject, "avis d’échéance") {
			for _, to := range m.To {
				mails[to]++
			}
		}
	}
	window := 0
	for ref, l := range refs {
		if !l.Paperless {
			if mails[l.Email] > 0 && l.Email != "" {
				t.Errorf("paper tenant %s got a mail", ref)
			}
			continue
		}
		n := mails[l.Email]
		missingMails += max(0, 1-n)
		dupMails += max(0, n-1)
		if n > 1 && !f.windowRefs[ref] && !c.killedRefs[ref] && !mc.killedRefs[ref] {
			unexplained += n - 1
		}
		window += max(0, f.accepted[ref]-1)
	}
	printed := map[string]int{}
	pager = s3.NewListObjectsV2Paginator(s3c, &s3.ListObjectsV2Input{Bucket: &DocumentsBucket, Prefix: aws.String("print/" + p.String() + "/")})
	batches := 0
	for pager.HasMorePages() {
		out, err := pager.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range out.Contents {
			if !strings.HasSuffix(aws.ToString(o.Key), "/manifest.csv") {
				continue
			}
			batches++
			obj, err := s3c.GetObject(ctx, &s3.GetObjectInput{Bucket: &DocumentsBucket, Key: o.Key})
			if err != nil {
				t.Fatal(err)
			}
			raw, err := io.ReadAll(obj.Body)
			obj.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			rows, err := noticerun.ReadManifest(raw)
			if err != nil || len(rows) < 1 {
				t.Fatalf("manifest %s: %v", aws.ToString(o.Key), err)
			}
			for _, row := range rows[1:] {
				printed[row[1]]++
			}
		}
	}
	for ref, l := range refs {
		switch n := printed[ref]; {
		case l.Paperless && n > 0:
			wrongPrints += n
		case !l.Paperless:
			missingPrints += max(0, 1-n)
			dupPrints += max(0, n-1)
		}
	}

	f.mu.Lock()
	injected := fmt.Sprintf("after render %d, after the S3 write %d, after the transaction %d, after SES accepted %d",
		f.injected[noticerun.StepRendered], f.injected[noticerun.StepStored], f.injected[noticerun.StepRecorded], f.injected[noticerun.StepMailed])
	f.mu.Unlock()
	paperless := 0
	for _, l := range seeded {
		if l.Paperless {
			paperless++
		}
	}
	t.Logf("%d leases (%d paperless, %d on paper) seeded in %s; faults injected: %s; workers killed mid-batch: %d; batch messages delivered twice: %d; mail senders killed mid-batch: %d; mail messages delivered twice: %d; leases dead-lettered in round 1: %d; print step killed once",
		total, paperless, total-paperless, seedTime.Round(time.Millisecond), injected, c.kills, c.duplicates, mc.kills, mc.duplicates, r1.DeadLettered)
	t.Logf("notices: %d missing, %d duplicate document items; S3 objects: %d missing, %d duplicate, %d stray", missingDocs, dupDocs, missingObjects, dupObjects, strayObjects)
	t.Logf("mails: %d missing, %d duplicate: the at-least-once window, SES accepted and the state not recorded (%d seen by the hook after the send; %d not explained by an injected fault or a kill)",
		missingMails, dupMails, window, unexplained)
	t.Logf("printed: %d missing, %d duplicate, %d paperless printed, in %d print batches; %s in all", missingPrints, dupPrints, wrongPrints, batches, time.Since(started).Round(time.Millisecond))
	for name, n := range map[string]int{"missing notices": missingDocs, "duplicate notices": dupDocs, "missing objects": missingObjects,
		"duplicate objects": dupObjects, "stray objects": strayObjects, "missing mails": missingMails, "unexplained duplicate mails": unexplained,
		"missing printed": missingPrints, "duplicate printed": dupPrints, "paperless printed": wrongPrints} {
		if n != 0 {
			t.Errorf("%s: %d; want 0", name, n)
		}
	}
	// A kill can also cut the answer of a send SES accepted (the worker
	// then gives the mail back): a duplicate the hook did not see, but one
	// of a killed batch, so explained above.
	if dupMails < window {
		t.Errorf("%d duplicate mails, fewer than the %d mails SES accepted beyond the first", dupMails, window)
	}
	if f.injected[noticerun.StepMailed] == 0 || f.injected[noticerun.StepRendered] == 0 || f.injected[noticerun.StepStored] == 0 || f.injected[noticerun.StepRecorded] == 0 || c.kills == 0 || c.duplicates == 0 || mc.kills == 0 || mc.duplicates == 0 {
		t.Errorf("a kind of fault was never injected: %s, %d/%d kills, %d/%d duplicates", injected, c.kills, mc.kills, c.duplicates, mc.duplicates)
	}
	if n := len(st.SQS.Bodies(dlq)); n == 0 {
		t.Error("the dead-letter queue is empty: round 1's persistent faults should be there")
	}
}
