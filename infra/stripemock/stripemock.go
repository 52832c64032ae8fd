// Package stripemock starts stripe-mock (github.com/stripe/stripe-mock,
// v0.203.0, installed into .tools by `make tools`) for tests: Stripe's API
// answered from its OpenAPI spec, each request validated against it,
// stateless, and sending no webhooks.
package stripemock

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Version is the stripe-mock the Makefile installs.
const Version = "v0.203.0"

// Binary is stripe-mock's executable name.
const Binary = "stripe-mock"

// ErrNotInstalled means stripe-mock is neither on PATH nor in the
// repository's .tools.
var ErrNotInstalled = errors.New("stripe-mock is not installed: run `make tools` (go install github.com/stripe/stripe-mock@" + Version + " into .tools)")

// Find is stripe-mock's path: on PATH (the Makefile puts .tools there),
// else in .tools of the repository above the working directory.
func Find() (string, error) {
	if p, err := exec.LookPath(Binary); err == nil {
		return p, nil
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			p := filepath.Join(dir, ".tools", Binary)
			if st, err := os.Stat(p); err == nil && !st.IsDir() {
				return p, nil
			}
			return "", ErrNotInstalled
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", ErrNotInstalled
		}
		dir = parent
	}
}

// Server is a running stripe-mock.
type Server struct {
	// URL is its plain HTTP address, http://127.0.0.1:<port>.
	URL string

	cmd  *exec.Cmd
	mu   sync.Mutex
	out  strings.Builder
	done chan struct{}
}

// Start runs stripe-mock bin on free loopback ports (HTTP and HTTPS, as
// `-http-addr 127.0.0.1:0 -https-addr 127.0.0.1:0`; it prints the ports it
// took). It returns once stripe-mock listens; Close stops it.
//
// No -strict-version-check: v0.203.0's spec is API version
// 2026-08-26.dahlia and stripe-go v85 sends 2026-03-25.dahlia, the same
// release train (dahlia), whose changes are additive.
func Start(ctx context.Context, bin string) (*Server, error) {
	cmd := exec.Command(bin, "-http-addr", "127.0.0.1:0", "-https-addr", "127.0.0.1:0")
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	s := &Server{cmd: cmd, done: make(chan struct{})}
	go func() {
		cmd.Wait()
		pw.Close()
		close(s.done)
	}()
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			line := sc.Text()
			s.mu.Lock()
			s.out.WriteString(line + "\n")
			s.mu.Unlock()
			if a, ok := strings.CutPrefix(line, "Listening for HTTP at address: "); ok {
				addr <- a
			}
		}
		io.Copy(io.Discard, pr)
	}()
	timer := time.NewTimer(30 * time.Second)
	defer timer.Stop()
	select {
	case a := <-addr:
		s.URL = "http://" + strings.TrimSpace(a)
		return s, nil
	case <-s.done:
		return nil, fmt.Errorf("stripe-mock ended before listening:\n%s", s.Output())
	case <-timer.C:
	case <-ctx.Done():
	}
	s.Close()
	return nil, fmt.Errorf("stripe-mock did not listen in time:\n%s", s.Output())
}

// Output is what stripe-mock printed so far.
func (s *Server) Output() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.out.String()
}

// Close stops stripe-mock and waits for it.
func (s *Server) Close() {
	s.cmd.Process.Kill()
	<-s.done
}

// StartForTest starts stripe-mock for tb and stops it at its end. Without
// the binary the test is skipped, or fails when CI=true: CI must run it.
func StartForTest(tb testing.TB) *Server {
	tb.Helper()
	bin, err := Find()
	if err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("%v; CI must run this test", err)
		}
		tb.Skipf("%v", err)
	}
	s, err := Start(tb.Context(), bin)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if tb.Failed() {
			tb.Logf("--- stripe-mock's output:\n%s", s.Output())
		}
		s.Close()
	})
	return s
}
