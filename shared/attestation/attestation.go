// Package attestation is the tenancy certificate (attestation de situation
// locative): the facts it states about a lease on a day, how it words them
// in French, how much of the balance counts as owed, and the fingerprint
// that names one version of it. Tenants ask for it for the CAF, a transfer
// request or a new landlord; the landlord used to write it by hand.
package attestation

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"

	"github.com/citejardins/extranet/shared/notice"
	"github.com/citejardins/extranet/shared/tenancy"
)

// Facts are what a certificate states: who lets, who rents, what, since
// when (and until when, once the lease ended), and the state of the
// account on AsOf, the day it is made.
type Facts struct {
	Landlord  notice.Landlord
	Reference string // canonical lease reference
	// Names are the signatories, main first, "Céline LEFÈVRE".
	Names        []string
	Address      tenancy.Address
	DwellingType string // the ERP's "T2", "studio"…
	Start, End   tenancy.Date
	AsOf         tenancy.Date
	// OwedCents is what was due and unpaid on AsOf (OwedOn); 0 when the
	// tenant is up to date or in credit. Never negative.
	OwedCents int64
}

// NamesOf lists a lease's signatories as printed: first name then surname,
// the main signatory first, then in the ERP's order.
func NamesOf(l tenancy.Lease) []string {
	var main, others []string
	for _, s := range l.Signatories {
		n := strings.TrimSpace(strings.TrimSpace(s.FirstName) + " " + strings.TrimSpace(s.LastName))
		if n == "" {
			continue
		}
		if s.Main {
			main = append(main, n)
		} else {
			others = append(others, n)
		}
	}
	return append(main, others...)
}

// FactsOf gathers the facts of lease l on day asOf, with owed the amount
// OwedOn gives.
func FactsOf(landlord notice.Landlord, l tenancy.Lease, asOf tenancy.Date, owed int64) Facts {
	return Facts{Landlord: landlord, Reference: l.Reference, Names: NamesOf(l), Address: l.Address,
		DwellingType: l.DwellingType, Start: l.Start, End: l.End, AsOf: asOf, OwedCents: max(owed, 0)}
}

// Ended reports whether the lease had ended on AsOf (its end date is
// before AsOf): the certificate then says "a été locataire du … au …".
func (f Facts) Ended() bool { return !f.End.IsZero() && f.End.Before(f.AsOf) }

// Version is the fingerprint of the facts (16 hex of a SHA-256 of every
// fact, AsOf included): the same facts the same day give the same version,
// hence the same document (document.IssuedDocumentID); a payment, a new
// day or a changed name gives another.
func (f Facts) Version() string {
	var b strings.Builder
	field := func(s string) { b.WriteString(s); b.WriteByte(0) }
	field("tenancy-certificate-v1")
	field(f.Landlord.Name)
	field(strings.Join(f.Landlord.AddressLines, "\x1f"))
	field(f.Landlord.Phone)
	field(f.Reference)
	field(strings.Join(f.Names, "\x1f"))
	field(f.Address.Street)
	field(f.Address.Complement)
	field(f.Address.PostalCode)
	field(f.Address.City)
	field(f.DwellingType)
	field(f.Start.String())
	field(f.End.String())
	field(f.AsOf.String())
	field(strconv.FormatInt(f.OwedCents, 10))
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:8])
}

// Period is the month of issue, AAAA-MM: the certificate's period in "Mes
// documents".
func (f Facts) Period() string {
	return notice.Period{Year: f.AsOf.Year, Month: f.AsOf.Month}.String()
}

// Title is the document's title in "Mes documents".
func (f Facts) Title() string { return "Attestation de situation locative du " + Date(f.AsOf) }

// FileName is what the download is called:
// attestation-situation-locative-2026-11-30.pdf.
func (f Facts) FileName() string {
	return "attestation-situation-locative-" + f.AsOf.String() + ".pdf"
}

// Who is the signatories as the certificate's subject: "Céline LEFÈVRE et
// Julien LEFÈVRE".
func (f Facts) Who() string {
	switch n := len(f.Names); n {
	case 0:
		return "Le locataire"
	case 1:
		return f.Names[0]
	default:
		return strings.Join(f.Names[:n-1], ", ") + " et " + f.Names[n-1]
	}
}

func (f Facts) plural() bool { return len(f.Names) > 1 }

// Dwelling is the home as the certificate names it: "un logement de type
// T2 situé 4 allée des Tilleuls, Appartement 11, 92230 Gennevilliers".
func (f Facts) Dwelling() string {
	s := "un logement"
	if t := strings.TrimSpace(f.DwellingType); t != "" {
		s += " de type " + t
	}
	parts := []string{}
	for _, p := range []string{f.Address.Street, f.Address.Complement,
		strings.TrimSpace(f.Address.PostalCode + " " + f.Address.City)} {
		if p = strings.TrimSpace(p); p != "" {
			parts = append(parts, p)
		}
	}
	if len(parts) > 0 {
		s += " situé " + strings.Join(parts, ", ")
	}
	return s
}

// Tenancy is the sentence on the lease: "Céline LEFÈVRE et Julien LEFÈVRE
// sont locataires depuis le 15/03/2019 d'un logement … (contrat
// L/0001234567)", or, once ended, "… a été locataire du 01/09/2015 au
// 31/08/2026 d'un logement …".
func (f Facts) Tenancy() string {
	var verb string
	switch {
	case f.Ended() && f.plural():
		verb = "ont été locataires du " + Date(f.Start) + " au " + Date(f.End)
	case f.Ended():
		verb = "a été locataire du " + Date(f.Start) + " au " + Date(f.End)
	case f.plural():
		verb = "sont locataires depuis le " + Date(f.Start)
	default:
		verb = "est locataire depuis le " + Date(f.Start)
	}
	return f.Who() + " " + verb + " d’" + f.Dwelling() + ", au titre du contrat de location référence " +
		notice.PrintedReference(f.Reference) + "."
}

// Situation is the sentence on the account: "… est à jour de ses loyers et
// charges au 30/11/2026." or "… reste redevable de 350,00 € au
// 30/11/2026." (plural for several signatories).
func (f Facts) Situation() string {
	switch {
	case f.OwedCents <= 0 && f.plural():
		return f.Who() + " sont à jour de leurs loyers et charges au " + Date(f.AsOf) + "."
	case f.OwedCents <= 0:
		return f.Who() + " est à jour de ses loyers et charges au " + Date(f.AsOf) + "."
	case f.plural():
		return f.Who() + " restent redevables de " + Euros(f.OwedCents) + " au " + Date(f.AsOf) + "."
	default:
		return f.Who() + " reste redevable de " + Euros(f.OwedCents) + " au " + Date(f.AsOf) + "."
	}
}

// DueDate is when a debit dated d becomes due for a lease whose rent is
// due on dueDay: the first day on or after d that is the dueDay of its
// month (a notice debited on the 1st for a rent due on the 5th is due on
// the 5th; one debited on the 20th, on the 5th of the next month). A
// dueDay outside 1..28 (unknown) makes every debit due on its own date.
func DueDate(d tenancy.Date, dueDay int) tenancy.Date {
	if dueDay < 1 || dueDay > 28 || d.Day == dueDay {
		return d
	}
	if d.Day < dueDay {
		return tenancy.Date{Year: d.Year, Month: d.Month, Day: dueDay}
	}
	return tenancy.DateOf(d.Time().AddDate(0, 1, dueDay-d.Day))
}

// OwedOn is what was due and unpaid on day: the balance after the entries
// dated on or before day, less the monthly notices among them not yet due
// on day (DueDate after day), never below zero. Only notices wait for the
// due day: the lease sets when the rent is due, while a charges
// settlement or another debit is owed from its date, as the ledger shows
// it (the ERP dates such a debit with its own due date). Credits count
// from their date. entries must be every entry of the lease dated on or
// before day back to 31 days before it at least, newest first, each with
// its BalanceAfterCents (tenancy.EntryPage order); entries after day are
// ignored.
func OwedOn(entries []tenancy.Entry, dueDay int, day tenancy.Date) int64 {
	var balance int64
	found := false
	var notDue int64
	for _, e := range entries {
		if day.Before(e.Date) {
			continue
		}
		if !found {
			balance, found = e.BalanceAfterCents, true
		}
		if e.Kind == tenancy.Notice && e.DebitCents > 0 && day.Before(DueDate(e.Date, dueDay)) {
			notDue += e.DebitCents
		}
	}
	return max(balance-notDue, 0)
}

// LookBack is how far before the day OwedOn needs the entries: a notice
// not yet due on a day is dated at most a month before it.
const LookBack = 31

// Euros formats cents as "1 234,56 €", a narrow no-break space between
// the thousands and before "€", as the notices print amounts.
func Euros(cents int64) string {
	sign := ""
	u := uint64(cents)
	if cents < 0 {
		sign, u = "\u2212\u202F", uint64(-cents)
	}
	whole := strconv.FormatUint(u/100, 10)
	var b strings.Builder
	b.WriteString(sign)
	for i, d := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteString("\u202F")
		}
		b.WriteRune(d)
	}
	frac := u % 100
	b.WriteString("," + string(rune('0'+frac/10)) + string(rune('0'+frac%10)) + "\u202F€")
	return b.String()
}

// Date writes a civil date as JJ/MM/AAAA.
func Date(d tenancy.Date) string {
	return pad2(d.Day) + "/" + pad2(int(d.Month)) + "/" + strconv.Itoa(d.Year)
}

func pad2(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}
