package noticerun

import (
	"context"
	"fmt"
	"html"
	"strings"

	"github.com/citejardins/extranet/shared/directdebit"
	"github.com/citejardins/extranet/shared/notice"
	"github.com/citejardins/extranet/shared/tenancy"
)

// Mandates gives a lease's SEPA mandate in force on a day
// (directdebit.Service.Active, which first records a lapse due: the
// monthly run is where a mandate 36 months without a debit is marked
// lapsed and exported, even for a tenant who never signs in).
type Mandates interface {
	Active(ctx context.Context, ref string, day tenancy.Date) (directdebit.Mandate, bool, error)
}

// PreNotify makes n carry the pre-notification of mandate m: the debit on
// m's debit day of n's period or, when that is less than 14 days after n's
// issue date, on the 14th day after it (directdebit.PreNotifiedDate), of
// the amount n asks (nothing is debited, and nothing announced, when it is
// zero), with m's RUM and ICS. The notice is the pre-notification the EPC
// SEPA Core rulebook asks for (PT-04.03): at least 14 calendar days ahead
// whatever the run's day (a late run, NoticeDay 20 before a 5 March).
// A debit before m's first debit (FirstDebitOn, what the ERP was told: a
// late run of a period whose notice was due before the signature) is not
// announced: n keeps the lease's own way to pay.
func PreNotify(n *notice.Notice, m directdebit.Mandate) {
	day := directdebit.PreNotifiedDate(n.Period.Year, n.Period.Month, m.DebitDay, n.IssueDate)
	if !m.FirstDebitOn.IsZero() && day.Before(m.FirstDebitOn) {
		return
	}
	n.DirectDebit = &notice.DirectDebit{Date: day, AmountCents: n.AmountDueCents, RUM: m.RUM, ICS: m.ICS}
}

// WithDebit adds to a notice's mail the debit the notice announces (dd,
// from PreNotify): its date, the mandate's RUM and the creditor's ICS,
// and that the amount is on the notice. The mail keeps no amount, as
// NoticeMail says why: the notice behind the login is the
// pre-notification, the mail points to it. m unchanged when dd announces
// nothing (no mandate of the portal, or nothing to pay).
func WithDebit(m Mail, dd *notice.DirectDebit) Mail {
	if dd == nil || dd.RUM == "" || dd.AmountCents <= 0 {
		return m
	}
	day := fmt.Sprintf("%02d/%02d/%04d", dd.Date.Day, int(dd.Date.Month), dd.Date.Year)
	line := "Prélèvement automatique\u00A0: votre compte sera débité le " + day + " du montant indiqué sur l’avis " +
		"(mandat RUM " + dd.RUM + ", créancier ICS " + dd.ICS + ")."
	m.Text = strings.Replace(m.Text, "\n\nL’équipe Extranet Locataire\n", "\n\n"+line+"\n\nL’équipe Extranet Locataire\n", 1)
	m.HTML = strings.Replace(m.HTML, "<p>L’équipe Extranet Locataire</p>", "<p>"+html.EscapeString(line)+"</p>\n<p>L’équipe Extranet Locataire</p>", 1)
	return m
}
