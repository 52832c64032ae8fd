package localstack

import (
	"bytes"
	"io"
	"net/http"
	"strings"
)

// gateway routes /api/ requests as an API Gateway HTTP API does: to the
// function of the template route whose method and path match exactly, and
// otherwise with API Gateway's own 404. So the local stack answers what
// production answers: HEAD on a GET route, a route's path with another
// method, or a path no route has, all get API Gateway's 404
// {"message":"Not Found"} without reaching a function (AWS API Gateway
// developer guide, "Create routes for HTTP APIs", "Routing API requests":
// the most specific route matching method and path, else the $default
// route, which the template does not have). Routes with the ANY method or a
// greedy {proxy+} variable are not supported (the template has none).
type gateway struct {
	routes []gatewayRoute
}

type gatewayRoute struct {
	method   string
	segments []string // of the template's path; "{name}" matches one segment
	handler  http.Handler
}

func (g *gateway) add(method, path string, h http.Handler) {
	g.routes = append(g.routes, gatewayRoute{method: method, segments: strings.Split(path, "/"), handler: h})
}

func (g *gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// r.URL.Path is decoded, as API Gateway's rawPath is.
	// The most specific route wins: the one with the fewest path variables.
	got := strings.Split(r.URL.Path, "/")
	var best *gatewayRoute
	bestParams := 0
	for i, rt := range g.routes {
		if rt.method != r.Method {
			continue
		}
		if n, ok := rt.match(got); ok && (best == nil || n < bestParams) {
			best, bestParams = &g.routes[i], n
		}
	}
	if best == nil {
		gatewayNotFound(w)
		return
	}
	best.handler.ServeHTTP(w, r)
}

// match reports whether the path's segments match the route's, and with how
// many path variables.
func (rt gatewayRoute) match(got []string) (params int, ok bool) {
	if len(got) != len(rt.segments) {
		return 0, false
	}
	for i, s := range rt.segments {
		if strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") {
			if got[i] == "" {
				return 0, false
			}
			params++
		} else if got[i] != s {
			return 0, false
		}
	}
	return params, true
}

// gatewayNotFound is API Gateway HTTP API's answer to a request no route
// matches.
func gatewayNotFound(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusNotFound)
	io.WriteString(w, `{"message":"Not Found"}`)
}

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
