package main

import (
	"bufio"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/citejardins/extranet/infra/localstack"
	"github.com/citejardins/extranet/shared/blob"
)

// The ERP's side of an online payment, on the local stack (make
// erp-payments): the ERP reads the payment_received events the portal
// exported and books each payment in its ledger with the payment's id;
// its next ecritures export carries that line, with id_paiement, and the
// import puts it in place of the payment's provisional entry. The payment
// id exists only once the tenant paid, so the file is written from the
// export rather than kept among the demo files.

// paymentReceived is what the ERP reads of a payment_received event.
type paymentReceived struct {
	Type      string    `json:"type"`
	Reference string    `json:"reference"`
	At        time.Time `json:"at"`
	Data      struct {
		PaymentID   string `json:"paymentId"`
		AmountCents int64  `json:"amountCents"`
		PaidAt      paidAt `json:"paidAt"`
	} `json:"data"`
}

// paidAt reads the payment's time as RFC 3339; any other form is left zero
// (the event's own time stands for it), not a reason to skip the payment.
type paidAt struct{ time.Time }

func (p *paidAt) UnmarshalJSON(b []byte) error {
	_ = json.Unmarshal(b, &p.Time)
	return nil
}

// bookPayments writes the ecritures file of the payment_received events of
// the running stack's export whose payment the stack still knows and the
// ERP has not settled, into dir, prints it, and imports it. It says which
// exported payments it skipped and why: the export (S3, in DATA_DIR)
// outlives a restart of make run, the payments (DynamoDB, in memory) do
// not, so an earlier run's payment is not booked again on the demo ledger.
func bookPayments(ctx context.Context, base, dir string, now time.Time, stdout io.Writer) error {
	exported, err := exportedPayments(ctx, base)
	if err != nil {
		return err
	}
	book, skipped, err := unsettled(ctx, base, exported)
	if err != nil {
		return err
	}
	for _, s := range skipped {
		fmt.Fprintf(stdout, "skipped: %s\n", s)
	}
	if len(book) == 0 {
		fmt.Fprintln(stdout, "nothing to book: no exported payment is both known to the running stack and not yet booked (pay online first: « Payer » in the web app)")
		return nil
	}
	name, body, err := paymentsFile(book, now)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s:\n%s\n", path, body)
	return importFile(ctx, base, path, stdout)
}

// exportedPayments reads the exported payment_received events through the
// stack's /_dev/s3/ door: one a payment (a payment exported twice is
// once), oldest first (the payment's day, then its id). None is an error.
func exportedPayments(ctx context.Context, base string) ([]paymentReceived, error) {
	keys, err := listKeys(ctx, base, blob.ExportsPrefix)
	if err != nil {
		return nil, err
	}
	paid := map[string]paymentReceived{}
	for _, key := range keys {
		if err := eachEvent(ctx, base, key, func(e paymentReceived) {
			if e.Type == "payment_received" && e.Data.PaymentID != "" {
				paid[e.Data.PaymentID] = e
			}
		}); err != nil {
			return nil, err
		}
	}
	if len(paid) == 0 {
		return nil, errors.New("no payment_received event in the export yet: pay online first (make run, then « Payer »)")
	}
	list := make([]paymentReceived, 0, len(paid))
	for _, e := range paid {
		list = append(list, e)
	}
	sort.Slice(list, func(i, j int) bool {
		if a, b := list[i].day(), list[j].day(); !a.Equal(b) {
			return a.Before(b)
		}
		return list[i].Data.PaymentID < list[j].Data.PaymentID
	})
	return list, nil
}

// unsettled keeps, of the exported payments, those the running stack knows
// (GET /_dev/payments, one call a lease) and the ERP has not settled (no
// settledBy); skipped says, for each other one, its id and why.
func unsettled(ctx context.Context, base string, exported []paymentReceived) (book []paymentReceived, skipped []string, err error) {
	type known struct {
		PaymentID string `json:"paymentId"`
		SettledBy string `json:"settledBy"`
	}
	leases := map[string]map[string]known{}
	for _, e := range exported {
		byID, ok := leases[e.Reference]
		if !ok {
			var page struct {
				Payments []known `json:"payments"`
			}
			if err := get(ctx, base+"/_dev/payments?"+url.Values{"reference": {e.Reference}}.Encode(), func(r io.Reader) error {
				return json.NewDecoder(r).Decode(&page)
			}); err != nil {
				return nil, nil, fmt.Errorf("the stack's payments of lease %s: %w", e.Reference, err)
			}
			byID = map[string]known{}
			for _, p := range page.Payments {
				byID[p.PaymentID] = p
			}
			leases[e.Reference] = byID
		}
		p, ok := byID[e.Data.PaymentID]
		switch {
		case !ok:
			skipped = append(skipped, fmt.Sprintf("payment %s (lease %s): unknown to the running stack (made before a restart of make run: its ledger came back from the demo files)", e.Data.PaymentID, e.Reference))
		case p.SettledBy != "":
			skipped = append(skipped, fmt.Sprintf("payment %s (lease %s): already booked by the ERP (entry %s)", e.Data.PaymentID, e.Reference, p.SettledBy))
		default:
			book = append(book, e)
		}
	}
	return book, skipped, nil
}

// paymentsFile returns the ecritures file that books the payments, in
// their order: one line a payment (id_ecriture WEB-<payment id>, so that
// writing it again gives the same file; the payment's day in Paris; its
// amount as a credit; id_paiement), named for now's day in Paris.
func paymentsFile(list []paymentReceived, now time.Time) (name, body string, err error) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		return "", "", err
	}
	var b strings.Builder
	b.WriteString("reference;id_ecriture;date;libelle;type;debit;credit;id_paiement\n")
	for _, e := range list {
		at := e.day()
		fmt.Fprintf(&b, "%s;WEB-%s;%s;Paiement en ligne;paiement;0,00;%d,%02d;%s\n", e.Reference, e.Data.PaymentID,
			at.In(paris).Format("02/01/2006"), e.Data.AmountCents/100, e.Data.AmountCents%100, e.Data.PaymentID)
	}
	return "ecritures_delta_" + now.In(paris).Format("20060102") + "_paiements_en_ligne.csv", b.String(), nil
}

// day is when the payment was made: paidAt, else the event's time.
func (e paymentReceived) day() time.Time {
	if e.Data.PaidAt.IsZero() {
		return e.At
	}
	return e.Data.PaidAt.Time
}

// listKeys lists the documents bucket's keys under prefix (S3
// ListObjectsV2, every page).
func listKeys(ctx context.Context, base, prefix string) ([]string, error) {
	var keys []string
	token := ""
	for {
		q := url.Values{"list-type": {"2"}, "prefix": {prefix}}
		if token != "" {
			q.Set("continuation-token", token)
		}
		var page struct {
			Contents []struct {
				Key string `xml:"Key"`
			} `xml:"Contents"`
			IsTruncated           bool   `xml:"IsTruncated"`
			NextContinuationToken string `xml:"NextContinuationToken"`
		}
		if err := get(ctx, base+"/_dev/s3/"+localstack.DocumentsBucket+"?"+q.Encode(), func(r io.Reader) error {
			return xml.NewDecoder(r).Decode(&page)
		}); err != nil {
			return nil, fmt.Errorf("list %s: %w", prefix, err)
		}
		for _, c := range page.Contents {
			keys = append(keys, c.Key)
		}
		if !page.IsTruncated || page.NextContinuationToken == "" {
			return keys, nil
		}
		token = page.NextContinuationToken
	}
}

// eachEvent reads an exported object (JSON lines) and gives each event.
func eachEvent(ctx context.Context, base, key string, each func(paymentReceived)) error {
	return get(ctx, base+"/_dev/s3/"+localstack.DocumentsBucket+"/"+key, func(r io.Reader) error {
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 64*1024), 1<<20)
		for sc.Scan() {
			var e paymentReceived
			if json.Unmarshal(sc.Bytes(), &e) == nil {
				each(e)
			}
		}
		return sc.Err()
	})
}

func get(ctx context.Context, u string, read func(io.Reader) error) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("is the local stack running (make run)? %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	return read(resp.Body)
}
