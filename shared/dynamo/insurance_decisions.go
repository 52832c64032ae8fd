package dynamo

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/citejardins/extranet/shared/insurance"
	"github.com/citejardins/extranet/shared/tenancy"
)

// The landlord's side of the certificates, written by the import: the
// ERP's decisions (assurances files) and its "certificate required" flag
// (baux files).

// DecideInsurance applies the landlord's decision to the lease's
// certificate: its status, decidedOn and reason, and the lease's state
// (current certificate, end, next reminder; a refusal is to be mailed once,
// from today), in one transaction. It reports whether it wrote: the same
// decision again writes nothing. ErrUnknownLease for a lease that does not
// exist, insurance.ErrUnknownCertificate for an id the lease has no
// certificate for, insurance.ErrOlderDecision when the certificate holds a
// decision placed after d (d.Order lower than the stored order; the
// stored decidedOn stands in for an order stored before it; a decision
// without Order compares by day, the same day's replacing the stored one).
// A decision placed where the stored one is (the same line of the same
// file) is unchanged; the same status, day and reason from a later place
// write only the new order and report no change.
func (s *Store) DecideInsurance(ctx context.Context, ref string, d insurance.Decision, today tenancy.Date) (bool, error) {
	for try := 0; try < stateTries; try++ {
		li, err := s.readInsurance(ctx, ref)
		if err != nil {
			return false, err
		}
		c, ok := li.cert(d.ID)
		if !ok {
			exist, err := s.LeasesExist(ctx, []string{ref})
			if err != nil {
				return false, err
			}
			if !exist[ref] {
				return false, ErrUnknownLease
			}
			return false, insurance.ErrUnknownCertificate
		}
		same := c.Status == string(d.Status) && c.DecidedOn == d.On.String() && c.Reason == d.Reason
		stored := c.DecisionOrder
		if stored == "" {
			stored = c.DecidedOn
		}
		order := d.OrderOf()
		switch {
		case d.Order == "":
			// No place in a file (a decision made by hand): by day alone,
			// the same day's replacing the stored one.
			if same {
				return false, nil
			}
			if on := parseDate(c.DecidedOn); !on.IsZero() && d.On.Before(on) {
				return false, insurance.ErrOlderDecision
			}
		case stored != "" && order <= stored:
			if same || order == stored {
				return false, nil
			}
			return false, insurance.ErrOlderDecision
		}
		f := li.state
		f.Reminded = append([]string(nil), li.state.Reminded...)
		if li.raw == nil {
			// A certificate without a state (written before it): the state
			// starts here, with the lease's required flag unknown (false).
			f = stateFields{}
		}
		switch {
		case d.Status == insurance.Refused:
			f.Refusal = insurance.RefusalKey(d.ID, d.On)
		case f.Refusal != "" && f.Refusal == insurance.RefusalKey(d.ID, parseDate(c.DecidedOn)):
			// This certificate's refusal, not mailed yet, is replaced by an
			// acceptance: it is no longer to be said.
			f.Refusal = ""
		}
		certs := make([]certificateItem, len(li.certs))
		copy(certs, li.certs)
		for i := range certs {
			if certs[i].ID == d.ID {
				certs[i].Status, certs[i].DecidedOn, certs[i].Reason = string(d.Status), d.On.String(), d.Reason
			}
		}
		f = settle(ref, f, certs, today)
		state := statePut(s.tenancy, li, f)
		certUpdate := &types.Update{
			TableName:        &s.tenancy,
			Key:              keyOf(leasePK(ref), insuranceCertPfx+d.ID),
			UpdateExpression: aws.String("SET #st = :st, decidedOn = :on, reason = :r, decisionOrder = :ord"),
			// The certificate's decision as read: a concurrent decision
			// makes this one read again.
			ConditionExpression:      aws.String("attribute_exists(PK) AND #st = :was"),
			ExpressionAttributeNames: map[string]string{"#st": "status"},
			ExpressionAttributeValues: map[string]types.AttributeValue{
				":st": str(string(d.Status)), ":on": str(d.On.String()), ":r": str(d.Reason), ":was": str(c.Status),
				":ord": str(order),
			},
		}
		// The stored order as read, too: a concurrent decision of the same
		// status and day from another file makes this one read again.
		ordCond := " AND attribute_not_exists(decisionOrder)"
		if c.DecisionOrder != "" {
			ordCond = " AND decisionOrder = :wasord"
			certUpdate.ExpressionAttributeValues[":wasord"] = str(c.DecisionOrder)
		}
		if c.DecidedOn != "" {
			certUpdate.ConditionExpression = aws.String("attribute_exists(PK) AND #st = :was AND decidedOn = :wason" + ordCond)
			certUpdate.ExpressionAttributeValues[":wason"] = str(c.DecidedOn)
		} else {
			certUpdate.ConditionExpression = aws.String("attribute_exists(PK) AND #st = :was AND (attribute_not_exists(decidedOn) OR decidedOn = :empty)" + ordCond)
			certUpdate.ExpressionAttributeValues[":empty"] = str("")
		}
		_, err = s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
			{Update: certUpdate}, {Put: state},
		}})
		if cancelled(err) != nil {
			continue // moved meanwhile: read again
		}
		if err != nil {
			return false, fmt.Errorf("decide insurance certificate: %w", err)
		}
		return !same, nil
	}
	return false, fmt.Errorf("decide insurance certificate: %w", errStateMoved)
}

// LeaseRequirement is a lease's "certificate required" flag, as a baux
// file gives it.
type LeaseRequirement struct {
	Reference string
	Required  bool
	// Ended: the lease's date_fin is past on the import's day; its state
	// keeps it (ended), and no reminder is to come.
	Ended bool
}

// SyncInsuranceRequired keeps each lease's insurance state true to the
// ERP's flag: one read of the states (BatchGetItem, 100 a call); a lease
// that requires a certificate and has no state gets one, with a Missing
// reminder due today; a state whose flag differs is rewritten with its
// next reminder worked out again. It returns how many states it wrote.
func (s *Store) SyncInsuranceRequired(ctx context.Context, rs []LeaseRequirement, today tenancy.Date) (int, error) {
	written := 0
	for start := 0; start < len(rs); start += 100 {
		chunk := rs[start:min(start+100, len(rs))]
		items := make([]hashedItem, len(chunk))
		for i, r := range chunk {
			items[i] = hashedItem{pk: leasePK(r.Reference), sk: insuranceSK}
		}
		flags, err := s.storedFlags(ctx, items)
		if err != nil {
			return written, err
		}
		for _, r := range chunk {
			stored, exists := flags[r.Reference]
			if (!exists && !r.Required) || (exists && stored == (storedFlag{r.Required, r.Ended})) {
				continue
			}
			ok, err := s.changeState(ctx, r.Reference, today, func(li leaseInsurance, f *stateFields) (bool, error) {
				if li.raw != nil && f.Required == r.Required && f.Ended == r.Ended {
					return false, nil
				}
				f.Required, f.Ended = r.Required, r.Ended
				return true, nil
			})
			if err != nil {
				return written, fmt.Errorf("insurance required: %w", err)
			}
			if ok {
				written++
			}
		}
	}
	return written, nil
}

// storedFlag is a state's required and ended flags.
type storedFlag struct{ required, ended bool }

// storedFlags reads the required and ended flags of the states that exist,
// by reference.
func (s *Store) storedFlags(ctx context.Context, items []hashedItem) (map[string]storedFlag, error) {
	keys := make([]map[string]types.AttributeValue, 0, len(items))
	seen := map[string]bool{}
	for _, it := range items {
		if !seen[it.pk] {
			seen[it.pk] = true
			keys = append(keys, keyOf(it.pk, it.sk))
		}
	}
	out := map[string]storedFlag{}
	err := s.batchGet(ctx, s.tenancy, keys, "PK, required, ended", "read insurance states", func(it map[string]types.AttributeValue) error {
		pk, _ := it["PK"].(*types.AttributeValueMemberS)
		if pk == nil {
			return nil
		}
		b, _ := it["required"].(*types.AttributeValueMemberBOOL)
		e, _ := it["ended"].(*types.AttributeValueMemberBOOL)
		out[pk.Value[len("LEASE#"):]] = storedFlag{b != nil && b.Value, e != nil && e.Value}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
