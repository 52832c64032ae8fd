package rie

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/citejardins/extranet/infra/localstack"
	"github.com/citejardins/extranet/infra/sesemu"
)

// TestMailsFunctionUnderRIE builds the mails function and runs it under
// the Lambda Runtime Interface Emulator, woken by a DynamoDB stream event
// as the template's filter passes it, then by a scheduled event: it runs
// the mail job a sign-up left and sends the activation link.
func TestMailsFunctionUnderRIE(t *testing.T) {
	rieBin := findRIE(t)
	ctx := t.Context()
	repo := root(t)
	// The stack's own mails worker stays off: the binary does its work.
	st, err := localstack.Start(ctx, localstack.Options{Addr: "127.0.0.1:0", DataDir: t.TempDir(), Root: repo, Skip: []string{"mails"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e := startFunction(t, rieBin, repo, st, "mails")

	const to = "marie.stream@example.fr"
	body, _ := json.Marshal(map[string]string{"reference": "8889999", "lastName": "dupont", "dateOfBirth": "1978-04-12",
		"email": to, "password": "Tulipes-violettes-au-balcon-7"})
	res, err := http.Post(st.URL+"/api/v1/signup", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusAccepted {
		t.Fatalf("sign-up: %s", res.Status)
	}
	if n := len(st.Mail.Messages()); n != 0 {
		t.Fatalf("%d mails before the mails function ran", n)
	}

	// A handler with no API Gateway answer: the emulator returns its null.
	invoke := func(what, event string) {
		t.Helper()
		_, err := e.Invoke(ctx, []byte(event))
		var ie *InvokeError
		if !errors.As(err, &ie) || ie.Status != http.StatusOK || strings.TrimSpace(ie.Body) != "null" {
			t.Fatalf("%s: %v, want a successful invocation", what, err)
		}
	}
	invoke("stream event", `{"Records":[{"eventID":"1","eventName":"INSERT","eventVersion":"1.1","eventSource":"aws:dynamodb",
		"awsRegion":"eu-west-3","dynamodb":{"ApproximateCreationDateTime":1796029200,"Keys":{"PK":{"S":"MAILJOB"},"SK":{"S":"2026-11-30T09:00:00.000000000Z#x"}},
		"SequenceNumber":"100000000000000000001","SizeBytes":60,"StreamViewType":"KEYS_ONLY"},
		"eventSourceARN":"arn:aws:dynamodb:eu-west-3:123456789012:table/AccountsTable/stream/2026-11-30T00:00:00.000"}]}`)
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	m, err := st.Mail.WaitFor(wctx, func(m sesemu.Message) bool { return slices.Contains(m.To, to) })
	if err != nil {
		t.Fatalf("no activation mail: %v", err)
	}
	if !strings.Contains(m.Text, st.URL+"/activation?token=") {
		t.Errorf("the mail has no activation link:\n%s", m.Text)
	}
	if err := st.WaitMailJobs(wctx); err != nil {
		t.Error(err)
	}
	// The schedule's event, with nothing waiting: a run that does nothing.
	invoke("scheduled event", `{"version":"0","id":"1","detail-type":"Scheduled Event","source":"aws.events",
		"account":"123456789012","time":"2026-11-30T09:05:00Z","region":"eu-west-3","resources":[],"detail":{}}`)
	if n := len(st.Mail.Messages()); n != 1 {
		t.Errorf("%d mails, want 1", n)
	}
}
