package noticerun_test

// Review of issue 10: see /work/wt/review10b/README.md.

import (
	"testing"

	"github.com/citejardins/extranet/shared/directdebit"
	"github.com/citejardins/extranet/shared/notice"
	"github.com/citejardins/extranet/shared/noticerun"
)

// The SEPA Core rulebook (PT-04.03) and PRODUCT.md: the debit is
// pre-notified 14 days ahead unless a shorter delay was agreed, and the
// mandate the portal signs agrees none. PreNotify announces the debit on
// the mandate's day of the notice's period whatever the notice's issue
// date: a notice issued on 30/11 (a run on the stack, a late run, a
// NoticeDay of 20 with a debit day of 1, or NoticeDay 28 with the default
// days 5 and 10: both settings allow it) pre-notifies a debit 5 days later.
func TestReview10b_PreNotificationIsAtLeast14DaysBeforeTheDebit(t *testing.T) {
	m := directdebit.Mandate{RUM: "EXTRANET-1234567-1", ICS: "FR72ZZZ123456", DebitDay: 5, Status: directdebit.Active,
		SignedOn: date("2026-11-02")}
	for _, issued := range []string{"2026-11-20", "2026-11-28", "2026-11-30"} {
		n := notice.Notice{Reference: "1234567", Period: notice.Period{Year: 2026, Month: 12},
			IssueDate: date(issued), DueDate: date("2026-12-01"), AmountDueCents: 80740}
		noticerun.PreNotify(&n, m)
		dd := n.DirectDebit
		if dd == nil || dd.AmountCents == 0 {
			continue // nothing announced: nothing debited without notice
		}
		if days := int(dd.Date.Time().Sub(n.IssueDate.Time()).Hours() / 24); days < 14 {
			t.Errorf("notice issued %s pre-notifies a debit on %s, %d days later; the rulebook wants 14", issued, dd.Date, days)
		}
	}
}
