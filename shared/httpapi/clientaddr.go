package httpapi

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Headers of the requests CloudFront forwards to the API (template.yaml,
// WebDistribution's /api/* behaviour).
const (
	// ViewerAddressHeader is the viewer's address and source port as
	// CloudFront saw them: "198.51.100.10:46532", or for IPv6
	// "2001:db8::8a2e:370:7334:46532" (no brackets), per the CloudFront
	// developer guide, "Add CloudFront request headers".
	ViewerAddressHeader = "CloudFront-Viewer-Address"
	// OriginSecretHeader carries Config.OriginSecret, set by CloudFront as an
	// origin custom header; CloudFront overwrites a viewer's header of the
	// same name, so only CloudFront can send the right value.
	OriginSecretHeader = "X-Origin-Verify"
)

// originSecret holds the digest of Config.OriginSecret: comparing digests
// in constant time tells nothing of the secret, not even its length.
type originSecret struct {
	digest [sha256.Size]byte
	set    bool
}

func newOriginSecret(secret string) originSecret {
	if secret == "" {
		return originSecret{}
	}
	return originSecret{digest: sha256.Sum256([]byte(secret)), set: true}
}

// proves reports whether the request carries the secret.
func (o originSecret) proves(r *http.Request) bool {
	got := r.Header.Values(OriginSecretHeader)
	if !o.set || len(got) != 1 {
		return false
	}
	d := sha256.Sum256([]byte(got[0]))
	return subtle.ConstantTimeCompare(d[:], o.digest[:]) == 1
}

type clientAddrKey struct{}

// withClientAddr resolves the client's address once per request, for
// clientAddr, and drops the origin secret from the request so that nothing
// further can echo it.
//
// The client is the viewer CloudFront names when the request proves it
// came through the distribution (OriginSecretHeader); otherwise the peer:
// API Gateway's sourceIp (which the Lambda handler puts in RemoteAddr), or
// the TCP peer in the local stack. X-Forwarded-For, Forwarded, X-Real-IP,
// True-Client-IP and the like are written by whoever sends the request and
// are never read; neither is CloudFront-Viewer-Address without the secret.
func (s *Server) withClientAddr(r *http.Request) *http.Request {
	addr := peerAddr(r.RemoteAddr)
	if s.edge.proves(r) {
		if v, ok := viewerAddr(r.Header.Values(ViewerAddressHeader)); ok {
			addr = v
		} else {
			// CloudFront always adds the header its origin request policy
			// names; without it the edge is all there is to key on.
			s.log.WarnContext(r.Context(), "request through CloudFront without a usable viewer address")
		}
	}
	r.Header.Del(OriginSecretHeader)
	return r.WithContext(context.WithValue(r.Context(), clientAddrKey{}, addr))
}

// clientAddr is the key of the client's address for the per-address limit:
// an IPv4 address, or the /64 prefix of an IPv6 one (a host gets a whole
// /64 and can use any address of it, RFC 6177), as resolved by the
// middleware; the request's peer when no middleware ran.
func clientAddr(r *http.Request) string {
	if a, ok := r.Context().Value(clientAddrKey{}).(string); ok {
		return a
	}
	return peerAddr(r.RemoteAddr)
}

// peerAddr reads RemoteAddr: host:port from net/http, a bare address from
// API Gateway's sourceIp.
func peerAddr(remote string) string {
	host := remote
	if h, _, err := net.SplitHostPort(remote); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	if a, err := netip.ParseAddr(host); err == nil {
		return addrKey(a)
	}
	return host
}

// viewerAddr reads CloudFront-Viewer-Address: one value, an address, a
// colon and a port.
func viewerAddr(values []string) (string, bool) {
	if len(values) != 1 {
		return "", false
	}
	i := strings.LastIndexByte(values[0], ':')
	if i < 0 || !digits(values[0][i+1:]) {
		return "", false
	}
	a, err := netip.ParseAddr(strings.Trim(values[0][:i], "[]"))
	if err != nil || a.Zone() != "" {
		return "", false
	}
	return addrKey(a), true
}

func digits(s string) bool {
	if s == "" || len(s) > 5 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func addrKey(a netip.Addr) string {
	a = a.Unmap()
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}
