package localstack

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// TestStackKeysOnTheTCPPeer checks that, with no CloudFront in front, the
// local stack counts every request under its TCP peer: the viewer address
// and forwarding headers a client writes change nothing, nor does a guess
// of the origin secret.
func TestStackKeysOnTheTCPPeer(t *testing.T) {
	st, err := Start(context.Background(), Options{Addr: "127.0.0.1:0", DataDir: t.TempDir(),
		Env: map[string]string{"LIMIT_PER_ADDRESS": "3/1h"}})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for i := 1; i <= 4; i++ {
		req, err := http.NewRequest("POST", st.URL+"/api/v1/password/forgot", strings.NewReader(`{"email":"inconnue@exemple.fr"}`))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		addr := fmt.Sprintf("198.51.100.%d", i)
		req.Header.Set("CloudFront-Viewer-Address", addr+":443")
		req.Header.Set("X-Origin-Verify", "devine")
		req.Header.Set("X-Forwarded-For", addr)
		req.Header.Set("Forwarded", "for="+addr)
		req.Header.Set("X-Real-IP", addr)
		req.Header.Set("True-Client-IP", addr)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		want := http.StatusAccepted
		if i == 4 {
			want = http.StatusTooManyRequests
		}
		if resp.StatusCode != want {
			t.Errorf("request %d from 127.0.0.1 claiming %s: %d, want %d", i, addr, resp.StatusCode, want)
		}
	}
}
