package httpapi_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/citejardins/extranet/infra/localstack"
	"github.com/citejardins/extranet/infra/sesemu"
	"github.com/citejardins/extranet/shared/blob"
)

// A new notification email takes effect only once the link mailed to it is
// opened (issue 7, item 10): until then the previous address serves, in the
// preferences and in what the ERP learns, and the login address is told.

const confirmPath = "/api/v1/preferences/notification-email/confirmation"

type pendingJSON struct {
	Email       string `json:"email"`
	RequestedAt string `json:"requestedAt"`
	ExpiresAt   string `json:"expiresAt"`
}

// exportedEvent is an event as the ERP reads it under exports/events/.
type exportedEvent struct {
	ID        string         `json:"id"`
	Type      string         `json:"type"`
	Reference string         `json:"reference"`
	At        string         `json:"at"`
	Data      map[string]any `json:"data"`
}

// exported returns the lease's preferences_changed events as the ERP reads
// them, oldest first.
func (a *api) exported(t *testing.T, ref string) []exportedEvent {
	t.Helper()
	out := a.exportedEvents(t, ref, "preferences_changed")
	slices.SortFunc(out, func(x, y exportedEvent) int { return strings.Compare(x.At, y.At) })
	return out
}

// exportedEvents waits until the outbox is empty (the exports job published
// everything) and returns the lease's events of type typ as the ERP reads
// them under exports/events/, in the bucket's order.
func (a *api) exportedEvents(t *testing.T, ref, typ string) []exportedEvent {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		evs, err := a.stack.Store().PendingEvents(ctx, 1)
		if err != nil {
			t.Fatalf("read the outbox: %v", err)
		}
		if len(evs) == 0 {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("events still in the outbox after 10 s")
		case <-time.After(50 * time.Millisecond):
		}
	}
	client := a.stack.S3Client()
	var out []exportedEvent
	p := s3.NewListObjectsV2Paginator(client, &s3.ListObjectsV2Input{Bucket: &localstack.DocumentsBucket, Prefix: aws.String(blob.ExportsPrefix)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatalf("list the exports: %v", err)
		}
		for _, o := range page.Contents {
			obj, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: &localstack.DocumentsBucket, Key: o.Key})
			if err != nil {
				t.Fatalf("read %s: %v", *o.Key, err)
			}
			body, err := io.ReadAll(obj.Body)
			obj.Body.Close()
			if err != nil {
				t.Fatalf("read %s: %v", *o.Key, err)
			}
			var e exportedEvent
			if err := json.Unmarshal(body, &e); err != nil {
				t.Fatalf("decode %s: %v", *o.Key, err)
			}
			if e.Reference == ref && e.Type == typ {
				out = append(out, e)
			}
		}
	}
	return out
}

// exportedEmails lists the notificationEmail of each exported event.
func exportedEmails(evs []exportedEvent) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i], _ = e.Data["notificationEmail"].(string)
	}
	return out
}

// mailsSince returns the mails sent since before, waiting for want of them.
func (a *api) mailsSince(t *testing.T, before, want int) []sesemu.Message {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := a.stack.Mail.WaitFor(ctx, func(sesemu.Message) bool { return a.mailCount() >= before+want }); err != nil {
		t.Fatalf("%d mails sent, want %d", a.mailCount()-before, want)
	}
	msgs := a.stack.Mail.Messages()[before:]
	if len(msgs) != want {
		t.Fatalf("%d mails sent, want %d", len(msgs), want)
	}
	return msgs
}

var confirmLink = regexp.MustCompile(`/confirmation-email\?token=([A-Za-z0-9_-]+)`)

// askEmail puts a new notification email, checks that it waits while the
// address in use stays, that a link went to it and a notice to the login
// address, and returns the link's token.
func (a *api) askEmail(t *testing.T, me tenantSession, newEmail, inUse string) string {
	t.Helper()
	before := a.mailCount()
	asked := time.Now().Truncate(time.Second)
	status, _, body := a.do(t, "PUT", "/api/v1/preferences", obj{"notificationEmail": newEmail}, me.bearer)
	wantStatus(t, "PUT a new notification email", status, http.StatusOK, body)
	got := as[preferencesJSON](t, body)
	if got.NotificationEmail != inUse || got.PendingNotificationEmail == nil || got.PendingNotificationEmail.Email != newEmail {
		t.Fatalf("after asking for %s: %+v; want %s still in use and %s pending", newEmail, got, inUse, newEmail)
	}
	req, err1 := time.Parse(time.RFC3339, got.PendingNotificationEmail.RequestedAt)
	exp, err2 := time.Parse(time.RFC3339, got.PendingNotificationEmail.ExpiresAt)
	if err1 != nil || err2 != nil || req.Before(asked) || req.After(time.Now()) || exp.Sub(req) < 47*time.Hour || exp.Sub(req) > 49*time.Hour {
		t.Errorf("pending %+v: want requestedAt now and expiresAt 48 h later", got.PendingNotificationEmail)
	}
	msgs := a.mailsSince(t, before, 2)
	var token string
	for _, m := range msgs {
		switch {
		case slices.Equal(m.To, []string{newEmail}):
			match := confirmLink.FindStringSubmatch(m.Text)
			if match == nil || !strings.HasPrefix(m.Text[strings.Index(m.Text, match[0])-len(a.base):], a.base) || !strings.Contains(m.HTML, match[0]) {
				t.Fatalf("the mail to %s has no %s/confirmation-email link in both parts:\n%s", newEmail, a.base, m.Text)
			}
			if !strings.Contains(m.Text, "48 heures") {
				t.Errorf("the confirmation mail does not say the link's validity:\n%s", m.Text)
			}
			token = match[1]
		case slices.Equal(m.To, []string{me.email}):
			// The login address is told, in French, with the new address, and
			// carries no link that could confirm it.
			if !strings.Contains(m.Text, newEmail) || !strings.Contains(m.Text, "Mes préférences") ||
				!strings.Contains(m.Subject, "adresse") || strings.Contains(m.Text, "token=") {
				t.Errorf("the notice to the login address %q:\n%s", m.Subject, m.Text)
			}
		default:
			t.Errorf("a mail to %v, want one to %s and one to %s", m.To, newEmail, me.email)
		}
	}
	if token == "" {
		t.Fatalf("no confirmation link went to %s", newEmail)
	}
	return token
}

func (a *api) confirmEmail(t *testing.T, token string, headers map[string]string) (int, obj) {
	t.Helper()
	status, _, body := a.do(t, "POST", confirmPath, obj{"token": token}, headers)
	return status, body
}

func (a *api) prefs(t *testing.T, me tenantSession) preferencesJSON {
	t.Helper()
	return as[preferencesJSON](t, a.get(t, "/api/v1/preferences", me.bearer))
}

// TestNotificationEmailWaitsForItsLink follows a new notification email from
// the request to its confirmation.
func TestNotificationEmailWaitsForItsLink(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	const login = "marie.dupont@exemple.fr"
	me := a.loginTenant(t, dupont, login)

	// The consent is saved at once, with the address in use.
	status, _, body := a.do(t, "PUT", "/api/v1/preferences", obj{"paperless": true}, me.bearer)
	wantStatus(t, "PUT paperless", status, http.StatusOK, body)
	if got := exportedEmails(a.exported(t, dupont.ref)); !slices.Equal(got, []string{login}) {
		t.Fatalf("exported notification emails %q, want [%s]", got, login)
	}

	const avis = "marie.avis@exemple.fr"
	token := a.askEmail(t, me, avis, login)

	t.Run("pending", func(t *testing.T) {
		got := a.prefs(t, me)
		if got.NotificationEmail != login || got.PendingNotificationEmail == nil || got.PendingNotificationEmail.Email != avis || !got.Paperless {
			t.Errorf("GET /preferences: %+v; want %s in use and %s pending", got, login, avis)
		}
		// Nothing new for the ERP: it still has the login address only.
		if got := exportedEmails(a.exported(t, dupont.ref)); !slices.Equal(got, []string{login}) {
			t.Errorf("exported notification emails %q while unconfirmed, want [%s]", got, login)
		}
	})

	t.Run("confirmed once", func(t *testing.T) {
		// No session: the link may be opened on another device.
		status, body := a.confirmEmail(t, token, nil)
		wantStatus(t, "confirmation", status, http.StatusOK, body)
		if body["status"] != "confirmed" || body["notificationEmail"] != avis {
			t.Errorf("confirmation: %v, want confirmed %s", body, avis)
		}
		if got := a.prefs(t, me); got.NotificationEmail != avis || got.PendingNotificationEmail != nil {
			t.Errorf("after confirmation: %+v; want %s in use, nothing pending", got, avis)
		}
		if got := exportedEmails(a.exported(t, dupont.ref)); !slices.Equal(got, []string{login, avis}) {
			t.Errorf("exported notification emails %q, want [%s %s]", got, login, avis)
		}
		// A second use.
		status, body = a.confirmEmail(t, token, nil)
		wantProblem(t, "second use of the link", status, body, http.StatusGone, "token_invalid")
		if got := exportedEmails(a.exported(t, dupont.ref)); len(got) != 2 {
			t.Errorf("a second use exported %q", got)
		}
	})

	t.Run("a newer request voids the older link", func(t *testing.T) {
		first := a.askEmail(t, me, "marie.1@exemple.fr", avis)
		second := a.askEmail(t, me, "marie.2@exemple.fr", avis)
		status, body := a.confirmEmail(t, first, nil)
		wantProblem(t, "the older link", status, body, http.StatusGone, "token_invalid")
		if got := a.prefs(t, me); got.NotificationEmail != avis || got.PendingNotificationEmail == nil || got.PendingNotificationEmail.Email != "marie.2@exemple.fr" {
			t.Errorf("after the older link: %+v; want %s in use, marie.2 pending", got, avis)
		}
		// Asking for the pending address again (resend) sends a new link
		// and voids the second.
		third := a.askEmail(t, me, "marie.2@exemple.fr", avis)
		status, body = a.confirmEmail(t, second, nil)
		wantProblem(t, "the link before a resend", status, body, http.StatusGone, "token_invalid")
		status, body = a.confirmEmail(t, third, nil)
		wantStatus(t, "the newest link", status, http.StatusOK, body)
		if got := a.prefs(t, me); got.NotificationEmail != "marie.2@exemple.fr" {
			t.Errorf("after the newest link: %+v", got)
		}
	})

	t.Run("cancelled", func(t *testing.T) {
		inUse := a.prefs(t, me).NotificationEmail
		link := a.askEmail(t, me, "marie.3@exemple.fr", inUse)
		before := a.mailCount()
		status, _, body := a.do(t, "PUT", "/api/v1/preferences", obj{"notificationEmail": inUse}, me.bearer)
		wantStatus(t, "PUT the address in use", status, http.StatusOK, body)
		if got := as[preferencesJSON](t, body); got.NotificationEmail != inUse || got.PendingNotificationEmail != nil {
			t.Errorf("after cancelling: %+v; want %s, nothing pending", got, inUse)
		}
		a.noMail(t, before, "cancelling")
		status, body = a.confirmEmail(t, link, nil)
		wantProblem(t, "a cancelled link", status, body, http.StatusGone, "token_invalid")
	})

	t.Run("back to the login email at once", func(t *testing.T) {
		n := len(a.exported(t, dupont.ref))
		before := a.mailCount()
		status, _, body := a.do(t, "PUT", "/api/v1/preferences", obj{"notificationEmail": ""}, me.bearer)
		wantStatus(t, "PUT an empty notification email", status, http.StatusOK, body)
		if got := as[preferencesJSON](t, body); got.NotificationEmail != login || got.PendingNotificationEmail != nil {
			t.Errorf("back to the login email: %+v", got)
		}
		a.noMail(t, before, "going back to the login email")
		got := exportedEmails(a.exported(t, dupont.ref))
		if len(got) != n+1 || got[n] != login {
			t.Errorf("exported %q, want the login email last", got)
		}
	})

	t.Run("unknown or tampered links", func(t *testing.T) {
		for _, tok := range []string{strings.Repeat("A", 43), token + "x", "pas-un-jeton"} {
			status, body := a.confirmEmail(t, tok, nil)
			wantProblem(t, "link "+tok, status, body, http.StatusGone, "token_invalid")
		}
	})
}

// TestNotificationEmailLinkIsTheLeasesOwn: a link confirms the change of its
// own lease only, whoever's session comes with it.
func TestNotificationEmailLinkIsTheLeasesOwn(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	ma := a.loginTenant(t, dupont, "marie.dupont@exemple.fr")
	mb := a.loginTenant(t, lefevre, "celine.lefevre@exemple.fr")
	tokA := a.askEmail(t, ma, "avis.a@exemple.fr", ma.email)
	tokB := a.askEmail(t, mb, "avis.b@exemple.fr", mb.email)

	// B's link opened in A's browser (A's cookie, same origin).
	status, body := a.confirmEmail(t, tokB, withCookie(ma.cookie, "Origin", a.base))
	wantStatus(t, "B's link with A's session", status, http.StatusOK, body)
	if body["notificationEmail"] != "avis.b@exemple.fr" {
		t.Errorf("B's link confirmed %v", body)
	}
	if got := a.prefs(t, ma); got.NotificationEmail != ma.email || got.PendingNotificationEmail == nil || got.PendingNotificationEmail.Email != "avis.a@exemple.fr" {
		t.Errorf("A after B's link: %+v; want A unchanged, still pending", got)
	}
	if got := a.prefs(t, mb); got.NotificationEmail != "avis.b@exemple.fr" {
		t.Errorf("B after B's link: %+v", got)
	}
	if got := exportedEmails(a.exported(t, dupont.ref)); len(got) != 0 {
		t.Errorf("A's lease exported %q", got)
	}
	status, body = a.confirmEmail(t, tokA, bearer(strings.TrimPrefix(mb.bearer["Authorization"], "Bearer ")))
	wantStatus(t, "A's link with B's session", status, http.StatusOK, body)
	if got := a.prefs(t, ma); got.NotificationEmail != "avis.a@exemple.fr" {
		t.Errorf("A after A's link: %+v", got)
	}
	if got := a.prefs(t, mb); got.NotificationEmail != "avis.b@exemple.fr" {
		t.Errorf("B after A's link: %+v", got)
	}
}

// TestNotificationEmailLinkExpires runs a stack whose links last 2 seconds.
func TestNotificationEmailLinkExpires(t *testing.T) {
	t.Parallel()
	a := start(t, map[string]string{"EMAIL_CHANGE_TTL": "2s"})
	me := a.loginTenant(t, dupont, "marie.dupont@exemple.fr")
	before := a.mailCount()
	status, _, body := a.do(t, "PUT", "/api/v1/preferences", obj{"notificationEmail": "marie.avis@exemple.fr"}, me.bearer)
	wantStatus(t, "PUT", status, http.StatusOK, body)
	var token string
	for _, m := range a.mailsSince(t, before, 2) {
		if match := confirmLink.FindStringSubmatch(m.Text); match != nil {
			token = match[1]
		}
	}
	time.Sleep(2100 * time.Millisecond)
	if got := a.prefs(t, me); got.NotificationEmail != me.email || got.PendingNotificationEmail != nil {
		t.Errorf("after the link expired: %+v; want the login email and nothing pending", got)
	}
	status, body = a.confirmEmail(t, token, nil)
	wantProblem(t, "an expired link", status, body, http.StatusGone, "token_expired")
	if got := a.prefs(t, me); got.NotificationEmail != me.email {
		t.Errorf("an expired link changed the address to %s", got.NotificationEmail)
	}
	if got := exportedEmails(a.exported(t, dupont.ref)); len(got) != 0 {
		t.Errorf("exported %q", got)
	}
}

// TestNotificationEmailMailsAreBounded: the two mails of a request count
// against the account's mail limit; past it the request changes nothing.
func TestNotificationEmailMailsAreBounded(t *testing.T) {
	t.Parallel()
	inOneWindow(t, time.Hour, time.Minute)
	a := start(t, map[string]string{"LIMIT_MAILS_PER_ACCOUNT": "3/1h"})
	me := a.loginTenant(t, dupont, "marie.dupont@exemple.fr") // the activation mail: 1
	a.askEmail(t, me, "avis.1@exemple.fr", me.email)          // 2
	a.askEmail(t, me, "avis.2@exemple.fr", me.email)          // 3
	before := a.mailCount()
	status, header, body := a.do(t, "PUT", "/api/v1/preferences", obj{"paperless": true, "notificationEmail": "avis.3@exemple.fr"}, me.bearer)
	wantProblem(t, "a request past the mail limit", status, body, http.StatusTooManyRequests, "too_many_requests")
	if header.Get("Retry-After") == "" {
		t.Errorf("429 without Retry-After")
	}
	a.noMail(t, before, "a request past the mail limit")
	if got := a.prefs(t, me); got.Paperless || got.PendingNotificationEmail == nil || got.PendingNotificationEmail.Email != "avis.2@exemple.fr" {
		t.Errorf("a refused request changed the preferences: %+v", got)
	}
}

// TestNotificationEmailLinkServesOnceUnderRace opens one link from 40
// devices at once: one confirms, the others get 410, the ERP learns once.
func TestNotificationEmailLinkServesOnceUnderRace(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	me := a.loginTenant(t, dupont, "marie.dupont@exemple.fr")
	token := a.askEmail(t, me, "marie.avis@exemple.fr", me.email)
	const n = 40
	statuses := make([]int, n)
	var wg sync.WaitGroup
	startGun := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-startGun
			req, _ := http.NewRequest("POST", a.base+confirmPath, strings.NewReader(`{"token":"`+token+`"}`))
			req.Header.Set("Content-Type", "application/json")
			resp, err := a.client.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			statuses[i] = resp.StatusCode
		}()
	}
	close(startGun)
	wg.Wait()
	ok, gone := 0, 0
	for _, s := range statuses {
		switch s {
		case http.StatusOK:
			ok++
		case http.StatusGone:
			gone++
		}
	}
	t.Logf("%d parallel confirmations of one link: %d × 200, %d × 410", n, ok, gone)
	if ok != 1 || gone != n-1 {
		t.Errorf("%d parallel confirmations: %d × 200 and %d × 410 (all: %v); want 1 and %d", n, ok, gone, statuses, n-1)
	}
	if got := exportedEmails(a.exported(t, dupont.ref)); !slices.Equal(got, []string{"marie.avis@exemple.fr"}) {
		t.Errorf("exported %q, want the new address once", got)
	}
}
