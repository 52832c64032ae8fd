package httpapi_test

import (
	"context"
	"net/http"
	"strconv"
	"testing"
)

// TestSignUpRefusalsDoNotTellASignatorysSurname: an attacker who knows a
// lease's reference (printed on every notice) types a surname with any date
// of birth until the limit. Whether the surname is one of the lease's
// signatories' (Julien's LEFÈVRE on Céline's lease) or nobody's (LEFÈVRE on
// Abdou's lease), the refusals must read the same: status, code, message
// and Retry-After. (The surname of a signatory answered "Trop de tentatives
// pour ce bail", any other "Trop de tentatives. Par sécurité".)
func TestSignUpRefusalsDoNotTellASignatorysSurname(t *testing.T) {
	t.Parallel()
	a := start(t, map[string]string{"LIMIT_LEASE_FAILURES": "3/15m"})
	tries := func(l lease) []answer {
		var out []answer
		for range 5 {
			body := signUpBody(l, "quelquun@exemple.fr", "une phrase facile à retenir")
			body["lastName"], body["dateOfBirth"] = "Lefèvre", "1970-01-01"
			out = append(out, a.signUpAnswer(t, body))
		}
		return out
	}
	signatory, nobody := tries(lefevre), tries(ndiaye)
	for i := range signatory {
		s, n := signatory[i], nobody[i]
		if s.status != n.status || s.body["code"] != n.body["code"] || s.body["detail"] != n.body["detail"] {
			t.Errorf("try %d: a signatory's surname gets %d %v %q, another %d %v %q", i+1,
				s.status, s.body["code"], s.body["detail"], n.status, n.body["code"], n.body["detail"])
		}
		rs, _ := strconv.Atoi(s.header.Get("Retry-After"))
		rn, _ := strconv.Atoi(n.header.Get("Retry-After"))
		if rs-rn > 2 || rn-rs > 2 {
			t.Errorf("try %d: Retry-After %d for a signatory's surname, %d for another", i+1, rs, rn)
		}
		if i >= 3 && s.status != http.StatusTooManyRequests {
			t.Errorf("try %d: %d; want the limit's 429", i+1, s.status)
		}
	}
}

// TestASignatoryWhoLeftTheLeaseReadsNothing: once the ERP no longer lists
// Julien on the LEFÈVRE lease, his open session reads nothing (401) and his
// password opens no session (403 forbidden, saying why); Céline's go on.
func TestASignatoryWhoLeftTheLeaseReadsNothing(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	cel := a.loginTenant(t, lefevre, "celine@exemple.fr")
	jul := a.loginTenant(t, julien, "julien@exemple.fr")
	if _, err := a.stack.Store().DeleteSignatoriesExcept(context.Background(), lefevre.ref, map[string]bool{"S1234567-1": true}); err != nil {
		t.Fatal(err)
	}
	status, _, body := a.do(t, "GET", "/api/v1/account", nil, jul.bearer)
	wantProblem(t, "Julien's session after he left", status, body, http.StatusUnauthorized, "unauthenticated")
	status, _, body = a.do(t, "POST", "/api/v1/sessions", obj{"email": jul.email, "password": tenantPassword}, nil)
	wantProblem(t, "Julien's login after he left", status, body, http.StatusForbidden, "forbidden")
	a.get(t, "/api/v1/account", cel.bearer)
}
