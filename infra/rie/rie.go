// Package rie runs the portal's real Lambda binaries under the official AWS
// Lambda Runtime Interface Emulator (aws-lambda-rie), fed with the sample
// API Gateway events of events/. Its test drives every route that way
// against a local stack; infra/bench uses it to measure cold starts.
//
// The emulator is not a Go dependency of the module: `make tools` installs
// it into .tools/, and `make test` and `make bench` put that folder on PATH.
package rie

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// Binary is the emulator's command name, looked up in PATH.
const Binary = "aws-lambda-rie"

// ErrNotInstalled is returned by Find when the emulator is not in PATH.
var ErrNotInstalled = errors.New(Binary + " is not in PATH: `make tools` installs it into .tools/ (make test and make bench put it on PATH)")

// Find returns the path of the emulator found in PATH.
func Find() (string, error) {
	p, err := exec.LookPath(Binary)
	if err != nil {
		return "", ErrNotInstalled
	}
	return p, nil
}

// Build options. Zero GOOS/GOARCH mean this machine's.
type BuildOptions struct {
	Root   string // the repository
	Dir    string // where <function>/bootstrap go
	GOOS   string
	GOARCH string
	// Strip adds -ldflags='-s -w', as the Makefile builds for Lambda.
	Strip bool
	// Functions to build, by folder name; empty: every folder of functions/.
	Functions []string
	// Tags are build tags added to lambda.norpc (e.g. the bench's
	// "benchprofile", which lets a function write a CPU profile).
	Tags []string
}

// Functions lists the functions of the repository: the folders of functions/.
func Functions(root string) ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(root, "functions"))
	if err != nil {
		return nil, err
	}
	var fns []string
	for _, e := range entries {
		if e.IsDir() {
			fns = append(fns, e.Name())
		}
	}
	if len(fns) == 0 {
		return nil, fmt.Errorf("no function in %s", filepath.Join(root, "functions"))
	}
	return fns, nil
}

// Build builds functions as <Dir>/<function>/bootstrap with the flags of
// the Makefile (CGO_ENABLED=0, -trimpath -tags lambda.norpc), in one go
// build so the packages compile in parallel. It returns the bootstraps by
// function name.
func Build(ctx context.Context, o BuildOptions) (map[string]string, error) {
	fns := o.Functions
	if len(fns) == 0 {
		var err error
		if fns, err = Functions(o.Root); err != nil {
			return nil, err
		}
	}
	if o.GOOS == "" {
		o.GOOS = runtime.GOOS
	}
	if o.GOARCH == "" {
		o.GOARCH = runtime.GOARCH
	}
	staging := filepath.Join(o.Dir, ".build-"+o.GOOS+"-"+o.GOARCH)
	if err := os.MkdirAll(staging, 0o755); err != nil {
		return nil, err
	}
	defer os.RemoveAll(staging)
	args := []string{"build", "-trimpath", "-tags", strings.Join(append([]string{"lambda.norpc"}, o.Tags...), ",")}
	if o.Strip {
		args = append(args, "-ldflags=-s -w")
	}
	args = append(args, "-o", staging+string(filepath.Separator))
	for _, fn := range fns {
		args = append(args, "./functions/"+fn)
	}
	gocmd := os.Getenv("GO")
	if gocmd == "" {
		gocmd = "go"
	}
	cmd := exec.CommandContext(ctx, gocmd, args...)
	cmd.Dir = o.Root
	cmd.Env = append(withoutKeys(os.Environ(), "GOOS", "GOARCH", "CGO_ENABLED"),
		"GOOS="+o.GOOS, "GOARCH="+o.GOARCH, "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("GOOS=%s GOARCH=%s CGO_ENABLED=0 go %s: %w\n%s", o.GOOS, o.GOARCH, strings.Join(args, " "), err, out)
	}
	bins := map[string]string{}
	for _, fn := range fns {
		dst := filepath.Join(o.Dir, fn, "bootstrap")
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return nil, err
		}
		if err := os.Rename(filepath.Join(staging, fn), dst); err != nil {
			return nil, fmt.Errorf("function %s: no binary built (is functions/%s a main package?): %w", fn, fn, err)
		}
		bins[fn] = dst
	}
	return bins, nil
}

func withoutKeys(env []string, keys ...string) []string {
	out := env[:0:0]
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		drop := false
		for _, key := range keys {
			drop = drop || k == key
		}
		if !drop {
			out = append(out, kv)
		}
	}
	return out
}

// Config describes one emulated function.
type Config struct {
	RIE       string // the emulator binary; empty: Find
	Bootstrap string // the function's binary
	// Env is the function's environment (the local stack's FunctionEnv).
	// The emulator passes its own environment on to the function, so the
	// process gets exactly this, plus PATH and the variables Lambda sets
	// (AWS_LAMBDA_FUNCTION_NAME...) when Env does not give them.
	Env map[string]string
	// Name is the function's name as Lambda reports it (the template's
	// logical id); empty: the bootstrap's folder name.
	Name string
	// Ready bounds the wait for the emulator to listen; default 10s.
	Ready time.Duration
}

// Emulator is a running aws-lambda-rie serving one function.
type Emulator struct {
	// URL is the invocation endpoint,
	// http://<addr>/2015-03-31/functions/function/invocations.
	URL string

	cmd     *exec.Cmd
	out     *Output
	exited  chan struct{}
	waitErr error
	client  *http.Client
	once    sync.Once
}

// Start starts the emulator on free loopback ports and waits until it
// accepts connections. The function itself starts (its init, which the
// emulator reports as Init Duration) at the first invocation.
func Start(ctx context.Context, c Config) (*Emulator, error) {
	if c.RIE == "" {
		p, err := Find()
		if err != nil {
			return nil, err
		}
		c.RIE = p
	}
	if c.Ready <= 0 {
		c.Ready = 10 * time.Second
	}
	var lastErr error
	// Free ports are picked by listening then closing, so another process
	// may take one meanwhile: the emulator then exits, and we try again.
	for attempt := 0; attempt < 3; attempt++ {
		e, err := start(ctx, c)
		if err == nil {
			return e, nil
		}
		lastErr = err
		if !errors.Is(err, errExitedEarly) {
			break
		}
	}
	return nil, lastErr
}

var errExitedEarly = errors.New("the emulator exited before it was ready")

func start(ctx context.Context, c Config) (*Emulator, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	apiAddr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	taskRoot := filepath.Dir(c.Bootstrap)
	name := c.Name
	if name == "" {
		name = filepath.Base(taskRoot)
	}
	env := map[string]string{
		"PATH":                            os.Getenv("PATH"),
		"AWS_LAMBDA_FUNCTION_NAME":        name,
		"AWS_LAMBDA_FUNCTION_VERSION":     "$LATEST",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "512", // template.yaml Globals
		"AWS_LAMBDA_FUNCTION_TIMEOUT":     "10",
		"AWS_LAMBDA_LOG_GROUP_NAME":       "/aws/lambda/" + name,
		"AWS_LAMBDA_LOG_STREAM_NAME":      "local",
		"LAMBDA_TASK_ROOT":                taskRoot,
		"_HANDLER":                        "bootstrap",
		"TZ":                              ":UTC",
	}
	for k, v := range c.Env {
		env[k] = v
	}
	if env["AWS_DEFAULT_REGION"] == "" && env["AWS_REGION"] != "" {
		env["AWS_DEFAULT_REGION"] = env["AWS_REGION"]
	}
	keys := make([]string, 0, len(env))
	for k := range env {
		keys = append(keys, k)
	}
	sort.Strings(keys)

	e := &Emulator{
		URL:    "http://" + addr + "/2015-03-31/functions/function/invocations",
		out:    newOutput(),
		exited: make(chan struct{}),
		client: &http.Client{Timeout: 30 * time.Second},
	}
	// Not CommandContext: the emulator's lifetime is Close's business, and
	// it must kill the function's process too, which CommandContext would not.
	e.cmd = exec.Command(c.RIE,
		"--runtime-interface-emulator-address", addr,
		"--runtime-api-address", apiAddr,
		c.Bootstrap)
	e.cmd.Dir = taskRoot
	for _, k := range keys {
		e.cmd.Env = append(e.cmd.Env, k+"="+env[k])
	}
	e.cmd.Stdout = e.out
	e.cmd.Stderr = e.out
	e.cmd.WaitDelay = 2 * time.Second
	ownProcessGroup(e.cmd)
	if err := e.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", c.RIE, err)
	}
	go func() {
		e.waitErr = e.cmd.Wait()
		close(e.exited)
	}()

	deadline := time.Now().Add(c.Ready)
	for {
		conn, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			conn.Close()
			return e, nil
		}
		select {
		case <-e.exited:
			return nil, fmt.Errorf("%w (%v):\n%s", errExitedEarly, e.waitErr, e.out.String())
		case <-ctx.Done():
			e.Close()
			return nil, ctx.Err()
		case <-time.After(10 * time.Millisecond): // poll interval, bounded by deadline
		}
		if time.Now().After(deadline) {
			e.Close()
			return nil, fmt.Errorf("%s did not listen on %s within %s:\n%s", Binary, addr, c.Ready, e.out.String())
		}
	}
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// InvokeError is an invocation that did not yield an API Gateway response:
// the emulator refused it, or the function failed or panicked.
type InvokeError struct {
	Status int    // the emulator's HTTP status
	Body   string // what it answered
}

func (e *InvokeError) Error() string {
	return fmt.Sprintf("invocation failed (emulator status %d): %s", e.Status, e.Body)
}

// Invoke sends one event and decodes the function's API Gateway response.
func (e *Emulator) Invoke(ctx context.Context, event []byte) (events.APIGatewayV2HTTPResponse, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.URL, bytes.NewReader(event))
	if err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := e.client.Do(req)
	if err != nil {
		return events.APIGatewayV2HTTPResponse{}, fmt.Errorf("invoke: %w", err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return events.APIGatewayV2HTTPResponse{}, fmt.Errorf("invoke: read answer: %w", err)
	}
	var out struct {
		events.APIGatewayV2HTTPResponse
		ErrorMessage string `json:"errorMessage"`
		ErrorType    string `json:"errorType"`
	}
	if res.StatusCode != http.StatusOK || json.Unmarshal(body, &out) != nil || out.ErrorType != "" ||
		out.ErrorMessage != "" || out.StatusCode == 0 {
		return events.APIGatewayV2HTTPResponse{}, &InvokeError{Status: res.StatusCode, Body: string(body)}
	}
	return out.APIGatewayV2HTTPResponse, nil
}

var (
	reportInit = regexp.MustCompile(`Init Duration: ([0-9]+(?:\.[0-9]+)?) ms`)
	rapidInit  = regexp.MustCompile(`INIT REPORT\(durationMs: ([0-9]+(?:\.[0-9]+)?)`)
)

// ReportedInitDuration returns the "Init Duration: X ms" of the emulator's
// REPORT line, which it prints for the first invocation only.
//
// Beware: up to at least the emulator version the Makefile pins, that
// figure only times the emulator handing the init over to a goroutine
// (about 0.02 ms), not the function's init, which goes on asynchronously
// (aws/aws-lambda-runtime-interface-emulator issue #106, fix proposed in
// pull request #185). InitDuration gives the real figure.
func (e *Emulator) ReportedInitDuration(wait time.Duration) (time.Duration, error) {
	return e.waitDuration(wait, reportInit, "Init Duration: ... ms")
}

// InitDuration returns the function's init duration as the emulator's
// Lambda core (rapid) measures it and logs it in "INIT REPORT(durationMs:
// X)": from the start of the init phase (starting the bootstrap) to the
// runtime's first call for an event, which is what Lambda bills as Init
// Duration. It is logged during the first invocation, and waited for
// within wait.
func (e *Emulator) InitDuration(wait time.Duration) (time.Duration, error) {
	return e.waitDuration(wait, rapidInit, "INIT REPORT(durationMs: ...)")
}

func (e *Emulator) waitDuration(wait time.Duration, re *regexp.Regexp, what string) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	m, err := e.out.WaitFor(ctx, re)
	if err != nil {
		return 0, fmt.Errorf("no %q in the emulator's output: %w", what, err)
	}
	ms, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		return 0, err
	}
	return time.Duration(ms * float64(time.Millisecond)), nil
}

// Output returns everything the emulator and the function printed.
func (e *Emulator) Output() string { return e.out.String() }

// Close kills the emulator and the function it started, and waits for both.
func (e *Emulator) Close() error {
	e.once.Do(func() {
		killProcessGroup(e.cmd)
		<-e.exited
		e.client.CloseIdleConnections()
	})
	return nil
}

// Output collects a process's output and lets callers wait for a line.
type Output struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	written chan struct{} // closed and replaced on every write
}

func newOutput() *Output { return &Output{written: make(chan struct{})} }

func (o *Output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.buf.Write(p)
	close(o.written)
	o.written = make(chan struct{})
	return len(p), nil
}

func (o *Output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.String()
}

// WaitFor returns the first match of re in the output, waiting for it
// until ctx ends.
func (o *Output) WaitFor(ctx context.Context, re *regexp.Regexp) ([]string, error) {
	for {
		o.mu.Lock()
		m := re.FindStringSubmatch(o.buf.String())
		written := o.written
		o.mu.Unlock()
		if m != nil {
			return m, nil
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-written:
		}
	}
}
