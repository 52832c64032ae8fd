package sqsemu

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"
)

// newTestSQS starts an emulator and returns it with a real SDK client.
func newTestSQS(t *testing.T, second time.Duration) (*Server, *sqs.Client) {
	t.Helper()
	emu := New(Options{Second: second})
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	client := sqs.NewFromConfig(aws.Config{Region: "eu-west-3",
		Credentials: credentials.NewStaticCredentialsProvider("local", "local-secret", "")}, func(o *sqs.Options) {
		o.BaseEndpoint = aws.String(srv.URL)
		o.RetryMaxAttempts = 1
	})
	return emu, client
}

func mkQueue(t *testing.T, c *sqs.Client, name string, attrs map[string]string) string {
	t.Helper()
	out, err := c.CreateQueue(context.Background(), &sqs.CreateQueueInput{QueueName: &name, Attributes: attrs})
	if err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	return aws.ToString(out.QueueUrl)
}

func receive(t *testing.T, c *sqs.Client, url string, max int32) []types.Message {
	t.Helper()
	out, err := c.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{QueueUrl: &url, MaxNumberOfMessages: max,
		MessageSystemAttributeNames: []types.MessageSystemAttributeName{types.MessageSystemAttributeNameAll},
		MessageAttributeNames:       []string{"All"}})
	if err != nil {
		t.Fatalf("receive: %v", err)
	}
	return out.Messages
}

func TestSendReceiveDelete(t *testing.T) {
	ctx := context.Background()
	_, c := newTestSQS(t, time.Second)
	url := mkQueue(t, c, "notices", nil)
	got, err := c.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("notices")})
	if err != nil || aws.ToString(got.QueueUrl) != url || !strings.HasSuffix(url, "/000000000000/notices") {
		t.Fatalf("GetQueueUrl = %v, %v; want %s", aws.ToString(got.QueueUrl), err, url)
	}
	before := time.Now().UnixMilli()
	// The SDK checks MD5OfMessageBody against the body it sent.
	sent, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: &url, MessageBody: aws.String(`{"refs":["1234567"]}`),
		MessageAttributes: map[string]types.MessageAttributeValue{
			"period": {DataType: aws.String("String"), StringValue: aws.String("2026-12")}}})
	if err != nil {
		t.Fatal(err)
	}
	msgs := receive(t, c, url, 10)
	if len(msgs) != 1 {
		t.Fatalf("received %d messages; want 1", len(msgs))
	}
	m := msgs[0]
	if aws.ToString(m.MessageId) != aws.ToString(sent.MessageId) || aws.ToString(m.Body) != `{"refs":["1234567"]}` {
		t.Errorf("message = %s %q", aws.ToString(m.MessageId), aws.ToString(m.Body))
	}
	if m.Attributes["ApproximateReceiveCount"] != "1" {
		t.Errorf("ApproximateReceiveCount = %q; want 1", m.Attributes["ApproximateReceiveCount"])
	}
	if ts, _ := strconv.ParseInt(m.Attributes["SentTimestamp"], 10, 64); ts < before || ts > time.Now().UnixMilli() {
		t.Errorf("SentTimestamp = %q; want between %d and now", m.Attributes["SentTimestamp"], before)
	}
	if a := m.MessageAttributes["period"]; aws.ToString(a.StringValue) != "2026-12" || aws.ToString(m.MD5OfMessageAttributes) != aws.ToString(sent.MD5OfMessageAttributes) {
		t.Errorf("attributes = %+v, md5 %s; sent md5 %s", a, aws.ToString(m.MD5OfMessageAttributes), aws.ToString(sent.MD5OfMessageAttributes))
	}
	// The digest SQS documents for one string attribute "period" = "2026-12".
	if want := md5OfAttributes(map[string]attrValue{"period": {DataType: "String", StringValue: "2026-12"}}); aws.ToString(sent.MD5OfMessageAttributes) != want || len(want) != 32 {
		t.Errorf("MD5OfMessageAttributes = %s; want %s", aws.ToString(sent.MD5OfMessageAttributes), want)
	}
	if again := receive(t, c, url, 10); len(again) != 0 {
		t.Errorf("an in-flight message was received again: %d", len(again))
	}
	if _, err := c.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: &url, ReceiptHandle: m.ReceiptHandle}); err != nil {
		t.Fatal(err)
	}
	attrs, err := c.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: &url, AttributeNames: []types.QueueAttributeName{types.QueueAttributeNameAll}})
	if err != nil || attrs.Attributes["ApproximateNumberOfMessages"] != "0" || attrs.Attributes["ApproximateNumberOfMessagesNotVisible"] != "0" ||
		attrs.Attributes["QueueArn"] != "arn:aws:sqs:eu-west-3:000000000000:notices" {
		t.Errorf("attributes after delete = %v, %v", attrs.Attributes, err)
	}
}

func TestSendMessageBatch(t *testing.T) {
	ctx := context.Background()
	emu, c := newTestSQS(t, time.Second)
	url := mkQueue(t, c, "q", nil)
	entries := func(n int) []types.SendMessageBatchRequestEntry {
		var es []types.SendMessageBatchRequestEntry
		for i := range n {
			es = append(es, types.SendMessageBatchRequestEntry{Id: aws.String(fmt.Sprint("e", i)), MessageBody: aws.String(fmt.Sprint("body ", i))})
		}
		return es
	}
	out, err := c.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: &url, Entries: entries(10)})
	if err != nil || len(out.Successful) != 10 || len(out.Failed) != 0 {
		t.Fatalf("batch of 10 = %v, %v", out, err)
	}

	var tooMany *types.TooManyEntriesInBatchRequest
	if _, err := c.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: &url, Entries: entries(11)}); !errors.As(err, &tooMany) {
		t.Errorf("batch of 11: err = %v; want TooManyEntriesInBatchRequest", err)
	}
	var empty *types.EmptyBatchRequest
	if _, err := c.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: &url, Entries: []types.SendMessageBatchRequestEntry{}}); !errors.As(err, &empty) {
		t.Errorf("empty batch: err = %v; want EmptyBatchRequest", err)
	}
	dup := entries(2)
	dup[1].Id = dup[0].Id
	var notDistinct *types.BatchEntryIdsNotDistinct
	if _, err := c.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: &url, Entries: dup}); !errors.As(err, &notDistinct) {
		t.Errorf("repeated ids: err = %v; want BatchEntryIdsNotDistinct", err)
	}
	var api smithy.APIError
	if _, err := c.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: aws.String(url + "-nope"), Entries: entries(1)}); !errors.As(err, &api) ||
		api.ErrorCode() != "AWS.SimpleQueueService.NonExistentQueue" {
		t.Errorf("unknown queue: err = %v; want AWS.SimpleQueueService.NonExistentQueue", err)
	}
	var noQueue *types.QueueDoesNotExist
	if _, err := c.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("nope")}); !errors.As(err, &noQueue) {
		t.Errorf("GetQueueUrl of an unknown queue: err = %v; want QueueDoesNotExist", err)
	}

	// Entries fail one by one: a body SQS refuses, and an internal error.
	emu.SetSendFault(func(queue, body string) bool { return body == "body 3" })
	es := entries(5)
	es[1].MessageBody = aws.String("bad \x01 byte")
	out, err = c.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: &url, Entries: es})
	if err != nil {
		t.Fatal(err)
	}
	failed := map[string]types.BatchResultErrorEntry{}
	for _, f := range out.Failed {
		failed[aws.ToString(f.Id)] = f
	}
	if len(out.Successful) != 3 || len(failed) != 2 || aws.ToString(failed["e1"].Code) != "InvalidMessageContents" || !failed["e1"].SenderFault ||
		aws.ToString(failed["e3"].Code) != "InternalError" || failed["e3"].SenderFault {
		t.Errorf("partial batch: %d successful, failed %+v", len(out.Successful), failed)
	}
	emu.SetSendFault(nil)
	if c := emu.Counts("q"); c.Visible != 13 {
		t.Errorf("queue holds %d visible messages; want 13", c.Visible)
	}
}

func TestVisibilityTimeoutRedelivers(t *testing.T) {
	ctx := context.Background()
	emu, c := newTestSQS(t, 10*time.Millisecond) // a 5 s timeout lasts 50 ms
	url := mkQueue(t, c, "q", map[string]string{AttrVisibilityTimeout: "5"})
	if _, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: &url, MessageBody: aws.String("x")}); err != nil {
		t.Fatal(err)
	}
	first := receive(t, c, url, 1)
	if len(first) != 1 || len(receive(t, c, url, 1)) != 0 {
		t.Fatalf("first receive: %d; the message must then be invisible", len(first))
	}
	if got := emu.Counts("q"); got.InFlight != 1 {
		t.Errorf("counts = %+v; want 1 in flight", got)
	}
	time.Sleep(70 * time.Millisecond)
	second := receive(t, c, url, 1)
	if len(second) != 1 || second[0].Attributes["ApproximateReceiveCount"] != "2" ||
		aws.ToString(second[0].ReceiptHandle) == aws.ToString(first[0].ReceiptHandle) ||
		aws.ToString(second[0].MessageId) != aws.ToString(first[0].MessageId) {
		t.Fatalf("after the timeout: %+v; want the same message, count 2, a new handle", second)
	}
	// The first handle is stale: deleting with it succeeds and deletes nothing.
	if _, err := c.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: &url, ReceiptHandle: first[0].ReceiptHandle}); err != nil {
		t.Fatal(err)
	}
	if got := emu.Counts("q"); got.InFlight != 1 {
		t.Errorf("a stale handle deleted the message: %+v", got)
	}
	var notInflight *types.MessageNotInflight
	if _, err := c.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{QueueUrl: &url, ReceiptHandle: first[0].ReceiptHandle}); !errors.As(err, &notInflight) {
		t.Errorf("visibility change by a stale handle: %v; want MessageNotInflight", err)
	}
	// A visibility of 0 returns it at once.
	if _, err := c.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{QueueUrl: &url, ReceiptHandle: second[0].ReceiptHandle, VisibilityTimeout: 0}); err != nil {
		t.Fatal(err)
	}
	third := receive(t, c, url, 1)
	if len(third) != 1 || third[0].Attributes["ApproximateReceiveCount"] != "3" {
		t.Fatalf("after a visibility of 0: %+v", third)
	}
	del, err := c.DeleteMessageBatch(ctx, &sqs.DeleteMessageBatchInput{QueueUrl: &url, Entries: []types.DeleteMessageBatchRequestEntry{
		{Id: aws.String("a"), ReceiptHandle: third[0].ReceiptHandle}, {Id: aws.String("b"), ReceiptHandle: aws.String("not a handle")}}})
	if err != nil || len(del.Successful) != 1 || len(del.Failed) != 1 || aws.ToString(del.Failed[0].Code) != "ReceiptHandleIsInvalid" {
		t.Fatalf("delete batch = %+v, %v", del, err)
	}
	time.Sleep(70 * time.Millisecond)
	if got := emu.Counts("q"); got != (Counts{}) {
		t.Errorf("after the newest handle's delete: %+v; want empty", got)
	}
}

func TestDeadLetterQueueAfterMaxReceives(t *testing.T) {
	ctx := context.Background()
	emu, c := newTestSQS(t, time.Millisecond)
	mkQueue(t, c, "dlq", nil)
	url := mkQueue(t, c, "q", map[string]string{AttrVisibilityTimeout: "0",
		AttrRedrivePolicy: `{"deadLetterTargetArn":"arn:aws:sqs:eu-west-3:000000000000:dlq","maxReceiveCount":"3"}`})
	if _, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: &url, MessageBody: aws.String("poison")}); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 3; i++ {
		got := receive(t, c, url, 1)
		if len(got) != 1 || got[0].Attributes["ApproximateReceiveCount"] != strconv.Itoa(i) {
			t.Fatalf("receive %d: %+v", i, got)
		}
	}
	if got := receive(t, c, url, 1); len(got) != 0 {
		t.Fatalf("a 4th receive delivered the message: %+v", got)
	}
	if b := emu.Bodies("dlq"); len(b) != 1 || b[0] != "poison" || len(emu.Bodies("q")) != 0 {
		t.Errorf("dlq = %q, q = %q; want the message moved", b, emu.Bodies("q"))
	}
	if _, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("bad"), Attributes: map[string]string{AttrRedrivePolicy: `{"maxReceiveCount":0}`}}); err == nil {
		t.Error("a redrive policy with maxReceiveCount 0 was accepted")
	}
}

func TestLongPollWakesOnSend(t *testing.T) {
	ctx := context.Background()
	_, c := newTestSQS(t, time.Second)
	url := mkQueue(t, c, "q", nil)
	start := time.Now()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		time.Sleep(50 * time.Millisecond)
		c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: &url, MessageBody: aws.String("late")})
	}()
	out, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: &url, WaitTimeSeconds: 5})
	wg.Wait()
	if err != nil || len(out.Messages) != 1 || time.Since(start) > 2*time.Second {
		t.Fatalf("long poll = %+v, %v after %v", out, err, time.Since(start))
	}
	// An empty long poll ends after its wait.
	start = time.Now()
	out, err = c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: &url, WaitTimeSeconds: 1})
	if err != nil || len(out.Messages) != 0 || time.Since(start) < 900*time.Millisecond {
		t.Errorf("empty long poll = %+v, %v after %v", out, err, time.Since(start))
	}
}
