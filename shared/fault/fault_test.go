package fault_test

import (
	"testing"
	"time"

	"github.com/citejardins/extranet/shared/fault"
)

func TestTooManyRoundsTheWaitUpToWholeSeconds(t *testing.T) {
	for _, tc := range []struct{ wait, want time.Duration }{
		{time.Nanosecond, time.Second},
		{999 * time.Millisecond, time.Second},
		{time.Second, time.Second},
		{time.Second + time.Millisecond, 2 * time.Second},
		{23*time.Hour + 59*time.Minute + 59*time.Second + 1, 24 * time.Hour},
	} {
		if got := fault.WholeSeconds(tc.wait); got != tc.want {
			t.Errorf("WholeSeconds(%s) = %s, want %s", tc.wait, got, tc.want)
		}
		e := fault.TooMany(tc.wait, "Réessayez demain.")
		if e.Code != fault.TooManyRequests || e.RetryAfter != tc.want || e.Message != "Réessayez demain." {
			t.Errorf("TooMany(%s) = %+v", tc.wait, e)
		}
	}
}
