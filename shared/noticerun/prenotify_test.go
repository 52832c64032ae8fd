package noticerun_test

import (
	"testing"

	"github.com/citejardins/extranet/shared/directdebit"
	"github.com/citejardins/extranet/shared/notice"
	"github.com/citejardins/extranet/shared/noticerun"
)

// A mandate signed on 30/11 debits first on 05/01 (FirstDebitOn, as the
// ERP is told): a late run of December's notice on 02/12 does not
// announce a December debit the ERP will not make; January's does.
func TestPreNotifyAnnouncesNothingBeforeTheFirstDebit(t *testing.T) {
	m := directdebit.Mandate{RUM: "EXTRANET-1234567-1", ICS: "FR72ZZZ123456", DebitDay: 5, Status: directdebit.Active,
		SignedOn: date("2026-11-30")}
	m.FirstDebitOn = directdebit.FirstDebit(m.SignedOn, m.DebitDay, 20)
	dec := notice.Notice{Reference: "1234567", Period: notice.Period{Year: 2026, Month: 12},
		IssueDate: date("2026-12-02"), DueDate: date("2026-12-01"), AmountDueCents: 80740}
	noticerun.PreNotify(&dec, m)
	if dec.DirectDebit != nil {
		t.Errorf("December's late notice announces %+v, before the first debit %s", *dec.DirectDebit, m.FirstDebitOn)
	}
	jan := notice.Notice{Reference: "1234567", Period: notice.Period{Year: 2027, Month: 1},
		IssueDate: date("2026-12-20"), DueDate: date("2027-01-01"), AmountDueCents: 80740}
	noticerun.PreNotify(&jan, m)
	if jan.DirectDebit == nil || jan.DirectDebit.Date != m.FirstDebitOn || jan.DirectDebit.Date != date("2027-01-05") {
		t.Errorf("January's notice announces %+v, want the first debit 2027-01-05", jan.DirectDebit)
	}
}
