// Command local runs the whole portal on this machine: every HTTP function,
// the web app and the development pages, on in-process AWS emulators.
//
//	go run ./infra/local                 (make run)
//	go run ./infra/local import FILE     (make import FILE=…)
//	go run ./infra/local notices PERIOD  (make notices PERIOD=2026-12)
//	go run ./infra/local insurance-reminders [AAAA-MM-JJ]  (make insurance-reminders [DATE=…])
//	go run ./infra/local erp-payments    (make erp-payments)
//
// PORT (default 8080), PUBLIC_URL (default http://127.0.0.1:$PORT) and
// DATA_DIR (default .data) configure it. The import command drops an ERP
// file into the running stack's imports/, as the ERP does, and prints the
// import's report. The notices command runs the monthly notices of a period
// on the running stack (POST /_dev/notices) and prints the run's counts; the
// insurance-reminders command runs the daily insurance reminders of today (or
// of the day given) the same way (POST /_dev/insurance-reminders). The
// erp-payments command plays the ERP booking the online payments of the
// stack's export: it writes the ecritures file of their lines, with
// id_paiement, under DATA_DIR/erp/ and imports it (erppayments.go).
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/citejardins/extranet/infra/localstack"
	"github.com/citejardins/extranet/shared/portal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "local stack:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	port := getenv("PORT")
	if port == "" {
		port = "8080"
	}
	if len(args) == 2 && args[0] == "import" {
		return importFile(ctx, "http://127.0.0.1:"+port, args[1], stdout)
	}
	if len(args) == 2 && args[0] == "notices" {
		return runNotices(ctx, "http://127.0.0.1:"+port, args[1], stdout)
	}
	if len(args) >= 1 && len(args) <= 2 && args[0] == "insurance-reminders" {
		return runInsuranceReminders(ctx, "http://127.0.0.1:"+port, strings.Join(args[1:], ""), stdout)
	}
	if len(args) == 1 && args[0] == "erp-payments" {
		dir := getenv("DATA_DIR")
		if dir == "" {
			dir = ".data"
		}
		return bookPayments(ctx, "http://127.0.0.1:"+port, filepath.Join(dir, "erp"), time.Now(), stdout)
	}
	if len(args) > 0 {
		return fmt.Errorf("usage: local [import FILE | notices AAAA-MM | insurance-reminders [AAAA-MM-JJ] | erp-payments]")
	}
	st, err := localstack.Start(ctx, localstack.Options{
		Addr:      "127.0.0.1:" + port,
		PublicURL: getenv("PUBLIC_URL"),
		DataDir:   getenv("DATA_DIR"),
	})
	if err != nil {
		return err
	}
	defer st.Close()
	fmt.Fprintf(stdout, "Extranet Locataire is running at %s\n", st.URL)
	fmt.Fprintf(stdout, "  mail inbox:  %s/_dev/mail/inbox  (JSON: %s/_dev/mail)\n", st.URL, st.URL)
	fmt.Fprintf(stdout, "  health:      %s/healthz\n", st.URL)
	fmt.Fprintln(stdout, "  demo leases (reference, main signatory, date of birth, balance):")
	for _, d := range st.Demo {
		fmt.Fprintf(stdout, "    %-8s %s %s, born %s, balance %s\n", d.Reference, d.LastName, d.FirstName, d.DateOfBirth, euros(d.BalanceCents))
	}
	if len(st.DemoCoSignatories) > 0 {
		fmt.Fprintln(stdout, "  co-signatories, who sign up for their own account on the same lease:")
		for _, d := range st.DemoCoSignatories {
			fmt.Fprintf(stdout, "    %-8s %s %s, born %s\n", d.Reference, d.LastName, d.FirstName, d.DateOfBirth)
		}
	}
	portSetting := ""
	if port != "8080" {
		portSetting = "PORT=" + port + " " // make import must reach this port too
	}
	fmt.Fprintf(stdout, "  import an ERP file: %smake import FILE=path/to/<kind>_<complet|delta>_<AAAAMMJJ>.csv\n", portSetting)
	fmt.Fprintf(stdout, "  monthly notices:    %smake notices PERIOD=AAAA-MM\n", portSetting)
	fmt.Fprintf(stdout, "  insurance reminders: %smake insurance-reminders [DATE=AAAA-MM-JJ]\n", portSetting)
	fmt.Fprintf(stdout, "  the ERP books the online payments: %smake erp-payments\n", portSetting)
	fmt.Fprintln(stdout, "Press Ctrl+C to stop.")
	<-ctx.Done()
	return nil
}

func euros(c int64) string {
	sign := ""
	switch {
	case c > 0:
		sign = " owed"
	case c < 0:
		sign, c = " in credit", -c
	}
	return fmt.Sprintf("%d,%02d €%s", c/100, c%100, sign)
}

// importFile puts the file under imports/ through the stack's /_dev/s3/
// door to its S3 emulator, then waits for the report next to it.
func importFile(ctx context.Context, base, path string, stdout io.Writer) error {
	body, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	key := base + "/_dev/s3/" + localstack.DocumentsBucket + "/" + portal.ImportsPrefix + filepath.Base(path)
	del, _ := http.NewRequestWithContext(ctx, http.MethodDelete, key+portal.ReportSuffix, nil)
	if resp, err := http.DefaultClient.Do(del); err == nil {
		resp.Body.Close()
	}
	put, err := http.NewRequestWithContext(ctx, http.MethodPut, key, strings.NewReader(string(body)))
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(put)
	if err != nil {
		return fmt.Errorf("is the local stack running (make run)? %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("put %s: %s", filepath.Base(path), resp.Status)
	}
	deadline := time.Now().Add(15 * time.Minute)
	for time.Now().Before(deadline) {
		resp, err := http.Get(key + portal.ReportSuffix)
		if err != nil {
			return err
		}
		report, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			fmt.Fprintf(stdout, "%s\n", report)
			var r struct {
				Status string `json:"status"`
			}
			if err := json.Unmarshal(report, &r); err == nil && r.Status == "refused" {
				return fmt.Errorf("%s was refused: see the report above", filepath.Base(path))
			}
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return fmt.Errorf("no report for %s after 15 minutes", filepath.Base(path))
}
