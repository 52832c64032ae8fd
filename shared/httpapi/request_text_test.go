package httpapi_test

import (
	"net/http"
	"reflect"
	"slices"
	"testing"
)

// TestChangeRequestText checks the text rule on change requests: a tenant's
// letter keeps its paragraphs (CRLF becomes LF) and its "- " lists and
// "+33" numbers, but no control character, no bidi control and no line that
// a spreadsheet would take for a formula.
func TestChangeRequestText(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	seedTenancy(t, a, dupont, residenceR1(), termsDupont)
	me := a.loginTenant(t, dupont, "marie.dupont@exemple.fr")

	for _, tt := range []struct{ name, text string }{
		{"NUL", "Nouvel emploi\x00 depuis mars"},
		{"tab", "Salaire :\t1 800 €"},
		{"lone CR", "Nouvel emploi\rdepuis mars"},
		{"escape", "Nouvel emploi \x1b[31m"},
		{"C1 control", "Nouvel emploi\u0085depuis mars"},
		{"right-to-left override", "Facture n° \u202efdp.exe"},
		{"isolate", "Nouvel \u2066emploi\u2069"},
		{"leading =", "=HYPERLINK(\"https://exemple.invalid\";\"Cliquez\")"},
		{"leading @", "@SUM(1+1)*cmd|' /C calc'!A0"},
		{"fullwidth =", "＝1+1"},
		{"zero-width space then =", "\u200b=1+1"},
		{"no-break space then =", "\u00a0=1+1"},
		{"= on a later line", "Bonjour,\r\n=1+1"},
		{"= after spaces on a later line", "Bonjour,\n  \u200d=1+1"},
	} {
		before := a.changeRequests(t, me.bearer)
		status, _, body := a.do(t, "POST", "/api/v1/change-requests", obj{"kind": "other", "text": tt.text}, me.bearer)
		wantProblem(t, "change request with "+tt.name, status, body, http.StatusBadRequest, "validation_failed")
		if got := fieldErrors(body); !slices.Equal(got, []string{"text"}) {
			t.Errorf("%s: errors on %v, want [text]", tt.name, got)
		}
		if after := a.changeRequests(t, me.bearer); !reflect.DeepEqual(after, before) {
			t.Errorf("%s: a refused request was kept", tt.name)
		}
	}

	// Paragraphs typed on Windows, or pasted, are kept with LF.
	status, _, body := a.do(t, "POST", "/api/v1/change-requests", obj{"kind": "other", "text": "Bonjour,\r\n\r\nJ'ai changé d'emploi.\u2028Cordialement\r\n"}, me.bearer)
	wantStatus(t, "change request with CRLF", status, http.StatusCreated, body)
	if got, want := body["text"], "Bonjour,\n\nJ'ai changé d'emploi.\nCordialement"; got != want {
		t.Errorf("kept %q, want %q", got, want)
	}

	for _, tt := range []struct{ name, text string }{
		{"paragraphs", "Bonjour,\n\nJ'ai changé d'emploi.\nCordialement"},
		{"a list and a phone number", "Nouvelles coordonnées :\n- téléphone : +33 6 12 34 56 78\n- email : marie@exemple.fr"},
		{"= inside a line", "Loyer = 512,34 € + charges"},
		{"right-to-left name with marks", "Nouveau colocataire : \u200fعلي\u200f"},
		{"U+FFFD typed", "Caractère \ufffd"},
	} {
		a.submit(t, me.bearer, "other", tt.text) // checks the text is kept as sent
	}
}
