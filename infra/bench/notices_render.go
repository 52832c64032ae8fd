package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"syscall"
	"time"

	"github.com/citejardins/extranet/shared/notice"
	"github.com/citejardins/extranet/shared/pdf"
	"github.com/citejardins/extranet/shared/tenancy"
)

// Goals of the notice rendering (issue 8, benchmarks).
const (
	minNoticesPerCoreSecond = 500
	maxNoticeBytes          = 40 << 10
)

// The section's flags, registered here so that main.go only calls it.
var (
	renderRun     = flag.Bool("render", true, "measure the rendering of rent notices (PDF)")
	renderNotices = flag.Int("render-notices", 3000, "notices rendered, one PDF each, for -render")
	renderBatch   = flag.Int("render-batch", 100, "notices in the print batch measured by -render")
)

// noticeRendering renders rent notices on one goroutine with GOMAXPROCS=1
// (the garbage collector shares that core): notices per second of wall
// time and per second of the process's CPU time, which other work on the
// machine does not inflate; the bytes of one notice and of a print batch.
func noticeRendering(r *report, root string) {
	const section = "Rendering of rent notices"
	if !*renderRun {
		return
	}
	r.printf("## %s\n\n", section)
	if *renderNotices < 1 || *renderBatch < 1 {
		r.fail(section, fmt.Errorf("-render-notices and -render-batch must be positive"))
		return
	}
	ns := benchNotices(max(*renderNotices, *renderBatch))
	rd := &pdf.Renderer{PortalURL: "https://extranet.example.fr"}
	prev := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(prev)

	for i := range min(50, len(ns)) { // warm-up
		if _, err := rd.Render(ns[i]); err != nil {
			r.fail(section, err)
			return
		}
	}
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	cpu0, start := cpuTime(), time.Now()
	minBytes, maxBytes, total := 1<<62, 0, 0
	for i := range *renderNotices {
		doc, err := rd.Render(ns[i])
		if err != nil {
			r.fail(section, err)
			return
		}
		minBytes, maxBytes, total = min(minBytes, len(doc)), max(maxBytes, len(doc)), total+len(doc)
	}
	wall, cpu := time.Since(start), cpuTime()-cpu0
	runtime.ReadMemStats(&after)
	n := float64(*renderNotices)
	perWall := n / wall.Seconds()
	perCPU := perWall
	if cpu > 0 {
		perCPU = n / cpu.Seconds()
	}

	bstart := time.Now()
	batch, err := rd.RenderBatch(ns[:*renderBatch])
	if err != nil {
		r.fail(section, err)
		return
	}
	bwall := time.Since(bstart)

	r.printf("%d notices, one PDF each (`pdf.Renderer.Render`), on one goroutine with GOMAXPROCS=1 (of %d CPUs), "+
		"after 50 unmeasured; the notices vary (three payment methods, housing benefit or not, a balance owed, "+
		"in credit or none, accented names). CPU time is the process's user and system time over the loop.\n\n",
		*renderNotices, runtime.NumCPU())
	r.printf("| Measure | Value | Goal | |\n|---|---:|---|:---:|\n")
	r.printf("| Notices per second of CPU time (one core) | %.0f | ≥ %d | %s |\n", perCPU, minNoticesPerCoreSecond, mark(perCPU >= minNoticesPerCoreSecond))
	r.printf("| Notices per second of wall time | %.0f | | |\n", perWall)
	r.printf("| Time per notice (wall) | %s | | |\n", ms(wall/time.Duration(*renderNotices)))
	r.printf("| Bytes of one notice (min – max, mean) | %d – %d, %d | ≤ %d | %s |\n", minBytes, maxBytes, total/(*renderNotices),
		maxNoticeBytes, mark(maxBytes <= maxNoticeBytes))
	r.printf("| Memory allocated per notice | %d KiB | | |\n", (after.TotalAlloc-before.TotalAlloc)/uint64(*renderNotices)>>10)
	r.printf("| Print batch of %d notices (`RenderBatch`), one PDF | %d bytes in %s | | |\n", *renderBatch, len(batch), ms(bwall))
	if fb := fontBytes(root); fb > 0 {
		r.printf("| Embedded fonts (DejaVu Sans regular and bold, cut, in the binary) | %d KiB | | |\n", fb>>10)
	}
	r.printf("\n")
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// fontBytes is the size of the font files the pdf package embeds.
func fontBytes(root string) int64 {
	var n int64
	matches, _ := filepath.Glob(filepath.Join(root, "shared", "pdf", "fonts", "*"))
	for _, m := range matches {
		if filepath.Base(m) == "LICENSE" {
			continue
		}
		if fi, err := os.Stat(m); err == nil {
			n += fi.Size()
		}
	}
	return n
}

// benchNotices builds n notices through notice.Build from varied leases.
func benchNotices(n int) []notice.Notice {
	landlord := notice.Landlord{Name: "Cité Jardins Habitat", AddressLines: []string{"Service clients", "8 rue de la République", "93200 Saint-Denis"},
		Phone: "01 99 00 50 00", IBAN: "FR7630006000011234567890189", BIC: "AGRIFRPPXXX"}
	names := [][2]string{{"Marie", "DUPONT"}, {"Céline", "LEFÈVRE"}, {"Abdou", "N'DIAYE"}, {"Zoé", "GONÇALVES"}, {"Éloïse", "MÜLLER"}}
	methods := []tenancy.PaymentMethod{tenancy.DirectDebit, tenancy.Transfer, tenancy.Cheque}
	period := notice.Period{Year: 2026, Month: 12}
	issued := tenancy.Date{Year: 2026, Month: 11, Day: 25}
	ns := make([]notice.Notice, n)
	for i := range ns {
		nm := names[i%len(names)]
		l := tenancy.Lease{
			Reference: strconv.Itoa(1000000 + i),
			Address: tenancy.Address{Street: strconv.Itoa(1+i%90) + " rue des Jardins", Complement: "Bâtiment B, porte " + strconv.Itoa(i%40),
				PostalCode: "93200", City: "Saint-Denis"},
			RentCents: 40000 + int64(i%997)*13, ChargesCents: 6000 + int64(i%89)*7, PaymentMethod: methods[i%len(methods)], DueDay: 1 + i%10,
			Signatories: []tenancy.Signatory{{Main: true, FirstName: nm[0], LastName: nm[1]}},
		}
		if i%4 == 0 {
			l.HousingBenefitCents = 18000
		}
		if i%5 == 1 {
			l.Signatories = append(l.Signatories, tenancy.Signatory{FirstName: "Julien", LastName: nm[1]})
		}
		previous := []int64{0, 35000, -2550}[i%3]
		ns[i] = notice.Build(l, period, nil, previous, landlord, issued)
	}
	return ns
}
