package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/citejardins/extranet/infra/localstack"
	"github.com/citejardins/extranet/infra/rie"
	"github.com/citejardins/extranet/shared/notice"
)

// The monthly run end to end on the local stack: generated leases (a third
// paperless) imported, then a period's run as POST /_dev/notices does it:
// the planner queues every running lease, the SQS event source invokes
// the built noticeworker binary, each instance a Runtime Interface
// Emulator process as each Lambda instance is one, which renders, stores in
// S3, records in DynamoDB and mails through SES (all emulated), then the
// print step. Goal: 10,000 leases in 30 s on this machine. The peak memory
// of a worker is the largest VmHWM (peak resident set) of the worker
// processes, read from /proc at the end.

const noticesRunGoal = 30 * time.Second

type noticesRunOptions struct {
	run     bool
	leases  int
	workers int
	// cpuProfile, when set, starts the CPU profiles: <cpuProfile>.stack of
	// the bench's process during the run; the workers, built with the benchprofile tag, write
	// theirs to <cpuProfile>.worker.<pid> for profileSeconds.
	cpuProfile     string
	profileSeconds int
	// partitions is the DynamoDB emulator's instances (see
	// localstack.Options.DynamoDBPartitions).
	partitions int
}

func noticesRun(ctx context.Context, r *report, o noticesRunOptions, root, tmp string) {
	r.printf("\n## Monthly notices: a local run end to end\n\n")
	res, err := runNotices(ctx, o, root, tmp)
	if err != nil {
		r.fail("notices run", err)
		return
	}
	r.printf("%d generated leases (%d paperless) and the 3 demo leases; the noticeworker binary under %d runtime emulator processes "+
		"(the event source's maximum concurrency here); DynamoDB, S3 and SES emulated in the bench's process; no mail pacing "+
		"(NOTICE_MAIL_RATE empty: SES's send rate is the AWS model's business).\n\n", o.leases, res.paperless, o.workers)
	r.printf("| Step | Figure | Goal |\n|---|---|---|\n")
	r.printf("| Seeding (import of the generated files, accounts) | %s | — |\n", seconds(res.seed))
	r.printf("| Run: plan, %d notices rendered, stored, recorded; %d mails; print batch of %d | **%s** (%.0f notices/s) | ≤ %s %s |\n",
		res.issued, res.mailed, res.printed, seconds(res.run), float64(res.issued)/res.run.Seconds(), seconds(noticesRunGoal), mark(res.run <= noticesRunGoal))
	r.printf("| CPU of the run: the workers / the emulators, planner and print step (this process) | %s / %s (%.2f / %.2f ms a notice) | — |\n",
		seconds(res.workerCPU), seconds(res.stackCPU), msEach(res.workerCPU, res.issued), msEach(res.stackCPU, res.issued))
	r.printf("| Peak memory of a worker (largest VmHWM of the %d worker processes) | %.1f MiB | function memory 1,024 MB (template) |\n", o.workers, float64(res.peakRSS)/(1<<20))
	r.printf("\nThe run's report: `%s`. The machine is shared: the load average (below) says how much of its 2 CPUs the run had; the CPU times do not depend on it.\n", res.report)
}

type noticesRunResult struct {
	seed, run                          time.Duration
	paperless, issued, mailed, printed int
	peakRSS                            int64
	report                             string
	workerCPU, stackCPU                time.Duration
}

func msEach(d time.Duration, n int) float64 {
	return float64(d.Microseconds()) / 1000 / float64(max(n, 1))
}

func runNotices(ctx context.Context, o noticesRunOptions, root, tmp string) (noticesRunResult, error) {
	var res noticesRunResult
	// The emulators' heap (thousands of minidyn instances) is large and
	// long-lived: at the default GOGC the collector was a third of this
	// process's CPU during the run. The bench's process is the emulated
	// AWS, whose memory is no figure of the run.
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	st, err := localstack.Start(ctx, localstack.Options{Addr: "127.0.0.1:0", Root: root, DataDir: filepath.Join(tmp, "notices-data"),
		Skip: []string{"noticeworker"}, Env: map[string]string{"NOTICE_MAIL_RATE": ""}, DynamoDBPartitions: o.partitions,
		Log: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))})
	if err != nil {
		return res, fmt.Errorf("local stack: %w", err)
	}
	defer st.Close()

	progress("notices: seeding %d leases", o.leases)
	start := time.Now()
	leases, err := st.SeedLeases(ctx, o.leases, 3)
	if err != nil {
		return res, err
	}
	res.seed = time.Since(start)
	for _, l := range leases {
		if l.Paperless {
			res.paperless++
		}
	}

	progress("notices: building the noticeworker")
	var tags []string
	if o.cpuProfile != "" {
		tags = []string{"benchprofile"}
	}
	bins, err := rie.Build(ctx, rie.BuildOptions{Root: root, Dir: filepath.Join(tmp, "notices-bin"), Functions: []string{"noticeworker"}, Tags: tags})
	if err != nil {
		return res, err
	}
	env, err := st.FunctionEnv("noticeworker")
	if err != nil {
		return res, err
	}
	env["AWS_LAMBDA_FUNCTION_TIMEOUT"] = strconv.Itoa(st.Template.Functions["noticeworker"].Timeout)
	if o.cpuProfile != "" {
		env["NOTICEWORKER_CPUPROFILE"] = o.cpuProfile + ".worker"
		env["NOTICEWORKER_CPUPROFILE_SECONDS"] = strconv.Itoa(o.profileSeconds)
	}
	pool := make(chan *rie.Emulator, o.workers)
	for range o.workers {
		e, err := rie.Start(ctx, rie.Config{Bootstrap: bins["noticeworker"], Env: env, Name: "NoticeworkerFunction"})
		if err != nil {
			return res, err
		}
		defer e.Close()
		pool <- e
	}
	client := &http.Client{Timeout: 10 * time.Minute}
	invoke := func(ctx context.Context, payload []byte) ([]byte, error) {
		e := <-pool // one batch at a time per instance, as in Lambda
		defer func() { pool <- e }()
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.URL, bytes.NewReader(payload))
		if err != nil {
			return nil, err
		}
		resp, err := client.Do(req)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		out, err := io.ReadAll(resp.Body)
		if err != nil || resp.StatusCode != http.StatusOK || bytes.Contains(out, []byte(`"errorType"`)) {
			return nil, fmt.Errorf("invoke: %d %s %v", resp.StatusCode, out, err)
		}
		return out, nil
	}
	if err := st.StartEventSource("noticeworker", invoke, o.workers); err != nil {
		return res, err
	}

	progress("notices: running 2026-12")
	workersBefore, _ := procStats(bins["noticeworker"])
	stopProfile, err := startProfile(o.cpuProfile, "stack")
	if err != nil {
		return res, err
	}
	start, cpu := time.Now(), selfCPU()
	rep, err := st.RunNotices(ctx, notice.Period{Year: 2026, Month: 12})
	res.run, res.stackCPU = time.Since(start), selfCPU()-cpu
	stopProfile()
	if o.cpuProfile != "" {
		// The workers stop their profiles by the clock: keep them alive
		// until then.
		time.Sleep(time.Until(start.Add(time.Duration(o.profileSeconds)*time.Second + 10*time.Second)))
	}
	if err != nil {
		return res, err
	}
	workersAfter, peak := procStats(bins["noticeworker"])
	res.workerCPU, res.peakRSS = workersAfter-workersBefore, peak
	res.issued, res.mailed, res.printed = rep.Issued, rep.Mailed, rep.Printed
	b, _ := json.Marshal(rep)
	res.report = string(b)
	if want := o.leases + len(st.Demo); rep.Leases != want || rep.Issued != want {
		return res, fmt.Errorf("the run planned %d and issued %d notices; want %d", rep.Leases, rep.Issued, want)
	}
	if res.peakRSS == 0 {
		return res, fmt.Errorf("no process of %s found in /proc", bins["noticeworker"])
	}
	return res, nil
}

// procStats sums the CPU time (user and system) of the processes running
// the binary, and gives their largest VmHWM (peak resident set), from /proc.
func procStats(binary string) (cpu time.Duration, peak int64) {
	procs, _ := filepath.Glob("/proc/[0-9]*")
	for _, p := range procs {
		if exe, err := os.Readlink(filepath.Join(p, "exe")); err != nil || exe != binary {
			continue
		}
		if stat, err := os.ReadFile(filepath.Join(p, "stat")); err == nil {
			// Fields after the command's closing parenthesis: utime and
			// stime are the 12th and 13th, in clock ticks (100 a second).
			if i := bytes.LastIndexByte(stat, ')'); i > 0 {
				f := strings.Fields(string(stat[i+1:]))
				if len(f) > 12 {
					u, _ := strconv.ParseInt(f[11], 10, 64)
					s, _ := strconv.ParseInt(f[12], 10, 64)
					cpu += time.Duration(u+s) * 10 * time.Millisecond
				}
			}
		}
		status, err := os.ReadFile(filepath.Join(p, "status"))
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(status), "\n") {
			if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
				kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
				peak = max(peak, kb<<10)
			}
		}
	}
	return cpu, peak
}
