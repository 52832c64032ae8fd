package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/citejardins/extranet/infra/localstack"
	"github.com/citejardins/extranet/shared/erp"
	"github.com/citejardins/extranet/shared/tenancy"
)

// TestPaymentsFileBooksTheExportedPayments serves an S3 emulator under
// /_dev/s3/ as the stack does, with exported events of several kinds, and
// reads the ecritures file make erp-payments would import: one line a
// payment received, with its id_paiement, valid for the import.
func TestPaymentsFileBooksTheExportedPayments(t *testing.T) {
	backend := s3mem.New()
	if err := backend.CreateBucket(localstack.DocumentsBucket); err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/_dev/s3/", http.StripPrefix("/_dev/s3", gofakes3.New(backend).Server()))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	put := func(key, body string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPut, srv.URL+"/_dev/s3/"+localstack.DocumentsBucket+"/"+key, strings.NewReader(body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("put %s: %s", key, resp.Status)
		}
	}
	ctx := context.Background()
	now := time.Date(2026, 11, 30, 23, 30, 0, 0, time.UTC) // 1 December in Paris
	if _, err := exportedPayments(ctx, srv.URL); err == nil || !strings.Contains(err.Error(), "no payment_received event") {
		t.Fatalf("empty export: err = %v; want no payment_received event", err)
	}

	const lefevre, ndiaye = "0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210"
	put("exports/events/2026/11/30/20261130T230001.000000000Z-e1.jsonl",
		`{"id":"e1","type":"payment_received","reference":"1234567","at":"2026-11-30T23:00:01Z","data":{"paymentId":"`+lefevre+
			`","amountCents":35000,"currency":"eur","paidAt":"2026-11-30T23:00:00Z","providerPaymentId":"pi_1"}}`+"\n")
	// paidAt in another form than RFC 3339: the event's time stands for it.
	put("exports/events/2026/11/29/20261129T100000.000000000Z-e0.jsonl",
		`{"id":"e0","type":"payment_received","reference":"7654321","at":"2026-11-29T10:00:00Z","data":{"paymentId":"`+ndiaye+
			`","amountCents":1205,"currency":"eur","paidAt":1764410340,"providerPaymentId":"pi_0"}}`+"\n")
	put("exports/events/2026/11/30/20261130T090000.000000000Z-e2.jsonl",
		`{"id":"e2","type":"preferences_changed","reference":"1234567","at":"2026-11-30T09:00:00Z","data":{"paperless":true}}`+"\n")

	exported, err := exportedPayments(ctx, srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	name, body, err := paymentsFile(exported, now)
	if err != nil {
		t.Fatal(err)
	}
	info, err := erp.ParseName("imports/" + name)
	if err != nil || info.Kind != erp.Entries || info.Mode != erp.Delta || info.Date != (tenancy.Date{Year: 2026, Month: 12, Day: 1}) {
		t.Fatalf("file name %s: %+v, %v; want an ecritures delta of 2026-12-01", name, info, err)
	}
	r, err := erp.NewReader(strings.NewReader(body), erp.Entries)
	if err != nil {
		t.Fatal(err)
	}
	var got []erp.Entry
	for {
		rec, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("%v in\n%s", err, body)
		}
		got = append(got, rec.(erp.Entry))
	}
	want := []erp.Entry{
		{Reference: "7654321", ID: "WEB-" + ndiaye, Date: tenancy.Date{Year: 2026, Month: 11, Day: 29}, Label: "Paiement en ligne",
			Kind: tenancy.PaymentReceived, CreditCents: 1205, PaymentID: ndiaye},
		{Reference: "1234567", ID: "WEB-" + lefevre, Date: tenancy.Date{Year: 2026, Month: 12, Day: 1}, Label: "Paiement en ligne",
			Kind: tenancy.PaymentReceived, CreditCents: 35000, PaymentID: lefevre},
	}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("lines:\n%+v\nwant\n%+v", got, want)
	}
	again, _ := exportedPayments(ctx, srv.URL)
	if _, again, _ := paymentsFile(again, now); again != body {
		t.Errorf("a second file differs:\n%s\nthen\n%s", body, again)
	}
}
