package browsertest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// The pages Changer mon mot de passe and Mes appareils connectés: a change
// refused with what to change, then done, which keeps this browser in and
// logs the phone out; then the logout on every device.
func TestPasswordChangeAndDevices(t *testing.T) {
	b := start(t)
	const email, old, fresh = "marie.dupont@example.org", "une phrase facile à retenir", "la glycine du balcon fleurit"
	b.tenant("8889999", "DUPONT", "1978-04-12", email)
	phone := appLogin(t, b, email, old)

	for _, path := range []string{"/mon-espace/mot-de-passe", "/mon-espace/appareils"} {
		if !eval[bool](b, `!!document.querySelector(`+js(`.sections a[href="`+path+`"]`)+`)`) {
			t.Errorf("home has no link to %s", path)
		}
	}
	b.clickText("a", "Changer mon mot de passe")
	b.waitLoaded("Changer mon mot de passe")
	if got := b.focused(); got != "h1:Changer mon mot de passe" {
		t.Errorf("after following the link, focus on %q, want the heading", got)
	}
	b.check("changer-mot-de-passe")
	if got := b.text("#newPassword-aide"); !strings.Contains(got, "12 caractères") || !strings.Contains(got, "date de naissance") {
		t.Errorf("new password hint %q", got)
	}
	changeHint := b.text("#newPassword-aide")

	// Personal data in the new password: refused, saying what to change.
	b.fill("#currentPassword", old)
	b.fill("#newPassword", "Marie1978-04-12")
	b.click(`form button[type="submit"]`)
	b.waitFor(`document.getElementById("newPassword-erreur")?.innerText.includes("votre date de naissance")`, "the personal data error")
	b.check("changer-mot-de-passe-refuse")

	// A wrong current password.
	b.clear("#currentPassword")
	b.fill("#currentPassword", "pas le bon mot de passe")
	b.clear("#newPassword")
	b.fill("#newPassword", fresh)
	b.click(`form button[type="submit"]`)
	b.waitFor(`document.getElementById("currentPassword-erreur")?.innerText.includes("pas votre mot de passe actuel")`, "the wrong current password error")

	before := len(b.stack.Mail.Messages())
	b.clear("#currentPassword")
	b.fill("#currentPassword", old)
	b.clear("#newPassword")
	b.fill("#newPassword", fresh)
	b.click(`form button[type="submit"]`)
	b.waitFor(`document.querySelector(".notice--success")?.innerText.includes("Votre mot de passe est changé")`, "the confirmation")
	if got := b.text(".notice--success"); !strings.Contains(got, email) || !strings.Contains(got, "autres appareils ont été déconnectés") {
		t.Errorf("confirmation %q lacks the address or the other devices", got)
	}
	b.check("changer-mot-de-passe-fait")
	if got := b.text("#newPassword-compteur"); got != "0 caractère sur 12 minimum." {
		t.Errorf("after the change, the emptied field's counter says %q", got)
	}
	if msgs := b.stack.Mail.Messages()[before:]; len(msgs) != 1 || msgs[0].Subject != "Votre mot de passe Extranet Locataire a été modifié" {
		t.Errorf("mails after the change: %d, want 1 «Votre mot de passe Extranet Locataire a été modifié»", len(msgs))
	}
	if status := appMe(t, b, phone); status != http.StatusUnauthorized {
		t.Errorf("the phone's session after the change: GET /me %d, want 401", status)
	}

	// This browser is still in: Mes appareils connectés, from the menu.
	b.clickText("a", "Mes appareils connectés")
	b.waitLoaded("Mes appareils connectés")
	b.check("appareils")
	// The idle timeout is a setting (SESSION_IDLE_TIMEOUT): no fixed number.
	if got := b.text("main"); !strings.Contains(got, "sans activité") || strings.Contains(got, "30 minutes") {
		t.Errorf("the devices page words the idle timeout as %q", got)
	}
	phone = appLogin(t, b, email, fresh)
	b.clickText("button", "Me déconnecter de tous les appareils")
	b.waitTitle("Connexion")
	b.waitFor(`document.querySelector(".notice")?.innerText.includes("Vous êtes déconnecté de tous vos appareils")`, "the notice")
	b.check("deconnecte-partout")
	if status := appMe(t, b, phone); status != http.StatusUnauthorized {
		t.Errorf("the phone's session after logging out everywhere: GET /me %d, want 401", status)
	}
	b.visit("/mon-espace", "Connexion")
	b.waitFor(`document.querySelector(".notice")?.innerText.includes("Connectez-vous pour accéder à votre espace")`, "the login-required notice")
	if got := b.text(".notice"); strings.Contains(got, "30 minutes") {
		t.Errorf("the login-required notice gives a fixed idle timeout: %q", got)
	}

	// Sign-up checks the same rules as the change: its hint says them alike.
	b.visit("/creer-mon-compte", "Créer mon compte")
	if got := b.text("#password-aide"); got != changeHint {
		t.Errorf("sign-up password hint %q; want the change page's %q", got, changeHint)
	}
}

// appLogin logs in as the mobile app does and returns its token.
func appLogin(t *testing.T, b *browser, email, password string) string {
	t.Helper()
	raw, _ := json.Marshal(map[string]any{"email": email, "password": password, "tokenRequested": true})
	resp, err := http.Post(b.stack.URL+"/api/v1/sessions", "application/json", bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct{ Token string }
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || resp.StatusCode != http.StatusOK || body.Token == "" {
		t.Fatalf("app login: %s, %v", resp.Status, err)
	}
	return body.Token
}

// appMe is the status of GET /api/v1/me with the app's token.
func appMe(t *testing.T, b *browser, token string) int {
	t.Helper()
	req, _ := http.NewRequest("GET", b.stack.URL+"/api/v1/me", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
