//go:build benchprofile

package main

import (
	"fmt"
	"os"
	"runtime/pprof"
	"strconv"
	"time"
)

// A build for the bench only (go build -tags benchprofile, see
// infra/bench/notices_run.go): with NOTICEWORKER_CPUPROFILE set, the
// process writes a CPU profile of its first NOTICEWORKER_CPUPROFILE_SECONDS
// seconds to <NOTICEWORKER_CPUPROFILE>.<pid>. Lambda builds leave it out.
func init() {
	prefix := os.Getenv("NOTICEWORKER_CPUPROFILE")
	if prefix == "" {
		return
	}
	secs, err := strconv.Atoi(os.Getenv("NOTICEWORKER_CPUPROFILE_SECONDS"))
	if err != nil || secs <= 0 {
		secs = 60
	}
	f, err := os.Create(fmt.Sprintf("%s.%d", prefix, os.Getpid()))
	if err != nil {
		return
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return
	}
	time.AfterFunc(time.Duration(secs)*time.Second, func() {
		pprof.StopCPUProfile()
		f.Close()
	})
}
