package portal

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/citejardins/extranet/shared/account"
)

func TestParseLimit(t *testing.T) {
	tests := []struct {
		in   string
		want account.Limit
		ok   bool
	}{
		{"60/1m", account.Limit{Max: 60, Window: time.Minute}, true},
		{" 5 / 15m ", account.Limit{Max: 5, Window: 15 * time.Minute}, true},
		{"60", account.Limit{}, false},
		{"0/1m", account.Limit{}, false},
		{"5/-1m", account.Limit{}, false},
		{"x/1m", account.Limit{}, false},
	}
	for _, tt := range tests {
		got, err := ParseLimit(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseLimit(%q) = %v, %v; want %v, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestNewRefusesMissingOrBadSettings(t *testing.T) {
	env := map[string]string{EnvTenancyTable: "T", EnvAccountsTable: "A", EnvPublicURL: "http://127.0.0.1:8080"}
	if _, err := New(aws.Config{}, func(k string) string { return env[k] }, nil); err != nil {
		t.Fatalf("New with all settings: %v", err)
	}
	for _, drop := range []string{EnvTenancyTable, EnvAccountsTable, EnvPublicURL} {
		getenv := func(k string) string {
			if k == drop {
				return ""
			}
			return env[k]
		}
		if _, err := New(aws.Config{}, getenv, nil); err == nil {
			t.Errorf("New without %s: no error", drop)
		}
	}
	bad := func(k string) string {
		if k == EnvLimitPerAddress {
			return "lots"
		}
		return env[k]
	}
	if _, err := New(aws.Config{}, bad, nil); err == nil {
		t.Errorf("New with a bad limit: no error")
	}
}

func TestSessionIdleTimeoutSetting(t *testing.T) {
	for v, want := range map[string]time.Duration{"": 0, "15m": 15 * time.Minute, "1h": time.Hour} {
		c, err := accountConfig(func(k string) string {
			if k == EnvSessionIdleTimeout {
				return v
			}
			return ""
		})
		if err != nil || c.SessionIdleTimeout != want {
			t.Errorf("SESSION_IDLE_TIMEOUT=%q: %v, %v; want %v", v, c.SessionIdleTimeout, err, want)
		}
	}
	for _, v := range []string{"30", "-5m", "0s", "demain"} {
		if _, err := accountConfig(func(k string) string {
			if k == EnvSessionIdleTimeout {
				return v
			}
			return ""
		}); err == nil {
			t.Errorf("SESSION_IDLE_TIMEOUT=%q: no error", v)
		}
	}
}
