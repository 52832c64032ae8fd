// Command bench measures what the portal promises about its Lambdas and its
// API, and prints a Markdown report, with the machine it ran on:
//
//   - the size of each function's linux/arm64 binary, built as the Makefile
//     builds it for Lambda (goal: at most 10 MiB);
//   - each HTTP function's init duration under the Lambda Runtime Interface
//     Emulator, median of cold starts (goal: at most 15 ms);
//   - p50/p99 latencies of sign-up, login and GET /api/v1/me on the local
//     stack, over loopback HTTP (goal for /me: p99 at most 5 ms);
//   - the medians of /password/forgot and /activation/resend for an address
//     with an account and an unknown one, and of matched sign-ups on a lease
//     with an account and one without (goal: gaps under 10 %);
//   - the ERP import: generated export files (residences, leases,
//     signatories, ledger entries) streamed through importer.Run into an
//     emulated DynamoDB, with lines per second, the import's memory and an
//     estimate of the full size (100,000 leases, 2,000,000 entries) against
//     one Lambda run (goal: 15 minutes, 1 GB).
//
// Run it with the emulator on PATH (make bench does):
//
//	PATH=$PWD/.tools:$PATH go run ./infra/bench [-coldstarts 5] [-signups 200] [-logins 200] [-me 2000]
//
// Each section can be left out: -sizes=false, -init=false, -api=false,
// -timing=false, -import=false, -render=false (rent notices as PDF). The timing of the address look-ups alone
// (forgot and resend, an address with an account against an unknown one,
// 500 tries each; matched sign-ups on a lease with an account against one
// with a pending request, 100 each):
//
//	go run ./infra/bench -sizes=false -init=false -api=false -import=false [-timing-tries 500] [-timing-signups 100]
//
// The import runs a tenth of the full size (about 40 s on
// two CPUs) unless -import-full is given (about 7 minutes, and some 16 GB
// for the emulator, which holds the 2.2 million items in memory); only the
// import:
//
//	go run ./infra/bench -sizes=false -init=false -api=false [-import-full]
//
// A missed goal is marked ✗ in the report; the exit status is non-zero
// only when a measurement could not be made.
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"debug/buildinfo"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/citejardins/extranet/infra/localstack"
	"github.com/citejardins/extranet/infra/rie"
	"github.com/citejardins/extranet/infra/sesemu"
)

// Goals.
const (
	maxBinaryBytes = 10 << 20
	maxInit        = 15 * time.Millisecond
	maxMeP99       = 5 * time.Millisecond
)

const (
	benchEmail    = "banc.essai@example.fr"
	benchPassword = "Tulipes-violettes-au-balcon-7"
)

type options struct {
	coldStarts int
	signups    int
	logins     int
	me         int
	warmup     int

	sizes, init, api bool
	imp              importOptions
	notices          noticesRunOptions

	timing        bool
	timingTries   int
	timingSignups int

	payments paymentsOptions // payments.go
}

func main() {
	var o options
	flag.IntVar(&o.coldStarts, "coldstarts", 5, "cold starts per function under the runtime emulator (the median is reported)")
	flag.IntVar(&o.signups, "signups", 200, "measured sign-ups")
	flag.IntVar(&o.logins, "logins", 200, "measured logins")
	flag.IntVar(&o.me, "me", 2000, "measured GET /api/v1/me")
	flag.IntVar(&o.warmup, "warmup", 20, "unmeasured requests of each kind first")
	flag.BoolVar(&o.sizes, "sizes", true, "measure the binary sizes")
	flag.BoolVar(&o.init, "init", true, "measure the init durations under the runtime emulator")
	flag.BoolVar(&o.api, "api", true, "measure the API latencies")
	flag.BoolVar(&o.timing, "timing", true, "measure whether forgot and resend take longer for an address with an account")
	flag.IntVar(&o.timingTries, "timing-tries", 500, "measured tries of each address for -timing")
	flag.IntVar(&o.timingSignups, "timing-signups", 100, "measured sign-ups on each lease for -timing")
	flag.BoolVar(&o.imp.run, "import", true, "measure the ERP import")
	flag.BoolVar(&o.imp.full, "import-full", false, "import the full size (-import-leases); without it, a tenth")
	flag.IntVar(&o.imp.leases, "import-leases", fullLeases, "leases of the full-size import")
	flag.IntVar(&o.imp.entriesPerLease, "import-entries-per-lease", fullEntriesPer, "ledger entries of each lease")
	flag.IntVar(&o.imp.residences, "import-residences", 1000, "residences the leases are spread over")
	flag.IntVar(&o.imp.partitions, "import-partitions", 1<<16, "emulator instances the partition keys are spread over (0: a single one)")
	flag.IntVar(&o.imp.workers, "import-workers", 0, "importer.Options.Workers (0: the importer's default)")
	flag.IntVar(&o.imp.batch, "import-batch", 0, "importer.Options.Batch (0: the importer's default)")
	rtts := flag.String("import-aws-rtt", "10ms,30ms", "round trips to DynamoDB assumed for the estimate, comma-separated")
	flag.StringVar(&o.imp.cpuProfile, "import-cpuprofile", "", "write CPU profiles of the import to this file and of the emulator to this file.emulator")
	flag.BoolVar(&o.notices.run, "notices-run", true, "run a period's notices end to end over -notices-leases generated leases")
	flag.IntVar(&o.notices.leases, "notices-leases", 10000, "generated leases of the notices run")
	flag.IntVar(&o.notices.workers, "notices-workers", 4, "noticeworker processes (runtime emulators) of the notices run")
	flag.IntVar(&o.notices.partitions, "notices-partitions", 16384, "DynamoDB emulator instances of the notices run")
	flag.StringVar(&o.notices.cpuProfile, "notices-cpuprofile", "", "write CPU profiles of the notices run: of the stack (emulators, planner, print) to this file.stack, of each worker to this file.worker.<pid>")
	flag.IntVar(&o.notices.profileSeconds, "notices-profile-seconds", 30, "seconds of each worker's CPU profile (-notices-cpuprofile)")
	flag.BoolVar(&o.payments.run, "payments", true, "measure the payment webhook on the local stack")
	flag.IntVar(&o.payments.sequential, "payments-sequential", 1000, "webhook deliveries one at a time, for p50/p99")
	flag.IntVar(&o.payments.duplicates, "payments-duplicates", 50, "concurrent deliveries of one event")
	flag.IntVar(&o.payments.distinct, "payments-distinct", 1000, "distinct events delivered (each twice) by -payments-workers at once")
	flag.IntVar(&o.payments.workers, "payments-workers", 16, "concurrent webhook clients of -payments-distinct")
	flag.IntVar(&o.payments.leases, "payments-leases", 500, "generated leases the benchmark's payments are spread over")
	flag.BoolVar(&o.imp.serve, "serve-dynamodb", false, "internal: serve the import's emulator, print its URL, stop when stdin closes")
	flag.Parse()
	var err error
	o.imp.rtts, err = parseDurations(*rtts)
	if o.coldStarts < 1 || o.signups < 1 || o.logins < 1 || o.me < 1 || o.warmup < 0 || o.timingTries < 1 || o.timingSignups < 1 || err != nil ||
		o.imp.leases < 1 || o.imp.entriesPerLease < 1 || o.imp.residences < 1 || o.imp.partitions < 0 {
		fmt.Fprintln(os.Stderr, "bench: counts must be positive, durations well-formed")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if o.imp.serve {
		if err := serveDynamoDB(ctx, o.imp); err != nil {
			fmt.Fprintln(os.Stderr, "bench: emulator:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(ctx, o, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// report collects the Markdown report and the errors of its sections.
type report struct {
	w    io.Writer
	errs []error
}

func (r *report) printf(format string, args ...any) { fmt.Fprintf(r.w, format, args...) }

// fail records a section's error and prints it in the report.
func (r *report) fail(section string, err error) {
	r.errs = append(r.errs, fmt.Errorf("%s: %w", section, err))
	r.printf("\n**Error:** %s\n\n```\n%s\n```\n", section, strings.TrimSpace(err.Error()))
}

func progress(format string, args ...any) { fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...) }

func run(ctx context.Context, o options, w io.Writer) error {
	root, err := localstack.FindRoot()
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "extranet-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	r := &report{w: w}
	r.printf("# Extranet Locataire — benchmark\n\n")
	machine(r)

	if o.sizes {
		sizes(ctx, r, root, tmp)
	}
	noticeRendering(r, root) // notices_render.go; -render=false leaves it out
	if err := stackSections(ctx, r, o, root, tmp); err != nil {
		return err
	}
	if o.imp.run {
		erpImport(ctx, r, o.imp)
	}
	if o.notices.run {
		noticesRun(ctx, r, o.notices, root, tmp)
	}
	if l := loadAverage(); l != "" {
		r.printf("Load after the run: %s. Other work on the machine inflates the tails; compare runs made on an idle machine.\n", l)
	}
	return errors.Join(r.errs...)
}

// stackSections runs the sections on the local stack, which is closed
// before the import starts.
func stackSections(ctx context.Context, r *report, o options, root, tmp string) error {
	if !o.init && !o.api && !o.timing && !o.payments.run {
		return nil
	}
	// The local stack: the functions' environment under the emulator, and
	// the API for the latencies. Throttling is lifted so that the
	// benchmark measures the work, not the refusals.
	unlimited := "1000000/1m"
	st, err := localstack.Start(ctx, localstack.Options{
		Addr: "127.0.0.1:0", Root: root, DataDir: filepath.Join(tmp, "data"),
		Env: map[string]string{
			"LIMIT_PER_ADDRESS":       unlimited,
			"LIMIT_MAILS_PER_ACCOUNT": unlimited,
			"LIMIT_ACCOUNT_FAILURES":  unlimited,
			"LIMIT_LEASE_FAILURES":    unlimited,
		},
		Log: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError})),
	})
	if err != nil {
		return fmt.Errorf("local stack: %w", err)
	}
	defer st.Close()
	if o.init {
		initDurations(ctx, r, o, root, tmp, st)
	}
	if o.api {
		latencies(ctx, r, o, st)
	}
	if o.timing {
		addressTiming(ctx, r, o, st)
	}
	if o.payments.run {
		webhookBench(ctx, r, o.payments, st) // payments.go
	}
	return nil
}

func machine(r *report) {
	arch := runtime.GOARCH
	if out, err := exec.Command("uname", "-m").Output(); err == nil {
		arch = strings.TrimSpace(string(out))
	}
	cpu := "unknown"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		// x86 says "model name"; arm64 kernels often only give the
		// implementer and part numbers.
		for _, key := range []string{"model name", "Model", "Hardware", "CPU part"} {
			if m := regexp.MustCompile(`(?m)^` + key + `\s*:\s*(.+)$`).FindStringSubmatch(string(b)); m != nil {
				cpu = strings.TrimSpace(m[1])
				if key == "CPU part" {
					cpu = "CPU part " + cpu
				}
				break
			}
		}
	}
	r.printf("| Machine | |\n|---|---|\n")
	r.printf("| Date | %s |\n", time.Now().UTC().Format("2006-01-02 15:04:05 MST"))
	r.printf("| Architecture (`uname -m`) | %s |\n", arch)
	r.printf("| CPU | %s |\n", cpu)
	r.printf("| CPUs (nproc) | %d |\n", runtime.NumCPU())
	r.printf("| Go | %s %s/%s |\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	if p, err := rie.Find(); err == nil {
		v := "unknown version"
		if bi, err := buildinfo.ReadFile(p); err == nil {
			v = bi.Main.Version
		}
		r.printf("| Runtime Interface Emulator | %s (%s) |\n", v, p)
	} else {
		r.printf("| Runtime Interface Emulator | not found |\n")
	}
	if l := loadAverage(); l != "" {
		r.printf("| Load before the run | %s |\n", l)
	}
	r.printf("\n")
}

// loadAverage is the 1, 5 and 15 minute load averages, if the system says.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], ", ")
}

func mark(ok bool) string {
	if ok {
		return "✓"
	}
	return "✗"
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }

func sizes(ctx context.Context, r *report, root, tmp string) {
	const section = "Binary sizes"
	r.printf("## %s\n\n", section)
	r.printf("Each function of `functions/` built as `make build` does: `GOOS=linux GOARCH=arm64 CGO_ENABLED=0 go build -trimpath -tags lambda.norpc -ldflags='-s -w'`. Goal: at most 10 MiB.\n\n")
	progress("building the functions for linux/arm64")
	bins, err := rie.Build(ctx, rie.BuildOptions{Root: root, Dir: filepath.Join(tmp, "linux-arm64"), GOOS: "linux", GOARCH: "arm64", Strip: true})
	if err != nil {
		r.fail(section, err)
		return
	}
	r.printf("| Function | Bytes | MiB | Goal ≤ 10 MiB |\n|---|---:|---:|:---:|\n")
	for _, fn := range sortedKeys(bins) {
		fi, err := os.Stat(bins[fn])
		if err != nil {
			r.fail(section, err)
			return
		}
		n := fi.Size()
		r.printf("| %s | %d | %.2f | %s |\n", fn, n, float64(n)/(1<<20), mark(n <= maxBinaryBytes))
	}
	r.printf("\n")
}

func initDurations(ctx context.Context, r *report, o options, root, tmp string, st *localstack.Stack) {
	const section = "Init durations"
	r.printf("## %s\n\n", section)
	r.printf("Each HTTP function built for this machine (%s/%s, same flags), started %d times under `aws-lambda-rie` "+
		"(a new emulator each time) and invoked once with its sample event from events/. Goal: median at most 15 ms.\n\n", runtime.GOOS, runtime.GOARCH, o.coldStarts)
	r.printf("*Init* is what the emulator's Lambda core (rapid) logs as `INIT REPORT(durationMs: …)`: from starting the " +
		"bootstrap to the runtime's first request for an event, which is what Lambda reports as Init Duration. " +
		"The `Init Duration: … ms` of the emulator's REPORT line is shown too, but it only times the emulator handing the " +
		"init to a goroutine, not the init itself (aws/aws-lambda-runtime-interface-emulator issue #106, fix proposed in " +
		"pull request #185), so it is not compared with the goal.\n\n")
	rieBin, err := rie.Find()
	if err != nil {
		r.fail(section, err)
		return
	}
	evs, err := rie.LoadEvents(root)
	if err != nil {
		r.fail(section, err)
		return
	}
	// The HTTP functions, each invoked with the event of its first route.
	eventOf := map[string]rie.Event{}
	var names []string
	for name, fn := range st.Template.Functions {
		if len(fn.Routes) == 0 {
			continue
		}
		ev, ok := evs[fn.Routes[0].Method+" "+fn.Routes[0].Path]
		if !ok {
			r.fail(section, fmt.Errorf("no event in events/ for %s %s", fn.Routes[0].Method, fn.Routes[0].Path))
			return
		}
		names = append(names, name)
		eventOf[name] = ev
	}
	sort.Strings(names)
	progress("building %v for %s/%s", names, runtime.GOOS, runtime.GOARCH)
	bins, err := rie.Build(ctx, rie.BuildOptions{Root: root, Dir: filepath.Join(tmp, "local"), Strip: true, Functions: names})
	if err != nil {
		r.fail(section, err)
		return
	}
	// Placeholders get well-formed values nobody issued: the answers are
	// refusals, which is enough to know the function served the event.
	vars := map[string]string{"token": randomToken(), "session": randomToken(), "id": "20000101-ZZZZZZ"}

	r.printf("| Function | Event | Init, median | Min | Max | Goal ≤ 15 ms | REPORT line, median |\n|---|---|---:|---:|---:|:---:|---:|\n")
	for _, name := range names {
		ev := eventOf[name]
		payload, err := ev.Fill(vars)
		if err != nil {
			r.fail(section, err)
			return
		}
		env, err := st.FunctionEnv(name)
		if err != nil {
			r.fail(section, err)
			return
		}
		var ds, reported []time.Duration
		for i := 0; i < o.coldStarts; i++ {
			progress("cold start %d/%d of %s", i+1, o.coldStarts, name)
			d, rep, err := coldStart(ctx, rie.Config{RIE: rieBin, Bootstrap: bins[name], Env: env,
				Name: st.Template.Functions[name].LogicalID}, payload)
			if err != nil {
				r.fail(section, fmt.Errorf("%s: %w", name, err))
				return
			}
			ds, reported = append(ds, d), append(reported, rep)
		}
		slices.Sort(ds)
		slices.Sort(reported)
		med := median(ds)
		r.printf("| %s | %s | %s | %s | %s | %s | %s |\n", name, filepath.Base(ev.File), ms(med), ms(ds[0]), ms(ds[len(ds)-1]),
			mark(med <= maxInit), ms(median(reported)))
	}
	r.printf("\n")
}

// coldStart starts an emulator, invokes the function once, and returns the
// init duration rapid measured, and the one of the REPORT line.
func coldStart(ctx context.Context, c rie.Config, payload []byte) (initDur, reported time.Duration, err error) {
	e, err := rie.Start(ctx, c)
	if err != nil {
		return 0, 0, err
	}
	defer e.Close()
	ictx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	res, err := e.Invoke(ictx, payload)
	if err != nil {
		return 0, 0, fmt.Errorf("%w\n%s", err, e.Output())
	}
	if res.StatusCode >= 500 {
		return 0, 0, fmt.Errorf("the function answered %d: %s\n%s", res.StatusCode, res.Body, e.Output())
	}
	if initDur, err = e.InitDuration(5 * time.Second); err != nil {
		return 0, 0, fmt.Errorf("%w\n%s", err, e.Output())
	}
	if reported, err = e.ReportedInitDuration(5 * time.Second); err != nil {
		return 0, 0, fmt.Errorf("%w\n%s", err, e.Output())
	}
	return initDur, reported, nil
}

func median(sorted []time.Duration) time.Duration {
	n := len(sorted)
	if n%2 == 1 {
		return sorted[n/2]
	}
	return (sorted[n/2-1] + sorted[n/2]) / 2
}

// percentile is the nearest-rank percentile of sorted durations.
func percentile(sorted []time.Duration, p float64) time.Duration {
	i := int(float64(len(sorted))*p/100+0.999999) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

// client is one client of the local stack's API over a kept-alive
// connection, one request at a time.
type client struct {
	base string
	http *http.Client
}

// do sends a JSON request and checks the status; it returns the decoded
// body and how long the whole exchange took.
func (c *client) do(ctx context.Context, method, path, bearer string, body any, status int) (map[string]any, time.Duration, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, 0, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return nil, 0, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	start := time.Now()
	res, err := c.http.Do(req)
	if err != nil {
		return nil, 0, err
	}
	b, err := io.ReadAll(res.Body)
	res.Body.Close()
	took := time.Since(start)
	if err != nil {
		return nil, 0, err
	}
	if res.StatusCode != status {
		return nil, 0, fmt.Errorf("%s %s: status %d, want %d: %s", method, path, res.StatusCode, status, b)
	}
	var out map[string]any
	if len(b) > 0 {
		if err := json.Unmarshal(b, &out); err != nil {
			return nil, 0, fmt.Errorf("%s %s: %w", method, path, err)
		}
	}
	return out, took, nil
}

type measure struct {
	route string
	n     int
	times []time.Duration
	goal  time.Duration // p99 goal; 0: none
}

// repeat runs fn warmup+n times and keeps the n last durations.
func repeat(warmup, n int, fn func() (time.Duration, error)) ([]time.Duration, error) {
	var out []time.Duration
	for i := 0; i < warmup+n; i++ {
		d, err := fn()
		if err != nil {
			return nil, err
		}
		if i >= warmup {
			out = append(out, d)
		}
	}
	slices.Sort(out)
	return out, nil
}

func latencies(ctx context.Context, r *report, o options, st *localstack.Stack) {
	const section = "API latencies"
	r.printf("## %s\n\n", section)
	r.printf("The local stack in this process (every function's handler, DynamoDB and SES emulated in memory), "+
		"called over loopback HTTP by one keep-alive client, one request at a time, after %d unmeasured requests of each kind. "+
		"Throttling limits are lifted. Sign-ups all target the demo lease %s, still pending, so each replaces the last; "+
		"sign-up and login include hashing or verifying the password (argon2id). Goal: p99 of GET /api/v1/me at most 5 ms.\n\n",
		o.warmup, st.Demo[0].Reference)
	c := &client{base: st.URL, http: &http.Client{Timeout: 30 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: 2, IdleConnTimeout: time.Minute}}}
	defer c.http.CloseIdleConnections()
	demo := st.Demo[0]
	var results []measure

	progress("%d sign-ups", o.warmup+o.signups)
	signup := map[string]string{"reference": demo.Reference, "lastName": demo.LastName, "dateOfBirth": demo.DateOfBirth,
		"email": benchEmail, "password": benchPassword}
	times, err := repeat(o.warmup, o.signups, func() (time.Duration, error) {
		_, d, err := c.do(ctx, "POST", "/api/v1/signup", "", signup, http.StatusAccepted)
		return d, err
	})
	if err != nil {
		r.fail(section, err)
		return
	}
	results = append(results, measure{route: "POST /api/v1/signup", n: o.signups, times: times})

	// Activate with the last link sent, then log in. The mail worker sends
	// after the answers: wait for it.
	wctx, cancel := context.WithTimeout(ctx, time.Minute)
	err = st.WaitMailJobs(wctx)
	cancel()
	if err != nil {
		r.fail(section, err)
		return
	}
	token, err := lastActivationToken(st.Mail)
	if err != nil {
		r.fail(section, err)
		return
	}
	if _, _, err := c.do(ctx, "POST", "/api/v1/activation", "", map[string]string{"token": token}, http.StatusOK); err != nil {
		r.fail(section, err)
		return
	}
	progress("%d logins", o.warmup+o.logins)
	var session string
	times, err = repeat(o.warmup, o.logins, func() (time.Duration, error) {
		body, d, err := c.do(ctx, "POST", "/api/v1/sessions", "", map[string]any{"email": benchEmail, "password": benchPassword, "tokenRequested": true}, http.StatusOK)
		session, _ = body["token"].(string)
		return d, err
	})
	if err != nil {
		r.fail(section, err)
		return
	}
	results = append(results, measure{route: "POST /api/v1/sessions", n: o.logins, times: times})

	progress("%d GET /api/v1/me", o.warmup+o.me)
	times, err = repeat(o.warmup, o.me, func() (time.Duration, error) {
		_, d, err := c.do(ctx, "GET", "/api/v1/me", session, nil, http.StatusOK)
		return d, err
	})
	if err != nil {
		r.fail(section, err)
		return
	}
	results = append(results, measure{route: "GET /api/v1/me", n: o.me, times: times, goal: maxMeP99})

	r.printf("| Route | Requests | p50 | p99 | Max | Goal | |\n|---|---:|---:|---:|---:|---|:---:|\n")
	for _, m := range results {
		p99 := percentile(m.times, 99)
		goal, ok := "—", ""
		if m.goal > 0 {
			goal, ok = "p99 ≤ "+ms(m.goal), mark(p99 <= m.goal)
		}
		r.printf("| %s | %d | %s | %s | %s | %s | %s |\n", m.route, m.n, ms(percentile(m.times, 50)), ms(p99),
			ms(m.times[len(m.times)-1]), goal, ok)
	}
	r.printf("\n")
}

var activationLink = regexp.MustCompile(`/activation\?token=([A-Za-z0-9_-]+)`)

// lastActivationToken is the token of the newest activation mail to the
// benchmark's address: each sign-up voids the link of the one before.
func lastActivationToken(mail *sesemu.Server) (string, error) {
	msgs := mail.Messages()
	for i := len(msgs) - 1; i >= 0; i-- {
		if !slices.Contains(msgs[i].To, benchEmail) {
			continue
		}
		if m := activationLink.FindStringSubmatch(msgs[i].Text); m != nil {
			return m[1], nil
		}
	}
	return "", fmt.Errorf("no activation mail to %s among %d messages", benchEmail, len(msgs))
}

func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
