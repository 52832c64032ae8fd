package portal

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/citejardins/extranet/shared/directdebit"
	"github.com/citejardins/extranet/shared/dynamo"
	"github.com/citejardins/extranet/shared/notice"
	"github.com/citejardins/extranet/shared/noticerun"
	"github.com/citejardins/extranet/shared/pdf"
	"github.com/citejardins/extranet/shared/queue"
	"github.com/citejardins/extranet/shared/tenancy"
	"github.com/citejardins/extranet/shared/tenant"
)

// Settings of the monthly run (template.yaml; the local stack sets its own).
const (
	EnvLandlordName    = "LANDLORD_NAME"
	EnvLandlordAddress = "LANDLORD_ADDRESS" // lines separated by "|"
	EnvLandlordPhone   = "LANDLORD_PHONE"
	EnvLandlordIBAN    = "LANDLORD_IBAN"
	EnvLandlordBIC     = "LANDLORD_BIC"
	EnvLandlordICS     = "LANDLORD_ICS"
	// EnvNoticeShards must equal dynamo.Shards (16): the shards are part of
	// the stored leases.
	EnvNoticeShards    = "NOTICE_SHARDS"
	EnvNoticesQueueURL = "NOTICES_QUEUE_URL"
	// EnvNoticeMailsQueueURL is the notice mails' queue (NoticeMailsQueue):
	// the worker and the print step send to it, noticemails reads it.
	EnvNoticeMailsQueueURL = "NOTICE_MAILS_QUEUE_URL"
	EnvSQSEndpoint         = "SQS_ENDPOINT" // emulated SQS (local only)
	// EnvNoticeMailRate is the mails per second of the whole run (the SES
	// account's send rate, less a margin). Each noticemails function sends
	// at this rate divided by EnvNoticeMailConcurrency, their maximum
	// concurrency, so the run never exceeds it. Empty or 0: no pacing.
	EnvNoticeMailRate        = "NOTICE_MAIL_RATE"
	EnvNoticeMailConcurrency = "NOTICE_MAIL_CONCURRENCY"
)

// NoticeOptions change how the run is built, for the local stack and the
// tests. The zero value is production's.
type NoticeOptions struct {
	// Queue replaces SQS at NOTICES_QUEUE_URL (the planner's side).
	Queue noticerun.Queue
	// MailQueue replaces SQS at NOTICE_MAILS_QUEUE_URL (the worker's and
	// the print step's side).
	MailQueue noticerun.Queue
	// Renderer renders the notices; nil is the PDF renderer (shared/pdf).
	Renderer notice.Renderer
	// Hook is called at each step boundary of a lease (noticerun.Hook):
	// the fault tests inject failures with it.
	Hook noticerun.Hook
	// Now replaces the clock.
	Now func() time.Time
	// MailClaim replaces how long a mail sender holds a mail it sends.
	MailClaim time.Duration
}

// LandlordFrom reads the landlord printed on the notices from the settings.
func LandlordFrom(getenv func(string) string) notice.Landlord {
	l := notice.Landlord{Name: strings.TrimSpace(getenv(EnvLandlordName)), Phone: getenv(EnvLandlordPhone),
		IBAN: getenv(EnvLandlordIBAN), BIC: getenv(EnvLandlordBIC), ICS: getenv(EnvLandlordICS)}
	for _, line := range strings.Split(getenv(EnvLandlordAddress), "|") {
		if line = strings.TrimSpace(line); line != "" {
			l.AddressLines = append(l.AddressLines, line)
		}
	}
	return l
}

// PayeeFrom reads the landlord's account tenants pay by transfer into
// (Mon solde): the notices' IBAN, BIC and name.
func PayeeFrom(getenv func(string) string) tenant.Payee {
	return tenant.Payee{IBAN: getenv(EnvLandlordIBAN), BIC: getenv(EnvLandlordBIC), Holder: getenv(EnvLandlordName)}
}

func noticeShards(getenv func(string) string) (int, error) {
	v := getenv(EnvNoticeShards)
	if v == "" {
		return dynamo.Shards, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n != dynamo.Shards {
		return 0, fmt.Errorf("%s: %q, want %d (the shards of the stored leases)", EnvNoticeShards, v, dynamo.Shards)
	}
	return n, nil
}

// renderer is opts.Renderer, or the PDF renderer (shared/pdf), which
// prints the portal's address where a notice sends the tenant online.
func renderer(opts NoticeOptions, getenv func(string) string) notice.Renderer {
	if opts.Renderer != nil {
		return opts.Renderer
	}
	return &pdf.Renderer{PortalURL: getenv(EnvPublicURL)}
}

// NoticesEvent is the notices function's event, as the schedules send it:
// {"step": "plan"|"print", "period": "AAAA-MM"}; the period defaults to the
// coming one (the month after today in Paris).
type NoticesEvent struct {
	Step   string `json:"step"`
	Period string `json:"period,omitempty"`
}

// Notice run steps.
const (
	StepPlan  = "plan"
	StepPrint = "print"
)

// NoticeRun is the notices function: the planner, the print step and the
// report of a period's run.
type NoticeRun struct {
	planner *noticerun.Planner
	printer *noticerun.Printer
	reports *noticerun.Reports
	now     func() time.Time
	log     *slog.Logger
}

// NewNoticeRun builds the notices function from its settings
// (TENANCY_TABLE, ACCOUNTS_TABLE, DOCUMENTS_BUCKET, NOTICES_QUEUE_URL unless
// opts.Queue, NOTICE_MAILS_QUEUE_URL unless opts.MailQueue). It makes no
// network call.
func NewNoticeRun(cfg aws.Config, getenv func(string) string, log *slog.Logger, opts NoticeOptions) (*NoticeRun, error) {
	store, bucket, err := stores(cfg, getenv)
	if err != nil {
		return nil, err
	}
	shards, err := noticeShards(getenv)
	if err != nil {
		return nil, err
	}
	q, err := sqsQueue(cfg, getenv, EnvNoticesQueueURL, opts.Queue)
	if err != nil {
		return nil, err
	}
	mails, err := sqsQueue(cfg, getenv, EnvNoticeMailsQueueURL, opts.MailQueue)
	if err != nil {
		return nil, err
	}
	r := renderer(opts, getenv)
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	return &NoticeRun{
		planner: &noticerun.Planner{Leases: store, Queue: q, Runs: store, Shards: shards, Now: now},
		printer: &noticerun.Printer{Prints: store, Files: bucket, Renderer: r, Shards: shards, Mails: mails, Now: now},
		reports: &noticerun.Reports{Prints: store, Shards: shards},
		now:     now, log: log,
	}, nil
}

// Plan starts a run of the period: every running lease queued.
func (n *NoticeRun) Plan(ctx context.Context, p notice.Period) (noticerun.Plan, error) {
	return n.planner.Plan(ctx, p)
}

// Print runs the print step of the period.
func (n *NoticeRun) Print(ctx context.Context, p notice.Period) (noticerun.Printed, error) {
	return n.printer.Print(ctx, p)
}

// Report counts what an attempt of the period's run did (the last one when
// attempt is empty).
func (n *NoticeRun) Report(ctx context.Context, p notice.Period, attempt string) (noticerun.Report, error) {
	return n.reports.Report(ctx, p, attempt)
}

// Handle runs one step of the event and returns the run's report after it
// (the coming period's, for a print step without a period: that one prints
// the current period's leftovers too).
// A bad event (step, period) is an error: it fails the same on each retry
// and lands in NoticesFailuresQueue. A print step that stopped before its
// deadline with notices left (noticerun.ErrPrintUnfinished) fails too, so
// that Lambda's asynchronous retries go on with it.
func (n *NoticeRun) Handle(ctx context.Context, ev NoticesEvent) (noticerun.Report, error) {
	p := notice.Coming(tenancy.ParisDate(n.now()))
	if ev.Period != "" {
		var err error
		if p, err = notice.ParsePeriod(ev.Period); err != nil {
			return noticerun.Report{}, fmt.Errorf("notices event: period %q: %w", ev.Period, err)
		}
	}
	switch ev.Step {
	case StepPlan:
		plan, err := n.Plan(ctx, p)
		if err != nil {
			return noticerun.Report{}, err
		}
		n.log.InfoContext(ctx, "notices planned", "period", p.String(), "attempt", plan.Attempt, "leases", plan.Leases, "messages", plan.Messages)
	case StepPrint:
		periods := []notice.Period{p}
		if ev.Period == "" {
			// The daily schedule: the coming period's paper notices, and
			// what is left of the current one (a mail SES refused, or one
			// queued again, after the last evening before the 1st), so that
			// no refused mail waits for a print step that never comes.
			periods = []notice.Period{notice.PeriodOf(tenancy.ParisDate(n.now())), p}
		}
		for _, p := range periods {
			pr, err := n.Print(ctx, p)
			if err != nil {
				return noticerun.Report{}, err
			}
			n.log.InfoContext(ctx, "notices printed", "period", p.String(), "batches", len(pr.Batches), "notices", pr.Notices)
		}
	default:
		return noticerun.Report{}, fmt.Errorf("notices event: step %q, want %q or %q", ev.Step, StepPlan, StepPrint)
	}
	return n.Report(ctx, p, "")
}

// NoticesHandler returns the notices function's handler (see NoticeRun).
func NoticesHandler(cfg aws.Config, getenv func(string) string, log *slog.Logger, opts NoticeOptions) (func(context.Context, NoticesEvent) (noticerun.Report, error), error) {
	n, err := NewNoticeRun(cfg, getenv, log, opts)
	if err != nil {
		return nil, err
	}
	return n.Handle, nil
}

// sqsQueue is the queue named by a setting (a URL), or override when set.
func sqsQueue(cfg aws.Config, getenv func(string) string, setting string, override noticerun.Queue) (noticerun.Queue, error) {
	if override != nil {
		return override, nil
	}
	url := getenv(setting)
	if url == "" {
		return nil, fmt.Errorf("missing settings: %s", setting)
	}
	client := sqs.NewFromConfig(cfg, func(o *sqs.Options) {
		if ep := getenv(EnvSQSEndpoint); ep != "" {
			o.BaseEndpoint = aws.String(ep)
		}
	})
	return queue.New(client, url), nil
}

// NewNoticeWorker builds the worker from its settings (TENANCY_TABLE,
// ACCOUNTS_TABLE, DOCUMENTS_BUCKET, PUBLIC_URL for the notice's portal
// address, the landlord's, NOTICE_MAILS_QUEUE_URL unless opts.MailQueue).
// It sends no mail and so reads no mail rate. It makes no network call.
func NewNoticeWorker(cfg aws.Config, getenv func(string) string, log *slog.Logger, opts NoticeOptions) (*noticerun.Worker, error) {
	store, bucket, err := stores(cfg, getenv)
	if err != nil {
		return nil, err
	}
	mails, err := sqsQueue(cfg, getenv, EnvNoticeMailsQueueURL, opts.MailQueue)
	if err != nil {
		return nil, err
	}
	landlord := LandlordFrom(getenv)
	if landlord.Name == "" || len(landlord.AddressLines) == 0 {
		// A notice without its issuer names no payee for a cheque or a
		// transfer: refuse to start rather than print a month of them.
		return nil, fmt.Errorf("%s and %s: the landlord printed on every notice must be set", EnvLandlordName, EnvLandlordAddress)
	}
	// The mandates signed in the portal, for the pre-notification (and
	// their lapse); the run signs none, so no creditor, files or renderer.
	mandates, err := directdebit.NewService(directdebit.Config{}, store, store, nil, nil, opts.Now, nil)
	if err != nil {
		return nil, err
	}
	return &noticerun.Worker{Tenancy: store, Recipients: store, Files: bucket, Runs: store, Mails: mails,
		Renderer: renderer(opts, getenv), Landlord: landlord, Mandates: mandates, Now: opts.Now, Hook: opts.Hook, Log: log}, nil
}

// NoticeWorkerHandler returns the noticeworker function's handler: each SQS
// record is a batch of leases (noticerun.Batch), whose mails are queued on
// NoticeMailsQueue before the record is reported done; a record whose work fails
// (or that is no batch) is reported in BatchItemFailures, so SQS delivers
// it again, and after five receives moves it to the dead-letter queue. The
// records left when the invocation nears its deadline are reported too,
// not half-done.
func NoticeWorkerHandler(cfg aws.Config, getenv func(string) string, log *slog.Logger, opts NoticeOptions) (func(context.Context, events.SQSEvent) (events.SQSEventResponse, error), error) {
	w, err := NewNoticeWorker(cfg, getenv, log, opts)
	if err != nil {
		return nil, err
	}
	return WorkerHandler(w, log), nil
}

// WorkerHandler serves SQS events with a worker (see NoticeWorkerHandler).
// The records are worked four at a time (each lease of a record is worked
// in parallel too), so one slow lease does not hold the whole event.
func WorkerHandler(w *noticerun.Worker, log *slog.Logger) func(context.Context, events.SQSEvent) (events.SQSEventResponse, error) {
	return func(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
		failed := make([]bool, len(ev.Records))
		sem := make(chan struct{}, 4)
		var wg sync.WaitGroup
		for i, rec := range ev.Records {
			sem <- struct{}{}
			if d, ok := ctx.Deadline(); ok && time.Until(d) < 15*time.Second {
				// Too late to start: the record comes back whole.
				<-sem
				failed[i] = true
				continue
			}
			wg.Add(1)
			go func() {
				defer func() { <-sem; wg.Done() }()
				b, err := noticerun.DecodeBatch(rec.Body)
				if err == nil {
					_, err = w.Work(ctx, b)
				}
				if err != nil {
					// Errors name leases by reference only, never a person.
					log.WarnContext(ctx, "notice batch failed", "message", rec.MessageId, "receives", rec.Attributes["ApproximateReceiveCount"], "err", err)
					failed[i] = true
				}
			}()
		}
		wg.Wait()
		return batchFailures(ev, failed), nil
	}
}
