package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"
)

// payLefevre makes LEFÈVRE (350 € owed) pay 350,00 € through the local
// sandbox checkout, as TestPaymentLefevrePaysThroughTheSandboxCheckout
// does, and returns the payment's id and its checkout URL.
func payLefevre(t *testing.T, a *api, celine tenantSession) (string, string) {
	t.Helper()
	status, _, body := a.do(t, "POST", "/api/v1/payments", map[string]any{"amountCents": 35000}, withKey(celine.bearer, "tap-1"))
	wantStatus(t, "start", status, http.StatusCreated, body)
	id, _ := body["paymentId"].(string)
	url, _ := body["checkoutUrl"].(string)
	if res := devPost(t, url+"/payer"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("Payer answered %d", res.StatusCode)
	}
	return id, url
}

// paymentLines returns the entries of Mon compte that carry amount as a
// credit, by label.
func paymentLines(t *testing.T, a *api, s tenantSession, amount float64) []string {
	t.Helper()
	var out []string
	for _, e := range a.get(t, "/api/v1/account/entries", s.bearer)["entries"].([]any) {
		if m := e.(map[string]any); m["creditCents"] == amount {
			out = append(out, fmt.Sprint(m["label"]))
		}
	}
	return out
}

// TestImportingTheERPLineWithTheSameIDPaiementKeepsTheBalanceAt0AndShowsThePaymentOnce
// is the second half of issue 10's "Done when": after the webhook's
// credit, the ERP books the payment (the ecritures line with its
// id_paiement, written from the exported payment_received as make
// erp-payments does) and the import puts it in place of the provisional
// entry: the balance stays 0, the payment shows once in Mon compte,
// Mes paiements says settled, and a late duplicate delivery of the
// provider's event changes nothing.
func TestImportingTheERPLineWithTheSameIDPaiementKeepsTheBalanceAt0AndShowsThePaymentOnce(t *testing.T) {
	a := start(t, nil)
	celine := a.loginTenant(t, lefevre, "celine.lefevre@exemple.fr")
	id, url := payLefevre(t, a, celine)
	if sum := a.get(t, "/api/v1/account", celine.bearer); sum["balanceCents"] != float64(0) {
		t.Fatalf("balance after paying %v, want 0", sum["balanceCents"])
	}
	evs := a.exportedEvents(t, lefevre.ref, "payment_received")
	if len(evs) != 1 || evs[0].Data["paymentId"] != id {
		t.Fatalf("exported payment_received %+v", evs)
	}
	paid, err := time.Parse(time.RFC3339, fmt.Sprint(evs[0].Data["paidAt"]))
	if err != nil {
		t.Fatalf("paidAt %v: %v", evs[0].Data["paidAt"], err)
	}
	paris, _ := time.LoadLocation("Europe/Paris")
	// The ERP's line, as infra/local/erppayments.go writes it.
	file := "reference;id_ecriture;date;libelle;type;debit;credit;id_paiement\n" +
		fmt.Sprintf("%s;WEB-%s;%s;Paiement en ligne;paiement;0,00;350,00;%s\n", evs[0].Reference, id, paid.In(paris).Format("02/01/2006"), id)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	report, err := a.stack.Import(ctx, "ecritures_delta_"+paid.In(paris).Format("20060102")+"_paiements_en_ligne.csv", []byte(file))
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	check := func(when string) {
		t.Helper()
		if sum := a.get(t, "/api/v1/account", celine.bearer); sum["balanceCents"] != float64(0) {
			t.Errorf("%s: balance %v, want 0", when, sum["balanceCents"])
		}
		if lines := paymentLines(t, a, celine, 35000); len(lines) != 1 || lines[0] != "Paiement en ligne" {
			t.Errorf("%s: the payment's lines in Mon compte %q, want the ERP's line once (import report %s)", when, lines, report)
		}
		list := a.get(t, "/api/v1/payments", celine.bearer)["payments"].([]any)
		// creditedCents goes back to 0: the ERP's line holds the credit now.
		if len(list) != 1 || list[0].(map[string]any)["settled"] != true || list[0].(map[string]any)["status"] != "succeeded" ||
			list[0].(map[string]any)["paidCents"] != float64(35000) || list[0].(map[string]any)["creditedCents"] != float64(0) {
			t.Errorf("%s: payments %v, want the one payment, paid and settled", when, list)
		}
	}
	check("after the import")
	// The provider delivers the payment's event again, late.
	before := a.mailCount()
	devPost(t, url+"/payer")
	check("after a late duplicate delivery")
	if mails := a.mailsTo(t, before, "celine.lefevre@exemple.fr"); len(mails) != 0 {
		t.Errorf("a late duplicate delivery mailed %+v", mails)
	}
	if evs := a.exportedEvents(t, lefevre.ref, "payment_received"); len(evs) != 1 {
		t.Errorf("payment_received exported %d times, want once", len(evs))
	}
}

// TestPaymentCreditMovesTheStatementSpan: the webhook's provisional entry,
// dated after the ERP's last line, is within the span Mon compte's year
// list is built from (GET /api/v1/account lastEntryDate; web/js/views/
// account.js), at once and not only after the ERP's next import.
func TestPaymentCreditMovesTheStatementSpan(t *testing.T) {
	a := start(t, nil)
	celine := a.loginTenant(t, lefevre, "celine.lefevre@exemple.fr")
	before := a.get(t, "/api/v1/account", celine.bearer)
	payLefevre(t, a, celine)
	entries := a.get(t, "/api/v1/account/entries", celine.bearer)["entries"].([]any)
	date, _ := entries[0].(map[string]any)["date"].(string)
	if !(date > fmt.Sprint(before["lastEntryDate"])) {
		t.Fatalf("the payment's entry is dated %q, not after the last ERP line %v: the test proves nothing", date, before["lastEntryDate"])
	}
	after := a.get(t, "/api/v1/account", celine.bearer)
	if after["lastEntryDate"] != date || after["firstEntryDate"] != before["firstEntryDate"] {
		t.Errorf("span after paying %v..%v, want %v..%s", after["firstEntryDate"], after["lastEntryDate"], before["firstEntryDate"], date)
	}
}
