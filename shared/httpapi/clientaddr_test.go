package httpapi

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestClientAddr checks which address a request is counted under: the
// CloudFront viewer only with the origin secret, in every written form of
// CloudFront-Viewer-Address; otherwise the peer, whatever else is written.
func TestClientAddr(t *testing.T) {
	const secret = "le-secret-de-cloudfront"
	s := New(Config{OriginSecret: secret}, nil, nil, nil)
	tests := []struct {
		name    string
		remote  string
		headers map[string][]string
		want    string
	}{
		{"API Gateway sourceIp", "130.176.0.10", nil, "130.176.0.10"},
		{"TCP peer", "127.0.0.1:51234", nil, "127.0.0.1"},
		{"TCP peer in IPv6", "[2001:db8:1:2:3::4]:51234", nil, "2001:db8:1:2::/64"},
		{"IPv4-mapped peer", "[::ffff:192.0.2.7]:443", nil, "192.0.2.7"},
		{"viewer IPv4", "130.176.0.10", map[string][]string{OriginSecretHeader: {secret}, ViewerAddressHeader: {"198.51.100.10:46532"}}, "198.51.100.10"},
		{"viewer IPv6", "130.176.0.10", map[string][]string{OriginSecretHeader: {secret}, ViewerAddressHeader: {"2001:db8:85a3::8a2e:370:7334:46532"}}, "2001:db8:85a3::/64"},
		{"viewer IPv6 in brackets", "130.176.0.10", map[string][]string{OriginSecretHeader: {secret}, ViewerAddressHeader: {"[2001:db8::1]:443"}}, "2001:db8::/64"},
		{"viewer without port", "130.176.0.10", map[string][]string{OriginSecretHeader: {secret}, ViewerAddressHeader: {"198.51.100.10"}}, "130.176.0.10"},
		{"viewer that is no address", "130.176.0.10", map[string][]string{OriginSecretHeader: {secret}, ViewerAddressHeader: {"chez-moi:80"}}, "130.176.0.10"},
		{"two viewers", "130.176.0.10", map[string][]string{OriginSecretHeader: {secret}, ViewerAddressHeader: {"198.51.100.1:1", "198.51.100.2:2"}}, "130.176.0.10"},
		{"viewer without secret", "130.176.0.10", map[string][]string{ViewerAddressHeader: {"198.51.100.10:46532"}}, "130.176.0.10"},
		{"viewer with a wrong secret", "130.176.0.10", map[string][]string{OriginSecretHeader: {secret + " "}, ViewerAddressHeader: {"198.51.100.10:46532"}}, "130.176.0.10"},
		{"viewer with the secret twice", "130.176.0.10", map[string][]string{OriginSecretHeader: {secret, secret}, ViewerAddressHeader: {"198.51.100.10:46532"}}, "130.176.0.10"},
		{"forwarding headers", "203.0.113.5:40000", map[string][]string{
			"X-Forwarded-For": {"192.0.2.1"}, "Forwarded": {"for=192.0.2.1"}, "X-Real-Ip": {"192.0.2.1"},
			"True-Client-Ip": {"192.0.2.1"}, "X-Client-Ip": {"192.0.2.1"}, "Cf-Connecting-Ip": {"192.0.2.1"},
		}, "203.0.113.5"},
		{"forwarding headers with the secret", "130.176.0.10", map[string][]string{OriginSecretHeader: {secret}, ViewerAddressHeader: {"198.51.100.10:1"}, "X-Forwarded-For": {"192.0.2.1"}}, "198.51.100.10"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/api/v1/sessions", nil)
			r.RemoteAddr = tt.remote
			for k, vs := range tt.headers {
				for _, v := range vs {
					r.Header.Add(k, v)
				}
			}
			var got string
			s.middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				got = clientAddr(r)
				if r.Header.Get(OriginSecretHeader) != "" {
					t.Errorf("the origin secret reached the handler")
				}
			})).ServeHTTP(httptest.NewRecorder(), r)
			if got != tt.want {
				t.Errorf("clientAddr = %q, want %q", got, tt.want)
			}
		})
	}

	// With no secret configured (the default), no viewer header is trusted.
	open := New(Config{}, nil, nil, nil)
	r := httptest.NewRequest("POST", "/", nil)
	r.RemoteAddr = "130.176.0.10"
	r.Header.Set(OriginSecretHeader, "")
	r.Header.Set(ViewerAddressHeader, "198.51.100.10:1")
	var got string
	open.middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = clientAddr(r) })).ServeHTTP(httptest.NewRecorder(), r)
	if got != "130.176.0.10" {
		t.Errorf("without a configured secret: clientAddr = %q, want the peer", got)
	}
}
