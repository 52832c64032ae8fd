package main

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/citejardins/extranet/infra/localstack"
	"github.com/citejardins/extranet/infra/sesemu"
)

// maxTimingGap is the goal of the look-up timing: the medians of an
// address with an account and of an unknown one differ by less than this
// share of the smaller median (issue 7, item 3).
const maxTimingGap = 0.10

const (
	timingActive  = "banc.actif@example.fr"
	timingPending = "banc.attente@example.fr"
	timingUnknown = "banc.inconnu@example.fr"
)

// addressTiming times POST /api/v1/password/forgot with an active
// account's address and an unknown one, and POST /api/v1/activation/resend
// with a pending account's address and an unknown one: the answer must not
// tell, by its time, whether the address has an account.
func addressTiming(ctx context.Context, r *report, o options, st *localstack.Stack) {
	const section = "Timing of the address look-ups"
	r.printf("## %s\n\n", section)
	if len(st.Demo) < 3 {
		r.fail(section, fmt.Errorf("%d demo leases, want 3", len(st.Demo)))
		return
	}
	r.printf("POST /api/v1/password/forgot with an active account's address and with an unknown one, and "+
		"POST /api/v1/activation/resend with a pending account's address and with an unknown one: %d tries each, "+
		"after %d unmeasured, the two addresses alternating (each first half of the time), over loopback HTTP to the local stack. The mail worker "+
		"(the mails function, which looks the address up and sends after the answer) finishes each try's job before "+
		"the next try starts, untimed, as it runs in its own Lambda in AWS. Goal: the gap between the medians under "+
		"%.0f %% of the smaller one. Then POST /api/v1/signup with the right identity, %d tries each, on the lease "+
		"that has an active account (the answer is the same 202; the mail worker reminds the account's address) "+
		"and on a lease with a pending request (replaced each time, same address: a new link).\n\n",
		o.timingTries, o.warmup, maxTimingGap*100, o.timingSignups)

	c := &client{base: st.URL, http: &http.Client{Timeout: 30 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: 2, IdleConnTimeout: time.Minute}}}
	defer c.http.CloseIdleConnections()
	settle := func() error {
		wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		return st.WaitMailJobs(wctx)
	}
	// An active account on one demo lease, a pending one on another.
	for i, email := range []string{timingActive, timingPending} {
		d := st.Demo[1+i]
		body := map[string]string{"reference": d.Reference, "lastName": d.LastName, "dateOfBirth": d.DateOfBirth,
			"email": email, "password": benchPassword}
		if _, _, err := c.do(ctx, "POST", "/api/v1/signup", "", body, http.StatusAccepted); err != nil {
			r.fail(section, err)
			return
		}
	}
	if err := settle(); err != nil {
		r.fail(section, err)
		return
	}
	token, err := lastActivationTokenTo(st.Mail.Messages(), timingActive)
	if err != nil {
		r.fail(section, err)
		return
	}
	if _, _, err := c.do(ctx, "POST", "/api/v1/activation", "", map[string]string{"token": token}, http.StatusOK); err != nil {
		r.fail(section, err)
		return
	}

	r.printf("| Route | Address | Tries | Median | p90 | Gap between the medians | Goal < %.0f %% | |\n|---|---|---:|---:|---:|---:|---|:---:|\n", maxTimingGap*100)
	for _, route := range []struct{ path, known, kind string }{
		{"/api/v1/password/forgot", timingActive, "active account"},
		{"/api/v1/activation/resend", timingPending, "pending account"},
	} {
		progress("%d × 2 POST %s", o.warmup+o.timingTries, route.path)
		try := func(email string) func() (time.Duration, error) {
			return func() (time.Duration, error) {
				_, d, err := c.do(ctx, "POST", route.path, "", map[string]string{"email": email}, http.StatusAccepted)
				return d, err
			}
		}
		known, unknown, err := alternate(o.warmup, o.timingTries, settle, try(route.known), try(timingUnknown))
		if err != nil {
			r.fail(section, err)
			return
		}
		r.gapRows("POST "+route.path, route.kind, "unknown", known, unknown)
	}

	// Sign-up, identity right: on the lease with the active account (a
	// reminder to its address) and on the lease with a pending request
	// (replaced, same address: a new link).
	progress("%d × 2 POST /api/v1/signup", o.warmup+o.timingSignups)
	signUp := func(d localstack.DemoLease) func() (time.Duration, error) {
		body := map[string]string{"reference": d.Reference, "lastName": d.LastName, "dateOfBirth": d.DateOfBirth,
			"email": timingPending, "password": benchPassword}
		return func() (time.Duration, error) {
			_, took, err := c.do(ctx, "POST", "/api/v1/signup", "", body, http.StatusAccepted)
			return took, err
		}
	}
	active, pending, err := alternate(o.warmup, o.timingSignups, settle, signUp(st.Demo[1]), signUp(st.Demo[2]))
	if err != nil {
		r.fail(section, err)
		return
	}
	r.gapRows("POST /api/v1/signup", "lease with an active account", "lease with a pending request", active, pending)
	r.printf("\n")
}

// alternate times a and b warmup+n times each, each going first half of the
// time (no order effect: GC, caches), letting the mail worker settle after
// each try, untimed. It returns the n measured durations of each, sorted.
func alternate(warmup, n int, settle func() error, a, b func() (time.Duration, error)) (da, db []time.Duration, err error) {
	for i := 0; i < warmup+n; i++ {
		pair := []struct {
			try  func() (time.Duration, error)
			into *[]time.Duration
		}{{a, &da}, {b, &db}}
		if i%2 == 1 {
			pair[0], pair[1] = pair[1], pair[0]
		}
		for _, p := range pair {
			d, err := p.try()
			if err == nil {
				err = settle()
			}
			if err != nil {
				return nil, nil, err
			}
			if i >= warmup {
				*p.into = append(*p.into, d)
			}
		}
	}
	slices.Sort(da)
	slices.Sort(db)
	return da, db, nil
}

// gapRows prints a's and b's rows of the timing table, b's with the gap
// between the medians as a share of the smaller one, against the goal.
func (r *report) gapRows(route, kindA, kindB string, a, b []time.Duration) {
	ma, mb := median(a), median(b)
	gap := ma - mb
	if gap < 0 {
		gap = -gap
	}
	share := float64(gap) / float64(min(ma, mb))
	r.printf("| %s | %s | %d | %s | %s | | | |\n", route, kindA, len(a), ms(ma), ms(percentile(a, 90)))
	r.printf("| %s | %s | %d | %s | %s | %s (%.1f %%) | < %.0f %% | %s |\n", route, kindB, len(b), ms(mb),
		ms(percentile(b, 90)), ms(gap), share*100, maxTimingGap*100, mark(share < maxTimingGap))
}

// lastActivationTokenTo is the token of the newest activation mail to the
// address.
func lastActivationTokenTo(msgs []sesemu.Message, to string) (string, error) {
	for i := len(msgs) - 1; i >= 0; i-- {
		if !slices.Contains(msgs[i].To, to) {
			continue
		}
		if m := activationLink.FindStringSubmatch(msgs[i].Text); m != nil {
			return m[1], nil
		}
	}
	return "", fmt.Errorf("no activation mail to %s among %d messages", to, len(msgs))
}
