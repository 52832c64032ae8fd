// Package directdebit holds the rules of the SEPA Core direct-debit mandate
// a tenant signs in the portal: its unique reference (RUM), the creditor
// identifier (ICS), the mandated wording on the refund right, the statuses
// (active, revoked, lapsed after 36 months without a debit) and the
// pre-notification a notice carries. Standard library only.
package directdebit

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/citejardins/extranet/shared/tenancy"
)

// Status is a mandate's state.
type Status string

// Mandate statuses.
const (
	Active  Status = "active"
	Revoked Status = "revoked" // by the tenant, or replaced by a newer mandate
	Lapsed  Status = "lapsed"  // 36 months without a debit (LapseAfterMonths)
)

// Recurrent is the only mandate type the portal makes (SEPA Core, FRST/RCUR
// sequence): a mandate for the monthly rent.
const Recurrent = "recurrent"

// Mandate is one SEPA Core mandate of a lease. Dates are civil dates
// (Europe/Paris); SignedAt is the instant of the electronic signature.
type Mandate struct {
	RUM string // référence unique du mandat, ≤ MaxRUM characters
	ICS string // identifiant créancier SEPA (the landlord's)
	// The creditor (the landlord) and the debtor: the holder of the
	// debited account (EPC SEPA Core rulebook, AT-14), at the lease's
	// address when the tenant holds it, with no address otherwise (not
	// asked of a third party; Subscribe).
	CreditorName    string
	CreditorAddress []string // lines as printed
	DebtorName      string
	DebtorAddress   tenancy.Address
	// OnBehalfOf is the lease's main signatory when the holder is another
	// person: the party the debit is for ("tiers débiteur", AT-15), with
	// the lease's Reference. Empty when the tenant holds the account.
	OnBehalfOf, Reference string
	// The debited account: IBAN (electronic form, no spaces), BIC and its
	// holder's name as typed.
	IBAN, BIC, Holder string
	Type              string // Recurrent
	SignedAt          time.Time
	SignedOn          tenancy.Date
	Place             string // the debtor's city
	DebitDay          int    // day of the month of each debit
	// FirstDebitOn is the first debit the ERP may collect (FirstDebit:
	// the first notice issued after the signature announces it).
	FirstDebitOn tenancy.Date
	Status       Status
	RevokedOn    tenancy.Date // zero unless revoked
	LapsedOn     tenancy.Date // zero unless lapsed
	LastDebitOn  tenancy.Date // zero when none seen yet
	// DocumentID is the mandate's PDF in "Mes documents" (kind
	// sepa_mandate); DocumentKey its object in the documents bucket.
	DocumentID, DocumentKey string
}

// MaxRUM is the length of a RUM at most (EPC SEPA Core rulebook, AT-01:
// 35 characters).
const MaxRUM = 35

// rumPrefix starts every RUM the portal makes; the ERP's own mandates, if
// any, use other references.
const rumPrefix = "EXTRANET-"

// MaxSeq is the largest sequence number RUM accepts: with a reference of
// at most tenancy.MaxReferenceDigits digits, the RUM stays ≤ MaxRUM.
const MaxSeq = 999_999_999_999_999 // 15 digits: 9 + 10 + 1 + 15 = 35

// RUM is the reference of lease ref's seq-th mandate (seq ≥ 1):
// EXTRANET-<ref>-<seq>, e.g. EXTRANET-1234567-1. It is unique because a
// reference names one lease and a lease's seq only grows (the DIRECTDEBIT
// item's counter, DESIGN.md pattern 21), at most MaxRUM characters, and
// written in the SEPA identifier character set (letters, digits, '-').
// Errors: a reference that is not canonical (1 to 10 digits, no leading
// zero), a seq outside 1..MaxSeq.
func RUM(ref string, seq int64) (string, error) {
	if ref == "" || ref[0] == '0' || len(ref) > tenancy.MaxReferenceDigits || strings.Trim(ref, "0123456789") != "" {
		return "", fmt.Errorf("rum: reference %q is not 1 to %d digits, no leading zero", ref, tenancy.MaxReferenceDigits)
	}
	if seq < 1 || seq > MaxSeq {
		return "", fmt.Errorf("rum: sequence %d outside 1..%d", seq, int64(MaxSeq))
	}
	return rumPrefix + ref + "-" + strconv.FormatInt(seq, 10), nil
}

// ValidRUM reports whether s is a RUM the portal could have made.
func ValidRUM(s string) bool {
	rest, ok := strings.CutPrefix(s, rumPrefix)
	if !ok || len(s) > MaxRUM {
		return false
	}
	ref, seq, ok := strings.Cut(rest, "-")
	if !ok {
		return false
	}
	n, err := strconv.ParseInt(seq, 10, 64)
	if err != nil || strconv.FormatInt(n, 10) != seq {
		return false
	}
	got, err := RUM(ref, n)
	return err == nil && got == s
}

// Wording is the text a SEPA Core mandate must carry on the debtor's
// authorisation and refund right, in French, for creditor (the EPC SEPA
// Core rulebook's standard mandate text, EPC016, as French banks print
// it): the authorisation (A)/(B), the refund within 8 weeks of an
// authorised debit, and where the rights are explained.
func Wording(creditor string) string {
	return "En signant ce formulaire de mandat, vous autorisez (A) " + creditor +
		" à envoyer des instructions à votre banque pour débiter votre compte, et (B) votre banque à débiter votre compte conformément aux instructions de " +
		creditor + ". Vous bénéficiez du droit d’être remboursé par votre banque selon les conditions décrites dans la convention que vous avez passée avec elle. " +
		"Une demande de remboursement doit être présentée dans les 8 semaines suivant la date de débit de votre compte pour un prélèvement autorisé. " +
		"Vos droits concernant le présent mandat sont expliqués dans un document que vous pouvez obtenir auprès de votre banque."
}

// LapseAfterMonths is how long a mandate lives without a debit: a mandate
// with no collection presented for 36 months lapses and may no longer be
// used (EPC SEPA Core rulebook, section 4.7.3 (PT-04.08); Banque de
// France, "Le prélèvement SEPA": "un mandat pour lequel aucun ordre de
// prélèvement n'a été présenté pendant 36 mois devient caduc").
const LapseAfterMonths = 36

// LapsesOn is the day m lapses if no debit comes first: 36 months after
// its last debit, or after its signature when it had none. A 29th, 30th
// or 31st with no such day 36 months later lapses on the next month's
// first (time.AddDate's normalisation).
func (m Mandate) LapsesOn() tenancy.Date {
	from := m.SignedOn
	if !m.LastDebitOn.IsZero() && from.Before(m.LastDebitOn) {
		from = m.LastDebitOn
	}
	return tenancy.DateOf(from.Time().AddDate(0, LapseAfterMonths, 0))
}

// StatusOn is m's status on day: revoked from its revocation day, lapsed
// from its lapse (recorded, or LapsesOn reached), active otherwise.
func (m Mandate) StatusOn(day tenancy.Date) Status {
	switch {
	case m.Status == Revoked || (!m.RevokedOn.IsZero() && !day.Before(m.RevokedOn)):
		return Revoked
	case m.Status == Lapsed || !day.Before(m.LapsesOn()):
		return Lapsed
	}
	return Active
}

// LastDebit is the date of the last debit of mandate m in a lease's ledger
// entries, zero when none. A debit is a payment the ERP recorded (kind
// payment, a credit, not a provisional entry of an online payment) dated
// on or after the signature, while the lease pays by direct debit: the
// ERP's ledger does not say how each payment came, but a lease whose
// method is direct debit is paid by its collections. The portal's own
// online payments are told apart: by their provisional ids, and once the
// ERP booked them, by their id_paiement (Entry.PaymentID). A later
// LastDebitOn already on m is kept.
func LastDebit(m Mandate, method tenancy.PaymentMethod, entries []tenancy.Entry) tenancy.Date {
	last := m.LastDebitOn
	if method != tenancy.DirectDebit {
		return last
	}
	for _, e := range entries {
		if e.Kind != tenancy.PaymentReceived || e.CreditCents <= 0 || e.PaymentID != "" ||
			strings.HasPrefix(e.ID, tenancy.ProvisionalEntryPrefix) {
			continue
		}
		if e.Date.Before(m.SignedOn) {
			continue
		}
		if last.IsZero() || last.Before(e.Date) {
			last = e.Date
		}
	}
	return last
}

// ErrICS is returned for a creditor identifier that is not a French ICS.
var ErrICS = errors.New("not a French SEPA creditor identifier (FRkk ZZZ nnnnnn)")

// NormalizeICS checks a French SEPA creditor identifier and returns it in
// its electronic form (upper case, no spaces): FR, two check digits, a
// three-character creditor business code (ZZZ when none), and the six
// characters of the national identifier, 13 characters in all (EPC262-08,
// "Creditor Identifier Overview"; Banque de France). The check digits are
// ISO 7064 mod 97-10 over the national identifier followed by FR00, the
// business code left out. ErrICS otherwise.
func NormalizeICS(s string) (string, error) {
	ics := strings.ToUpper(strings.Join(strings.Fields(s), ""))
	if len(ics) != 13 || !strings.HasPrefix(ics, "FR") {
		return "", ErrICS
	}
	for i := 2; i < 13; i++ {
		c := ics[i]
		digit := c >= '0' && c <= '9'
		if i < 4 && !digit || !digit && (c < 'A' || c > 'Z') {
			return "", ErrICS
		}
	}
	if !checkDigitsOK(ics) {
		return "", ErrICS
	}
	return ics, nil
}

// checkDigitsOK verifies a creditor identifier's check digits: mod 97 of
// <national id><country>00, letters as 10..35, is 98 less the digits.
func checkDigitsOK(ci string) bool {
	var b strings.Builder
	for _, c := range ci[7:] + ci[:2] + "00" {
		if c >= 'A' && c <= 'Z' {
			b.WriteString(strconv.Itoa(int(c-'A') + 10))
		} else {
			b.WriteRune(c)
		}
	}
	n, ok := new(big.Int).SetString(b.String(), 10)
	if !ok {
		return false
	}
	r := new(big.Int).Mod(n, big.NewInt(97)).Int64()
	want, err := strconv.Atoi(ci[2:4])
	return err == nil && int(98-r) == want
}

// DefaultDebitDays is DIRECT_DEBIT_DAYS when unset.
const DefaultDebitDays = "5,10"

// ParseDebitDays reads the debit days offered (DIRECT_DEBIT_DAYS): days of
// the month 1 to 28, comma-separated, each once, e.g. "5,10". Empty is
// DefaultDebitDays.
func ParseDebitDays(s string) ([]int, error) {
	if strings.TrimSpace(s) == "" {
		s = DefaultDebitDays
	}
	var days []int
	for _, f := range strings.Split(s, ",") {
		d, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || d < 1 || d > 28 {
			return nil, fmt.Errorf("debit days %q: each must be a day 1 to 28", s)
		}
		for _, x := range days {
			if x == d {
				return nil, fmt.Errorf("debit days %q: day %d twice", s, d)
			}
		}
		days = append(days, d)
	}
	return days, nil
}

// DebitDate is the day a mandate debiting on day debitDay (1 to 28) debits
// the rent of the month of year/month.
func DebitDate(year int, month time.Month, debitDay int) tenancy.Date {
	return tenancy.Date{Year: year, Month: month, Day: debitDay}
}

// PreNotificationDays is the least number of calendar days between a
// debit's pre-notification and the debit: the EPC SEPA Core rulebook
// (PT-04.03) asks for 14 unless debtor and creditor agreed a shorter
// delay, and the portal's mandate agrees none.
const PreNotificationDays = 14

// PreNotifiedDate is the debit date a notice issued on issued announces for
// the rent of year/month under a mandate debiting on debitDay: the
// mandate's day in that month (DebitDate) or, when that is less than
// PreNotificationDays after the issue date, the day PreNotificationDays
// after it (e.g. a notice issued on 20 February for March, debit day 5:
// 6 March, not 5 March, 13 days on). The ERP must not collect before it
// (shared/erp/FORMAT.md).
func PreNotifiedDate(year int, month time.Month, debitDay int, issued tenancy.Date) tenancy.Date {
	d := DebitDate(year, month, debitDay)
	if earliest := tenancy.DateOf(issued.Time().AddDate(0, 0, PreNotificationDays)); d.Before(earliest) {
		return earliest
	}
	return d
}

// DefaultNoticeDay is the template's NoticeDay: the day of the month the
// coming month's notices are issued.
const DefaultNoticeDay = 20

// FirstDebit is the first debit of a mandate signed on signedOn with debit
// day debitDay when the notices are issued on noticeDay (1 to 28, the
// month before their period; 0 is DefaultNoticeDay): the debit of the
// first period whose notice is issued after the signature, on the date
// that notice announces (PreNotifiedDate). A mandate signed on the notice
// day itself counts as signed after that day's run. Every earlier debit
// would be unannounced: the notice of its period went out without it.
// E.g. signed 30/11 (NoticeDay 20, day 5): January's notice, issued
// 20/12, announces 05/01.
func FirstDebit(signedOn tenancy.Date, debitDay, noticeDay int) tenancy.Date {
	if noticeDay < 1 || noticeDay > 28 {
		noticeDay = DefaultNoticeDay
	}
	issue := tenancy.Date{Year: signedOn.Year, Month: signedOn.Month, Day: noticeDay}
	if !signedOn.Before(issue) {
		issue = tenancy.DateOf(issue.Time().AddDate(0, 1, 0))
	}
	period := issue.Time().AddDate(0, 1, 0)
	return PreNotifiedDate(period.Year(), period.Month(), debitDay, issue)
}

// Fingerprint is 16 hex of a hash of everything the mandate's PDF states:
// its document's version (document.IssuedDocumentID) and part of its key.
func (m Mandate) Fingerprint() string {
	h := sha256.New()
	for _, s := range []string{m.RUM, m.ICS, m.CreditorName, strings.Join(m.CreditorAddress, "\n"), m.DebtorName,
		m.DebtorAddress.Street, m.DebtorAddress.Complement, m.DebtorAddress.PostalCode, m.DebtorAddress.City,
		m.IBAN, m.BIC, m.Holder, m.Type, m.SignedAt.UTC().Format(time.RFC3339Nano), m.SignedOn.String(), m.Place,
		strconv.Itoa(m.DebitDay), m.OnBehalfOf, m.Reference, m.FirstDebitOn.String()} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// PreNotification is what a notice tells a tenant with an active mandate
// before the debit (EPC SEPA Core rulebook, PT-04.03: the debtor is told
// the amount and date of each collection, 14 days ahead unless agreed
// otherwise; the notice, sent at the start of the month, is that
// notification).
type PreNotification struct {
	Date        tenancy.Date
	AmountCents int64
	RUM, ICS    string
}
