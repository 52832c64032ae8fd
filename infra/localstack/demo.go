package localstack

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/citejardins/extranet/shared/tenancy"
)

// DemoLease is a demo lease as the stack loaded it.
type DemoLease struct {
	Reference   string
	LastName    string
	FirstName   string
	DateOfBirth string
}

// LeaseWriter stores leases.
type LeaseWriter interface {
	PutLease(ctx context.Context, l tenancy.Lease) error
}

var demoColumns = []string{"reference", "nom", "prenom", "date_naissance", "adresse", "complement",
	"code_postal", "ville", "loyer", "charges", "solde"}

// LoadDemo reads the demo leases file (an ERP-style CSV: ';' separator,
// decimal comma, JJ/MM/AAAA dates) and stores each lease.
func LoadDemo(ctx context.Context, path string, w LeaseWriter) ([]DemoLease, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("demo leases: %w", err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma = ';'
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("demo leases %s: %w", path, err)
	}
	if strings.Join(header, ";") != strings.Join(demoColumns, ";") {
		return nil, fmt.Errorf("demo leases %s: header must be %s", path, strings.Join(demoColumns, ";"))
	}
	var out []DemoLease
	for line := 2; ; line++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("demo leases %s line %d: %w", path, line, err)
		}
		l, err := parseDemoLine(rec)
		if err != nil {
			return nil, fmt.Errorf("demo leases %s line %d: %w", path, line, err)
		}
		if err := w.PutLease(ctx, l); err != nil {
			return nil, err
		}
		out = append(out, DemoLease{Reference: l.Reference, LastName: rec[1], FirstName: rec[2], DateOfBirth: l.Signatories[0].DateOfBirth.String()})
	}
}

func parseDemoLine(rec []string) (tenancy.Lease, error) {
	ref, err := tenancy.NormalizeReference(rec[0])
	if err != nil {
		return tenancy.Lease{}, fmt.Errorf("reference %q: %w", rec[0], err)
	}
	dob, err := time.Parse("02/01/2006", rec[3])
	if err != nil {
		return tenancy.Lease{}, fmt.Errorf("date of birth %q is not JJ/MM/AAAA", rec[3])
	}
	var cents [3]int64
	for i, s := range rec[8:11] {
		if cents[i], err = ParseEuros(s); err != nil {
			return tenancy.Lease{}, err
		}
	}
	return tenancy.Lease{
		Reference:    ref,
		Address:      tenancy.Address{Street: rec[4], Complement: rec[5], PostalCode: rec[6], City: rec[7]},
		RentCents:    cents[0],
		ChargesCents: cents[1],
		BalanceCents: cents[2],
		Signatories: []tenancy.Signatory{{Main: true, LastName: rec[1], FirstName: rec[2],
			DateOfBirth: tenancy.Date{Year: dob.Year(), Month: dob.Month(), Day: dob.Day()}}},
	}, nil
}

// ParseEuros reads an amount written the French way ("1 234,56", "-25,50")
// into cents, without going through floating point.
func ParseEuros(s string) (int64, error) {
	t := strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "").Replace(strings.TrimSpace(s))
	neg := strings.HasPrefix(t, "-")
	t = strings.TrimPrefix(t, "-")
	whole, frac, _ := strings.Cut(t, ",")
	if len(frac) > 2 || whole == "" {
		return 0, fmt.Errorf("amount %q is not like 1234,56", s)
	}
	frac += strings.Repeat("0", 2-len(frac))
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil || strings.ContainsAny(whole+frac, "+-") {
		return 0, fmt.Errorf("amount %q is not like 1234,56", s)
	}
	if neg {
		n = -n
	}
	return n, nil
}
