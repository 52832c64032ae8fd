package sqsemu

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The JSON protocol: POST / with `X-Amz-Target: AmazonSQS.<Action>` and a
// JSON body of the action's members; the answer is the result's members, or
// an error `{"__type": "com.amazonaws.sqs#<Code>", "message": …}` with the
// query-compatible code in `x-amzn-query-error: <code>;Sender|Receiver`,
// which the SDK reports as the error's code.

const targetPrefix = "AmazonSQS."

var jsonUnmarshal = json.Unmarshal

// ServeHTTP answers one SQS JSON request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	action, ok := strings.CutPrefix(r.Header.Get("X-Amz-Target"), targetPrefix)
	if r.Method != http.MethodPost || !ok {
		writeError(w, &Error{Code: "UnsupportedOperation", Query: "AWS.SimpleQueueService.UnsupportedOperation", Sender: true,
			Message: "This emulator speaks the SQS JSON protocol only (X-Amz-Target: AmazonSQS.<Action>)."})
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 4<<20))
	if err != nil {
		writeError(w, errInvalid("unreadable body"))
		return
	}
	h, ok := actions[action]
	if !ok {
		writeError(w, &Error{Code: "InvalidAction", Query: "InvalidAction", Sender: true, Message: "The action " + action + " is not valid for this endpoint."})
		return
	}
	out, apiErr := h(s, r, body)
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	w.Header().Set("X-Amzn-Requestid", newID())
	if out == nil {
		out = struct{}{}
	}
	json.NewEncoder(w).Encode(out)
}

func writeError(w http.ResponseWriter, e *Error) {
	fault := "Receiver"
	status := http.StatusInternalServerError
	if e.Sender {
		fault, status = "Sender", http.StatusBadRequest
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	w.Header().Set("X-Amzn-Requestid", newID())
	w.Header().Set("X-Amzn-Query-Error", e.Query+";"+fault)
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"__type": "com.amazonaws.sqs#" + e.Code, "message": e.Message})
}

// decode reads the request's members strictly enough to catch a mistyped
// field as SQS would (a 400), not more.
func decode(body []byte, v any) *Error {
	if len(bytes.TrimSpace(body)) == 0 {
		body = []byte("{}")
	}
	if err := json.Unmarshal(body, v); err != nil {
		return &Error{Code: "SerializationException", Query: "InvalidParameterValue", Sender: true, Message: "cannot read the request: " + err.Error()}
	}
	return nil
}

// queueURL is the QueueUrl member of the requests made on one queue.
type queueURL struct{ QueueUrl string }

func (u *queueURL) url() string { return u.QueueUrl }

// onQueue is the shape of an action on one queue: it decodes the request
// into a T (whose embedded queueURL names the queue), then, under the
// server's lock, finds the queue (AWS.SimpleQueueService.NonExistentQueue
// when there is none) and answers with do.
func onQueue[T any, P interface {
	*T
	url() string
}](s *Server, body []byte, do func(q *queue, in *T) (any, *Error)) (any, *Error) {
	var in T
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	q, err := s.queueOf(P(&in).url())
	if err != nil {
		return nil, err
	}
	return do(q, &in)
}

type action func(s *Server, r *http.Request, body []byte) (any, *Error)

var actions = map[string]action{
	"CreateQueue":                  createQueue,
	"GetQueueUrl":                  getQueueURL,
	"GetQueueAttributes":           getQueueAttributes,
	"SendMessage":                  sendMessage,
	"SendMessageBatch":             sendMessageBatch,
	"ReceiveMessage":               receiveMessage,
	"DeleteMessage":                deleteMessage,
	"DeleteMessageBatch":           deleteMessageBatch,
	"ChangeMessageVisibility":      changeMessageVisibility,
	"ChangeMessageVisibilityBatch": changeMessageVisibilityBatch,
	"PurgeQueue":                   purgeQueue,
	"ListQueues":                   listQueues,
}

// base is the endpoint's URL as the client reached it.
func base(r *http.Request) string { return "http://" + r.Host }

func createQueue(s *Server, r *http.Request, body []byte) (any, *Error) {
	var in struct {
		QueueName  string
		Attributes map[string]string
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	url, err := s.CreateQueue(base(r), in.QueueName, in.Attributes)
	if err != nil {
		return nil, err.(*Error)
	}
	return map[string]string{"QueueUrl": url}, nil
}

func getQueueURL(s *Server, r *http.Request, body []byte) (any, *Error) {
	var in struct{ QueueName, QueueOwnerAWSAccountId string }
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	s.mu.Lock()
	_, ok := s.queues[in.QueueName]
	s.mu.Unlock()
	if !ok || (in.QueueOwnerAWSAccountId != "" && in.QueueOwnerAWSAccountId != s.opts.Account) {
		return nil, errNoQueue()
	}
	return map[string]string{"QueueUrl": s.url(base(r), in.QueueName)}, nil
}

type getQueueAttributesRequest struct {
	queueURL
	AttributeNames []string
}

func getQueueAttributes(s *Server, r *http.Request, body []byte) (any, *Error) {
	return onQueue(s, body, func(q *queue, in *getQueueAttributesRequest) (any, *Error) {
		c := s.counts(q)
		all := map[string]string{
			"QueueArn":                              s.ARN(q.name),
			"ApproximateNumberOfMessages":           strconv.Itoa(c.Visible),
			"ApproximateNumberOfMessagesNotVisible": strconv.Itoa(c.InFlight),
			"ApproximateNumberOfMessagesDelayed":    strconv.Itoa(c.Delayed),
			"CreatedTimestamp":                      strconv.FormatInt(q.created.Unix(), 10),
			"LastModifiedTimestamp":                 strconv.FormatInt(q.created.Unix(), 10),
			AttrVisibilityTimeout:                   strconv.Itoa(q.visibility),
			AttrDelaySeconds:                        strconv.Itoa(q.delay),
			AttrMaximumSize:                         strconv.Itoa(q.maxSize),
			AttrWaitTime:                            strconv.Itoa(q.wait),
			AttrRetention:                           "345600",
		}
		for k, v := range q.attrs {
			all[k] = v
		}
		out := map[string]string{}
		for _, n := range in.AttributeNames {
			if n == "All" {
				out = all
				break
			}
			if v, ok := all[n]; ok {
				out[n] = v
			}
		}
		return map[string]any{"Attributes": out}, nil
	})
}

type sendEntry struct {
	Id                string
	MessageBody       string
	DelaySeconds      *int
	MessageAttributes map[string]attrValue
}

type sendResult struct {
	Id                     string `json:",omitempty"`
	MessageId              string
	MD5OfMessageBody       string
	MD5OfMessageAttributes string `json:",omitempty"`
}

type sendMessageRequest struct {
	queueURL
	sendEntry
}

func sendMessage(s *Server, r *http.Request, body []byte) (any, *Error) {
	return onQueue(s, body, func(q *queue, in *sendMessageRequest) (any, *Error) {
		m, err := s.send(q, in.MessageBody, in.MessageAttributes, in.DelaySeconds)
		if err != nil {
			return nil, err
		}
		return sendResult{MessageId: m.id, MD5OfMessageBody: m.md5Body, MD5OfMessageAttributes: m.md5Attrs}, nil
	})
}

type batchError struct {
	Id          string
	SenderFault bool
	Code        string
	Message     string
}

// checkBatch applies SQS's rules on a batch's ids: 1 to 10 entries, each
// id distinct, at most 80 alphanumeric characters, hyphens or underscores.
func checkBatch(ids []string) *Error {
	if len(ids) == 0 {
		return &Error{Code: "EmptyBatchRequest", Query: "AWS.SimpleQueueService.EmptyBatchRequest", Sender: true,
			Message: "There should be at least one SendMessageBatchRequestEntry in the request."}
	}
	if len(ids) > maxBatchEntries {
		return &Error{Code: "TooManyEntriesInBatchRequest", Query: "AWS.SimpleQueueService.TooManyEntriesInBatchRequest", Sender: true,
			Message: "Maximum number of entries per request are 10. You have sent " + strconv.Itoa(len(ids)) + "."}
	}
	seen := map[string]bool{}
	for _, id := range ids {
		if id == "" || len(id) > 80 || strings.Trim(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") != "" {
			return &Error{Code: "InvalidBatchEntryId", Query: "AWS.SimpleQueueService.InvalidBatchEntryId", Sender: true,
				Message: "A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long."}
		}
		if seen[id] {
			return &Error{Code: "BatchEntryIdsNotDistinct", Query: "AWS.SimpleQueueService.BatchEntryIdsNotDistinct", Sender: true,
				Message: "Id " + id + " repeated."}
		}
		seen[id] = true
	}
	return nil
}

type sendMessageBatchRequest struct {
	queueURL
	Entries []sendEntry
}

func sendMessageBatch(s *Server, r *http.Request, body []byte) (any, *Error) {
	return onQueue(s, body, func(q *queue, in *sendMessageBatchRequest) (any, *Error) {
		ids := make([]string, len(in.Entries))
		total := 0
		for i, e := range in.Entries {
			ids[i] = e.Id
			total += len(e.MessageBody) + attrsSize(e.MessageAttributes)
		}
		if err := checkBatch(ids); err != nil {
			return nil, err
		}
		if total > q.maxSize {
			return nil, &Error{Code: "BatchRequestTooLong", Query: "AWS.SimpleQueueService.BatchRequestTooLong", Sender: true,
				Message: "Batch requests cannot be longer than " + strconv.Itoa(q.maxSize) + " bytes."}
		}
		ok, failed := []sendResult{}, []batchError{}
		for _, e := range in.Entries {
			m, err := s.send(q, e.MessageBody, e.MessageAttributes, e.DelaySeconds)
			if err != nil {
				failed = append(failed, batchError{Id: e.Id, SenderFault: err.Sender, Code: err.Query, Message: err.Message})
				continue
			}
			ok = append(ok, sendResult{Id: e.Id, MessageId: m.id, MD5OfMessageBody: m.md5Body, MD5OfMessageAttributes: m.md5Attrs})
		}
		return map[string]any{"Successful": ok, "Failed": failed}, nil
	})
}

func receiveMessage(s *Server, r *http.Request, body []byte) (any, *Error) {
	var in struct {
		QueueUrl                    string
		AttributeNames              []string
		MessageSystemAttributeNames []string
		MessageAttributeNames       []string
		MaxNumberOfMessages         *int
		VisibilityTimeout           *int
		WaitTimeSeconds             *int
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	s.mu.Lock()
	q, err := s.queueOf(in.QueueUrl)
	var visibility, wait int
	if err == nil {
		visibility, wait = q.visibility, q.wait
	}
	s.mu.Unlock()
	if err != nil {
		return nil, err
	}
	max := 1
	if in.MaxNumberOfMessages != nil {
		max = *in.MaxNumberOfMessages
	}
	if max < 1 || max > 10 {
		return nil, errInvalid("Value %d for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.", max)
	}
	if in.VisibilityTimeout != nil {
		visibility = *in.VisibilityTimeout
	}
	if visibility < 0 || visibility > 43200 {
		return nil, errInvalid("Value %d for parameter VisibilityTimeout is invalid.", visibility)
	}
	if in.WaitTimeSeconds != nil {
		wait = *in.WaitTimeSeconds
	}
	if wait < 0 || wait > 20 {
		return nil, errInvalid("Value %d for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.", wait)
	}
	got := s.waitReceive(r.Context(), q, max, visibility, s.seconds(wait))

	sys := map[string]bool{}
	for _, n := range append(in.AttributeNames, in.MessageSystemAttributeNames...) {
		sys[n] = true
	}
	msgs := []map[string]any{}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, g := range got {
		m := g.m
		out := map[string]any{"MessageId": m.id, "ReceiptHandle": g.handle, "MD5OfBody": m.md5Body, "Body": m.body}
		attrs := map[string]string{
			"SenderId":                         "AIDAEMULATEDSENDER0000",
			"SentTimestamp":                    millis(m.sent),
			"ApproximateReceiveCount":          strconv.Itoa(g.receives),
			"ApproximateFirstReceiveTimestamp": millis(g.firstReceived),
		}
		picked := map[string]string{}
		for k, v := range attrs {
			if sys["All"] || sys[k] {
				picked[k] = v
			}
		}
		if len(picked) > 0 {
			out["Attributes"] = picked
		}
		if ma := pickAttributes(m.attrs, in.MessageAttributeNames); len(ma) > 0 {
			out["MessageAttributes"] = ma
			out["MD5OfMessageAttributes"] = md5OfAttributes(ma)
		}
		msgs = append(msgs, out)
	}
	if len(msgs) == 0 {
		return struct{}{}, nil
	}
	return map[string]any{"Messages": msgs}, nil
}

// pickAttributes keeps the message attributes asked for: by name, All or
// .*, or a prefix written `name.*`.
func pickAttributes(attrs map[string]attrValue, names []string) map[string]attrValue {
	out := map[string]attrValue{}
	for k, v := range attrs {
		for _, n := range names {
			if n == "All" || n == ".*" || n == k || (strings.HasSuffix(n, ".*") && strings.HasPrefix(k, strings.TrimSuffix(n, "*"))) {
				out[k] = v
				break
			}
		}
	}
	return out
}

func millis(t time.Time) string { return strconv.FormatInt(t.UnixMilli(), 10) }

type deleteMessageRequest struct {
	queueURL
	ReceiptHandle string
}

func deleteMessage(s *Server, r *http.Request, body []byte) (any, *Error) {
	return onQueue(s, body, func(q *queue, in *deleteMessageRequest) (any, *Error) {
		return nil, s.delete(q, in.ReceiptHandle)
	})
}

type handleEntry struct {
	Id, ReceiptHandle string
	VisibilityTimeout int
}

func deleteMessageBatch(s *Server, r *http.Request, body []byte) (any, *Error) {
	return handleBatch(s, body, func(q *queue, e handleEntry) *Error { return s.delete(q, e.ReceiptHandle) })
}

func changeMessageVisibilityBatch(s *Server, r *http.Request, body []byte) (any, *Error) {
	return handleBatch(s, body, func(q *queue, e handleEntry) *Error {
		return s.changeVisibility(q, e.ReceiptHandle, e.VisibilityTimeout)
	})
}

type handleBatchRequest struct {
	queueURL
	Entries []handleEntry
}

func handleBatch(s *Server, body []byte, do func(*queue, handleEntry) *Error) (any, *Error) {
	return onQueue(s, body, func(q *queue, in *handleBatchRequest) (any, *Error) {
		ids := make([]string, len(in.Entries))
		for i, e := range in.Entries {
			ids[i] = e.Id
		}
		if err := checkBatch(ids); err != nil {
			return nil, err
		}
		ok, failed := []map[string]string{}, []batchError{}
		for _, e := range in.Entries {
			if err := do(q, e); err != nil {
				failed = append(failed, batchError{Id: e.Id, SenderFault: err.Sender, Code: err.Query, Message: err.Message})
				continue
			}
			ok = append(ok, map[string]string{"Id": e.Id})
		}
		return map[string]any{"Successful": ok, "Failed": failed}, nil
	})
}

type changeMessageVisibilityRequest struct {
	queueURL
	ReceiptHandle     string
	VisibilityTimeout int
}

func changeMessageVisibility(s *Server, r *http.Request, body []byte) (any, *Error) {
	return onQueue(s, body, func(q *queue, in *changeMessageVisibilityRequest) (any, *Error) {
		return nil, s.changeVisibility(q, in.ReceiptHandle, in.VisibilityTimeout)
	})
}

func purgeQueue(s *Server, r *http.Request, body []byte) (any, *Error) {
	return onQueue(s, body, func(q *queue, _ *queueURL) (any, *Error) {
		q.msgs, q.deleted, q.byID = nil, 0, map[string]*message{}
		return nil, nil
	})
}

func listQueues(s *Server, r *http.Request, body []byte) (any, *Error) {
	var in struct{ QueueNamePrefix string }
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	urls := []string{}
	for name := range s.queues {
		if strings.HasPrefix(name, in.QueueNamePrefix) {
			urls = append(urls, s.url(base(r), name))
		}
	}
	return map[string]any{"QueueUrls": urls}, nil
}
