// Command local runs the whole portal on this machine: every HTTP function,
// the web app and the development pages, on in-process AWS emulators.
//
//	go run ./infra/local        (make run)
//
// PORT (default 8080), PUBLIC_URL (default http://127.0.0.1:$PORT) and
// DATA_DIR (default .data) configure it.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/citejardins/extranet/infra/localstack"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "local stack:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, getenv func(string) string, stdout io.Writer) error {
	port := getenv("PORT")
	if port == "" {
		port = "8080"
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
	fmt.Fprintln(stdout, "  demo leases (reference, main signatory, date of birth):")
	for _, d := range st.Demo {
		fmt.Fprintf(stdout, "    %-8s %s %s, born %s\n", d.Reference, d.LastName, d.FirstName, d.DateOfBirth)
	}
	fmt.Fprintln(stdout, "Press Ctrl+C to stop.")
	<-ctx.Done()
	return nil
}
