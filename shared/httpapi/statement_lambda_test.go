package httpapi_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/citejardins/extranet/infra/localstack"
	"github.com/citejardins/extranet/infra/rie"
	"github.com/citejardins/extranet/shared/portal"
)

// receiptsLambda is the receipts function's Lambda handler on the test's
// stack, built as StartLambda builds it.
func (a *api) receiptsLambda(t *testing.T) portal.EventHandler {
	t.Helper()
	env, err := a.stack.FunctionEnv("receipts")
	if err != nil {
		t.Fatal(err)
	}
	getenv := func(k string) string { return env[k] }
	srv, err := portal.New(portal.AWSConfig(getenv), getenv, nil)
	if err != nil {
		t.Fatal(err)
	}
	return portal.LambdaHandler(srv, "receipts")
}

// sampleEvent is events/<route's file> with the session filled in.
func sampleEvent(t *testing.T, routeKey, session string) events.APIGatewayV2HTTPRequest {
	t.Helper()
	root, err := localstack.FindRoot()
	if err != nil {
		t.Fatal(err)
	}
	evs, err := rie.LoadEvents(root)
	if err != nil {
		t.Fatal(err)
	}
	ev, ok := evs[routeKey]
	if !ok {
		t.Fatalf("no sample event for %s", routeKey)
	}
	raw, err := ev.Fill(map[string]string{"session": session})
	if err != nil {
		t.Fatal(err)
	}
	var req events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(raw, &req); err != nil {
		t.Fatal(err)
	}
	return req
}

// TestStatementPDFThroughTheLambdaAdapter sends the sample events to the
// receipts function as API Gateway does: the PDF comes back base64-encoded
// (isBase64Encoded), byte for byte the one the HTTP server answers, with
// its headers; the certificate's JSON comes back as text.
func TestStatementPDFThroughTheLambdaAdapter(t *testing.T) {
	t.Parallel()
	a := start(t, nil)
	me := a.loginTenant(t, lefevre, "celine.lefevre@exemple.fr")
	token := me.bearer["Authorization"][len("Bearer "):]
	h := a.receiptsLambda(t)
	ctx := context.Background()

	ev := sampleEvent(t, "GET /api/v1/account/entries.pdf", token)
	resp, err := h(ctx, ev)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || !resp.IsBase64Encoded {
		t.Fatalf("status %d, isBase64Encoded %v; want 200 and a base64 body\n%.300s", resp.StatusCode, resp.IsBase64Encoded, resp.Body)
	}
	body, err := base64.StdEncoding.DecodeString(resp.Body)
	if err != nil {
		t.Fatalf("body is not base64: %v", err)
	}
	want := a.statementPDF(t, ev.RawQueryString, me.bearer, "2026-01-01", "2026-11-30")
	if !bytes.Equal(body, want) {
		t.Errorf("the Lambda's PDF (%d bytes) is not the HTTP server's (%d bytes)", len(body), len(want))
	}
	if resp.Headers["Content-Type"] != "application/pdf" || resp.Headers["Cache-Control"] != "no-store" ||
		resp.Headers["Content-Disposition"] != `attachment; filename="releve-de-compte-2026-01-01-2026-11-30.pdf"; filename*=UTF-8''releve-de-compte-2026-01-01-2026-11-30.pdf` {
		t.Errorf("headers %v", resp.Headers)
	}
	says(t, "the Lambda's statement", pdfText(t, body), "Relevé de compte", "Solde au 30/11/2026 : reste dû 350,00 €")

	ev = sampleEvent(t, "POST /api/v1/certificates", token)
	resp, err = h(ctx, ev)
	if err != nil {
		t.Fatal(err)
	}
	var doc documentJSON
	if resp.StatusCode != http.StatusCreated || resp.IsBase64Encoded || json.Unmarshal([]byte(resp.Body), &doc) != nil || doc.Kind != "tenancy_certificate" {
		t.Errorf("certificate: %d, base64 %v, %s; want 201 and the document as JSON text", resp.StatusCode, resp.IsBase64Encoded, resp.Body)
	}
}
