package tenancy

import (
	"testing"
	"time"
	_ "time/tzdata" // the test compares with the database; the code does not need it
)

func TestParisDate(t *testing.T) {
	tests := []struct {
		utc  string
		want string
	}{
		{"2026-01-15T22:59:59Z", "2026-01-15"}, // winter, UTC+1
		{"2026-01-15T23:00:00Z", "2026-01-16"},
		{"2026-07-15T21:59:59Z", "2026-07-15"}, // summer, UTC+2
		{"2026-07-15T22:00:00Z", "2026-07-16"},
		{"2026-03-29T00:59:59Z", "2026-03-29"}, // the night summer time starts (last Sunday of March 2026 is the 29th)
		{"2026-03-28T23:30:00Z", "2026-03-29"},
		{"2026-10-25T00:59:59Z", "2026-10-25"}, // still summer time: 02:59 in Paris
		{"2026-10-24T22:30:00Z", "2026-10-25"},
		{"2026-12-31T23:00:00Z", "2027-01-01"},
	}
	for _, tt := range tests {
		at, err := time.Parse(time.RFC3339, tt.utc)
		if err != nil {
			t.Fatal(err)
		}
		if got := ParisDate(at).String(); got != tt.want {
			t.Errorf("ParisDate(%s) = %s; want %s", tt.utc, got, tt.want)
		}
	}
}

func TestParisDateMatchesTheTimeZoneDatabase(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Skipf("no time zone database here: %v", err)
	}
	for at := time.Date(2020, 1, 1, 0, 30, 0, 0, time.UTC); at.Year() < 2031; at = at.Add(time.Hour) {
		if got, want := ParisDate(at), DateOf(time.Date(at.In(paris).Year(), at.In(paris).Month(), at.In(paris).Day(), 0, 0, 0, 0, time.UTC)); got != want {
			t.Fatalf("ParisDate(%s) = %s; the database says %s", at, got, want)
		}
	}
}
