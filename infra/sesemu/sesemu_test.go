package sesemu

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/quotedprintable"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ses"
	"github.com/aws/aws-sdk-go-v2/service/ses/types"
	"github.com/aws/smithy-go"
)

var baseTime = time.Date(2025, time.March, 14, 9, 30, 0, 0, time.UTC)

// steppingClock returns baseTime, then one second later on every call, so
// messages get distinct, predictable SentAt values.
func steppingClock() func() time.Time {
	var mu sync.Mutex
	next := baseTime
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		t := next
		next = next.Add(time.Second)
		return t
	}
}

// newTestSES starts an emulator behind httptest and returns it with a real
// SDK client pointed at it.
func newTestSES(t *testing.T) (*Server, *ses.Client, *httptest.Server) {
	t.Helper()
	emu := New(steppingClock())
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	client := ses.NewFromConfig(aws.Config{
		Region:      "eu-west-3",
		Credentials: credentials.NewStaticCredentialsProvider("local", "local", ""),
	}, func(o *ses.Options) {
		o.BaseEndpoint = aws.String(srv.URL)
	})
	return emu, client, srv
}

func activationEmail(to ...string) *ses.SendEmailInput {
	return &ses.SendEmailInput{
		Source:      aws.String("Extranet Locataire <no-reply@citejardins.example>"),
		Destination: &types.Destination{ToAddresses: to},
		Message: &types.Message{
			Subject: &types.Content{Data: aws.String("Activez votre compte — Extranet Locataire é à ç"), Charset: aws.String("UTF-8")},
			Body: &types.Body{
				Text: &types.Content{Data: aws.String("Bonjour Zoé,\n\nActivez votre compte : https://extranet.local/activer?jeton=abc\n")},
				Html: &types.Content{Data: aws.String(`<p>Bonjour Zoé,</p><p><a href="https://extranet.local/activer?jeton=abc&amp;x=1">Activer</a> — à bientôt, ç</p>`)},
			},
		},
	}
}

// withoutID blanks the server-generated ID so messages can be compared as
// whole values.
func withoutID(m Message) Message {
	m.ID = ""
	return m
}

func TestSendEmail(t *testing.T) {
	emu, client, _ := newTestSES(t)
	in := activationEmail("Zoé Martin <zoe@example.com>")
	in.Destination.CcAddresses = []string{"gardien@example.com"}
	in.Destination.BccAddresses = []string{"archives@citejardins.example"}
	in.ReplyToAddresses = []string{"accueil@citejardins.example"}

	out, err := client.SendEmail(t.Context(), in)
	if err != nil {
		t.Fatalf("SendEmail: %v", err)
	}
	if aws.ToString(out.MessageId) == "" {
		t.Fatal("SendEmail returned an empty MessageId")
	}
	if id, ok := awsmiddleware.GetRequestIDMetadata(out.ResultMetadata); !ok || id == "" {
		t.Errorf("request ID metadata = %q, %v; want a non-empty ID", id, ok)
	}

	msgs := emu.Messages()
	if len(msgs) != 1 {
		t.Fatalf("got %d messages, want 1", len(msgs))
	}
	if got, want := msgs[0].ID, aws.ToString(out.MessageId); got != want {
		t.Errorf("stored ID = %q, want the returned MessageId %q", got, want)
	}
	want := Message{
		To:      []string{"zoe@example.com", "gardien@example.com", "archives@citejardins.example"},
		From:    "Extranet Locataire <no-reply@citejardins.example>",
		Subject: "Activez votre compte — Extranet Locataire é à ç",
		Text:    "Bonjour Zoé,\n\nActivez votre compte : https://extranet.local/activer?jeton=abc\n",
		HTML:    `<p>Bonjour Zoé,</p><p><a href="https://extranet.local/activer?jeton=abc&amp;x=1">Activer</a> — à bientôt, ç</p>`,
		SentAt:  baseTime,
	}
	if got := withoutID(msgs[0]); !reflect.DeepEqual(got, want) {
		t.Errorf("stored message:\n got %#v\nwant %#v", got, want)
	}
}

// rawMessage builds a multipart/alternative message the way a mail library
// would: quoted-printable text (long enough to need soft line breaks),
// base64 HTML wrapped at 76 columns, and RFC 2047 encoded headers.
func rawMessage(t *testing.T, headers, text, html string) []byte {
	t.Helper()
	var qp bytes.Buffer
	w := quotedprintable.NewWriter(&qp)
	if _, err := io.WriteString(w, text); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	b64 := base64.StdEncoding.EncodeToString([]byte(html))
	var wrapped strings.Builder
	for len(b64) > 76 {
		wrapped.WriteString(b64[:76] + "\r\n")
		b64 = b64[76:]
	}
	wrapped.WriteString(b64 + "\r\n")

	const boundary = "frontiere-42"
	var b strings.Builder
	b.WriteString(headers)
	b.WriteString("MIME-Version: 1.0\r\n")
	b.WriteString("Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\r\n\r\n")
	b.WriteString("--" + boundary + "\r\n")
	b.WriteString("Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n")
	b.WriteString(qp.String() + "\r\n")
	b.WriteString("--" + boundary + "\r\n")
	b.WriteString("Content-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	b.WriteString(wrapped.String())
	b.WriteString("--" + boundary + "--\r\n")
	return []byte(b.String())
}

func TestSendRawEmail(t *testing.T) {
	const (
		subject = "Réinitialisez votre mot de passe — Extranet Locataire é à ç"
		text    = "Bonjour Zoé,\r\n\r\nPour choisir un nouveau mot de passe, suivez ce lien (valable une heure) : https://extranet.local/reinitialiser?jeton=0123456789abcdef0123456789abcdef\r\n\r\nÀ bientôt,\r\nla Cité Jardins\r\n"
		html    = "<p>Bonjour Zoé,</p>\r\n<p><a href=\"https://extranet.local/reinitialiser?jeton=0123456789abcdef\">Choisir un mot de passe</a></p>\r\n<p>À bientôt, la Cité Jardins — ç</p>\r\n"
	)
	wantText := strings.ReplaceAll(text, "\r\n", "\n")
	wantHTML := strings.ReplaceAll(html, "\r\n", "\n")
	encodedSubject := mime.QEncoding.Encode("UTF-8", subject)
	if encodedSubject == subject {
		t.Fatal("test setup: subject was not RFC 2047 encoded")
	}

	latin1 := "From: accueil@citejardins.example\r\nTo: zoe@example.com\r\nSubject: =?ISO-8859-1?Q?Re=E7u?=\r\n" +
		"Content-Type: text/plain; charset=ISO-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\nD\xe9j\xe0 re\xe7u.\r\n"

	tests := []struct {
		name string
		in   *ses.SendRawEmailInput
		want Message
	}{
		{
			name: "recipients from headers",
			in: &ses.SendRawEmailInput{RawMessage: &types.RawMessage{Data: rawMessage(t,
				"From: =?UTF-8?Q?Extranet_Cit=C3=A9_Jardins?= <no-reply@citejardins.example>\r\n"+
					"To: =?UTF-8?Q?Zo=C3=A9?= <zoe@example.com>, paul@example.com\r\n"+
					"Cc: gardien@example.com\r\n"+
					"Subject: "+encodedSubject+"\r\n",
				text, html)}},
			want: Message{
				To:      []string{"zoe@example.com", "paul@example.com", "gardien@example.com"},
				From:    "Extranet Cité Jardins <no-reply@citejardins.example>",
				Subject: subject, Text: wantText, HTML: wantHTML,
			},
		},
		{
			name: "explicit destinations and source",
			in: &ses.SendRawEmailInput{
				Source:       aws.String("bounces@citejardins.example"),
				Destinations: []string{"bcc-only@example.com", "Zoé <zoe@example.com>"},
				RawMessage: &types.RawMessage{Data: rawMessage(t,
					"From: no-reply@citejardins.example\r\nTo: zoe@example.com\r\nSubject: "+encodedSubject+"\r\n",
					text, html)},
			},
			want: Message{
				To:      []string{"bcc-only@example.com", "zoe@example.com"},
				From:    "no-reply@citejardins.example",
				Subject: subject, Text: wantText, HTML: wantHTML,
			},
		},
		{
			name: "source used when From header is missing",
			in: &ses.SendRawEmailInput{
				Source: aws.String("no-reply@citejardins.example"),
				RawMessage: &types.RawMessage{Data: rawMessage(t,
					"To: zoe@example.com\r\nSubject: "+encodedSubject+"\r\n", text, html)},
			},
			want: Message{
				To:      []string{"zoe@example.com"},
				From:    "no-reply@citejardins.example",
				Subject: subject, Text: wantText, HTML: wantHTML,
			},
		},
		{
			name: "single latin-1 part",
			in:   &ses.SendRawEmailInput{RawMessage: &types.RawMessage{Data: []byte(latin1)}},
			want: Message{
				To:      []string{"zoe@example.com"},
				From:    "accueil@citejardins.example",
				Subject: "Reçu",
				Text:    "Déjà reçu.\n",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			emu, client, _ := newTestSES(t)
			out, err := client.SendRawEmail(t.Context(), tt.in)
			if err != nil {
				t.Fatalf("SendRawEmail: %v", err)
			}
			msgs := emu.Messages()
			if len(msgs) != 1 {
				t.Fatalf("got %d messages, want 1", len(msgs))
			}
			if got, want := msgs[0].ID, aws.ToString(out.MessageId); got == "" || got != want {
				t.Errorf("stored ID = %q, want the returned MessageId %q", got, want)
			}
			tt.want.SentAt = baseTime
			if got := withoutID(msgs[0]); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("stored message:\n got %#v\nwant %#v", got, tt.want)
			}
		})
	}
}

func TestSendErrors(t *testing.T) {
	noFrom := []byte("To: zoe@example.com\r\nSubject: test\r\n\r\nbody\r\n")
	tests := []struct {
		name        string
		send        func(context.Context, *ses.Client) error
		wantMessage string // substring of the API error message
	}{
		{
			name: "SendEmail with empty Source",
			send: func(ctx context.Context, c *ses.Client) error {
				in := activationEmail("zoe@example.com")
				// An empty string passes the SDK's client-side "required"
				// check, so the request reaches the emulator.
				in.Source = aws.String("")
				_, err := c.SendEmail(ctx, in)
				return err
			},
			wantMessage: "Source",
		},
		{
			name: "SendEmail without destination",
			send: func(ctx context.Context, c *ses.Client) error {
				_, err := c.SendEmail(ctx, activationEmail())
				return err
			},
			wantMessage: "destination",
		},
		{
			name: "SendEmail with malformed recipient",
			send: func(ctx context.Context, c *ses.Client) error {
				_, err := c.SendEmail(ctx, activationEmail("not-an-address"))
				return err
			},
			wantMessage: "not-an-address",
		},
		{
			name: "SendRawEmail without From header or Source",
			send: func(ctx context.Context, c *ses.Client) error {
				_, err := c.SendRawEmail(ctx, &ses.SendRawEmailInput{RawMessage: &types.RawMessage{Data: noFrom}})
				return err
			},
			wantMessage: "From",
		},
		{
			name: "SendRawEmail without recipients",
			send: func(ctx context.Context, c *ses.Client) error {
				data := []byte("From: no-reply@citejardins.example\r\nSubject: test\r\n\r\nbody\r\n")
				_, err := c.SendRawEmail(ctx, &ses.SendRawEmailInput{RawMessage: &types.RawMessage{Data: data}})
				return err
			},
			wantMessage: "destination",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			emu, client, _ := newTestSES(t)
			err := tt.send(t.Context(), client)
			var apiErr smithy.APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("got error %v (%T), want a smithy.APIError", err, err)
			}
			if got, want := apiErr.ErrorCode(), "InvalidParameterValue"; got != want {
				t.Errorf("error code = %q, want %q", got, want)
			}
			if !strings.Contains(apiErr.ErrorMessage(), tt.wantMessage) {
				t.Errorf("error message = %q, want it to mention %q", apiErr.ErrorMessage(), tt.wantMessage)
			}
			if n := len(emu.Messages()); n != 0 {
				t.Errorf("rejected send kept %d messages, want 0", n)
			}
		})
	}
}

// TestProtocolResponses checks the wire format itself, independently of
// how lenient the SDK's parser happens to be.
func TestProtocolResponses(t *testing.T) {
	type xmlError struct {
		Type    string
		Code    string
		Message string
	}
	type response struct {
		XMLName   xml.Name
		MessageID string   `xml:"SendEmailResult>MessageId"`
		MetaReqID string   `xml:"ResponseMetadata>RequestId"`
		Error     xmlError `xml:"Error"`
		RequestID string   `xml:"RequestId"`
	}
	sendEmail := url.Values{
		"Action":                           {"SendEmail"},
		"Version":                          {"2010-12-01"},
		"Source":                           {"no-reply@citejardins.example"},
		"Destination.ToAddresses.member.1": {"zoe@example.com"},
		"Message.Subject.Data":             {"Bonjour"},
		"Message.Body.Text.Data":           {"Texte"},
	}
	with := func(key, value string) url.Values {
		v := url.Values{}
		for k, vs := range sendEmail {
			v[k] = slices.Clone(vs)
		}
		if value == "" {
			v.Del(key)
		} else {
			v.Set(key, value)
		}
		return v
	}

	tests := []struct {
		name       string
		method     string
		form       url.Values
		wantStatus int
		wantRoot   string
		wantCode   string
	}{
		{"SendEmail success", http.MethodPost, sendEmail, http.StatusOK, "SendEmailResponse", ""},
		{"unknown action", http.MethodPost, with("Action", "ListIdentities"), http.StatusBadRequest, "ErrorResponse", "InvalidAction"},
		{"missing action", http.MethodPost, with("Action", ""), http.StatusBadRequest, "ErrorResponse", "MissingAction"},
		{"missing source", http.MethodPost, with("Source", ""), http.StatusBadRequest, "ErrorResponse", "InvalidParameterValue"},
		{"no destination", http.MethodPost, with("Destination.ToAddresses.member.1", ""), http.StatusBadRequest, "ErrorResponse", "InvalidParameterValue"},
		{"GET", http.MethodGet, nil, http.StatusMethodNotAllowed, "ErrorResponse", "InvalidHttpRequest"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, srv := newTestSES(t)
			req, err := http.NewRequestWithContext(t.Context(), tt.method, srv.URL+"/", strings.NewReader(tt.form.Encode()))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatal(err)
			}

			if resp.StatusCode != tt.wantStatus {
				t.Errorf("status = %d, want %d; body: %s", resp.StatusCode, tt.wantStatus, body)
			}
			if got := resp.Header.Get("Content-Type"); got != "text/xml" {
				t.Errorf("Content-Type = %q, want text/xml", got)
			}
			var got response
			if err := xml.Unmarshal(body, &got); err != nil {
				t.Fatalf("response is not XML: %v; body: %s", err, body)
			}
			if want := (xml.Name{Space: xmlns, Local: tt.wantRoot}); got.XMLName != want {
				t.Errorf("root element = %v, want %v", got.XMLName, want)
			}
			headerID := resp.Header.Get("X-Amzn-Requestid")
			if tt.wantCode == "" {
				if got.MessageID == "" || got.MetaReqID == "" || got.MetaReqID != headerID {
					t.Errorf("MessageId = %q, RequestId = %q (header %q); want both set and matching the header", got.MessageID, got.MetaReqID, headerID)
				}
				return
			}
			if want := (xmlError{Type: "Sender", Code: tt.wantCode, Message: got.Error.Message}); got.Error != want || got.Error.Message == "" {
				t.Errorf("error = %+v, want %+v with a non-empty message", got.Error, want)
			}
			if got.RequestID == "" || got.RequestID != headerID {
				t.Errorf("RequestId = %q, header %q; want both set and equal", got.RequestID, headerID)
			}
		})
	}
}

func TestWaitFor(t *testing.T) {
	sentTo := func(addr string) func(Message) bool {
		return func(m Message) bool { return slices.Contains(m.To, addr) }
	}

	t.Run("message already kept", func(t *testing.T) {
		emu, client, _ := newTestSES(t)
		for _, to := range []string{"first@example.com", "zoe@example.com", "zoe@example.com"} {
			if _, err := client.SendEmail(t.Context(), activationEmail(to)); err != nil {
				t.Fatalf("SendEmail: %v", err)
			}
		}
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		got, err := emu.WaitFor(ctx, sentTo("zoe@example.com"))
		if err != nil {
			t.Fatalf("WaitFor: %v", err)
		}
		if want := emu.Messages()[1]; !reflect.DeepEqual(got, want) {
			t.Errorf("WaitFor returned %#v, want the oldest match %#v", got, want)
		}
	})

	t.Run("message sent after the call", func(t *testing.T) {
		emu, client, _ := newTestSES(t)
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()

		type result struct {
			m   Message
			err error
		}
		done := make(chan result, 1)
		go func() {
			m, err := emu.WaitFor(ctx, sentTo("late@example.com"))
			done <- result{m, err}
		}()

		// A non-matching message first: the waiter must wake, look, and
		// keep waiting.
		for _, to := range []string{"other@example.com", "late@example.com"} {
			if _, err := client.SendEmail(t.Context(), activationEmail(to)); err != nil {
				t.Fatalf("SendEmail: %v", err)
			}
		}
		res := <-done
		if res.err != nil {
			t.Fatalf("WaitFor: %v", res.err)
		}
		if got, want := res.m.To, []string{"late@example.com"}; !slices.Equal(got, want) {
			t.Errorf("WaitFor returned a message to %v, want %v", got, want)
		}
	})

	t.Run("context ends first", func(t *testing.T) {
		emu, client, _ := newTestSES(t)
		if _, err := client.SendEmail(t.Context(), activationEmail("zoe@example.com")); err != nil {
			t.Fatalf("SendEmail: %v", err)
		}
		ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
		defer cancel()
		_, err := emu.WaitFor(ctx, sentTo("nobody@example.com"))
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("WaitFor error = %v, want context.DeadlineExceeded", err)
		}
	})
}

func TestConcurrentSends(t *testing.T) {
	emu, client, _ := newTestSES(t)
	const n = 20
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			_, err := client.SendEmail(t.Context(), activationEmail(fmt.Sprintf("locataire%d@example.com", i)))
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("SendEmail: %v", err)
		}
	}
	msgs := emu.Messages()
	if len(msgs) != n {
		t.Fatalf("got %d messages, want %d", len(msgs), n)
	}
	ids := map[string]bool{}
	for i, m := range msgs {
		if ids[m.ID] {
			t.Errorf("duplicate message ID %q", m.ID)
		}
		ids[m.ID] = true
		if i > 0 && m.SentAt.Before(msgs[i-1].SentAt) {
			t.Errorf("message %d sent at %v, before message %d at %v: want oldest first", i, m.SentAt, i-1, msgs[i-1].SentAt)
		}
	}
}

func TestMessagesReturnsCopy(t *testing.T) {
	emu, client, _ := newTestSES(t)
	if _, err := client.SendEmail(t.Context(), activationEmail("zoe@example.com")); err != nil {
		t.Fatalf("SendEmail: %v", err)
	}
	emu.Messages()[0].To[0] = "mutated@example.com"
	if got, want := emu.Messages()[0].To[0], "zoe@example.com"; got != want {
		t.Errorf("after mutating a returned copy, To[0] = %q, want %q", got, want)
	}
}
