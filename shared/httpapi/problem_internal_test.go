package httpapi

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestClientGoneIsNoInternalError checks that a request the client gave up
// on (its context canceled) is not logged as an internal error, while any
// other unexpected error still is.
func TestClientGoneIsNoInternalError(t *testing.T) {
	var logs bytes.Buffer
	s := &Server{log: slog.New(slog.NewTextHandler(&logs, nil))}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := httptest.NewRequest("GET", "/api/v1/emergency-contacts", nil).WithContext(ctx)
	s.writeError(httptest.NewRecorder(), r, fmt.Errorf("query directory: %w", context.Canceled))
	if strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("a request the client canceled was logged as an error:\n%s", logs.String())
	}

	logs.Reset()
	r = httptest.NewRequest("GET", "/api/v1/emergency-contacts", nil)
	s.writeError(httptest.NewRecorder(), r, fmt.Errorf("query directory: %w", context.Canceled))
	if !strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("a canceled call on a live request was not logged as an error:\n%s", logs.String())
	}
}
