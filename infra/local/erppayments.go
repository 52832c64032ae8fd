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

// bookPayments writes the ecritures file of every payment_received event
// of the running stack's export into dir, prints it, and imports it.
func bookPayments(ctx context.Context, base, dir string, now time.Time, stdout io.Writer) error {
	name, body, err := paymentsFile(ctx, base, now)
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

// paymentsFile reads the exported payment_received events through the
// stack's /_dev/s3/ door and returns the ecritures file that books them:
// one line a payment (id_ecriture WEB-<payment id>, so that writing it
// again gives the same file; the payment's day in Paris; its amount as a
// credit; id_paiement), oldest first.
func paymentsFile(ctx context.Context, base string, now time.Time) (name, body string, err error) {
	keys, err := listKeys(ctx, base, blob.ExportsPrefix)
	if err != nil {
		return "", "", err
	}
	paid := map[string]paymentReceived{}
	for _, key := range keys {
		if err := eachEvent(ctx, base, key, func(e paymentReceived) {
			if e.Type == "payment_received" && e.Data.PaymentID != "" {
				paid[e.Data.PaymentID] = e
			}
		}); err != nil {
			return "", "", err
		}
	}
	if len(paid) == 0 {
		return "", "", errors.New("no payment_received event in the export yet: pay online first (make run, then « Payer »)")
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
