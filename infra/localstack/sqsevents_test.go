package localstack

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/citejardins/extranet/infra/sqsemu"
)

// toyQueue is an SQS emulator with a queue "work" (visibility 10 s,
// lasting 100 ms) whose messages go to "dlq" after maxReceives receives,
// and a client of it.
type toyQueue struct {
	emu    *sqsemu.Server
	client *sqs.Client
	url    string
}

func newToyQueue(t *testing.T, maxReceives int) *toyQueue {
	t.Helper()
	emu := sqsemu.New(sqsemu.Options{Region: Region, Account: Account, Second: 10 * time.Millisecond})
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	if _, err := emu.CreateQueue(srv.URL, "dlq", nil); err != nil {
		t.Fatal(err)
	}
	url, err := emu.CreateQueue(srv.URL, "work", map[string]string{sqsemu.AttrVisibilityTimeout: "10",
		sqsemu.AttrRedrivePolicy: fmt.Sprintf(`{"deadLetterTargetArn":%q,"maxReceiveCount":%d}`, emu.ARN("dlq"), maxReceives)})
	if err != nil {
		t.Fatal(err)
	}
	client := sqs.NewFromConfig(aws.Config{Region: Region, Credentials: credentials.NewStaticCredentialsProvider(AccessKey, SecretKey, "")},
		func(o *sqs.Options) { o.BaseEndpoint = aws.String(srv.URL) })
	return &toyQueue{emu: emu, client: client, url: url}
}

func (q *toyQueue) send(t *testing.T, bodies ...string) {
	t.Helper()
	for len(bodies) > 0 {
		n := min(10, len(bodies))
		var es []types.SendMessageBatchRequestEntry
		for i, b := range bodies[:n] {
			es = append(es, types.SendMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(i)), MessageBody: aws.String(b)})
		}
		out, err := q.client.SendMessageBatch(context.Background(), &sqs.SendMessageBatchInput{QueueUrl: &q.url, Entries: es})
		if err != nil || len(out.Failed) > 0 {
			t.Fatalf("send: %v %+v", err, out)
		}
		bodies = bodies[n:]
	}
}

// start runs an event source on the queue with a toy handler.
func (q *toyQueue) start(t *testing.T, tr SQSTrigger, h func(context.Context, events.SQSEvent) (events.SQSEventResponse, error)) *SQSEventSource {
	t.Helper()
	src := &SQSEventSource{Client: q.client, QueueURL: q.url, QueueARN: q.emu.ARN("work"), Region: Region, Function: "toy",
		Trigger: tr, Timeout: time.Second, PollWait: 2, Invoke: SQSHandler(h)}
	src.Start()
	t.Cleanup(src.Stop)
	return src
}

// drain waits until the work queue is empty and no batch runs.
func (q *toyQueue) drain(t *testing.T, src *SQSEventSource) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	quiet := 0
	for quiet < 3 {
		if time.Now().After(deadline) {
			t.Fatalf("queue not drained: %+v, %+v", q.emu.Counts("work"), src.Stats())
		}
		if q.emu.Counts("work") == (sqsemu.Counts{}) && src.Stats().InFlight == 0 {
			quiet++
		} else {
			quiet = 0
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// seen counts the deliveries of each body, safely across invocations.
type seen struct {
	mu     sync.Mutex
	n      map[string]int
	counts map[string][]string // body → ApproximateReceiveCount of each delivery
}

func newSeen() *seen { return &seen{n: map[string]int{}, counts: map[string][]string{}} }

func (s *seen) add(r events.SQSMessage) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n[r.Body]++
	s.counts[r.Body] = append(s.counts[r.Body], r.Attributes["ApproximateReceiveCount"])
	return s.n[r.Body]
}

func TestSQSEventIsAWSs(t *testing.T) {
	q := newToyQueue(t, 5)
	before := time.Now().UnixMilli()
	if _, err := q.client.SendMessage(context.Background(), &sqs.SendMessageInput{QueueUrl: &q.url, MessageBody: aws.String(`{"leases":["1234567"]}`),
		MessageAttributes: map[string]types.MessageAttributeValue{"period": {DataType: aws.String("String"), StringValue: aws.String("2026-12")}}}); err != nil {
		t.Fatal(err)
	}
	q.send(t, "plain")
	var mu sync.Mutex
	var payloads []map[string]any
	var deadlineLeft time.Duration
	var arn string
	src := &SQSEventSource{Client: q.client, QueueURL: q.url, QueueARN: q.emu.ARN("work"), Region: Region, Function: "noticeworker",
		Trigger: SQSTrigger{BatchSize: 10}, Timeout: 30 * time.Second, PollWait: 2, Concurrency: 1,
		Invoke: func(ctx context.Context, payload []byte) ([]byte, error) {
			var ev map[string]any
			if err := json.Unmarshal(payload, &ev); err != nil {
				return nil, err
			}
			mu.Lock()
			defer mu.Unlock()
			payloads = append(payloads, ev)
			d, _ := ctx.Deadline()
			deadlineLeft = time.Until(d)
			if lc, ok := lambdacontext.FromContext(ctx); ok {
				arn = lc.InvokedFunctionArn
			}
			return []byte("null"), nil
		}}
	src.Start()
	t.Cleanup(src.Stop)
	q.drain(t, src)
	mu.Lock()
	defer mu.Unlock()
	var records []any
	for _, p := range payloads {
		records = append(records, p["Records"].([]any)...)
	}
	if len(records) != 2 {
		t.Fatalf("records = %v; want 2", records)
	}
	byBody := map[string]map[string]any{}
	for _, r := range records {
		m := r.(map[string]any)
		byBody[m["body"].(string)] = m
	}
	r := byBody[`{"leases":["1234567"]}`]
	for _, k := range []string{"messageId", "receiptHandle", "body", "attributes", "messageAttributes", "md5OfMessageAttributes", "md5OfBody", "eventSource", "eventSourceARN", "awsRegion"} {
		if _, ok := r[k]; !ok {
			t.Errorf("record lacks %q: %v", k, r)
		}
	}
	sum := md5.Sum([]byte(`{"leases":["1234567"]}`))
	if r["eventSource"] != "aws:sqs" || r["eventSourceARN"] != "arn:aws:sqs:eu-west-3:000000000000:work" || r["awsRegion"] != "eu-west-3" ||
		r["md5OfBody"] != hex.EncodeToString(sum[:]) {
		t.Errorf("record = %v", r)
	}
	attrs := r["attributes"].(map[string]any)
	sent, _ := strconv.ParseInt(attrs["SentTimestamp"].(string), 10, 64)
	first, _ := strconv.ParseInt(attrs["ApproximateFirstReceiveTimestamp"].(string), 10, 64)
	if attrs["ApproximateReceiveCount"] != "1" || sent < before || first < sent || attrs["SenderId"] == "" {
		t.Errorf("attributes = %v", attrs)
	}
	ma := r["messageAttributes"].(map[string]any)["period"].(map[string]any)
	if ma["stringValue"] != "2026-12" || ma["dataType"] != "String" {
		t.Errorf("messageAttributes = %v", ma)
	}
	plain := byBody["plain"]
	if _, has := plain["md5OfMessageAttributes"]; has || len(plain["messageAttributes"].(map[string]any)) != 0 {
		t.Errorf("a message without attributes: %v; want no md5OfMessageAttributes and no attributes", plain)
	}
	// The same fields as the sample event of the noticeworker's trigger.
	root, err := FindRoot()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(root, "events", "triggers", "noticeworker-sqs.json"))
	if err != nil {
		t.Fatal(err)
	}
	var sample struct{ Records []map[string]any }
	if err := json.Unmarshal(raw, &sample); err != nil || len(sample.Records) == 0 {
		t.Fatalf("sample event: %v", err)
	}
	keys := func(m map[string]any) string {
		var ks []string
		for k := range m {
			ks = append(ks, k)
		}
		sort.Strings(ks)
		return fmt.Sprint(ks)
	}
	if got, want := keys(plain), keys(sample.Records[0]); got != want {
		t.Errorf("record fields %s; the sample has %s", got, want)
	}
	if got, want := keys(plain["attributes"].(map[string]any)), keys(sample.Records[0]["attributes"].(map[string]any)); got != want {
		t.Errorf("attributes %s; the sample has %s", got, want)
	}
	// The typed event reads it back.
	var ev events.SQSEvent
	b, _ := json.Marshal(payloads[0])
	if err := json.Unmarshal(b, &ev); err != nil || len(ev.Records) == 0 || ev.Records[0].EventSourceARN != "arn:aws:sqs:eu-west-3:000000000000:work" {
		t.Errorf("events.SQSEvent = %+v, %v", ev, err)
	}
	if deadlineLeft < 25*time.Second || deadlineLeft > 30*time.Second || arn != "arn:aws:lambda:eu-west-3:000000000000:function:noticeworker" {
		t.Errorf("invocation context: deadline in %v, ARN %q; want the function's 30 s timeout and its ARN", deadlineLeft, arn)
	}
}

func TestSQSPartialBatchFailuresComeBackAlone(t *testing.T) {
	q := newToyQueue(t, 5)
	var bodies []string
	for i := range 30 {
		bodies = append(bodies, strconv.Itoa(i))
	}
	q.send(t, bodies...)
	s := newSeen()
	var maxBatch atomic.Int64
	src := q.start(t, SQSTrigger{BatchSize: 10, ReportBatchItemFailures: true}, func(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
		if n := int64(len(ev.Records)); n > maxBatch.Load() {
			maxBatch.Store(n)
		}
		var resp events.SQSEventResponse
		for _, r := range ev.Records {
			i, _ := strconv.Atoi(r.Body)
			if s.add(r) == 1 && i%3 == 0 { // every third fails its first delivery
				resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: r.MessageId})
			}
		}
		return resp, nil
	})
	q.drain(t, src)
	for i := range 30 {
		want := []string{"1"}
		if i%3 == 0 {
			want = []string{"1", "2"}
		}
		if got := s.counts[strconv.Itoa(i)]; fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("message %d delivered with receive counts %v; want %v", i, got, want)
		}
	}
	if maxBatch.Load() > 10 || len(q.emu.Bodies("dlq")) != 0 {
		t.Errorf("largest batch %d (want ≤ 10), dlq %v", maxBatch.Load(), q.emu.Bodies("dlq"))
	}
}

func TestSQSErrorPanicTimeoutOrBadResponseFailTheWholeBatch(t *testing.T) {
	for _, tc := range []struct {
		name string
		fail func(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error)
	}{
		{"error", func(context.Context, events.SQSEvent) (events.SQSEventResponse, error) {
			return events.SQSEventResponse{}, errors.New("boom")
		}},
		{"panic", func(context.Context, events.SQSEvent) (events.SQSEventResponse, error) { panic("worker killed") }},
		{"timeout", func(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
			<-ctx.Done() // past the function's timeout, as a killed invocation
			return events.SQSEventResponse{}, nil
		}},
		{"unknown item", func(context.Context, events.SQSEvent) (events.SQSEventResponse, error) {
			return events.SQSEventResponse{BatchItemFailures: []events.SQSBatchItemFailure{{ItemIdentifier: "not-in-batch"}}}, nil
		}},
		{"empty item", func(context.Context, events.SQSEvent) (events.SQSEventResponse, error) {
			return events.SQSEventResponse{BatchItemFailures: []events.SQSBatchItemFailure{{ItemIdentifier: ""}}}, nil
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := newToyQueue(t, 5)
			q.send(t, "a", "b", "c", "d")
			s := newSeen()
			var calls atomic.Int64
			src := q.start(t, SQSTrigger{BatchSize: 10, ReportBatchItemFailures: true, MaximumConcurrency: 2}, func(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
				for _, r := range ev.Records {
					s.add(r)
				}
				if calls.Add(1) == 1 {
					if len(ev.Records) != 4 {
						t.Errorf("first batch has %d records; want 4", len(ev.Records))
					}
					return tc.fail(ctx, ev)
				}
				return events.SQSEventResponse{}, nil
			})
			src.Timeout = 100 * time.Millisecond
			q.drain(t, src)
			for _, b := range []string{"a", "b", "c", "d"} {
				if got := s.counts[b]; fmt.Sprint(got) != "[1 2]" {
					t.Errorf("%s delivered with receive counts %v; want [1 2]", b, got)
				}
			}
			if st := src.Stats(); st.Failed != 1 {
				t.Errorf("stats = %+v; want 1 failed invocation", st)
			}
		})
	}
}

func TestSQSWithoutReportBatchItemFailuresDeletesTheBatch(t *testing.T) {
	q := newToyQueue(t, 5)
	q.send(t, "a", "b")
	s := newSeen()
	src := q.start(t, SQSTrigger{BatchSize: 10}, func(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
		var resp events.SQSEventResponse
		for _, r := range ev.Records {
			s.add(r)
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: r.MessageId})
		}
		return resp, nil // ignored: the mapping does not report item failures
	})
	q.drain(t, src)
	if s.n["a"] != 1 || s.n["b"] != 1 {
		t.Errorf("deliveries = %v; want each once", s.n)
	}
}

func TestSQSDeadLetterAfterMaxReceives(t *testing.T) {
	q := newToyQueue(t, 3)
	q.send(t, "poison", "fine")
	s := newSeen()
	src := q.start(t, SQSTrigger{BatchSize: 10, ReportBatchItemFailures: true}, func(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
		var resp events.SQSEventResponse
		for _, r := range ev.Records {
			s.add(r)
			if r.Body == "poison" {
				resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: r.MessageId})
			}
		}
		return resp, nil
	})
	q.drain(t, src)
	if got := s.counts["poison"]; fmt.Sprint(got) != "[1 2 3]" || s.n["fine"] != 1 {
		t.Errorf("poison delivered with counts %v, fine %d times; want [1 2 3] and once", got, s.n["fine"])
	}
	if dlq := q.emu.Bodies("dlq"); fmt.Sprint(dlq) != "[poison]" {
		t.Errorf("dlq = %v; want [poison]", dlq)
	}
}

func TestSQSMaximumConcurrencyAndBatchSize(t *testing.T) {
	q := newToyQueue(t, 5)
	var bodies []string
	for i := range 200 {
		bodies = append(bodies, strconv.Itoa(i))
	}
	q.send(t, bodies...)
	var running, peak, records, largest atomic.Int64
	s := newSeen()
	src := q.start(t, SQSTrigger{BatchSize: 25, MaximumConcurrency: 3, ReportBatchItemFailures: true}, func(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
		n := running.Add(1)
		defer running.Add(-1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		if l := int64(len(ev.Records)); l > largest.Load() {
			largest.Store(l)
		}
		records.Add(int64(len(ev.Records)))
		for _, r := range ev.Records {
			s.add(r)
		}
		time.Sleep(20 * time.Millisecond)
		return events.SQSEventResponse{}, nil
	})
	q.drain(t, src)
	if peak.Load() != 3 || largest.Load() > 25 || largest.Load() <= 10 || records.Load() != 200 || len(s.n) != 200 {
		t.Errorf("peak concurrency %d (want 3), largest batch %d (want 11..25), %d records for %d messages", peak.Load(), largest.Load(), records.Load(), len(s.n))
	}
}
