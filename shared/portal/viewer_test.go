package portal_test

import (
	"fmt"
	"maps"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

// TestPerAddressLimitBehindCloudFront drives the session function with the
// events API Gateway sends when the web app calls through CloudFront: every
// request's sourceIp is the edge's. With the origin secret CloudFront adds,
// the limit keys on CloudFront-Viewer-Address (IPv4 and IPv6); without it,
// or with a wrong one, on sourceIp, whatever forwarding headers the client
// wrote.
func TestPerAddressLimitBehindCloudFront(t *testing.T) {
	const secret = "Un-secret-que-seul-CloudFront-connait-42"
	rig := startLambdas(t, map[string]string{"LIMIT_PER_ADDRESS": "60/1h", "ORIGIN_VERIFY_SECRET": secret})
	login := sampleEvents(t)["POST /api/v1/sessions"]
	attempt := func(t *testing.T, sourceIP string, headers map[string]string, n int) events.APIGatewayV2HTTPResponse {
		t.Helper()
		ev := login
		ev.RequestContext.HTTP.SourceIP = sourceIP
		ev.Headers = maps.Clone(login.Headers)
		delete(ev.Headers, "x-forwarded-for") // API Gateway's own, from sourceIp
		maps.Copy(ev.Headers, headers)
		ev.Body = fmt.Sprintf(`{"email":"locataire-%d@exemple.fr","password":"pas le bon mot de passe"}`, n)
		delete(ev.Headers, "content-length")
		return rig.invoke(t, "session", ev)
	}
	const tenants = 65 // more than the 60 a minute one address may try

	t.Run("61+ tenants behind one edge are not throttled together", func(t *testing.T) {
		for i := range tenants {
			viewer := fmt.Sprintf("198.51.100.%d:%d", i+1, 40000+i)
			if i%2 == 1 { // IPv6 viewers, each in its own /64, written without brackets
				viewer = fmt.Sprintf("2001:db8:%x:1::%x:%d", i, i, 50000+i)
			}
			resp := attempt(t, "130.176.0.10", map[string]string{"x-origin-verify": secret, "cloudfront-viewer-address": viewer}, i)
			if resp.StatusCode != 401 || problemCode(resp) != "invalid_credentials" {
				t.Fatalf("tenant %d (%s) behind the edge: %d %s; want 401 invalid_credentials", i+1, viewer, resp.StatusCode, resp.Body)
			}
		}
	})

	t.Run("one viewer is limited, whichever edge it comes through", func(t *testing.T) {
		for i := range 61 {
			edge := []string{"130.176.1.1", "130.176.1.2", "64.252.64.1"}[i%3]
			resp := attempt(t, edge, map[string]string{"x-origin-verify": secret, "cloudfront-viewer-address": "203.0.113.7:" + fmt.Sprint(1024+i)}, 1000+i)
			want := 401
			if i == 60 {
				want = 429
			}
			if resp.StatusCode != want {
				t.Fatalf("attempt %d of one viewer: %d %s; want %d", i+1, resp.StatusCode, resp.Body, want)
			}
		}
	})

	t.Run("spoofed forwarding headers are ignored", func(t *testing.T) {
		for i := range 61 {
			spoof := fmt.Sprintf("192.0.2.%d", i+1)
			headers := map[string]string{
				"x-forwarded-for":           spoof,
				"forwarded":                 "for=" + spoof,
				"x-real-ip":                 spoof,
				"true-client-ip":            spoof,
				"x-client-ip":               spoof,
				"cloudfront-viewer-address": spoof + ":443",
			}
			switch i % 3 {
			case 1:
				headers["x-origin-verify"] = secret + "x" // a guess
			case 2:
				headers["x-origin-verify"] = secret[:len(secret)-1]
			}
			resp := attempt(t, "203.0.113.99", headers, 2000+i)
			want := 401
			if i == 60 {
				want = 429
			}
			if resp.StatusCode != want {
				t.Fatalf("spoofed attempt %d from one sourceIp: %d %s; want %d", i+1, resp.StatusCode, resp.Body, want)
			}
		}
	})
}
