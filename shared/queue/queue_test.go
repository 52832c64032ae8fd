package queue_test

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/citejardins/extranet/shared/queue"
)

// sqsServer answers SendMessageBatch as SQS does over its JSON protocol
// (X-Amz-Target AmazonSQS.SendMessageBatch), failing some entries the way
// SQS reports them: entry by entry, in Failed, with SenderFault. The local
// SQS emulator of the stack lives in infra; this test needs only the one
// call, and entry failures on demand.
type sqsServer struct {
	mu       sync.Mutex
	calls    int
	got      []string
	failOnce map[string]bool // bodies failed (server fault) the first time
	refuse   map[string]bool // bodies refused (sender fault) every time
}

func (s *sqsServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("X-Amz-Target") != "AmazonSQS.SendMessageBatch" {
		http.Error(w, "unexpected call", http.StatusBadRequest)
		return
	}
	var in struct {
		QueueUrl string
		Entries  []struct{ Id, MessageBody string }
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || len(in.Entries) == 0 || len(in.Entries) > 10 {
		http.Error(w, "bad batch", http.StatusBadRequest)
		return
	}
	type ok struct{ Id, MessageId, MD5OfMessageBody string }
	type failed struct {
		Id, Code, Message string
		SenderFault       bool
	}
	var out struct {
		Successful []ok
		Failed     []failed
	}
	s.mu.Lock()
	s.calls++
	for _, e := range in.Entries {
		switch {
		case s.refuse[e.MessageBody]:
			out.Failed = append(out.Failed, failed{Id: e.Id, Code: "InvalidMessageContents", Message: "no", SenderFault: true})
		case s.failOnce[e.MessageBody]:
			delete(s.failOnce, e.MessageBody)
			out.Failed = append(out.Failed, failed{Id: e.Id, Code: "InternalError", Message: "try again"})
		default:
			sum := md5.Sum([]byte(e.MessageBody))
			out.Successful = append(out.Successful, ok{Id: e.Id, MessageId: fmt.Sprintf("m-%d", len(s.got)), MD5OfMessageBody: hex.EncodeToString(sum[:])})
			s.got = append(s.got, e.MessageBody)
		}
	}
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	json.NewEncoder(w).Encode(out)
}

func client(url string) *sqs.Client {
	return sqs.NewFromConfig(aws.Config{Region: "eu-west-3", Credentials: credentials.NewStaticCredentialsProvider("k", "s", "")},
		func(o *sqs.Options) { o.BaseEndpoint = aws.String(url) })
}

func TestSendBatchesTenAndRetriesFailedEntries(t *testing.T) {
	srv := &sqsServer{failOnce: map[string]bool{"b3": true, "b17": true}}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	var bodies []string
	for i := range 23 {
		bodies = append(bodies, fmt.Sprintf("b%d", i))
	}
	if err := queue.New(client(ts.URL), ts.URL+"/123/notices").Send(context.Background(), bodies); err != nil {
		t.Fatal(err)
	}
	if len(srv.got) != 23 {
		t.Fatalf("%d messages arrived; want 23", len(srv.got))
	}
	seen := map[string]int{}
	for _, b := range srv.got {
		seen[b]++
	}
	for _, b := range bodies {
		if seen[b] != 1 {
			t.Errorf("%s arrived %d times", b, seen[b])
		}
	}
	// 3 batches of at most 10, and one more call for each batch with a
	// failed entry.
	if srv.calls != 5 {
		t.Errorf("%d calls; want 5", srv.calls)
	}
}

func TestSendStopsOnARefusedMessage(t *testing.T) {
	srv := &sqsServer{refuse: map[string]bool{"bad": true}}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	err := queue.New(client(ts.URL), ts.URL+"/123/notices").Send(context.Background(), []string{"a", "bad", "c"})
	if err == nil || !strings.Contains(err.Error(), "InvalidMessageContents") {
		t.Fatalf("err = %v; want the refusal", err)
	}
}
