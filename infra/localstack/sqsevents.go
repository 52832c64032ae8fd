package localstack

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// The SQS → Lambda event source mapping, played in-process: pollers
// receive from the queue through the SQS emulator's API, as Lambda's
// pollers do, invoke the function with the event's JSON, and delete what
// the function handled. What it keeps of AWS: batches of at most
// BatchSize; at-least-once (a message is deleted only after its
// invocation succeeded, and comes back after the queue's visibility
// timeout otherwise); with ReportBatchItemFailures, only the messages the
// function names in batchItemFailures come back (a response that names an
// id not in the batch, or an empty one, fails the whole batch); an error,
// a panic or a timeout fails the whole batch; the queue's redrive policy
// moves a message to its DLQ after maxReceiveCount receives; at most
// MaximumConcurrency invocations at once.

// Invoke calls a function with an event's JSON and returns its response's
// JSON, as the Lambda runtime does.
type Invoke func(ctx context.Context, payload []byte) ([]byte, error)

// SQSHandler turns a typed SQS handler (as aws-lambda-go's lambda.Start
// takes it) into an Invoke: the event is decoded from the JSON Lambda
// sends, the response encoded as Lambda reads it.
func SQSHandler(h func(context.Context, events.SQSEvent) (events.SQSEventResponse, error)) Invoke {
	return func(ctx context.Context, payload []byte) ([]byte, error) {
		var ev events.SQSEvent
		if err := json.Unmarshal(payload, &ev); err != nil {
			return nil, fmt.Errorf("decode event: %w", err)
		}
		resp, err := h(ctx, ev)
		if err != nil {
			return nil, err
		}
		return json.Marshal(resp)
	}
}

// defaultSQSConcurrency is how many batches at once an event source runs
// when the template sets no MaximumConcurrency: Lambda starts with five
// pollers.
const defaultSQSConcurrency = 5

// SQSEventSource is one event source mapping. Fill it, then Start it.
type SQSEventSource struct {
	Client   *sqs.Client
	QueueURL string
	QueueARN string
	Region   string
	// Function names the function, for its ARN and the logs.
	Function string
	Trigger  SQSTrigger
	// Timeout is the function's timeout: each invocation's deadline. An
	// invocation still running at its deadline fails, as a timed-out Lambda.
	Timeout time.Duration
	// Concurrency overrides Trigger.MaximumConcurrency (default 5).
	Concurrency int
	// PollWait is the long poll's WaitTimeSeconds (SQS seconds; Lambda's
	// pollers use 20).
	PollWait int32
	Invoke   Invoke
	Log      *slog.Logger

	invocations, failed, inFlight atomic.Int64
	wg                            sync.WaitGroup
	stop                          context.CancelFunc
}

// SQSStats counts an event source's invocations: all, the failed ones
// (error, panic, timeout, invalid response), and those running.
type SQSStats struct{ Invocations, Failed, InFlight int64 }

// Stats returns the source's counts so far.
func (e *SQSEventSource) Stats() SQSStats {
	return SQSStats{Invocations: e.invocations.Load(), Failed: e.failed.Load(), InFlight: e.inFlight.Load()}
}

// Start runs the pollers until Stop.
func (e *SQSEventSource) Start() {
	ctx, cancel := context.WithCancel(context.Background())
	e.stop = cancel
	if e.Log == nil {
		e.Log = slog.New(slog.DiscardHandler)
	}
	n := e.Concurrency
	if n == 0 {
		n = e.Trigger.MaximumConcurrency
	}
	if n == 0 {
		n = defaultSQSConcurrency
	}
	if e.PollWait == 0 {
		e.PollWait = 20
	}
	for range n {
		e.wg.Add(1)
		go func() {
			defer e.wg.Done()
			for ctx.Err() == nil {
				batch, err := e.receive(ctx)
				if err != nil {
					if ctx.Err() == nil {
						e.Log.Warn("sqs poll", "function", e.Function, "err", err)
						time.Sleep(50 * time.Millisecond)
					}
					continue
				}
				if len(batch) > 0 {
					e.run(ctx, batch)
				}
			}
		}()
	}
}

// Stop stops the pollers and waits for the invocations running.
func (e *SQSEventSource) Stop() {
	if e.stop != nil {
		e.stop()
	}
	e.wg.Wait()
}

// receive gathers one batch: up to BatchSize messages, by receives of at
// most 10, waiting for more up to the batching window.
func (e *SQSEventSource) receive(ctx context.Context) ([]types.Message, error) {
	size := max(1, e.Trigger.BatchSize)
	var batch []types.Message
	deadline := time.Now().Add(time.Duration(e.Trigger.BatchingWindow) * time.Second)
	for len(batch) < size {
		wait := e.PollWait
		if len(batch) > 0 {
			wait = 0
		}
		out, err := e.Client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: &e.QueueURL,
			MaxNumberOfMessages: int32(min(10, size-len(batch))), WaitTimeSeconds: wait,
			MessageSystemAttributeNames: []types.MessageSystemAttributeName{types.MessageSystemAttributeNameAll},
			MessageAttributeNames:       []string{"All"}})
		if err != nil {
			return batch, err
		}
		batch = append(batch, out.Messages...)
		if len(out.Messages) == 0 && (len(batch) > 0 || ctx.Err() != nil) && !time.Now().Before(deadline) {
			break
		}
		if len(out.Messages) == 0 && len(batch) > 0 {
			time.Sleep(10 * time.Millisecond)
		}
	}
	return batch, nil
}

// sqsRecord is one record of the event as AWS writes it, in its order
// (Lambda developer guide, "Using Lambda with Amazon SQS", and
// events/triggers/noticeworker-sqs.json): md5OfMessageAttributes only for a
// message with attributes (the events package would write "").
type sqsRecord struct {
	MessageID              string                                `json:"messageId"`
	ReceiptHandle          string                                `json:"receiptHandle"`
	Body                   string                                `json:"body"`
	Attributes             map[string]string                     `json:"attributes"`
	MessageAttributes      map[string]events.SQSMessageAttribute `json:"messageAttributes"`
	Md5OfMessageAttributes *string                               `json:"md5OfMessageAttributes,omitempty"`
	Md5OfBody              string                                `json:"md5OfBody"`
	EventSource            string                                `json:"eventSource"`
	EventSourceARN         string                                `json:"eventSourceARN"`
	AWSRegion              string                                `json:"awsRegion"`
}

// EventJSON builds the Lambda event of a batch, as AWS writes it.
func (e *SQSEventSource) EventJSON(batch []types.Message) ([]byte, error) {
	records := make([]sqsRecord, 0, len(batch))
	for _, m := range batch {
		attrs := map[string]events.SQSMessageAttribute{}
		for k, a := range m.MessageAttributes {
			attrs[k] = events.SQSMessageAttribute{DataType: aws.ToString(a.DataType), StringValue: a.StringValue,
				BinaryValue: a.BinaryValue, StringListValues: []string{}, BinaryListValues: [][]byte{}}
		}
		records = append(records, sqsRecord{MessageID: aws.ToString(m.MessageId), ReceiptHandle: aws.ToString(m.ReceiptHandle),
			Body: aws.ToString(m.Body), Md5OfBody: aws.ToString(m.MD5OfBody), Md5OfMessageAttributes: m.MD5OfMessageAttributes,
			Attributes: m.Attributes, MessageAttributes: attrs, EventSource: "aws:sqs", EventSourceARN: e.QueueARN, AWSRegion: e.Region})
	}
	return json.Marshal(map[string]any{"Records": records})
}

// run invokes the function with one batch and deletes what it handled.
func (e *SQSEventSource) run(ctx context.Context, batch []types.Message) {
	e.invocations.Add(1)
	e.inFlight.Add(1)
	defer e.inFlight.Add(-1)
	failedIDs, err := e.invoke(ctx, batch)
	if err != nil {
		e.failed.Add(1)
		e.Log.Warn("sqs batch failed", "function", e.Function, "messages", len(batch), "err", err)
		return // every message comes back after its visibility timeout
	}
	var del []types.DeleteMessageBatchRequestEntry
	for i, m := range batch {
		if !failedIDs[aws.ToString(m.MessageId)] {
			del = append(del, types.DeleteMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(i)), ReceiptHandle: m.ReceiptHandle})
		}
	}
	for len(del) > 0 {
		n := min(10, len(del))
		// A failed delete (a handle gone stale) leaves the message to come
		// back: at least once.
		if _, err := e.Client.DeleteMessageBatch(context.WithoutCancel(ctx), &sqs.DeleteMessageBatchInput{QueueUrl: &e.QueueURL, Entries: del[:n]}); err != nil {
			e.Log.Warn("sqs delete", "function", e.Function, "err", err)
		}
		del = del[n:]
	}
}

// invoke calls the function and returns the ids it reported failed; an
// error fails the whole batch.
func (e *SQSEventSource) invoke(ctx context.Context, batch []types.Message) (failed map[string]bool, err error) {
	payload, err := e.EventJSON(batch)
	if err != nil {
		return nil, err
	}
	timeout := e.Timeout
	if timeout <= 0 {
		timeout = 3 * time.Second // Lambda's default
	}
	ictx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
	defer cancel()
	ictx = lambdacontext.NewContext(ictx, &lambdacontext.LambdaContext{AwsRequestID: rand.Text(),
		InvokedFunctionArn: "arn:aws:lambda:" + e.Region + ":000000000000:function:" + e.Function})
	out, err := func() (out []byte, err error) {
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("function panicked: %v", p) // the runtime reports a crash, the batch fails
			}
		}()
		return e.Invoke(ictx, payload)
	}()
	if err != nil {
		return nil, err
	}
	if ictx.Err() != nil {
		return nil, errors.New("function timed out")
	}
	failed = map[string]bool{}
	if !e.Trigger.ReportBatchItemFailures {
		return failed, nil
	}
	var resp events.SQSEventResponse
	if len(out) > 0 && string(out) != "null" {
		if err := json.Unmarshal(out, &resp); err != nil {
			return nil, fmt.Errorf("response is not an SQSEventResponse: %w", err)
		}
	}
	inBatch := map[string]bool{}
	for _, m := range batch {
		inBatch[aws.ToString(m.MessageId)] = true
	}
	for _, f := range resp.BatchItemFailures {
		if !inBatch[f.ItemIdentifier] {
			return nil, fmt.Errorf("batchItemFailures names %q, not a message of the batch", f.ItemIdentifier)
		}
		failed[f.ItemIdentifier] = true
	}
	return failed, nil
}
