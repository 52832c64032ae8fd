package noticerun

import (
	"context"

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
// m's debit day of n's period, of the amount n asks (nothing is debited,
// and nothing announced, when it is zero), with m's RUM and ICS. The
// notice is the pre-notification the EPC SEPA Core rulebook asks for
// (PT-04.03), sent at least 14 days ahead when the run issues it before
// the month (DESIGN.md).
func PreNotify(n *notice.Notice, m directdebit.Mandate) {
	n.DirectDebit = &notice.DirectDebit{Date: directdebit.DebitDate(n.Period.Year, n.Period.Month, m.DebitDay),
		AmountCents: n.AmountDueCents, RUM: m.RUM, ICS: m.ICS}
}
