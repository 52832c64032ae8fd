package portal

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/citejardins/extranet/shared/httpapi"
)

// StartLambda builds one function's handler once, at init, and serves
// API Gateway HTTP API (v2) events with it until the runtime stops.
// opts are New's.
func StartLambda(ctx context.Context, function string, getenv func(string) string, opts ...Option) error {
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil)).With("function", function)
	srv, err := New(AWSConfig(getenv), getenv, log, opts...)
	if err != nil {
		return err
	}
	lambda.StartWithOptions(LambdaHandler(srv, function), lambda.WithContext(ctx))
	return nil
}

// EventHandler answers one API Gateway HTTP API event (payload format 2.0).
type EventHandler func(context.Context, events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error)

// LambdaHandler serves one function's routes of srv to API Gateway HTTP API
// events. Every event gets a response and the error is always nil: an
// invocation error would make API Gateway answer 500 and the runtime log
// the event's text.
//
// It replaces aws-lambda-go-api-proxy's httpadapter, which builds the
// request by parsing "https://"+domainName+rawPath+"?"+rawQueryString as a
// URL. API Gateway hands rawPath over percent-decoded ("Note: API Gateway
// decodes URL-encoded request parameters", AWS API Gateway developer guide,
// "Create routes for HTTP APIs"), so a client's /change-requests/100%25
// arrives as /change-requests/100%, which does not parse: the adapter then
// failed the invocation and logged the whole URL (ids, query) four times.
// Here the request is built field by field, nothing is parsed that could
// fail but a base64 body (a 400 problem), and nothing is logged.
func LambdaHandler(srv *httpapi.Server, function string) EventHandler {
	h := srv.Handler(function)
	unreadable := srv.Unreadable()
	return func(ctx context.Context, e events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
		r, err := eventRequest(ctx, e)
		w := newEventResponse()
		if err != nil {
			unreadable.ServeHTTP(w, r)
		} else {
			h.ServeHTTP(w, r)
		}
		return w.response(), nil
	}
}

var errBase64Body = errors.New("isBase64Encoded body is not base64")

// eventRequest builds the request an HTTP server would have received.
// rawPath is taken as the decoded path it is (url.URL.Path, so routing and
// path values see it as sent, re-escaped where needed); rawQueryString,
// which API Gateway leaves as the client wrote it, is the raw query. The
// request is always usable: with an undecodable body, it has no body and
// the error says so.
func eventRequest(ctx context.Context, e events.APIGatewayV2HTTPRequest) (*http.Request, error) {
	path := e.RawPath
	if path == "" {
		path = e.RequestContext.HTTP.Path
	}
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	query := e.RawQueryString
	if query == "" && len(e.QueryStringParameters) > 0 {
		v := url.Values{}
		for k, s := range e.QueryStringParameters {
			v.Add(k, s)
		}
		query = v.Encode()
	}
	method := strings.ToUpper(e.RequestContext.HTTP.Method)
	if method == "" {
		method = http.MethodGet
	}
	u := &url.URL{Scheme: "https", Host: e.RequestContext.DomainName, Path: path, RawQuery: query}
	r := (&http.Request{
		Method:     method,
		URL:        u,
		Proto:      "HTTP/1.1",
		ProtoMajor: 1,
		ProtoMinor: 1,
		Header:     http.Header{},
		Host:       e.RequestContext.DomainName,
		RemoteAddr: e.RequestContext.HTTP.SourceIP,
		RequestURI: u.RequestURI(),
		Body:       http.NoBody,
	}).WithContext(ctx)
	if major, minor, ok := http.ParseHTTPVersion(e.RequestContext.HTTP.Protocol); ok {
		r.Proto, r.ProtoMajor, r.ProtoMinor = e.RequestContext.HTTP.Protocol, major, minor
	}
	for k, v := range e.Headers {
		// API Gateway joins repeated headers with commas; one value keeps
		// them as the client sent them (RFC 9110 §5.3).
		r.Header.Add(k, v)
	}
	if host := r.Header.Get("Host"); host != "" {
		r.Host = host
	}
	for _, c := range e.Cookies {
		r.Header.Add("Cookie", c)
	}
	body := []byte(e.Body)
	if e.IsBase64Encoded {
		b, err := base64.StdEncoding.DecodeString(e.Body)
		if err != nil {
			r.Header.Del("Content-Length")
			return r, errBase64Body
		}
		body = b
	}
	if len(body) > 0 {
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
	}
	return r, nil
}

// eventResponse records a handler's response for API Gateway.
type eventResponse struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func newEventResponse() *eventResponse { return &eventResponse{header: http.Header{}} }

func (w *eventResponse) Header() http.Header { return w.header }

func (w *eventResponse) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}

func (w *eventResponse) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	if w.body.Len() == 0 && w.header.Get("Content-Type") == "" && len(p) > 0 {
		w.header.Set("Content-Type", http.DetectContentType(p)) // as net/http does
	}
	return w.body.Write(p)
}

// response is the payload format 2.0 response: headers joined by commas,
// Set-Cookie as cookies, a body that is not UTF-8 in base64. A handler that
// wrote nothing answered 200, as net/http does.
func (w *eventResponse) response() events.APIGatewayV2HTTPResponse {
	resp := events.APIGatewayV2HTTPResponse{StatusCode: w.status, Headers: map[string]string{}}
	if resp.StatusCode == 0 {
		resp.StatusCode = http.StatusOK
	}
	for k, v := range w.header {
		if k == "Set-Cookie" {
			resp.Cookies = append(resp.Cookies, v...)
			continue
		}
		resp.Headers[k] = strings.Join(v, ",")
	}
	if b := w.body.Bytes(); utf8.Valid(b) {
		resp.Body = string(b)
	} else {
		resp.Body = base64.StdEncoding.EncodeToString(b)
		resp.IsBase64Encoded = true
	}
	return resp
}

// AWSConfig reads the region and credentials that Lambda puts in the
// environment of every function. The SDK's config loader does the same and
// more (profiles, SSO, STS, instance metadata), but that more costs two
// megabytes of binary and init time that a Lambda never uses.
func AWSConfig(getenv func(string) string) aws.Config {
	return aws.Config{
		Region: getenv("AWS_REGION"),
		Credentials: aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(
			getenv("AWS_ACCESS_KEY_ID"), getenv("AWS_SECRET_ACCESS_KEY"), getenv("AWS_SESSION_TOKEN"))),
	}
}
