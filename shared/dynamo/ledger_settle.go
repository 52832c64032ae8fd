package dynamo

import (
	"cmp"
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/citejardins/extranet/shared/tenancy"
)

// The ERP's line of an online payment replaces the payment's provisional
// entries (DESIGN.md, "Payments, bank details and direct debit", pattern
// 11). The payments function writes a payment's provisional entries, its
// item's creditedCents (their net credit) and entryDate (their date) in one
// transaction conditioned on the item's version, and never again once the
// item has settledBy. So the payment item, read first, says which entries
// to delete and by how much the balance moves, and the settling
// transaction, conditioned on the version read, cannot miss a credit the
// webhook made meanwhile: it fails, and SyncEntries reads again.

// settleCheckoutPfx starts the sort key of a lease's online payment.
const settleCheckoutPfx = "CHECKOUT#"

// settlingPayment is what the import reads of an online payment.
type settlingPayment struct {
	SK            string
	CreditedCents int64  `dynamodbav:"creditedCents"`
	EntryDate     string `dynamodbav:"entryDate"`
	// RefundEntryDate is the refund's date when it differs (the day of the
	// refund); empty, the refund is on EntryDate.
	RefundEntryDate string `dynamodbav:"refundEntryDate"`
	SettledBy       string `dynamodbav:"settledBy"`
	Version         int64  `dynamodbav:"version"`
	// namedBy is a stored (unchanged) ERP entry of the file that names
	// the payment while it has provisional entries.
	namedBy string
}

func (p *settlingPayment) id() string { return strings.TrimPrefix(p.SK, settleCheckoutPfx) }

// provisionalSKs are the keys of a payment's provisional entries: the
// credit on the payment's entryDate, its refund on refundEntryDate (or
// entryDate). A key with no item deletes nothing.
func (p *settlingPayment) provisionalSKs() []string {
	var sks []string
	id := tenancy.ProvisionalEntryPrefix + p.id()
	if p.EntryDate != "" {
		sks = append(sks, entryPfx+p.EntryDate+"#"+id)
	}
	if d := cmp.Or(p.RefundEntryDate, p.EntryDate); d != "" {
		sks = append(sks, entryPfx+d+"#"+id+"-refund")
	}
	return sks
}

// paymentsToSettle reads (strongly, BatchGetItem) the lease's payments
// that the import may settle: those named by a new or changed ERP entry,
// those with provisional entries named by a stored ERP entry of the file,
// and in a snapshot, those of every provisional entry (to drop those of a
// settled payment). A payment id the lease does not have is not in the map.
func (s *Store) paymentsToSettle(ctx context.Context, ref string, changed, entries []tenancy.Entry,
	provisional map[string][]entryItem, snapshot bool) (map[string]*settlingPayment, error) {
	want := map[string]string{} // payment id → a stored ERP entry naming it, or ""
	for _, e := range changed {
		if e.PaymentID != "" {
			want[e.PaymentID] = ""
		}
	}
	isChanged := make(map[string]bool, len(changed))
	for _, e := range changed {
		isChanged[e.ID] = true
	}
	for _, e := range entries {
		if _, w := want[e.PaymentID]; e.PaymentID != "" && !w && !isChanged[e.ID] && len(provisional[e.PaymentID]) > 0 {
			want[e.PaymentID] = e.ID
		}
	}
	if snapshot {
		for id := range provisional {
			if _, w := want[id]; !w && id != "" {
				want[id] = ""
			}
		}
	}
	pays := make(map[string]*settlingPayment, len(want))
	if len(want) == 0 {
		return pays, nil
	}
	keys := make([]map[string]types.AttributeValue, 0, len(want))
	for id := range want {
		keys = append(keys, keyOf(leasePK(ref), settleCheckoutPfx+id))
	}
	for start := 0; start < len(keys); start += 100 {
		err := s.batchGet(ctx, s.tenancy, keys[start:min(start+100, len(keys))],
			"SK, creditedCents, entryDate, refundEntryDate, settledBy, version", "read payments",
			func(av map[string]types.AttributeValue) error {
				var p settlingPayment
				if err := attributevalue.UnmarshalMap(av, &p); err != nil {
					return fmt.Errorf("decode payment: %w", err)
				}
				p.namedBy = want[p.id()]
				pays[p.id()] = &p
				return nil
			})
		if err != nil {
			return nil, err
		}
	}
	return pays, nil
}

// settle adds to u the settlement of p by the ERP entry entryID: its
// provisional entries deleted, the balance moved back by what they credit,
// and the payment marked settled (creditedCents 0, version + 1),
// conditioned on the version read and on no settlement yet.
func (s *Store) settle(u *ledgerUnit, ref string, p *settlingPayment, entryID string, final map[string]entryItem) {
	for _, sk := range p.provisionalSKs() {
		u.writes = append(u.writes, types.TransactWriteItem{Delete: &types.Delete{TableName: &s.tenancy, Key: keyOf(leasePK(ref), sk)}})
		delete(final, sk)
	}
	u.delta += p.CreditedCents
	u.writes = append(u.writes, s.settlementUpdate(ref, p, "SET settledBy = :by, creditedCents = :zero, version = :next",
		" AND attribute_not_exists(settledBy)", map[string]types.AttributeValue{":by": str(entryID)}))
}

// dropSettled adds to u the deletion of the provisional entries left to a
// settled payment (each conditioned on being there, as read) and its
// creditedCents set to 0.
func (s *Store) dropSettled(u *ledgerUnit, ref string, p *settlingPayment, provs []entryItem, final map[string]entryItem) {
	for _, it := range provs {
		u.writes = append(u.writes, types.TransactWriteItem{Delete: &types.Delete{TableName: &s.tenancy, Key: keyOf(it.PK, it.SK),
			ConditionExpression: aws.String("attribute_exists(PK)")}})
		u.delta -= it.Debit - it.Credit
		delete(final, it.SK)
	}
	u.writes = append(u.writes, s.settlementUpdate(ref, p, "SET creditedCents = :zero, version = :next", "", nil))
}

// settlementUpdate updates the payment item conditioned on the version read.
func (s *Store) settlementUpdate(ref string, p *settlingPayment, update, cond string, values map[string]types.AttributeValue) types.TransactWriteItem {
	if values == nil {
		values = map[string]types.AttributeValue{}
	}
	values[":zero"], values[":next"] = num(0), num(p.Version+1)
	version := "version = :v"
	if p.Version == 0 {
		version = "attribute_not_exists(version)"
	} else {
		values[":v"] = num(p.Version)
	}
	return types.TransactWriteItem{Update: &types.Update{TableName: &s.tenancy, Key: keyOf(leasePK(ref), p.SK),
		UpdateExpression: aws.String(update), ConditionExpression: aws.String("attribute_exists(PK) AND " + version + cond),
		ExpressionAttributeValues: values}}
}
