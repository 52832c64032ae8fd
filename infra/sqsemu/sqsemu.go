// Package sqsemu emulates the part of Amazon SQS (standard queues) that the
// extranet uses, over the JSON protocol the current aws-sdk-go-v2 client
// speaks (AWS JSON 1.0, `X-Amz-Target: AmazonSQS.<Action>`), so that the
// local stack and tests run the real SDK client against an in-process
// endpoint.
//
// What it keeps of SQS: at-least-once delivery; a received message is
// invisible for the visibility timeout, then delivered again with a new
// receipt handle and a higher ApproximateReceiveCount; only the newest
// receipt handle deletes (an older one succeeds and deletes nothing, as
// documented); a queue with a RedrivePolicy moves a message to its
// dead-letter queue when a receive would exceed maxReceiveCount; batches of
// at most 10 entries, each failing on its own; long polling. What it leaves
// out: FIFO queues, retention expiry, encryption, policies, permissions,
// tags, message move tasks.
//
// Time can run faster than the wall clock (Options.Second), so tests see
// a 180-second visibility timeout end in a fraction of a second.
package sqsemu

import (
	"context"
	"crypto/md5"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Options configure a Server. Zero values take defaults.
type Options struct {
	// Region and Account make the queues' ARNs and URLs; default eu-west-3
	// and 000000000000.
	Region, Account string
	// Second is how long one second of SQS time lasts: visibility timeouts,
	// delays and long polls are counted in it. Default time.Second; a test
	// passing 10*time.Millisecond sees a 180 s visibility timeout end after
	// 1.8 s.
	Second time.Duration
}

// Server is an in-memory SQS endpoint (an http.Handler). Create one with
// New. It is safe for concurrent use.
type Server struct {
	opts Options

	mu     sync.Mutex
	queues map[string]*queue
	// sendFault, when set, decides per message whether a send fails with
	// an InternalError (a failed batch entry, or a failed SendMessage).
	sendFault func(queue, body string) bool
	// changed is closed, then replaced, whenever a message may have become
	// receivable: long polls wait on it.
	changed chan struct{}
}

// New returns a Server with no queues.
func New(o Options) *Server {
	if o.Region == "" {
		o.Region = "eu-west-3"
	}
	if o.Account == "" {
		o.Account = "000000000000"
	}
	if o.Second <= 0 {
		o.Second = time.Second
	}
	return &Server{opts: o, queues: map[string]*queue{}, changed: make(chan struct{})}
}

// Attribute names and defaults of a queue, as SQS documents them.
const (
	AttrVisibilityTimeout = "VisibilityTimeout"
	AttrRedrivePolicy     = "RedrivePolicy"
	AttrDelaySeconds      = "DelaySeconds"
	AttrMaximumSize       = "MaximumMessageSize"
	AttrWaitTime          = "ReceiveMessageWaitTimeSeconds"
	AttrRetention         = "MessageRetentionPeriod"

	defaultVisibility = 30
	defaultMaxSize    = 1 << 20 // 1 MiB since August 2025 (it was 256 KiB)
	maxBatchEntries   = 10
)

type queue struct {
	name    string
	attrs   map[string]string
	created time.Time
	// visibility, delay, maxSize, wait are parsed attributes (seconds, bytes).
	visibility, delay, maxSize, wait int
	dlq                              string // dead-letter queue name, from RedrivePolicy
	maxReceives                      int
	msgs                             []*message // in send order; deleted ones compacted away
	byID                             map[string]*message
	deleted                          int
}

type message struct {
	id, body, md5Body string
	attrs             map[string]attrValue
	md5Attrs          string
	sent              time.Time
	firstReceive      time.Time
	receives          int
	visibleAt         time.Time
	handle            string // the newest receipt handle
	gone              bool
}

// attrValue is a message attribute as the JSON protocol carries it.
type attrValue struct {
	DataType    string `json:"DataType"`
	StringValue string `json:"StringValue,omitempty"`
	BinaryValue []byte `json:"BinaryValue,omitempty"`
}

// Error is an SQS error: Code is the JSON protocol's error shape
// (QueueDoesNotExist), Query the awsQueryError code the SDK reports
// (AWS.SimpleQueueService.NonExistentQueue).
type Error struct {
	Code, Query, Message string
	Sender               bool
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

func errInvalid(format string, args ...any) *Error {
	return &Error{Code: "InvalidParameterValue", Query: "InvalidParameterValue", Message: fmt.Sprintf(format, args...), Sender: true}
}

func errNoQueue() *Error {
	return &Error{Code: "QueueDoesNotExist", Query: "AWS.SimpleQueueService.NonExistentQueue",
		Message: "The specified queue does not exist.", Sender: true}
}

// SetSendFault makes each send whose f(queue name, body) is true fail with
// an InternalError (SenderFault false), as SQS can fail an entry of a batch;
// nil stops it. For tests of senders' retries.
func (s *Server) SetSendFault(f func(queue, body string) bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sendFault = f
}

// CreateQueue creates a queue (or returns the existing one's URL when its
// attributes are the same), with attributes by SQS name. The URL's host is
// base (the endpoint's URL, http://127.0.0.1:port).
func (s *Server) CreateQueue(base, name string, attrs map[string]string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if name == "" || len(name) > 80 || strings.Trim(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") != "" {
		return "", errInvalid("Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length")
	}
	if strings.HasSuffix(name, ".fifo") {
		return "", &Error{Code: "UnsupportedOperation", Query: "AWS.SimpleQueueService.UnsupportedOperation", Message: "FIFO queues are not emulated", Sender: true}
	}
	q := &queue{name: name, attrs: map[string]string{}, created: time.Now(), byID: map[string]*message{}}
	for k, v := range attrs {
		q.attrs[k] = v
	}
	if err := q.parse(s); err != nil {
		return "", err
	}
	if old, ok := s.queues[name]; ok {
		for k, v := range attrs {
			if old.attrs[k] != v {
				return "", &Error{Code: "QueueNameExists", Query: "QueueAlreadyExists", Sender: true,
					Message: "A queue already exists with the same name and a different value for attribute " + k}
			}
		}
		return s.url(base, name), nil
	}
	s.queues[name] = q
	return s.url(base, name), nil
}

func (s *Server) url(base, name string) string {
	return strings.TrimSuffix(base, "/") + "/" + s.opts.Account + "/" + name
}

// ARN is the ARN of a queue of this server.
func (s *Server) ARN(name string) string {
	return "arn:aws:sqs:" + s.opts.Region + ":" + s.opts.Account + ":" + name
}

func (q *queue) parse(s *Server) error {
	num := func(k string, def, lo, hi int) (int, error) {
		v, ok := q.attrs[k]
		if !ok {
			return def, nil
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < lo || n > hi {
			return 0, errInvalid("Invalid value for the parameter %s.", k)
		}
		return n, nil
	}
	var err error
	if q.visibility, err = num(AttrVisibilityTimeout, defaultVisibility, 0, 43200); err != nil {
		return err
	}
	if q.delay, err = num(AttrDelaySeconds, 0, 0, 900); err != nil {
		return err
	}
	if q.maxSize, err = num(AttrMaximumSize, defaultMaxSize, 1024, defaultMaxSize); err != nil {
		return err
	}
	if q.wait, err = num(AttrWaitTime, 0, 0, 20); err != nil {
		return err
	}
	if _, err = num(AttrRetention, 345600, 60, 1209600); err != nil {
		return err
	}
	q.dlq, q.maxReceives = "", 0
	if rp, ok := q.attrs[AttrRedrivePolicy]; ok && rp != "" {
		var p struct {
			DeadLetterTargetArn string `json:"deadLetterTargetArn"`
			MaxReceiveCount     any    `json:"maxReceiveCount"`
		}
		if err := jsonUnmarshal([]byte(rp), &p); err != nil {
			return errInvalid("Value %s for parameter RedrivePolicy is invalid. Reason: Redrive policy is not a valid JSON map.", rp)
		}
		n, err := strconv.Atoi(strings.TrimSpace(fmt.Sprint(p.MaxReceiveCount)))
		prefix := "arn:aws:sqs:" + s.opts.Region + ":" + s.opts.Account + ":"
		if err != nil || n < 1 || n > 1000 || !strings.HasPrefix(p.DeadLetterTargetArn, prefix) {
			return errInvalid("Value %s for parameter RedrivePolicy is invalid. Reason: Invalid value for maxReceiveCount or deadLetterTargetArn.", rp)
		}
		q.dlq, q.maxReceives = strings.TrimPrefix(p.DeadLetterTargetArn, prefix), n
	}
	return nil
}

// queueOf finds the queue a QueueUrl names (its last path segment); the
// host is not checked, as the SDK may reach the endpoint by another name.
func (s *Server) queueOf(url string) (*queue, *Error) {
	i := strings.LastIndexByte(url, '/')
	if url == "" || i < 0 {
		return nil, errNoQueue()
	}
	q, ok := s.queues[url[i+1:]]
	if !ok {
		return nil, errNoQueue()
	}
	return q, nil
}

// seconds turns SQS seconds into wall-clock time under Options.Second.
func (s *Server) seconds(n int) time.Duration { return time.Duration(n) * s.opts.Second }

// wake tells long polls that a message may be receivable.
func (s *Server) wake() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// send stores one message in q. Caller holds s.mu.
func (s *Server) send(q *queue, body string, attrs map[string]attrValue, delay *int) (*message, *Error) {
	if body == "" {
		return nil, &Error{Code: "MissingParameter", Query: "MissingParameter", Message: "The request must contain the parameter MessageBody.", Sender: true}
	}
	if !validBody(body) {
		return nil, &Error{Code: "InvalidMessageContents", Query: "InvalidMessageContents", Message: "Invalid binary character in message body", Sender: true}
	}
	if size := len(body) + attrsSize(attrs); size > q.maxSize {
		return nil, errInvalid("One or more parameters are invalid. Reason: Message must be shorter than %d bytes.", q.maxSize)
	}
	for name, a := range attrs {
		if name == "" || a.DataType == "" || (a.StringValue == "" && a.BinaryValue == nil) {
			return nil, errInvalid("The message attribute '%s' must contain non-empty message attribute value and type.", name)
		}
	}
	d := q.delay
	if delay != nil {
		if *delay < 0 || *delay > 900 {
			return nil, errInvalid("Value %d for parameter DelaySeconds is invalid. Reason: must be between 0 and 900.", *delay)
		}
		d = *delay
	}
	if s.sendFault != nil && s.sendFault(q.name, body) {
		return nil, &Error{Code: "InternalError", Query: "InternalError", Message: "We encountered an internal error. Please try again."}
	}
	now := time.Now()
	sum := md5.Sum([]byte(body))
	m := &message{id: newID(), body: body, md5Body: hex.EncodeToString(sum[:]), attrs: attrs, md5Attrs: md5OfAttributes(attrs),
		sent: now, visibleAt: now.Add(s.seconds(d))}
	q.msgs = append(q.msgs, m)
	q.byID[m.id] = m
	if d == 0 {
		s.wake()
	}
	return m, nil
}

// validBody reports whether body holds only the characters SQS accepts
// (#x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF).
func validBody(body string) bool {
	for _, r := range body {
		switch {
		case r == 0x9 || r == 0xA || r == 0xD:
		case r >= 0x20 && r <= 0xD7FF, r >= 0xE000 && r <= 0xFFFD, r >= 0x10000 && r <= 0x10FFFF:
		default:
			return false
		}
	}
	return true
}

func attrsSize(attrs map[string]attrValue) int {
	n := 0
	for k, a := range attrs {
		n += len(k) + len(a.DataType) + len(a.StringValue) + len(a.BinaryValue)
	}
	return n
}

// md5OfAttributes is SQS's digest of message attributes: for each, by
// name, the length-prefixed name, type, a transport byte (1 string,
// 2 binary) and the length-prefixed value. Empty when there are none.
func md5OfAttributes(attrs map[string]attrValue) string {
	if len(attrs) == 0 {
		return ""
	}
	names := make([]string, 0, len(attrs))
	for k := range attrs {
		names = append(names, k)
	}
	sort.Strings(names)
	h := md5.New()
	put := func(b []byte) {
		var n [4]byte
		binary.BigEndian.PutUint32(n[:], uint32(len(b)))
		h.Write(n[:])
		h.Write(b)
	}
	for _, k := range names {
		a := attrs[k]
		put([]byte(k))
		put([]byte(a.DataType))
		if a.BinaryValue != nil {
			h.Write([]byte{2})
			put(a.BinaryValue)
		} else {
			h.Write([]byte{1})
			put([]byte(a.StringValue))
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// received is one delivery of a message.
type received struct {
	m             *message
	handle        string
	receives      int
	firstReceived time.Time
}

// receive takes up to max visible messages of q, making them invisible for
// visibility seconds. A message received maxReceives times already goes to
// the dead-letter queue instead. Caller holds s.mu.
func (s *Server) receive(q *queue, max, visibility int) []received {
	now := time.Now()
	var out []received
	for _, m := range q.msgs {
		if len(out) == max {
			break
		}
		if m.gone || now.Before(m.visibleAt) {
			continue
		}
		if q.maxReceives > 0 && m.receives >= q.maxReceives {
			if dlq, ok := s.queues[q.dlq]; ok {
				q.remove(m)
				moved := *m
				moved.handle, moved.gone, moved.visibleAt = "", false, now
				dlq.msgs = append(dlq.msgs, &moved)
				dlq.byID[moved.id] = &moved
				s.wake()
				continue
			}
		}
		m.receives++
		if m.firstReceive.IsZero() {
			m.firstReceive = now
		}
		m.handle = newHandle(q.name, m.id)
		m.visibleAt = now.Add(s.seconds(visibility))
		out = append(out, received{m: m, handle: m.handle, receives: m.receives, firstReceived: m.firstReceive})
	}
	if len(out) > 0 {
		q.compact()
	}
	return out
}

func (q *queue) remove(m *message) {
	if !m.gone {
		m.gone = true
		q.deleted++
		delete(q.byID, m.id)
	}
}

// compact drops deleted messages once they are half the slice.
func (q *queue) compact() {
	if q.deleted < 64 || q.deleted*2 < len(q.msgs) {
		return
	}
	kept := q.msgs[:0]
	for _, m := range q.msgs {
		if !m.gone {
			kept = append(kept, m)
		}
	}
	clear(q.msgs[len(kept):])
	q.msgs, q.deleted = kept, 0
}

// byHandle finds the message a receipt handle names, and whether the
// handle is its newest one.
func (q *queue) byHandle(handle string) (*message, bool, *Error) {
	name, id, ok := parseHandle(handle)
	if !ok || name != q.name {
		return nil, false, &Error{Code: "ReceiptHandleIsInvalid", Query: "ReceiptHandleIsInvalid", Sender: true,
			Message: "The input receipt handle is invalid."}
	}
	if m := q.byID[id]; m != nil {
		return m, m.handle == handle, nil
	}
	return nil, false, nil
}

// delete removes the message of a receipt handle. A stale handle (the
// message was received again since) or a deleted message is a success that
// changes nothing, as in SQS. Caller holds s.mu.
func (s *Server) delete(q *queue, handle string) *Error {
	m, newest, err := q.byHandle(handle)
	if err != nil {
		return err
	}
	if m != nil && newest {
		q.remove(m)
		q.compact()
	}
	return nil
}

// changeVisibility makes an in-flight message visible again after n
// seconds (0: at once). Caller holds s.mu.
func (s *Server) changeVisibility(q *queue, handle string, n int) *Error {
	if n < 0 || n > 43200 {
		return errInvalid("Value %d for parameter VisibilityTimeout is invalid. Reason: must be between 0 and 43200.", n)
	}
	m, newest, err := q.byHandle(handle)
	if err != nil {
		return err
	}
	now := time.Now()
	if m == nil || !newest || !now.Before(m.visibleAt) {
		return &Error{Code: "MessageNotInflight", Query: "AWS.SimpleQueueService.MessageNotInflight", Sender: true,
			Message: "Message does not exist or is not available for visibility timeout change."}
	}
	m.visibleAt = now.Add(s.seconds(n))
	if n == 0 {
		s.wake()
	}
	return nil
}

// nextVisible is when the next invisible message of q becomes visible;
// zero when none waits. Caller holds s.mu.
func (q *queue) nextVisible(now time.Time) time.Time {
	var next time.Time
	for _, m := range q.msgs {
		if !m.gone && m.visibleAt.After(now) && (next.IsZero() || m.visibleAt.Before(next)) {
			next = m.visibleAt
		}
	}
	return next
}

// Counts are a queue's messages: visible, in flight (received, not yet
// deleted nor visible again) and delayed.
type Counts struct{ Visible, InFlight, Delayed int }

// Counts returns the counts of the named queue (zero for an unknown one).
// Unlike SQS's approximate attributes, they are exact.
func (s *Server) Counts(name string) Counts {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts(s.queues[name])
}

func (s *Server) counts(q *queue) Counts {
	var c Counts
	if q == nil {
		return c
	}
	now := time.Now()
	for _, m := range q.msgs {
		switch {
		case m.gone:
		case !now.Before(m.visibleAt):
			c.Visible++
		case m.receives == 0:
			c.Delayed++
		default:
			c.InFlight++
		}
	}
	return c
}

// Bodies returns the bodies of the messages in the named queue, in send
// order (for tests reading a dead-letter queue).
func (s *Server) Bodies(name string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	if q := s.queues[name]; q != nil {
		for _, m := range q.msgs {
			if !m.gone {
				out = append(out, m.body)
			}
		}
	}
	return out
}

// waitReceive waits, for at most wait, until q has a message to receive,
// then receives. It returns nothing once ctx ends.
func (s *Server) waitReceive(ctx context.Context, q *queue, max, visibility int, wait time.Duration) []received {
	deadline := time.Now().Add(wait)
	for {
		s.mu.Lock()
		out := s.receive(q, max, visibility)
		changed := s.changed
		next := q.nextVisible(time.Now())
		s.mu.Unlock()
		left := time.Until(deadline)
		if len(out) > 0 || left <= 0 {
			return out
		}
		if !next.IsZero() && time.Until(next) < left {
			left = max64(time.Until(next), time.Millisecond)
		}
		t := time.NewTimer(left)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-changed:
		case <-t.C:
		}
		t.Stop()
	}
}

func max64(a, b time.Duration) time.Duration {
	if a > b {
		return a
	}
	return b
}

func newID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// A receipt handle names its queue and message and is new at each receive.
func newHandle(queue, id string) string {
	var nonce [12]byte
	rand.Read(nonce[:])
	return base64.RawURLEncoding.EncodeToString([]byte(queue + "\x00" + id + "\x00" + string(nonce[:])))
}

func parseHandle(h string) (queue, id string, ok bool) {
	b, err := base64.RawURLEncoding.DecodeString(h)
	if err != nil {
		return "", "", false
	}
	parts := strings.SplitN(string(b), "\x00", 3)
	if len(parts) != 3 {
		return "", "", false
	}
	return parts[0], parts[1], true
}
