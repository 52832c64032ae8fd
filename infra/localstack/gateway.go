package localstack

import (
	"bytes"
	"io"
	"net/http"
	"strings"
)

// maxPayload is API Gateway's request payload quota (HTTP APIs: 10 MB,
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html).
const maxPayload = 10 << 20

// gatewayBody reads the body of each API request whole before the function
// sees it, as API Gateway does: under Lambda a function answers a request
// whose body has arrived in full, so however early it answers (a 413, a 401
// before reading anything), the client reads the answer. A plain net/http
// server that answers early closes the connection with the rest unread, and
// the client, still sending, gets a reset instead. Past the quota the
// answer is API Gateway's own 413.
func gatewayBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/api/") || r.Body == nil || r.Body == http.NoBody {
			next.ServeHTTP(w, r)
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, maxPayload+1))
		if err != nil {
			return // the client went away mid-body
		}
		if len(body) > maxPayload {
			w.Header().Set("Connection", "close")
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusRequestEntityTooLarge)
			io.WriteString(w, `{"message":"Request Entity Too Large"}`)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		next.ServeHTTP(w, r)
	})
}
