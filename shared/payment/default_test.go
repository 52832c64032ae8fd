package payment

import "testing"

// TestDefaultCentsTakesACreditOffTheNextDue: N'DIAYE (credit 25,50 €, next
// due 270,00 €) is offered 244,50 €, as the web app's pay form sends; a
// credit never makes a default below 0, nor counts on a debited lease.
func TestDefaultCentsTakesACreditOffTheNextDue(t *testing.T) {
	for _, c := range []struct {
		balance, next int64
		debit         bool
		want          int64
	}{
		{35000, 50000, false, 85000},
		{-2550, 27000, false, 24450},
		{-30000, 27000, false, 0},
		{0, 27000, false, 27000},
		{35000, 50000, true, 35000},
		{-2550, 27000, true, 0},
	} {
		if got := DefaultCents(c.balance, c.next, c.debit); got != c.want {
			t.Errorf("DefaultCents(%d, %d, %v) = %d, want %d", c.balance, c.next, c.debit, got, c.want)
		}
	}
}
