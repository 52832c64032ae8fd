package localstack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/citejardins/extranet/shared/notice"
	"github.com/citejardins/extranet/shared/noticerun"
	"github.com/citejardins/extranet/shared/portal"
)

// The monthly notices on the local stack: the noticeworker and noticemails
// functions run behind the SQS event source (sqsevents.go) on the
// template's queues; the
// notices function (the planner and the print step) has no schedule here,
// POST /_dev/notices (make notices) runs it instead.

// localNoticeEnv are the settings of the notices functions the template
// takes from parameters without a local value: a landlord to print.
var localNoticeEnv = map[string]string{
	portal.EnvLandlordName:    "La Cité Jardins",
	portal.EnvLandlordAddress: "Service Clientèle|12 rue des Tilleuls|93200 Saint-Denis",
	portal.EnvLandlordPhone:   "01 48 00 00 00",
	portal.EnvLandlordIBAN:    "FR76 3000 4000 0500 0012 3456 789",
	portal.EnvLandlordBIC:     "BNPAFRPPXXX",
	// A creditor identifier of the right form and check digits, so that
	// the local stack offers direct debit (the banking function) and
	// prints it on the pre-notifications.
	portal.EnvLandlordICS: "FR72ZZZ123456",
	// The public legal pages (GET /api/v1/legal): made-up details.
	portal.EnvLandlordSIREN:               "123 456 789 RCS Bobigny",
	portal.EnvLandlordPublicationDirector: "Camille Durand, directrice générale",
	portal.EnvLandlordDPOEmail:            "dpo@citejardins.example",
}

// sqsFunction builds the handler of a function an SQS event source
// invokes.
func (s *Stack) sqsFunction(name string, getenv func(string) string, log *slog.Logger) (Invoke, error) {
	switch name {
	case "noticeworker":
		h, err := portal.NoticeWorkerHandler(portal.AWSConfig(getenv), getenv, log, s.noticeOpts)
		if err != nil {
			return nil, err
		}
		return SQSHandler(h), nil
	case "noticemails":
		h, err := portal.NoticeMailsHandler(portal.AWSConfig(getenv), getenv, log, s.noticeOpts)
		if err != nil {
			return nil, err
		}
		return SQSHandler(h), nil
	}
	return nil, errors.New("the local stack does not know how to run it")
}

// NoticesResult is the answer of POST /_dev/notices: the run's report
// (noticerun.Report), the leases of the batches the run left in the
// dead-letter queue (received five times without success), and the mails
// it left in the mail queue's (the next print step queues them again).
type NoticesResult struct {
	noticerun.Report
	DeadLettered      int `json:"deadLettered"`
	MailsDeadLettered int `json:"mailsDeadLettered"`
}

// noticeQueue is the queue of the noticeworker function and its
// dead-letter queue.
func (s *Stack) noticeQueue() (queue, dlq string, err error) {
	return s.functionQueue("noticeworker")
}

// functionQueue is the queue of a function's SQS event and its
// dead-letter queue.
func (s *Stack) functionQueue(name string) (queue, dlq string, err error) {
	fn, ok := s.Template.Functions[name]
	if !ok || len(fn.SQS) == 0 {
		return "", "", fmt.Errorf("no %s function with an SQS event in the template", name)
	}
	queue = fn.SQS[0].Queue
	return queue, s.Template.Queues[queue].DeadLetter, nil
}

// RunNotices runs a period's notices as the schedules do in AWS, and
// returns when the run is over: the planner queues every running lease,
// the workers drain the queue (redeliveries included) and the mail
// senders the mail queue, the leases of batches and the mails left in the
// dead-letter queues are counted, then the print step runs (and, if it
// queued stale mails again, the mail queue is drained again). One run at
// a time.
func (s *Stack) RunNotices(ctx context.Context, p notice.Period) (NoticesResult, error) {
	s.noticesMu.Lock()
	defer s.noticesMu.Unlock()
	queue, dlq, err := s.noticeQueue()
	if err != nil {
		return NoticesResult{}, err
	}
	env, err := s.FunctionEnv("notices")
	if err != nil {
		return NoticesResult{}, err
	}
	getenv := functionGetenv(env)
	run, err := portal.NewNoticeRun(portal.AWSConfig(getenv), getenv, s.log.With("function", "notices"), s.noticeOpts)
	if err != nil {
		return NoticesResult{}, fmt.Errorf("function notices: %w", err)
	}
	mailQueue, mailDLQ, err := s.functionQueue("noticemails")
	if err != nil {
		return NoticesResult{}, err
	}
	dead, mailsDead := len(s.SQS.Bodies(dlq)), len(s.SQS.Bodies(mailDLQ))
	plan, err := run.Plan(ctx, p)
	if err != nil {
		return NoticesResult{}, fmt.Errorf("plan %s: %w", p, err)
	}
	// The workers queue the mails before their batches are done: once the
	// notices' queue is drained, every mail of the run is queued.
	if err := s.WaitQueue(ctx, queue); err != nil {
		return NoticesResult{}, err
	}
	if err := s.WaitQueue(ctx, mailQueue); err != nil {
		return NoticesResult{}, err
	}
	res := NoticesResult{}
	for _, body := range s.SQS.Bodies(dlq)[dead:] {
		if b, err := noticerun.DecodeBatch(body); err == nil {
			res.DeadLettered += len(b.Leases)
		}
	}
	res.MailsDeadLettered = len(s.SQS.Bodies(mailDLQ)) - mailsDead
	for {
		printed, err := run.Print(ctx, p)
		if printed.Remailed > 0 {
			if err := s.WaitQueue(ctx, mailQueue); err != nil {
				return res, err
			}
		}
		if !errors.Is(err, noticerun.ErrPrintBusy) && !errors.Is(err, noticerun.ErrPrintUnfinished) {
			if err != nil {
				return res, fmt.Errorf("print %s: %w", p, err)
			}
			break
		}
		select { // a crashed step's claim: wait for it to end; or go on with what is left
		case <-ctx.Done():
			return res, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	res.Report, err = run.Report(ctx, p, plan.Attempt)
	return res, err
}

// devNotices serves POST /_dev/notices {"period": "AAAA-MM"}: the run's
// counts once it is over.
func (s *Stack) devNotices() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			Period string `json:"period"`
		}
		dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1024))
		dec.DisallowUnknownFields()
		err := dec.Decode(&in)
		p, perr := notice.ParsePeriod(in.Period)
		if err != nil || perr != nil {
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(http.StatusBadRequest)
			json.NewEncoder(w).Encode(map[string]any{"type": "about:blank", "status": 400, "code": "bad_period",
				"title": "Période invalide", "detail": `Envoyez {"period": "AAAA-MM"}, par exemple {"period": "2026-12"}.`})
			return
		}
		res, err := s.RunNotices(r.Context(), p)
		if err != nil {
			s.log.Error("notices run", "period", p.String(), "err", err)
			http.Error(w, "notices run failed: "+err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		json.NewEncoder(w).Encode(res)
	})
}

// noticesState is the stack's part for the notices.
type noticesState struct {
	noticesMu  sync.Mutex
	noticeOpts portal.NoticeOptions
	log        *slog.Logger
}
