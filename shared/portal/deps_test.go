package portal_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/citejardins/extranet/infra/localstack"
)

// Heavy libraries are linked only into the functions that use them, so
// that the others' binaries (and cold starts) stay small: the PDF parser
// (pdfcpu, through shared/filecheck) only into insurance, the Stripe SDK
// (stripe-go, through shared/stripepay, ~1.3 MB) only into payments and
// paymentwebhook.
func TestOnlyTheirFunctionsLinkHeavyLibraries(t *testing.T) {
	root, err := localstack.FindRoot()
	if err != nil {
		t.Fatal(err)
	}
	heavy := map[string][]string{
		"github.com/pdfcpu/pdfcpu":      {"insurance"},
		"github.com/stripe/stripe-go/v": {"payments", "paymentwebhook"},
	}
	for _, fn := range []string{"account", "banking", "documents", "insurance", "payments", "paymentwebhook", "receipts", "session"} {
		cmd := exec.Command("go", "list", "-deps", "-tags", "lambda.norpc", "./functions/"+fn)
		cmd.Dir = root
		cmd.Env = append(cmd.Environ(), "GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=0")
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("go list -deps ./functions/%s: %v", fn, err)
		}
		for lib, owners := range heavy {
			links := strings.Contains(string(out), "\n"+lib)
			want := false
			for _, o := range owners {
				want = want || o == fn
			}
			if links != want {
				t.Errorf("function %s links %s: %v, want %v", fn, lib, links, want)
			}
		}
	}
}
