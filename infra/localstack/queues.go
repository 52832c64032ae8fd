package localstack

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/citejardins/extranet/infra/sqsemu"
)

// Account is the emulated account's id, in queue URLs and ARNs.
const Account = "000000000000"

// createQueues creates the template's queues in the emulator, dead-letter
// queues first, each with its visibility timeout and redrive policy.
func (s *Stack) createQueues() error {
	ids := make([]string, 0, len(s.Template.Queues))
	for id := range s.Template.Queues {
		ids = append(ids, id)
	}
	// Queues without a dead-letter queue first: they are the targets.
	sort.Slice(ids, func(i, j int) bool {
		a, b := s.Template.Queues[ids[i]], s.Template.Queues[ids[j]]
		if (a.DeadLetter == "") != (b.DeadLetter == "") {
			return a.DeadLetter == ""
		}
		return ids[i] < ids[j]
	})
	for _, id := range ids {
		q := s.Template.Queues[id]
		attrs := map[string]string{sqsemu.AttrVisibilityTimeout: strconv.Itoa(q.VisibilityTimeout)}
		if q.DeadLetter != "" {
			if _, ok := s.Template.Queues[q.DeadLetter]; !ok {
				return fmt.Errorf("queue %s: dead-letter queue %s is not in the template", id, q.DeadLetter)
			}
			attrs[sqsemu.AttrRedrivePolicy] = fmt.Sprintf(`{"deadLetterTargetArn":%q,"maxReceiveCount":%d}`, s.SQS.ARN(q.DeadLetter), q.MaxReceiveCount)
		}
		url, err := s.SQS.CreateQueue(s.Endpoints["SQS"], id, attrs)
		if err != nil {
			return fmt.Errorf("create queue %s: %w", id, err)
		}
		s.QueueURLs[id] = url
	}
	return nil
}

// SQSClient returns a client of the stack's SQS emulator.
func (s *Stack) SQSClient() *sqs.Client {
	return sqs.NewFromConfig(s.awsConfig(), func(o *sqs.Options) { o.BaseEndpoint = aws.String(s.Endpoints["SQS"]) })
}

// startSQSFunction starts the event source mappings of one function.
func (s *Stack) startSQSFunction(name string, fn Function, getenv func(string) string, log *slog.Logger) error {
	invoke, err := s.sqsFunction(name, getenv, log)
	if err != nil {
		return fmt.Errorf("function %s: %w", name, err)
	}
	for _, tr := range fn.SQS {
		url, ok := s.QueueURLs[tr.Queue]
		if !ok {
			return fmt.Errorf("function %s: queue %s is not in the template", name, tr.Queue)
		}
		src := &SQSEventSource{Client: s.SQSClient(), QueueURL: url, QueueARN: s.SQS.ARN(tr.Queue), Region: Region, Function: name,
			Trigger: tr, Timeout: time.Duration(fn.Timeout) * time.Second, Invoke: invoke, Log: log}
		s.EventSources[name] = src
		src.Start()
	}
	return nil
}

// WaitQueue waits until a queue of the template is empty (nothing
// visible, in flight or delayed) and its function runs no batch: every
// message was handled or moved to the dead-letter queue.
func (s *Stack) WaitQueue(ctx context.Context, queue string) error {
	quiet := 0
	for {
		busy := s.SQS.Counts(queue) != (sqsemu.Counts{})
		for _, src := range s.EventSources {
			if src.QueueURL == s.QueueURLs[queue] && src.Stats().InFlight > 0 {
				busy = true
			}
		}
		if busy {
			quiet = 0
		} else if quiet++; quiet >= 2 { // twice in a row: no batch between two looks
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("queue %s still busy: %w", queue, ctx.Err())
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// StartEventSource starts the SQS event source of a function the stack
// skipped (Options.Skip) with another invoke, such as its built binary
// under the runtime emulator, at most concurrency batches at once (0: the
// template's MaximumConcurrency).
func (s *Stack) StartEventSource(name string, invoke Invoke, concurrency int) error {
	fn, ok := s.Template.Functions[name]
	if !ok || len(fn.SQS) == 0 {
		return fmt.Errorf("no function %s with an SQS event in the template", name)
	}
	if _, running := s.EventSources[name]; running {
		return fmt.Errorf("function %s already runs", name)
	}
	tr := fn.SQS[0]
	src := &SQSEventSource{Client: s.SQSClient(), QueueURL: s.QueueURLs[tr.Queue], QueueARN: s.SQS.ARN(tr.Queue), Region: Region, Function: name,
		Trigger: tr, Timeout: time.Duration(fn.Timeout) * time.Second, Concurrency: concurrency, Invoke: invoke, Log: s.log}
	s.EventSources[name] = src
	src.Start()
	return nil
}
