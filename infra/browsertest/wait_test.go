package browsertest

import "testing"

// The wait told after a 429, from Retry-After: in minutes, then in hours
// for a lease's lock-out after repeated sign-up failures (up to 24 h), with
// the day when it ends on another one.
func TestWaitMessage(t *testing.T) {
	b := start(t)
	b.visit("/", "Connexion")
	const now = `new Date(2026, 10, 30, 9, 15)`
	tests := []struct{ expr, want string }{
		{`a.waitMessage(30, ` + now + `)`, "Patientez une minute avant de réessayer (vers 9 h 15)."},
		{`a.waitMessage(900, ` + now + `)`, "Patientez 15 minutes avant de réessayer (vers 9 h 30)."},
		{`a.waitMessage(3600, ` + now + `)`, "Patientez une heure avant de réessayer (vers 10 h 15)."},
		{`a.waitMessage(86400, ` + now + `)`, "Patientez 24 heures avant de réessayer (demain vers 9 h 15)."},
		{`a.waitMessage(3600, new Date(2026, 10, 30, 23, 30))`, "Patientez une heure avant de réessayer (demain vers 0 h 30)."},
		{`a.waitMessage(2 * 86400, ` + now + `)`, "Patientez 48 heures avant de réessayer (le 2/12 vers 9 h 15)."},
	}
	for _, tt := range tests {
		got := eval[string](b, `import("/js/api.js").then((a) => `+tt.expr+`)`)
		if want := "Par sécurité, les essais sont limités. " + tt.want; got != want {
			t.Errorf("%s = %q, want %q", tt.expr, got, want)
		}
	}
}
