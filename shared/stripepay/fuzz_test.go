package stripepay_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/citejardins/extranet/shared/payment"
	"github.com/citejardins/extranet/shared/stripepay"
)

// FuzzParseWebhook: whatever the body and the header, ParseWebhook never
// panics and accepts a delivery only if the header carries, at a time
// within the tolerance, the v1 signature of exactly that body with the
// endpoint's secret, which the fuzzer cannot forge. The body is also sent
// properly signed, so that the reading of verified bodies (every JSON shape
// the mutator makes) is fuzzed as well: it gives an event or ErrMalformed,
// never a signature error.
func FuzzParseWebhook(f *testing.F) {
	now := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	files, _ := filepath.Glob(filepath.Join("..", "..", "events", "stripe", "*.json"))
	for _, file := range files {
		body, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(body, stripepay.Sign(body, testSecret, now))
		f.Add(body, stripepay.Sign(body, testSecret, now.Add(-301*time.Second)))
	}
	f.Add([]byte(`{"id":"evt_1","object":"event","type":"charge.refunded","data":{"object":{"id":"ch_1","payment_intent":{"id":"pi_1"}}}}`), "t=1,v1=00,v1=zz,t=2")
	f.Add([]byte("not json"), "")
	p := verifier(f)
	f.Fuzz(func(t *testing.T, body []byte, sig string) {
		h := http.Header{}
		h.Set(stripepay.SignatureHeader, sig)
		ev, err := p.ParseWebhook(body, h, now)
		if err == nil && !validlySigned(body, sig, now) {
			t.Fatalf("accepted a delivery not signed with the secret: header %q, event %+v", sig, ev)
		}
		if err != nil && !errors.Is(err, payment.ErrBadSignature) && !errors.Is(err, payment.ErrStale) && !errors.Is(err, payment.ErrMalformed) {
			t.Fatalf("error %v is none of the webhook errors", err)
		}

		ev, err = p.ParseWebhook(body, signed(stripepay.Sign(body, testSecret, now)), now)
		if err != nil && !errors.Is(err, payment.ErrMalformed) {
			t.Fatalf("a properly signed body: error %v, want an event or ErrMalformed", err)
		}
		if err == nil && ev.ID == "" {
			t.Fatalf("event %+v without id", ev)
		}
	})
}

// validlySigned recomputes Stripe's check by hand: the last t= within the
// tolerance of now, and a v1 equal to HMAC-SHA256(secret, "<t>.<body>").
func validlySigned(body []byte, sig string, now time.Time) bool {
	var ts string
	var v1s []string
	for _, pair := range strings.Split(sig, ",") {
		k, v, _ := strings.Cut(pair, "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			v1s = append(v1s, v)
		}
	}
	n, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return false
	}
	if d := now.Sub(time.Unix(n, 0)); d > payment.Tolerance || d < -payment.Tolerance {
		return false
	}
	mac := hmac.New(sha256.New, []byte(testSecret))
	mac.Write([]byte(strconv.FormatInt(n, 10) + "."))
	mac.Write(body)
	want := hex.EncodeToString(mac.Sum(nil))
	for _, v := range v1s {
		if strings.EqualFold(v, want) {
			return true
		}
	}
	return false
}
